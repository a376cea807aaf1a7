"""The release record: the one shape every part of the archive agrees on."""

from __future__ import annotations

import hashlib
import json
from dataclasses import asdict, dataclass, field
from typing import Any


@dataclass
class Speaker:
    """A person to whom words are attributed in a release, with the quotes attributed to them."""

    name: str
    title: str = ""
    quotes: list[str] = field(default_factory=list)


@dataclass
class Release:
    """One press release as the archive holds it.

    ``date`` keeps the precision the source gave: ``YYYY``, ``YYYY-MM`` or ``YYYY-MM-DD``.
    ``source`` is the path relative to the indexed root (``#L<n>`` for a JSONL record), so a reader
    can always go back to the file.
    """

    id: str
    title: str
    source: str
    paragraphs: list[str]
    subtitle: str = ""
    date: str = ""
    dateline: str = ""
    wire: str = ""
    issuer: str = ""
    speakers: list[Speaker] = field(default_factory=list)
    topics: list[str] = field(default_factory=list)
    tags: list[str] = field(default_factory=list)
    url: str = ""
    site: str = ""
    language: str = "en"
    format: str = ""
    word_count: int = 0
    content_hash: str = ""

    def __post_init__(self) -> None:
        if not self.word_count:
            self.word_count = sum(len(p.split()) for p in self.paragraphs)
        if not self.content_hash:
            self.content_hash = self.compute_hash()

    @property
    def date_precision(self) -> str:
        """``day``, ``month``, ``year`` or ``""`` when the release carries no date."""
        return {10: "day", 7: "month", 4: "year"}.get(len(self.date), "")

    @property
    def text(self) -> str:
        return "\n\n".join(self.paragraphs)

    def compute_hash(self) -> str:
        """A hash of what the release says (not where it came from), to spot changed records."""
        payload = json.dumps(
            [self.title, self.subtitle, self.date, self.url, self.paragraphs, self.tags, self.issuer],
            ensure_ascii=False,
        )
        return hashlib.sha1(payload.encode("utf-8")).hexdigest()

    def to_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data["date_precision"] = self.date_precision
        return data

    def to_json(self) -> str:
        return json.dumps(self.to_dict(), ensure_ascii=False)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Release:
        known = {k: v for k, v in data.items() if k in cls.__dataclass_fields__}
        known["speakers"] = [Speaker(**s) for s in data.get("speakers", [])]
        return cls(**known)

    @classmethod
    def from_json(cls, text: str) -> Release:
        return cls.from_dict(json.loads(text))
