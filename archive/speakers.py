"""Every speaker's record: one person per page across the spellings releases give their name.

People are the speaker facet's own (``facets.people_of`` over ``archive/people.py``'s one rule), so a speaker
page and the facet count the same releases under the same name. What the facet tables cannot give — the
titles each person held and when, how many quotes they gave — needs the stored releases, so it is gathered
once per generation when the writer commits (``speakers.json`` beside the facet tables) and read by every
page; releases, issuers, dates and the people they appear with come from the facet tables with NumPy.

Slugs are made from the person's first name and surname as the person rule reads them (``loretta-lynch`` for
"Loretta E. Lynch" and "L. Lynch"; a spelling with a first name is preferred to a bare surname), so they stay
the same while the most frequent spelling changes; the slug of every other spelling is an alias that
redirects to the person's page.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections import Counter
from contextlib import nullcontext
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path
from typing import Any

import numpy as np

from archive import segments
from archive.alignment import folded_words
from archive.facets import FacetTables, facet_postings, issuers_of, people_of, speaker_spellings
from archive.home import write_atomic
from archive.ids import slugify
from archive.model import Release
from archive.people import person_key
from archive.schema import FACET_FIELDS, record_from_stored

SPEAKERS_FILE = "speakers.json"
SPEAKERS_VERSION = 1
MAX_TITLES = 40  # titles kept per person (the most used): a name extraction confused keeps no unbounded list


@dataclass
class TitleSeen:
    """A title a person was given in releases, with the first and last day it was seen (``YYYYMMDD``, 0: undated)."""

    title: str
    first: int
    last: int
    releases: int


@dataclass
class Person:
    slug: str
    name: str  # the spelling the speaker facet shows (the most frequent), which search filters by
    variants: list[str]  # every spelling releases give
    titles: list[TitleSeen] = field(default_factory=list)
    quotes: int = 0  # quotes attributed to them, across their releases
    full_name: str = ""  # the most frequent spelling with a first name ("Sanford D. Bishop, Jr." for "Bishop")

    @property
    def shown(self) -> str:
        return self.full_name or self.name


def _slug(name: str) -> str:
    first, last = person_key(name)
    slug = slugify(f"{first} {last}", limit=80) or slugify(name, limit=80)
    return slug or "person-" + hashlib.sha1(name.encode("utf-8")).hexdigest()[:8]


class SpeakerTable:
    """The people of one generation, by slug and by every spelling of their name."""

    def __init__(self, people: list[Person]) -> None:
        self.people = people
        self.by_slug = {p.slug: p for p in people}
        self._by_name = {v: p for p in people for v in p.variants}
        self._by_folded = {v.casefold(): p for p in reversed(people) for v in p.variants}
        self.aliases: dict[str, str] = {}
        for person in reversed(people):  # the most mentioned person keeps a contested alias
            for variant in person.variants:
                alias = slugify(variant, limit=80)
                if alias and alias not in self.by_slug:
                    self.aliases[alias] = person.slug

    def person(self, slug: str) -> Person | None:
        return self.by_slug.get(slug)

    def of_name(self, name: str) -> Person | None:
        """The person a release's speaker name (or a facet value) belongs to."""
        return self._by_name.get(name) or self._by_folded.get(name.strip().casefold())

    def search(self, text: str) -> list[Person]:
        """People whose name or any spelling of it holds ``text`` (case aside), most releases first."""
        needle = text.strip().casefold()
        if not needle:
            return list(self.people)
        return [p for p in self.people if any(needle in v.casefold() for v in p.variants)]

    # -- building and storing -----------------------------------------------------------------------

    @classmethod
    def build(cls, reader: Any, tables: FacetTables, lock: Any = None, gen: Path | None = None,
              postings: dict[str, dict[str, np.ndarray]] | None = None) -> SpeakerTable:
        """From a Whoosh reader of the generation, its facet tables (and their postings, read here when not
        given): people, titles with dates, quotes. Each segment's stored releases are read once, when it is new
        (``archive/segments.py``, kept in ``gen``); ``lock`` (a snapshot's) is held for each read only."""
        lock = lock or nullcontext()
        if postings is None:
            with lock:
                postings = facet_postings(reader, fields=(FACET_FIELDS["speaker"],))
        spellings, docs = speaker_spellings(postings)
        groups = tables.people  # grouped when the facet tables were built from these postings, in this commit
        if groups is None:
            groups = people_of(spellings, docs, issuers_of(len(tables.day), tables.tables["issuer"]))
        facet = tables.tables["speaker"]
        counts = np.bincount(facet.pair_value, minlength=len(facet.values))
        releases = {name: int(counts[i]) for i, name in enumerate(facet.values)}
        people: list[Person] = []
        owner: dict[str, Person] = {}
        for best, members in groups:
            named = [i for i in members if len(person_key(spellings[i])[0]) > 1]
            full = max(named, key=lambda i: (len(docs[i]), -i)) if named else best
            person = Person("", spellings[best], sorted({spellings[i] for i in members}, key=str.casefold),
                            full_name=spellings[full])
            people.append(person)
            owner.update((spellings[i], person) for i in members)
        titles: dict[int, dict[str, list[Any]]] = {id(p): {} for p in people}
        for summary, offset in segments.summaries(reader, "speakers", SPEAKERS_VERSION,
                                                  partial(_segment_speakers, lock=lock), gen):
            for local, speakers in summary:
                doc = offset + local
                if not tables.live[doc]:
                    continue
                day = int(tables.day[doc])
                for name, quotes, title in speakers:
                    person = owner.get(name)
                    if person is None:
                        continue
                    person.quotes += quotes
                    if title:
                        seen = titles[id(person)].setdefault(_title_key(title), [title, day, day, 0, Counter()])
                        if day:
                            seen[1] = day if not seen[1] else min(seen[1], day)
                            seen[2] = max(seen[2], day)
                        seen[3] += 1
                        seen[4][title] += 1
        for person in people:
            kept = [[t[4].most_common(1)[0][0], *t[1:4]]  # each title as releases most often write it
                    for t in sorted(titles[id(person)].values(), key=lambda t: -t[3])[:MAX_TITLES]]
            person.titles = sorted((TitleSeen(*t) for t in kept), key=lambda t: (not t.first, t.first, -t.releases))
        people.sort(key=lambda p: (-releases.get(p.name, 0), p.name.casefold()))
        _assign_slugs(people)
        return cls(people)

    def save(self, gen: Path) -> None:
        data = {"version": SPEAKERS_VERSION, "people": [
            {"slug": p.slug, "name": p.name, "full_name": p.full_name, "variants": p.variants, "quotes": p.quotes,
             "titles": [[t.title, t.first, t.last, t.releases] for t in p.titles]} for p in self.people]}
        write_atomic(gen / SPEAKERS_FILE, json.dumps(data, ensure_ascii=False))

    @classmethod
    def load(cls, gen: Path) -> SpeakerTable | None:
        try:
            data = json.loads((gen / SPEAKERS_FILE).read_text(encoding="utf-8"))
            if data.get("version") != SPEAKERS_VERSION:
                return None
            return cls([Person(p["slug"], p["name"], p["variants"], [TitleSeen(*t) for t in p["titles"]], p["quotes"],
                               p["full_name"]) for p in data["people"]])
        except (OSError, ValueError, KeyError, TypeError):
            return None


