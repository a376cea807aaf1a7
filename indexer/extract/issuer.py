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
        matches = [m for m in pattern.finditer(text) if not role or (_TEXT_ROLES[m.group(1)] == "Senator") == (role == "Senator")]
        named = [m for m in matches if m.group(2).strip()]
        best = named[0] if named else (matches[0] if matches else None)
        if best is not None:
            role = _TEXT_ROLES[best.group(1)]
            first_written = best.group(2).split()[0] if best.group(2).strip() else ""
            # The member's full name from the record, unless the release calls them by another first name.
            if first_written and bare_word(first_written) != bare_word(name.split()[0]):
                written = clean_space(best.group(2) + surname)
    return clean_space(f"Office of {role} {written}"), written


def organisation_from_site(site_name: str, url: str) -> str:
    """A site's own name as an issuer; US federal departments get the "U.S." their citations use."""
    name = clean_space(site_name)
    host = urlsplit(url).netloc.lower()
    if name and host.endswith(".gov") and re.match(r"^(?:Department|Dept\.) of ", name):
        name = "U.S. " + name
    return name


_HEADLINE_SUBJECT = re.compile(
    r"^(?P<org>[A-Z0-9][\w.&'\u2019\u00ae\u2122+-]*(?:,?\s+(?:[A-Z0-9&][\w.&'\u2019\u00ae\u2122+-]*|of|and|for|de)){0,5})\s+"
    r"(?:Announces|Launches|Unveils|Introduces|Reports|Recovers|Rings|Expands|Joins|Debuts|Celebrates|Opens|Releases|"
    r"Welcomes|Partners|Secures|Names|Appoints|Wins|Receives|Hosts|Acquires|Completes|Signs|Adds|Kicks|Honors|"
    r"Earns|Raises|Closes|Files|Enters|Marks|Hires|Teams|Selects|Presents|Offers|Brings|Relocates|Returns|Tackles|"
    r"Named|Set|Sets|Awarded|Ranked|to\s+(?:Participate|Present|Host|Launch|Attend|Exhibit))\b"
)
_ADDRESS = re.compile(r"^\d{1,6}[A-Z]?\s+\w+")


_ORG_WORDS = {
    "office", "department", "authority", "university", "college", "district", "cooperative", "council", "committee",
    "association", "foundation", "institute", "company", "corporation", "corp", "inc", "llc", "ltd", "group",
    "agency", "bureau", "commission", "festival", "museum", "hospital", "center", "centre", "bank", "union",
    "society", "club", "school", "network", "partners", "robotics", "technologies", "labs", "systems", "holdings",
}


def organisation_from_headline(title: str) -> str:
    """``Presser Law, P.A. Recovers $1.675 Million …`` names its issuer before the verb."""
    title = title.strip()
    m = _HEADLINE_SUBJECT.match(title)
    if m and not re.match(r"(?:The|A|An|New|How|Why|What|This|Top|Best|\d)\b", m.group("org")):
        return m.group("org").strip(" ,")
    words = title.split()
    for n, word in enumerate(words[:8]):
        if n and bare_word(word) in _ORG_WORDS and n + 1 < len(words) and re.fullmatch(r"[A-Z][a-z]+s", words[n + 1]):
            return " ".join(words[: n + 1])
    return ""


def organisation_from_contact(paragraphs: list[str]) -> str:
    """A contact block's company line: a short name standing just above a street address."""
    tail = paragraphs[-8:]
    for i in range(len(tail) - 1):
        line, following = tail[i].strip(), tail[i + 1].strip()
        if _ADDRESS.match(following) and 1 <= len(line.split()) <= 5 and line[:1].isupper() and not line.endswith("."):
            return line
    return ""


