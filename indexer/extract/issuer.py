"""The issuer: the organisation or office a citation names as the author of a release."""

from __future__ import annotations

import re
from urllib.parse import urlsplit

from indexer.text import clean_space

_ABOUT = re.compile(r"^About\s+(?:the\s+)?(.{2,200})", re.S)
_SOURCE = re.compile(r"^SOURCE[:\s]+([^\n]{2,100})$", re.M)
_LEAD_ORG = re.compile(
    r"^(?P<org>(?:[A-Z0-9][\w.&'\u2019\u00ae\u2122+-]*)(?:\s+(?:[A-Z0-9&][\w.&'\u2019\u00ae\u2122+-]*|of|and|for|de)){0,7})"
    r"(?:\s*\([^)]{1,40}\))?(?:,\s+(?:a|an|the)\s|\s+(?:today|has|is|announced|announces|launched|launches|unveil|introduce|reveal))"
)
_ROLE_WORDS = {
    "senate": "Senator", "house": "Representative",
}
_TEXT_ROLES = {
    "Congresswoman": "Congresswoman", "Congressman": "Congressman", "Sen.": "Senator", "Senator": "Senator",
    "Rep.": "Representative", "Representative": "Representative",
}
_TEXT_ROLE = re.compile(r"\b(Congresswoman|Congressman|Sen\.|Senator|Rep\.|Representative)\s+((?:[A-Z][\w.'\u2019-]*\s+){0,3})")


def member_office(name: str, chamber: str, url: str, paragraphs: list[str]) -> tuple[str, str]:
    """``Office of Senator Maria Cantwell`` and the member's name, as the release itself writes them."""
    host = urlsplit(url).netloc.lower()
    role = "Senator" if host.endswith("senate.gov") else "Representative" if host.endswith("house.gov") else _ROLE_WORDS.get(chamber.lower(), "")
    text = " ".join(paragraphs[:6])
    surname = name.split()[-1] if name.split() else ""
    written = name
    if surname:
        pattern = re.compile(_TEXT_ROLE.pattern + re.escape(surname) + r"\b")
        for m in pattern.finditer(text):
            label = _TEXT_ROLES[m.group(1)]
            if (label == "Senator") != (role == "Senator") and role:
                continue
            role = label
            if m.group(2).strip():
                written = clean_space(m.group(2) + surname)
            break
    return clean_space(f"Office of {role} {written}"), written


def organisation_from_site(site_name: str, url: str) -> str:
    """A site's own name as an issuer; US federal departments get the "U.S." their citations use."""
    name = clean_space(site_name)
    host = urlsplit(url).netloc.lower()
    if name and host.endswith(".gov") and re.match(r"^(?:Department|Dept\.) of ", name):
        name = "U.S. " + name
    return name


def organisation_from_text(paragraphs: list[str]) -> str:
    """The issuer a wire release names itself: "About X", then "SOURCE X", then the lead sentence's subject."""
    for paragraph in reversed(paragraphs):
        m = _ABOUT.match(paragraph.strip())
        if m:
            name = _about_name(m.group(1))
            if name:
                return name
    m = _SOURCE.search("\n".join(paragraphs[-5:]))
    if m:
        return clean_space(m.group(1)).strip(" .")
    return ""


_STARTERS = {"founded", "established", "headquartered", "based", "since", "the", "with", "for", "as", "at", "our",
             "we", "in", "a", "an", "from", "launched", "incorporated", "formed", "is", "are", "was", "has", "provides",
             "offers", "helps", "delivers", "specializes", "operates", "powered", "created", "built"}


def _about_name(rest: str) -> str:
    """The name in an "About X" section heading, whether or not the heading kept its own line."""
    rest = re.sub(r"(?<=[a-z])(?=The\b)", " ", clean_space(rest))
    head = re.split(r"\s*[:\u2013\u2014]\s+|\s+-\s+", rest, maxsplit=1)
    if len(head) == 2 and len(head[0].split()) <= 8:
        return head[0].strip(" .")
    words = rest.split()
    if len(words) <= 8 and not rest.endswith("."):
        return rest.strip(" .")
    for n in range(min(10, len(words) // 2), 0, -1):
        name = " ".join(words[:n])
        after = " ".join(words[n:])
        if after.startswith(name) or re.match(rf"(?:the\s+)?{re.escape(words[0])}", after, re.I):
            return name.strip(" .,")
    for n, word in enumerate(words[:10]):
        if n and bare_word(word) in _STARTERS:
            return " ".join(words[:n]).strip(" .,")
    return ""


def bare_word(word: str) -> str:
    return word.strip(".,;:()").lower()


def organisation_from_lead(first_sentence: str) -> str:
    m = _LEAD_ORG.match(first_sentence.strip())
    if m:
        org = m.group("org").strip()
        if 1 <= len(org.split()) <= 8 and org.lower() not in {"the", "today", "this", "we", "our"}:
            return org
    return ""
