"""The wire's name as a release writes it, when only its folder named the wire.

A folder tree of ``<source>/<wire>/<YYYY>/…`` names the wire by a slug ("pnw", "harbourdesk"): citations and the
wire facet would show "Pnw" and "harbourdesk". The release itself usually writes the name in its prose ("via PNW",
"Harbour Desk"): the same letters and digits, with its capitals and spaces. Addresses are not prose: a slug in a
URL or an e-mail address ("example.com/pnw/") says nothing of how the name is written.
"""

from __future__ import annotations

import re
from collections import Counter

from archive.facets import compact

_ADDRESS = re.compile(r"\S*(?:[/@]|\.[a-z]{2,}\b)\S*", re.I)  # URLs, paths, e-mail addresses, domains


def wire_from_path(source: str) -> str:
    """For ``<source>/<wire>/<YYYY>/…`` trees, the wire folder's name."""
    parts = source.split("/")
    for i, part in enumerate(parts[:-1]):
        if part.isdigit() and len(part) == 4 and i >= 1 and not parts[i - 1].isdigit():
            return parts[i - 1] if i >= 2 else ""
    return ""


def spelled_wire(slug: str, paragraphs: list[str]) -> str:
    """The most frequent spelling of ``slug`` in the release's prose that has capitals (mixed case before all
    capitals, which datelines and logos shout); ``slug`` itself when the prose never writes it so.

    A spelling is the slug's letters and digits in order, a space or a hyphen allowed between two of them."""
    key = compact(slug)
    if not key or slug != slug.lower():
        return slug  # a folder named with capitals is already spelled
    written = re.compile(r"(?<![^\W_])" + "[ -]?".join(map(re.escape, key)) + r"(?![^\W_])", re.I)
    forms: Counter[str] = Counter()
    if written.search("\n".join(paragraphs)):  # one pass through the release; most never write the slug
        for paragraph in paragraphs:
            prose = _ADDRESS.sub(" ", paragraph) if written.search(paragraph) else ""
            forms.update(m.group() for m in written.finditer(prose) if m.group() != m.group().lower())
    if not forms:
        return slug
    return max(forms, key=lambda form: (form != form.upper(), forms[form]))
