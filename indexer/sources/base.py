"""What a source reader hands to extraction: the release as the file states it, before interpretation."""

from __future__ import annotations

from dataclasses import dataclass, field


class SkipFile(Exception):
    """A file (or record) that cannot become a release; the message is the reason shown to the user.

    ``source`` names the record (``file.jsonl#L7``) when only part of a file was skipped.
    """

    def __init__(self, reason: str, source: str = "") -> None:
        super().__init__(reason)
        self.source = source


@dataclass
class Draft:
    source: str
    format: str
    title: str = ""
    subtitle: str = ""
    paragraphs: list[str] = field(default_factory=list)
    meta_date: str = ""
    url: str = ""
    tags: list[str] = field(default_factory=list)
    site_name: str = ""
    publisher: str = ""
    author: str = ""
    author_role: str = ""
    language: str = ""
    record_key: str = ""
