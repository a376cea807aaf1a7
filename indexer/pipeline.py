"""From a source draft to a Release: every extraction step, in one place and in order."""

from __future__ import annotations

import re

from archive.ids import release_id
from archive.model import Release, Speaker
from indexer.extract.dateline import parse_dateline
from indexer.extract.dates import best_date
from indexer.extract.issuer import (
    as_author,
    is_wire_service,
    member_office,
    organisation_from_site,
    organisation_from_text,
)
from indexer.extract.names import name_key
from indexer.extract.speakers import extract_speakers
from indexer.extract.topics import pick_topics
from indexer.sources.base import Draft, SkipFile
from indexer.sources.text import split_sentences_title

_NON_ENGLISH_HINTS = re.compile(r"\b(?:el|los|las|del|para|con|une|les|des|und|der|die|das|ist)\b", re.I)


def build_release(draft: Draft, wire_hint: str = "") -> Release:
    """Interpret a draft: date, dateline, issuer, speakers, topics; the id comes from URL or source."""
    if not draft.paragraphs:
        raise SkipFile("no release text")
    date, _evidence = best_date(draft.meta_date, draft.paragraphs, draft.source, prefer_dateline=False)
    place, wire = parse_dateline(draft.paragraphs)
    title = draft.title or split_sentences_title([_lead_sentence(draft.paragraphs)])
    speakers = extract_speakers(draft.paragraphs)
    issuer = ""
    if draft.format == "json" and draft.author:
        issuer, written = member_office(draft.author, draft.author_role, draft.url, draft.paragraphs)
        speakers = _with_member(speakers, written, draft)
    # A page on a newswire's site carries the wire's name as its site name: the issuer is in the text.
    issuer = issuer or next((name for name in (draft.publisher, organisation_from_site(draft.site_name, draft.url))
                             if name and not is_wire_service(name, wire)), "")
    if not issuer:
        issuer = organisation_from_text(draft.paragraphs, _lead_sentence(draft.paragraphs), draft.title)
    issuer = as_author(issuer or wire or wire_hint)
    return Release(
        id=release_id(url=draft.url, source=draft.source),
        title=title,
        subtitle=draft.subtitle,
        source=draft.source,
        paragraphs=draft.paragraphs,
        date=date,
        dateline=place,
        wire=wire or wire_hint,
        issuer=issuer,
        speakers=speakers,
        topics=pick_topics(title, "\n".join(draft.paragraphs)),
        tags=draft.tags,
        url=draft.url,
        site=draft.site_name,
        language=draft.language or _language(draft.paragraphs),
        format=draft.format,
    )


def _lead_sentence(paragraphs: list[str]) -> str:
    first = paragraphs[0]
    m = re.search(r"(?:/\s*--|\s--|\s[\u2013\u2014-]\s)\s*", first[:250])
    return first[m.end():] if m else first


def _with_member(speakers: list[Speaker], member: str, draft: Draft) -> list[Speaker]:
    """The issuing member of Congress speaks in their own release unless the text quotes only others."""
    key = name_key(member)
    for s in speakers:
        if name_key(s.name)[1] == key[1]:
            s.name = member if len(member) >= len(s.name) else s.name
            return speakers
    text = " ".join(draft.paragraphs)
    first_person = re.search(r"\b(?:I|I'm|I've|my)\b", text)
    surname_named = re.search(rf"\b{re.escape(key[1])}\b", text, re.I)
    if first_person or surname_named:
        return [Speaker(member, draft.author_role and {"senate": "Senator", "house": "Representative"}.get(draft.author_role.lower(), "") or "")] + speakers
    return speakers


def _language(paragraphs: list[str]) -> str:
    sample = " ".join(paragraphs[:3])[:2000]
    hits = len(_NON_ENGLISH_HINTS.findall(sample))
    words = max(len(sample.split()), 1)
    return "en" if hits / words < 0.04 else "und"