def _segment_speakers(segment: Any, lock: Any) -> list[list[Any]]:
    """``[document, [[name, quotes, title], …]]`` for each document of one segment that names a speaker,
    deleted ones too (the caller keeps the live ones)."""
    found: list[list[Any]] = []
    for doc in range(segment.doc_count_all()):
        with lock:
            if not segment.doc_field_length(doc, "speaker"):
                continue
            stored = segment.stored_fields(doc)
        speakers = [[s.name.strip(), len(s.quotes), " ".join(s.title.split())]
                    for s in record_from_stored(stored).speakers]
        if speakers:
            found.append([doc, speakers])
    return found


def _title_key(title: str) -> str:
    """One key for the ways releases write one title: case, punctuation and articles aside, "of" and "for"
    alike ("Assistant Attorney General, for the Civil Rights Division" = "… of the Civil Rights Division")."""
    words = re.sub(r"[^\w\s]", " ", title.casefold()).split()
    return " ".join("of" if w == "for" else w for w in words if w not in {"the", "a", "an"})


def _assign_slugs(people: list[Person]) -> None:
    """Each person's slug; when two people's names make one slug, the less mentioned gets a numbered one."""
    taken: set[str] = set()
    for person in people:
        slug = _slug(person.shown)
        candidate, n = slug, 2
        while candidate in taken:
            candidate, n = f"{slug}-{n}", n + 1
        person.slug = candidate
        taken.add(candidate)


def speaker_table(snap: Any) -> SpeakerTable:
    """The snapshot's table: read from its generation, or (an index written before speaker pages) built once
    in memory from its stored releases — slow on a big archive; the next ``archive index`` run writes it."""

    def load(s: Any) -> SpeakerTable:
        found = SpeakerTable.load(s.path)
        if found is not None:
            return found
        return SpeakerTable.build(s.searcher.reader(), s.tables, s.lock)

    return snap.cached("speakers", load)


# -- one person's record, for their page -------------------------------------------------------------


@dataclass
class Appearance:
    """One release of a person: the title they were given there and their quotes, each with the paragraph
    that holds it (None when the quote is not found word for word in one paragraph)."""

    release_id: str
    title: str
    date: str
    issuer: str
    speaker_title: str
    quotes: list[tuple[str, int | None]]