def organisation_from_text(paragraphs: list[str], lead: str = "", title: str = "") -> str:
    """The issuer a wire release names itself, most explicit first: the lead sentence's subject ("X, a
    maker of …" / "X today announced …"), the first "About X" section, the headline's subject, a contact
    block, then "SOURCE X"."""
    from_lead = organisation_from_lead(lead) if lead else ""
    if from_lead:
        return from_lead
    for paragraph in paragraphs:
        m = _ABOUT.match(paragraph.strip())
        if m:
            name = _about_name(m.group(1))
            if name:
                return name
    from_title = organisation_from_headline(title) if title else ""
    if from_title:
        return from_title
    from_contact = organisation_from_contact(paragraphs)
    if from_contact:
        return from_contact
    m = _SOURCE.search("\n".join(paragraphs[-5:]))
    if m:
        return clean_space(m.group(1)).strip(" .")
    return organisation_by_salience(paragraphs)


_NAME_WITH_ABBREVIATION = re.compile(r"\b((?:[A-Z][\w.&'\u2019-]*\s+){0,4}[A-Z][\w.&'\u2019-]*)\s+\(([A-Z0-9]{2,6})\)")


def organisation_by_salience(paragraphs: list[str]) -> str:
    """The organisation a release keeps naming with its abbreviation — ``Option2Trade (O2T)`` — when the
    release says nothing more explicit about who issued it."""
    counts: dict[str, int] = {}
    text = " ".join(paragraphs)
    for m in _NAME_WITH_ABBREVIATION.finditer(text):
        name = re.sub(r"^(?:The|At|In|With|As|And)\s+", "", m.group(1))
        counts[f"{name} ({m.group(2)})"] = counts.get(f"{name} ({m.group(2)})", 0) + 1
    if not counts:
        return ""
    best, n = max(counts.items(), key=lambda kv: kv[1])
    mentions = len(re.findall(re.escape(best.split(" (")[0]), text))
    return best if mentions >= 3 else ""


_STARTERS = {"founded", "established", "headquartered", "based", "since", "the", "with", "for", "as", "at", "our",
             "we", "in", "a", "an", "from", "launched", "incorporated", "formed", "is", "are", "was", "has", "provides",
             "offers", "helps", "delivers", "specializes", "operates", "powered", "created", "built"}


def _about_name(rest: str) -> str:
    """The name in an "About X" section heading, whether or not the heading kept its own line."""
    rest = re.sub(r"(?<=[a-z])(?=The\b)", " ", clean_space(rest))
    first = rest.split()[0] if rest.split() else ""
    if len(first) > 2:
        rest = re.sub(rf"(?<=[a-z])(?={re.escape(first)})", " ", rest)
    head = re.split(r"\s*[:\u2013\u2014]\s+|\s+-\s+", rest, maxsplit=1)
    if len(head) == 2 and len(head[0].split()) <= 8:
        return _trim(head[0])
    words = rest.split()
    if len(words) <= 8 and not rest.endswith("."):
        return _trim(rest)
    for n in range(1, min(10, len(words))):
        if bare_word(words[n]) in _STARTERS and words[n][0].isupper():
            return _trim(" ".join(words[:n]))
    for n in range(min(10, len(words) // 2), 0, -1):
        name = " ".join(words[:n])
        after = " ".join(words[n:])
        if after.startswith(name):
            return _trim(name)
    m = re.match(r"(.{2,80}?)(?:\s+\([^)]*\))?\s+(?:is|are|was|has|have|provides|offers|helps|,)\s", rest)
    if m and len(m.group(1).split()) <= 8:
        return _trim(m.group(1))
    return ""


_ABBREVIATED = re.compile(r"\b(?:Corp|Inc|Co|Ltd|L\.L\.C|P\.A|P\.C|S\.A|N\.V|Bros|Assn)\.$")


def _trim(name: str) -> str:
    """Drop trailing punctuation, keeping the period of an abbreviation ("Orbit Corp.")."""
    name = name.strip(" ,;:")
    return name if _ABBREVIATED.search(name) else name.rstrip(".").strip()


def bare_word(word: str) -> str:
    return word.strip(".,;:()").lower()


def organisation_from_lead(first_sentence: str) -> str:
    m = _LEAD_ORG.match(first_sentence.strip())
    if m:
        org = m.group("org").strip()
        if 1 <= len(org.split()) <= 8 and org.lower() not in {"the", "today", "this", "we", "our"}:
            return org
    return ""
