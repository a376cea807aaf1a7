"""From a source draft to a Release: every extraction step, in one place and in order."""

from __future__ import annotations

import re

from archive.ids import release_id
from archive.model import Release, Speaker
from archive.people import person_key
from indexer.extract.dateline import parse_dateline
from indexer.extract.dates import best_date
from indexer.extract.folder import FolderProfile
from indexer.extract.issuer import as_author, choose_issuer, member_office, with_article
from indexer.extract.organisations import expand_acronym, looks_like_organisation
from indexer.extract.speakers import extract_speakers
from indexer.extract.titles import choose_title
from indexer.extract.topics import pick_topics
from indexer.extract.wire import spelled_wire
from indexer.sources.base import Draft, SkipFile

_PLACE = re.compile(r"^\(?[A-Z][\w.'\u2019 -]{1,40},\s*[A-Z][\w. ]{1,30}\)?$")  # "Tampa, FL", "Hood River, Ore."
_NON_ENGLISH_HINTS = re.compile(r"\b(?:el|los|las|del|para|con|une|les|des|und|der|die|das|ist)\b", re.I)


def build_release(draft: Draft, wire_hint: str = "", profile: FolderProfile | None = None) -> Release:
    """Interpret a draft: title, date, dateline, issuer, speakers, topics; the id comes from URL or source.

    ``profile`` is what the draft's folder shares (its chrome, its issuer): see ``indexer/extract/folder.py``.
    """
    if not draft.paragraphs and not draft.metadata_only:
        raise SkipFile("no release text")
    date, _evidence = best_date(draft.meta_date, draft.paragraphs, draft.source)
    place, wire = parse_dateline(draft.paragraphs)
    lead = _lead_sentence(draft.paragraphs)
    title = choose_title(draft, profile, lead)
    speakers = extract_speakers(draft.paragraphs, draft.quotes)
    issuer = ""
    if draft.format == "json" and draft.author and looks_like_organisation(draft.author):
        issuer = draft.author  # an export's author field naming an office or agency
    elif draft.format == "json" and draft.author and (draft.author_role or _legislature(draft.url)):
        # A member of a legislature issues through their office and speaks in their own releases.
        issuer, written, role = member_office(draft.author, draft.author_role, draft.url, draft.paragraphs)
        speakers = _with_member(speakers, written, role, draft)
    issuer = issuer or expand_acronym(choose_issuer(draft, title, wire or wire_hint, profile, lead), draft.paragraphs)
    issuer = with_article(as_author(issuer), draft.paragraphs)
    return Release(
        id=release_id(url=draft.url, source=draft.source),
        title=title,
        subtitle=draft.subtitle,
        source=draft.source,
        paragraphs=draft.paragraphs,
        date=date,
        dateline=place,
        wire=wire or (profile and profile.wire_spelling(wire_hint)) or spelled_wire(wire_hint, draft.paragraphs),
        issuer=issuer,
        speakers=speakers,
        topics=pick_topics(title, "\n".join(draft.paragraphs)),
        tags=draft.tags,
        url=draft.url,
        site=next((name for where, name in draft.site_names if where == "site"), ""),
        language=draft.language or _language(draft.paragraphs),
        format=draft.format,
    )


def _legislature(url: str) -> bool:
    return bool(re.match(r"https?://[^/]*\b(?:senate|house|assembly|parliament|legislature)\b", url))


def _lead_sentence(paragraphs: list[str]) -> str:
    """The first paragraph after its dateline ("WASHINGTON, March 3, 2024 – …"), if it has one."""
    if not paragraphs:
        return ""
    first = paragraphs[0]
    m = re.search(r"(?:/\s*--|\s--|\s[\u2013\u2014-]\s)\s*", first[:250])
    head = first[: m.start()] if m else ""
    if m and len(head.split()) <= 12 and (re.search(r"\d", head) or head.isupper() or _PLACE.match(head)):
        return first[m.end():]
    return first


def _with_member(speakers: list[Speaker], member: str, role: str, draft: Draft) -> list[Speaker]:
    """The issuing member of Congress speaks in their own release unless the text quotes only others."""
    key = person_key(member)
    for s in speakers:
        if person_key(s.name)[1] == key[1]:
            s.name = member if len(member) >= len(s.name) else s.name
            return speakers
    text = " ".join(draft.paragraphs)
    first_person = re.search(r"\b(?:I|I'm|I've|my)\b", text)
    surname_named = re.search(rf"\b{re.escape(key[1])}\b", text, re.I)
    if first_person or surname_named:
        return [Speaker(member, role)] + speakers
    return speakers


def _language(paragraphs: list[str]) -> str:
    sample = " ".join(paragraphs[:3])[:2000]
    hits = len(_NON_ENGLISH_HINTS.findall(sample))
    words = max(len(sample.split()), 1)
    return "en" if hits / words < 0.04 else "und"