@dataclass
class Record:
    person: Person
    releases: int
    first_day: int
    last_day: int
    years: list[tuple[int, int]]  # (year, releases), every year from the first to the last
    issuers: list[tuple[str, int]]
    together: list[tuple[str, str | None, int]]  # (name, slug, releases together)
    appearances: list[Appearance]
    page: int
    pages: int
    order: str


ORDERS = ("oldest", "newest")


def person_docs(snap: Any, person: Person, order: str = "oldest") -> np.ndarray:
    """The person's releases (copies folded, as the facet counts them), in date order (undated last)."""
    facet = snap.tables.tables["speaker"]
    ids = facet.value_ids([person.name])
    if not len(ids):
        return np.zeros(0, dtype=np.int64)
    lo, hi = np.searchsorted(facet.pair_value, [ids[0], ids[0] + 1])  # pairs are sorted by value
    docs = facet.pair_doc[lo:hi]
    days = snap.tables.day[docs]
    if order == "newest":
        return docs[np.lexsort((-docs, -days))]
    undated = np.where(days > 0, days, np.iinfo(np.int64).max)
    return docs[np.lexsort((docs, undated))]


def appearances(snap: Any, person: Person, docs: np.ndarray) -> list[Appearance]:
    """The releases ``docs`` as appearances of ``person``: loaded one by one (a page's worth at a time)."""
    return [appearance(snap.release_at(int(doc)), person) for doc in docs.tolist()]


def appearance(release: Release, person: Person) -> Appearance:
    """What ``person`` is called and says in ``release``, each quote with the paragraph holding it."""
    names = set(person.variants)
    mine = [s for s in release.speakers if s.name.strip() in names]
    if not mine:
        folded = {n.casefold() for n in names}
        mine = [s for s in release.speakers if s.name.strip().casefold() in folded]
    paragraphs = [" ".join(folded_words(p)) for p in release.paragraphs]
    quotes = [(q, _paragraph_of(q, paragraphs)) for s in mine for q in s.quotes]
    title = next((s.title for s in mine if s.title), "")
    return Appearance(release.id, release.title, release.date, release.issuer, title, quotes)


def _paragraph_of(quote: str, paragraphs: list[str]) -> int | None:
    """The first paragraph holding the quote word for word (case, punctuation and apostrophes aside)."""
    wanted = " ".join(folded_words(quote))
    if len(wanted) < 8:
        return None
    for n, paragraph in enumerate(paragraphs, start=1):
        if wanted in paragraph:
            return n
    return None


def record(snap: Any, person: Person, page: int = 1, page_size: int = 50, order: str = "oldest") -> Record:
    """Everything a person's page shows: counts from the facet tables, one page of appearances loaded."""
    tables = snap.tables
    docs = person_docs(snap, person, order if order in ORDERS else "oldest")
    mask = np.zeros(tables.size, dtype=bool)
    mask[docs] = True
    days = tables.day[docs]
    dated = days[days > 0]
    years: list[tuple[int, int]] = []
    if len(dated):
        counts = np.bincount(dated // 10000 - dated.min() // 10000)
        years = [(int(dated.min() // 10000) + i, int(c)) for i, c in enumerate(counts)]
    issuer = tables.tables["issuer"]
    by_issuer = issuer.count(mask)
    issuers = [(issuer.values[i], int(by_issuer[i])) for i in np.argsort(-by_issuer, kind="stable")[:20] if by_issuer[i]]
    speaker = tables.tables["speaker"]
    by_speaker = speaker.count(mask)
    own = speaker.value_ids([person.name])
    if len(own):
        by_speaker[own[0]] = 0
    table = speaker_table(snap)
    together = []
    for i in np.argsort(-by_speaker, kind="stable")[:20]:
        if by_speaker[i]:
            other = table.of_name(speaker.values[i])
            together.append((speaker.values[i], other.slug if other else None, int(by_speaker[i])))
    pages = max(1, -(-len(docs) // page_size))
    page = min(max(1, page), pages)
    shown = appearances(snap, person, docs[(page - 1) * page_size:page * page_size])
    return Record(person, len(docs), int(dated.min()) if len(dated) else 0, int(dated.max()) if len(dated) else 0,
                  years, issuers, together, shown, page, pages, order if order in ORDERS else "oldest")


def day_text(day: int) -> str:
    """A day number (``YYYYMMDD``, zeros for parts the release did not give) as ``YYYY[-MM[-DD]]``."""
    if not day:
        return ""
    year, month, dd = day // 10000, day // 100 % 100, day % 100
    return f"{year:04d}" + (f"-{month:02d}" if month else "") + (f"-{dd:02d}" if month and dd else "")
