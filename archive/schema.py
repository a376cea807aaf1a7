"""The Whoosh schema and the mapping from a Release to an index document.

Text fields serve the query language (``title:``, ``speaker:`` …); ``f_*`` keyword fields feed the facet
tables; ``day`` is a sortable column for dates; ``record`` keeps the whole release, compressed.
"""

from __future__ import annotations

import hashlib
import re
import zlib
from collections.abc import Iterator
from functools import cache
from typing import Any

from whoosh import fields
from whoosh.analysis import StandardAnalyzer, StemmingAnalyzer

from archive.model import Release

FACET_FIELDS = {"speaker": "f_speaker", "topic": "f_topic", "issuer": "f_issuer", "tag": "f_tag", "wire": "f_wire",
                "status": "f_status"}
NO_DATE = 0


class Postings(list):
    """A field value analysed ahead of time: ``(term bytes, frequency, weight, encoded positions)`` tuples."""


class AnalysedText(fields.TEXT):
    """A TEXT field that also takes :class:`Postings`, so analysis can run in the parsing workers.

    Tokenising, stemming and encoding positions is ~40 % of Whoosh's per-document cost; done beside parsing
    on the other cores, the one writer only pools postings.
    """

    def index(self, value: Any, **kwargs: Any) -> Iterator[tuple[bytes, int, float, bytes]]:
        if isinstance(value, Postings):
            return iter(value)
        return super().index(value, **kwargs)


# Whoosh's word pattern, after names it would cut apart: AT&T, R&D, S&P, C++, C#, 401(k), 501(c)(3).
TOKEN_PATTERN = r"\w+(?:[&+]\w+)+|\w+(?:\(\w{1,3}\))+|\w+\+\+|\w+#(?!\w)|\w+(?:\.?\w+)*"


def build_schema() -> fields.Schema:
    stem = StemmingAnalyzer(expression=TOKEN_PATTERN)
    plain = StandardAnalyzer(expression=TOKEN_PATTERN, stoplist=None)
    keyword = dict(commas=True, lowercase=False, scorable=False, stored=False)
    return fields.Schema(
        id=fields.ID(stored=True, unique=True),
        title=AnalysedText(analyzer=stem, field_boost=3.0, phrase=True),
        text=AnalysedText(analyzer=stem, phrase=True),
        exact=AnalysedText(analyzer=plain, phrase=True),
        speaker=AnalysedText(analyzer=plain, phrase=True),
        issuer=AnalysedText(analyzer=plain, phrase=True),
        topic=AnalysedText(analyzer=plain, phrase=True),
        tag=AnalysedText(analyzer=plain, phrase=True),
        wire=AnalysedText(analyzer=plain, phrase=True),
        source=AnalysedText(analyzer=plain, phrase=True),
        status=AnalysedText(analyzer=plain, phrase=False),
        day=fields.NUMERIC(numtype=int, bits=32, sortable=True, stored=False),
        f_speaker=fields.KEYWORD(**keyword),
        f_topic=fields.KEYWORD(**keyword),
        f_issuer=fields.KEYWORD(**keyword),
        f_tag=fields.KEYWORD(**keyword),
        f_wire=fields.KEYWORD(**keyword),
        f_dup=fields.KEYWORD(**keyword),
        f_status=fields.KEYWORD(**keyword),
        record=fields.STORED(),
    )


def day_number(date: str) -> int:
    """``YYYY[-MM[-DD]]`` as an int ``YYYYMMDD`` (missing parts as 00), 0 when there is no date."""
    if not date:
        return NO_DATE
    parts = (date.split("-") + ["00", "00"])[:3]
    return int("".join(p.zfill(2) for p in parts))


def _facet_value(value: str) -> str:
    # Commas separate keywords, so a value's own commas become a look-alike that displays the same.
    return value.replace(",", "\u201a").strip()


def duplicate_keys(release: Release) -> list[str]:
    """Keys that two copies of one release share: same normalised title and date, or the same text."""
    title = re.sub(r"[^a-z0-9]+", "", release.title.lower())
    body = re.sub(r"[^a-z0-9]+", "", " ".join(release.paragraphs).lower())
    keys = []
    if title and release.date:
        keys.append("t" + hashlib.sha1(f"{title}|{release.date}".encode()).hexdigest()[:16])
    if len(body) >= 200:
        keys.append("b" + hashlib.sha1(body.encode()).hexdigest()[:16])
    return keys


def to_document(release: Release, status: str = "published", former_titles: list[str] | None = None,
                key: str = "") -> dict[str, Any]:
    """The index document of a release. ``status`` is its ``status`` facet value (``archive/versions.py``);
    ``former_titles`` (headlines of earlier versions) are searched as title words; ``key`` is the document's
    key when it is not the release id (an earlier version's ``<id>~<n>``)."""
    names = [s.name for s in release.speakers]
    formerly = "\n".join(former_titles or [])
    return {
        "id": key or release.id,
        "title": " ".join(filter(None, [release.title, release.subtitle, formerly])),
        "text": release.text,
        "exact": "\n\n".join(filter(None, [release.title, formerly, release.text])),
        "speaker": " ; ".join(f"{s.name} {s.title}" for s in release.speakers),
        "issuer": release.issuer,
        "topic": " ; ".join(release.topics),
        "tag": " ; ".join(release.tags),
        "wire": release.wire,
        "source": release.source.replace("/", " / "),
        "day": day_number(release.date),
        "f_speaker": ",".join(_facet_value(n) for n in names),
        "f_topic": ",".join(_facet_value(t) for t in release.topics),
        "f_issuer": _facet_value(release.issuer),
        "f_tag": ",".join(_facet_value(t) for t in release.tags),
        "f_wire": _facet_value(release.wire),
        "f_dup": ",".join(duplicate_keys(release)) if status in ("published", "updated") else "",
        "status": status,
        "f_status": status,
        "record": zlib.compress(release.to_json().encode("utf-8"), 6),
    }


@cache
def _analysed_fields() -> tuple[tuple[str, AnalysedText], ...]:
    return tuple((name, field) for name, field in build_schema().items() if isinstance(field, AnalysedText))


def analysed_document(release: Release, status: str = "published", former_titles: list[str] | None = None,
                      key: str = "") -> dict[str, Any]:
    """:func:`to_document` with its text fields already analysed: what a parsing worker hands the writer."""
    doc = to_document(release, status, former_titles, key)
    for name, field in _analysed_fields():
        if doc.get(name):
            doc[name] = Postings(field.index(doc[name]))
    return doc


def record_from_stored(stored: dict[str, Any]) -> Release:
    return Release.from_json(zlib.decompress(stored["record"]).decode("utf-8"))


def display_facet_value(term: str) -> str:
    return term.replace("\u201a", ",")
