"""The dateline's place and wire: ``MIAMI, FL, March 10, 2024 /24-7PressRelease/ --`` and its cousins."""

from __future__ import annotations

import re

from indexer.extract.dates import dateline_zone

_MONTHS = r"(?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Sept|Oct|Nov|Dec)[a-z]*"

_WIRE_SLASH = re.compile(r"/\s*([A-Za-z0-9][\w.&' -]{1,40}?)\s*/\s*(?:--|-|\u2013|\u2014)")
_WIRE_PAREN = re.compile(r"\(\s*([^()]{2,50}?(?:wire|news|\.ai|\.com|press|release|media)[^()]{0,20}?)\s*\)", re.I)
_WIRE_NAMED = re.compile(r"\s(?:-|\u2013|\u2014)\s+((?:[A-Z][\w.]*\s){0,3}(?:Newswire|NewsWire|Wire))\s+(?:-|\u2013|\u2014)")
_WORD = r"[A-Z][A-Za-z.'\u2019-]*"
# A place stands first and a dateline's mark follows it: a dash, a wire in brackets or slashes, or a date.
_PLACE = re.compile(rf"^\(?({_WORD}(?:\s{_WORD}){{0,3}}(?:,\s*{_WORD}(?:\s{_WORD}){{0,3}}){{0,2}})"
                    rf"(?=\s*(?:--|-\s|[\u2013\u2014]|\((?=[^)]{{0,60}}(?:\d{{4}}|\.|[Ww]ire|[Nn]ews|[Pp]ress))|/|"
                    rf",?\s*(?:{_MONTHS})\.?\s\d|,\s*\d{{1,2}}\s(?:{_MONTHS})))")
# A word in capitals this long is a place ("WASHINGTON"), not an acronym ("NHTSA", "FINTRX") or a brand's piece
# ("DREAMers", "LATINAFest"), wherever a dateline lost its punctuation.
PLACE_CAPITALS = 8
# Or a place in capitals, as most datelines are set ("WASHINGTON A Detroit man …" once its dash is lost).
_CAPS_PLACE = re.compile(r"^((?:[A-Z][A-Z.'\u2019-]{2,})(?:[ ,]{1,2}[A-Z][A-Z.'\u2019-]+){0,3})(?=\s*(?:[,(/\u2013\u2014-]|\s[A-Z]))")
# "WASHINGTONAttorney General Eric Holder …": such a place glued to a capitalised word opens a paragraph (pages
# that set the dateline in its own element lose the space and the dash); ``unglued`` gives the dash back.
GLUED_DATELINE = re.compile(rf"^((?:[A-Z]{{2,}},? ){{0,3}}[A-Z]{{{PLACE_CAPITALS},}})(?=[A-Z][a-z])")  # "SAN FRANCISCOA…"


def unglued(text: str) -> str:
    """The text with a glued dateline's separator restored ("WASHINGTON \u2014 Attorney General …")."""
    return GLUED_DATELINE.sub("\\1 \u2014 ", text)


def is_capitals_place(word: str) -> bool:
    """A word in capitals long enough to be a dateline's place (see ``PLACE_CAPITALS``)."""
    return len(word) >= PLACE_CAPITALS and word.isalpha() and word.isupper()


def parse_dateline(paragraphs: list[str]) -> tuple[str, str]:
    """``(place, wire)`` from the opening of a release; empty strings where it has none."""
    zone = unglued(dateline_zone(paragraphs))
    wire = ""
    for pattern in (_WIRE_SLASH, _WIRE_PAREN, _WIRE_NAMED):
        m = pattern.search(zone)
        if m:
            wire = m.group(1).strip()
            break
    place = ""
    m = _PLACE.match(zone) or _CAPS_PLACE.match(zone)
    if m:
        candidate = m.group(1).strip(" ,")
        words = candidate.replace(",", " ").split()
        if (1 <= len(words) <= 6 and not re.search(r"\d", candidate) and re.search(r"[A-Za-z]{3}", candidate)
                and candidate.split()[0].lower() not in {"the", "today", "on", "in", "a", "for"}):
            place = candidate
    return place, wire
