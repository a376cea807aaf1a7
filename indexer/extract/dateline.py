"""The dateline's place and wire: ``MIAMI, FL, March 10, 2024 /24-7PressRelease/ --`` and its cousins."""

from __future__ import annotations

import re

from indexer.extract.dates import dateline_zone

_WIRE_SLASH = re.compile(r"/\s*([A-Za-z0-9][\w.&' -]{1,40}?)\s*/\s*(?:--|-|\u2013|\u2014)")
_WIRE_PAREN = re.compile(r"\(\s*([^()]{2,50}?(?:wire|news|\.ai|\.com|press|release|media)[^()]{0,20}?)\s*\)", re.I)
_WIRE_NAMED = re.compile(r"\s(?:-|\u2013|\u2014)\s+((?:[A-Z][\w.]*\s){0,3}(?:Newswire|NewsWire|Wire))\s+(?:-|\u2013|\u2014)")
_PLACE = re.compile(r"^\(?((?:[A-Z][A-Za-z.'\u2019-]*\s?){1,4}(?:,\s*(?:[A-Z][A-Za-z.'\u2019-]*\s?){1,4}){0,2})(?=\s*(?:,|\(|-|\u2013|\u2014|/|\)))")


def parse_dateline(paragraphs: list[str]) -> tuple[str, str]:
    """``(place, wire)`` from the opening of a release; empty strings where it has none."""
    zone = dateline_zone(paragraphs)
    wire = ""
    for pattern in (_WIRE_SLASH, _WIRE_PAREN, _WIRE_NAMED):
        m = pattern.search(zone)
        if m:
            wire = m.group(1).strip()
            break
    place = ""
    m = _PLACE.match(zone)
    if m:
        candidate = m.group(1).strip(" ,")
        words = candidate.replace(",", " ").split()
        if 1 <= len(words) <= 6 and not re.search(r"\d", candidate) and candidate.split()[0].lower() not in {"the", "today", "on", "in", "a", "for"}:
            place = candidate
    return place, wire
