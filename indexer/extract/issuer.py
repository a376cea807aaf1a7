"""The issuer: the organisation or office a citation names as the author of a release."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

from indexer.extract.organisations import looks_like_organisation
from indexer.sources.base import Draft
from indexer.text import clean_space, norm

if TYPE_CHECKING:
    from indexer.extract.folder import FolderProfile

_ABOUT = re.compile(r"^About\s+(?:the\s+)?(.{2,200})", re.S)
# An "About X" heading that lost its own line: after a sentence, inside the last paragraphs.
_ABOUT_INLINE = re.compile(r"(?<=[.!?\u201d\"])\s+About\s+(?:the\s+)?(?=[A-Z])(.{2,200})", re.S)
_CONTACT_DETAILS = re.compile(r"^Contact Details\s*(\S.{1,80})$")
_TRADEMARKS = re.compile(r"\s*[\u00ae\u2122\u2120]")
_SOURCE = re.compile(r"^SOURCE[:\s]+([^\n]{2,100})$", re.M)
_LEAD_ORG = re.compile(
    r"^(?P<org>(?:[A-Z0-9][\w.&'\u2019\u00ae\u2122*+-]*)(?:\s+(?:[A-Z0-9&][\w.&'\u2019\u00ae\u2122*+-]*|of|and|for|de)){0,7})"
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


def member_office(name: str, chamber: str, url: str, paragraphs: list[str]) -> tuple[str, str, str]:
    """``Office of Senator Maria Cantwell``, the member's name and their role word, as the release itself writes
    them (the role from the site's chamber when the release gives none: an export's chamber field may be wrong)."""
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
    return clean_space(f"Office of {role} {written}"), written, role


_WIRE_SERVICE = re.compile(r"news\s*wire|press\s*wire|\bwire\b|press\s*release", re.I)


def is_wire_service(name: str, wire: str = "") -> bool:
    """A newswire's own name ("PR Newswire", "Harbor Wire"), or the wire the dateline names: it distributed
    the release, it did not issue it."""
    key = re.sub(r"[^a-z0-9]", "", name.lower())
    wire_key = re.sub(r"[^a-z0-9]", "", wire.lower())
    return bool(_WIRE_SERVICE.search(name)) or bool(key and wire_key and (key in wire_key or wire_key in key))


def organisation_from_site(site_name: str, url: str) -> str:
    """A site's own name as an issuer; US federal departments get the "U.S." their citations use."""
    name = clean_space(site_name)
    host = urlsplit(url).netloc.lower()
    if name and host.endswith(".gov") and re.match(r"^(?:Department|Dept\.) of ", name):
        name = "U.S. " + name
    return name


