"""The headline: chosen among what the page offers, never the site's own name, a date, or a label.

A source reader lists candidates (``Draft.titles``); here they are ranked the way a reader of the page would:
an ``<h1>`` that the page's other titles confirm, the body's own heading, the structured headline, the
``<title>`` without its site part, the opening heading set in bold. A candidate is rejected when it is
generic ("Press Release", "Newsroom"), only a date, the site's name, or the same on many pages of the folder
(site chrome, known from the folder's profile). With nothing left, the lead sentence stands in.
"""

from __future__ import annotations

import re

from indexer.extract.dates import DAY_MONTH_YEAR, ISO, MONTH_DAY_YEAR
from indexer.extract.folder import FolderProfile, norm
from indexer.sources.base import Draft
from indexer.text import clean_space, split_sentences

MAX_TITLE = 300  # a fuller candidate longer than this is no headline (release hygiene caps titles too)
_GENERIC = {
    "press release", "press releases", "news release", "news releases", "media release", "media releases",
    "news", "newsroom", "news room", "press", "press room", "pressroom", "press office", "media", "media centre",
    "media center", "home", "home page", "homepage", "untitled", "untitled document", "statement", "statements",
    "media statement", "latest news", "news and events", "news events", "announcements", "news centre",
    "news center", "welcome", "index", "article", "page", "release", "for immediate release", "news and media",
    "press and media", "news archive", "press archive", "archive", "news article", "blog",
}
_SEPARATORS = re.compile(r"\s+[|\u2013\u2014\u00b7\u2022:-]{1,2}\s+|\s*::\s*|:\s+|\s+\|\s*|\s*\|\s+")
_DATE_WORDS = re.compile(r"\b(?:mon|tues?|wed(?:nes)?|thu(?:rs)?|fri|sat(?:ur)?|sun)(?:day)?\b|\bupdated?\b|\bposted\b|"
                         r"\bpublished\b|\bon\b", re.I)
_ORDER = ("heading", "h1", "headline", "og:title", "front matter", "title", "lead heading", "first line", "h1 in header")


def _is_date(text: str) -> bool:
    rest = text
    for pattern in (MONTH_DAY_YEAR, DAY_MONTH_YEAR, ISO):
        rest = pattern.sub(" ", rest)
    rest = re.sub(r"\b(?:jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec)[a-z]*\.?\s+(?:19|20)\d{2}\b", " ", rest, flags=re.I)
    rest = re.sub(r"\b\d{1,4}\b", " ", _DATE_WORDS.sub(" ", rest))
    return not re.sub(r"[\W_]+", "", rest)


def is_generic(text: str, site_names: set[str] = frozenset()) -> bool:  # type: ignore[assignment]
    """A label, a date, or the site's name: nothing that tells one release from another."""
    key = norm(text)
    if not key or key in _GENERIC or key in site_names or _is_date(text):
        return True
    rest = norm(_DATE_WORDS.sub(" ", MONTH_DAY_YEAR.sub(" ", DAY_MONTH_YEAR.sub(" ", ISO.sub(" ", text)))))
    rest = re.sub(r"\b\d{1,4}\b", " ", rest).split()
    return not rest or " ".join(rest) in _GENERIC


def title_parts(title: str) -> list[str]:
    return [p.strip() for p in _SEPARATORS.split(title) if p.strip()]


def _without_site(title: str, site: set[str], chrome: frozenset[str]) -> str:
    """``<title>`` minus the parts that name the site or repeat on every page ("Headline | Agency")."""
    parts = title_parts(title)
    if len(parts) < 2:
        return title
    kept = [p for p in parts if not (norm(p) in site or norm(p) in chrome or norm(p) in _GENERIC or _is_date(p))]
    if not kept:
        return ""
    if len(kept) == len(parts):
        # Nothing is known about the site: the last short part is its name, as on most pages.
        head = title[: title.rfind(parts[-1])].rstrip(" |-\u2013\u2014:\u00b7")
        return head if len(head) > 20 and len(parts[-1]) <= 60 else title
    start = title.find(kept[0])
    end = title.rfind(kept[-1]) + len(kept[-1])
    return title[start:end].strip()


def _site_keys(draft: Draft, profile: FolderProfile | None) -> set[str]:
    keys = {norm(name) for _where, name in draft.site_names if _where != "author"}
    if profile and profile.issuer:
        keys.add(norm(profile.issuer))
    return {k for k in keys if k}


def _agrees(a: str, b: str) -> bool:
    a, b = norm(a), norm(b)
    return bool(a and b) and (a == b or b.startswith(a) or a.startswith(b))


def choose_title(draft: Draft, profile: FolderProfile | None = None, lead: str = "") -> str:
    """The release's headline (see the module docstring for the order); ``lead`` stands in when no
    candidate survives."""
    site = _site_keys(draft, profile)
    chrome = profile.chrome_titles if profile else frozenset()
    candidates: list[tuple[str, str]] = []
    for where, text in draft.titles:
        if where == "title":
            text = _without_site(text, site, chrome)
        text = clean_space(text)
        if text and not is_generic(text, site) and norm(text) not in chrome and not _cut_short(text):
            candidates.append((where, text))
    if not candidates:
        return _from_lead(lead)
    others = [t for w, t in candidates if w not in ("h1", "h1 in header")]
    confirmed = [t for w, t in candidates if w == "h1" and any(_agrees(t, o) for o in others)]
    if confirmed:
        return confirmed[0]
    h1s = [t for w, t in candidates if w == "h1"]
    if len(h1s) > 1 and others:
        h1s = []  # several unconfirmed <h1>s: the structured titles know better
    ranked = sorted(candidates, key=lambda c: _ORDER.index(c[0]) if c[0] in _ORDER else len(_ORDER))
    if h1s:
        return h1s[-1]
    best = ranked[0][1]
    # "Jennings Dog" in <title>, "British Museum Acquires Jennings Dog" atop the body: the fuller headline.
    fuller = [t for _w, t in ranked[1:] if norm(best) in norm(t) and len(t) > len(best) and len(t) <= MAX_TITLE]
    return fuller[0] if fuller else best


def looks_cut(text: str) -> bool:
    """Stops inside a phrase ("… FROM SEN.", "… of the") or was cut to length ("…")."""
    return _cut_short(text) or text.endswith("\u2026")


def _cut_short(text: str) -> bool:
    """A headline that stops inside a phrase ("… FROM SEN."): cut by a naive sentence split upstream."""
    return bool(re.search(r"\b(?:sen|rep|gov|dr|mr|mrs|ms|st|the|of|and|for|to|from|by|with)\.?$", text, re.I)) and len(text) > 20


def _from_lead(lead: str) -> str:
    """A stand-in headline for copy that has none: its first sentence, cut at a word boundary."""
    sentences = split_sentences(lead)
    sentence = sentences[0] if sentences else ""
    if len(sentence) > 140:
        sentence = sentence[:140].rsplit(" ", 1)[0] + "\u2026"
    return sentence