_HEADLINE_SUBJECT = re.compile(
    r"^(?P<org>[A-Z0-9][\w.&'\u2019\u00ae\u2122*+-]*(?:,?\s+(?:[A-Z0-9&][\w.&'\u2019\u00ae\u2122*+-]*|of|and|for|de)){0,5})\s+"
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
    """The issuer a wire release names itself.

    Candidates, most explicit first: the lead sentence's subject ("X, a maker of …" / "X today announced …"),
    the "About X" section, the headline's subject, a contact block, "SOURCE X", then the organisation the
    text keeps naming. The first one found wins, written in its fullest form: when another candidate is the
    same name with a little more ("News Direct" → "News Direct Corp."), that one.
    """
    m = _SOURCE.search("\n".join(paragraphs[-5:]))
    from_lead, about, from_title, contact, details, source = (as_author(c) for c in (
        organisation_from_lead(lead) if lead else "", organisation_from_about(paragraphs, f"{title}\n{lead}"),
        organisation_from_headline(title) if title else "", organisation_from_contact(paragraphs),
        organisation_from_contact_details(paragraphs), clean_space(m.group(1)).strip(" .") if m else ""))
    ranked = [from_lead, about, from_title, contact, details if _looks_like_organisation(details) else "", source]
    salient = organisation_by_salience(paragraphs)
    # An organisation the release keeps naming is its issuer only if the headline or lead names it too; a
    # county's release about FEMA aid names FEMA throughout without issuing on its behalf.
    if salient and salient.split(" (")[0].lower() not in f"{title} {lead} {paragraphs[0] if paragraphs else ''}".lower():
        salient = ""
    chosen = next((c for c in ranked if c), "") or salient
    return _fullest(chosen, [about, contact, details, source])


def organisation_from_about(paragraphs: list[str], subject: str = "") -> str:
    """The name in an "About X" section: the first one that ``subject`` (headline and lead) mentions, else
    the first; one that lost its own line counts after those that kept it."""
    names = [name for pattern in (_ABOUT, _ABOUT_INLINE) for paragraph in paragraphs
             for m in pattern.finditer(paragraph.strip()) if (name := _about_name(m.group(1)))]
    mentioned = [n for n in names if n.lower() in subject.lower()]
    return (mentioned or names or [""])[0]


def organisation_from_contact_details(paragraphs: list[str]) -> str:
    """News Direct's footer: "Contact Details" then the company (or person) that sent the release."""
    for paragraph in paragraphs[-12:]:
        m = _CONTACT_DETAILS.match(paragraph.strip())
        if m:
            return _trim(m.group(1))
    return ""


def _looks_like_organisation(name: str) -> bool:
    words = [bare_word(w) for w in name.split()]
    return bool(words) and (len(words) == 1 or any(w in _ORG_WORDS for w in words))


def _fullest(chosen: str, others: list[str]) -> str:
    """``chosen``, or a candidate that writes the same name out more fully (a legal suffix, a word or two)."""
    for other in others:
        extra = len(other.split()) - len(chosen.split())
        if chosen and 0 < extra <= 3 and other.lower().startswith(chosen.lower() + " "):
            return other
    return chosen


def as_author(name: str) -> str:
    """An issuer as a citation's author writes it: without trademark signs (style guides drop ® and ™)."""
    return clean_space(_TRADEMARKS.sub("", name))


def with_article(name: str, paragraphs: list[str]) -> str:
    """"The Global BrainTrust" when the release writes the article as part of the name: a capital "The"
    before it in the middle of a sentence, which only a name's own article has."""
    if not name or name.startswith("The ") or len(name.split()) > 6:
        return name
    pattern = re.compile(rf"(?<=[a-z,;:] )The {re.escape(name)}\b")
    return f"The {name}" if any(pattern.search(p) for p in paragraphs[:60]) else name


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


_GENERIC_HEADINGS = {"author", "authors", "company", "us", "firm", "artist", "book", "film", "organization",
                     "organisation", "event", "program", "programme", "campaign", "project", "podcast", "study"}


def _about_name(rest: str) -> str:
    """The name in an "About X" section heading, whether or not the heading kept its own line."""
    rest = re.sub(r"(?<=[a-z])(?=The\b)", " ", as_author(rest))
    first = rest.split()[0] if rest.split() else ""
    if len(first) > 2:
        rest = re.sub(rf"(?<=[a-z.])(?={re.escape(first)})", " ", rest)
    # The heading's colon ends it, even with the text glued on ("About CryptoHeap:CryptoHeap is …").
    head = re.split(r"\s*[:\u2013\u2014]\s+|:(?=[A-Z])|\s+-\s+", rest, maxsplit=1)
    if len(head) == 2 and head[0].strip().lower() in _GENERIC_HEADINGS:
        return _about_name(head[1])  # "About the Author: Jane Roe …" is about Jane Roe
    if len(head) == 2 and len(head[0].split()) <= 8:
        return _trim(head[0])
    words = rest.split()
    if len(words) <= 8 and not rest.endswith("."):
        return _trim(rest)
    # The heading ends where the section's first sentence starts: at a capitalised starter word ("Founded …")
    # or where the name comes round again ("GARVEE.com GARVEE is …").
    core = re.sub(r"\.(?:com|net|org|io|ai|co)$", "", bare_word(first))
    ends = [n for n in range(1, min(10, len(words)))
            if (bare_word(words[n]) in _STARTERS and words[n][0].isupper())
            or (len(core) > 2 and bare_word(words[n]).startswith(core))
            or " ".join(words[n:]).startswith(" ".join(words[:n]))]
    if ends:
        return _trim(" ".join(words[: ends[0]]))
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
        org = re.sub(r"^The\s+", "", m.group("org").strip())  # "The X Museum today …" is cited as "X Museum"
        if 1 <= len(org.split()) <= 8 and org.lower() not in {"the", "today", "this", "we", "our"}:
            return org
    return ""


_EXPLICIT = ("front matter", "publisher", "site")
_WEAK = ("title suffix", "copyright", "logo", "author")


def site_identity(draft: Draft, title: str = "") -> list[str]:
    """How the page names its own site, most explicit first: structured names, then the ``<title>`` part
    beside the headline, the copyright holder, the logo, an organisation as meta author. Hosts are not names."""
    names = [name for where, name in draft.site_names if where in _EXPLICIT]
    suffix = title_suffix(draft, title)
    if suffix:
        names.append(suffix)
    names += [name for where, name in draft.site_names if where in _WEAK[1:3]]
    names += [name for where, name in draft.site_names if where == "author" and looks_like_organisation(name)]
    from indexer.extract.titles import is_generic

    return [clean_space(n) for n in names if n and len(n) <= 120 and not is_generic(n)]


def title_suffix(draft: Draft, title: str) -> str:
    """The part of ``<title>`` beside the headline ("Headline | OPA | Department of Justice" → the last part)."""
    from indexer.extract.titles import title_parts

    page_title = next((t for where, t in draft.titles if where == "title"), "")
    if not page_title or not title or norm(page_title) == norm(title):
        return ""
    parts = [p for p in title_parts(page_title) if norm(p) not in norm(title) and norm(title) not in norm(p)]
    return parts[-1] if parts and len(parts[-1].split()) <= 8 else ""


def choose_issuer(draft: Draft, title: str, wire: str, profile: FolderProfile | None, lead: str) -> str:
    """The organisation that issued the release, as a citation's author.

    In order: what the user stated for the folder; what the page or record says of itself (structured
    site names, a JSON export's issuer field); what the folder's releases agree on; the page's weaker
    identity signals (``<title>`` suffix, copyright, logo); a letterhead; what the text says (lead subject,
    "About X", SOURCE line, contact block); the host name. A wire or distributor is never the issuer.
    """
    if profile and profile.stated_issuer:
        return profile.stated_issuer
    explicit = [draft.publisher] + [name for where, name in draft.site_names if where in _EXPLICIT]
    for name in explicit:
        if name and not is_wire_service(name, wire):
            return organisation_from_site(name, draft.url)
    if profile and profile.issuer:
        return organisation_from_site(profile.issuer, draft.url)
    for name in site_identity(draft, title)[len([n for w, n in draft.site_names if w in _EXPLICIT]):]:
        if not is_wire_service(name, wire):
            return organisation_from_site(name, draft.url)
    for line in draft.letterhead:
        office = office_from_letterhead(line)
        if office:
            return office
    found = organisation_from_text(draft.paragraphs, lead, title)
    if found:  # what the text says of itself stands, even a wire's own news about itself
        return found
    host = next((name for where, name in draft.site_names if where == "host"), "")
    return host if host and not is_wire_service(host, wire) else ""


_LETTERHEAD_OFFICE = re.compile(
    r"\b((?:(?:assistant|shadow|deputy|acting)\s+)*(?:minister|treasurer|premier|attorney[- ]general|senator|leader|"
    r"secretary|spokesperson|member)\b.*)$", re.I)


def office_from_letterhead(line: str) -> str:
    """The office a letterhead names ("THE HON JANE ROE MP MINISTER FOR THE ENVIRONMENT" → "Minister for the
    Environment"), in the capitals a citation uses."""
    m = _LETTERHEAD_OFFICE.search(line)
    if not m:
        return ""
    office = clean_space(m.group(1))
    if office.isupper():
        office = " ".join(w if w.lower() in {"of", "for", "and", "the", "on"} and i else w.capitalize()
                          for i, w in enumerate(office.lower().split()))
        office = re.sub(r"\b(Of|For|And|The|On)\b", lambda x: x.group(1).lower(), office)
        office = office[:1].upper() + office[1:]
    return office
