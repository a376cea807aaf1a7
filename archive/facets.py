"""Facet value tables built once per index generation and counted with NumPy on every search.

Whoosh's own facets walk every posting of a field per search (their cost grows with the index, not the
hits). Here each facet is a pair of arrays — document number and value number for every (document, value)
pair — so counting the values of any set of matching documents is one vectorised ``bincount``.
"""

from __future__ import annotations

import json
import os
import re
from dataclasses import dataclass
from functools import cached_property, partial
from pathlib import Path
from typing import Any

import numpy as np

from archive import segments
from archive.home import write_atomic
from archive.people import group_people
from archive.schema import FACET_FIELDS, display_facet_value

TABLES_FILE = "facets.npz"
TERMS_FILE = "facet-terms.json"
TABLES_VERSION = 5
ORGANISATION_FACETS = ("issuer", "wire")  # one value per organisation, however releases case or space its name
# Status codes per document (``archive/versions.py``): only the first two are searched and counted by default.
STATUS_CODES = {"published": 0, "updated": 1, "withdrawn": 2, "superseded": 3}
WITHDRAWN_CODE, SUPERSEDED_CODE = 2, 3


def people_of(values: list[str], docs: list[np.ndarray], issuer_of: np.ndarray | None = None
              ) -> list[tuple[int, list[int]]]:
    """One entry per person across the archive (``archive/people.py``): the spelling shown (the most frequent)
    and every spelling's index. ``issuer_of`` (each document's issuer number, -1 for none) keeps a bare
    surname with the people of its own issuers. The speaker facet and the speaker pages share it."""
    contexts = None
    if issuer_of is not None:
        contexts = []
        for ids in docs:
            found = issuer_of[ids]
            numbers, counts = np.unique(found[found >= 0], return_counts=True)
            contexts.append(dict(zip(numbers.tolist(), counts.tolist(), strict=True)))
    return [(max(members, key=lambda i: (len(docs[i]), -i)), members)
            for members in group_people(values, [len(d) for d in docs], contexts)]


def issuers_of(size: int, table: FacetTable) -> np.ndarray:
    """Each document's issuer number (the issuer facet's value; -1 for none), for :func:`people_of`."""
    found = np.full(size, -1, dtype=np.int64)
    found[table.pair_doc] = table.pair_value
    return found


def speaker_spellings(postings: dict[str, dict[str, np.ndarray]]) -> tuple[list[str], list[np.ndarray]]:
    """Every speaker name as written in releases, with the documents (current or not) that name it, from
    :func:`facet_postings`."""
    terms = postings[FACET_FIELDS["speaker"]]
    return [display_facet_value(term) for term in terms], list(terms.values())


def compact(name: str) -> str:
    """A name as an organisation facet compares it: without case, spaces or punctuation ("NEWMEDIAWIRE",
    "NewMediaWire" and "newmediawire" are one wire; a dateline shouts it, a folder name squashes it)."""
    return re.sub(r"[\W_]+", "", name.casefold()) or name.casefold()


def organisations_of(values: list[str], docs: list[np.ndarray]) -> list[tuple[int, list[int]]]:
    """One entry per organisation written differently only in case, spaces or punctuation: the spelling shown
    (the most frequent, all capitals only where there is no other: datelines shout the names they carry) and
    every spelling's index, as :func:`people_of` gives them for people."""
    groups: dict[str, list[int]] = {}
    for i, value in enumerate(values):
        groups.setdefault(compact(value), []).append(i)

    def shown(i: int) -> tuple[bool, int, int]:
        return values[i] != values[i].upper(), len(docs[i]), -i

    return [(max(members, key=shown), members) for members in groups.values()]


def _merge_variants(values: list[str], docs: list[np.ndarray], groups: list[tuple[int, list[int]]]
                    ) -> tuple[list[str], list[np.ndarray]]:
    """One facet value per group of spellings (people from :func:`people_of`, organisations from
    :func:`organisations_of`), under the spelling the group shows."""
    merged_values, merged_docs = [], []
    for best, members in groups:
        merged_values.append(values[best])
        merged_docs.append(np.unique(np.concatenate([docs[i] for i in members])) if len(members) > 1 else docs[best])
    return merged_values, merged_docs


@dataclass
class FacetTable:
    """One facet: its values and the (document, value) pairs, sorted by value."""

    values: list[str]
    pair_doc: np.ndarray
    pair_value: np.ndarray

    def __post_init__(self) -> None:
        self._index = {v: i for i, v in enumerate(self.values)}
        self._folded = {v.casefold(): v for v in self.values}

    def spelling(self, value: str) -> str | None:
        """The facet's own spelling of ``value`` (matched as written, else without regard to case, else to
        spaces and punctuation: a link to "newsdirect" finds "News Direct"), or None."""
        if value in self._index:
            return value
        return self._folded.get(value.casefold()) or self._compacted.get(compact(value))

    @cached_property
    def _compacted(self) -> dict[str, str]:
        """Built when first asked (a big speaker facet has a hundred thousand values to compact)."""
        return {compact(v): v for v in self.values}

    def value_ids(self, values: list[str]) -> np.ndarray:
        """The numbers of ``values`` as :meth:`spelling` finds them (a filter matches like a field clause)."""
        spelled = (self.spelling(v) for v in values)
        return np.array([self._index[v] for v in spelled if v is not None], dtype=np.int64)

    def docs_with_any(self, values: list[str], size: int) -> np.ndarray:
        """A boolean mask of the documents carrying at least one of ``values`` (one facet's OR)."""
        ids = self.value_ids(values)
        mask = np.zeros(size, dtype=bool)
        if len(ids):
            mask[self.pair_doc[np.isin(self.pair_value, ids)]] = True
        return mask

    def count(self, docs: np.ndarray) -> np.ndarray:
        """How many of the documents in the boolean mask ``docs`` carry each value."""
        return np.bincount(self.pair_value[docs[self.pair_doc]], minlength=len(self.values))


class FacetTables:
    """Every facet of one generation, plus each document's day number, status and whether it is live.

    Copies of one release (same title and date, or the same text) fold into one: only the first is
    ``live`` for searching and counting; ``leader[doc]`` names the document a copy folds into. ``live``
    holds current releases only; ``searchable`` adds withdrawn releases and earlier versions, which a
    search reaches through the ``status`` facet or its all-versions option.
    """

    def __init__(self, tables: dict[str, FacetTable], day: np.ndarray, live: np.ndarray,
                 leader: np.ndarray | None = None, status: np.ndarray | None = None,
                 searchable: np.ndarray | None = None, alive: np.ndarray | None = None) -> None:
        self.tables = tables
        self.day = day
        self.live = live
        self.status = status if status is not None else np.zeros(len(day), dtype=np.int8)
        self.searchable = searchable if searchable is not None else live
        self.alive = alive if alive is not None else live  # not deleted (copies included)
        self.leader = leader if leader is not None else np.arange(len(day), dtype=np.int64)
        # Documents folded into another, for Whoosh's ``mask=`` when a search has no other filter.
        self.folded = set(np.flatnonzero(self.leader != np.arange(len(day))).tolist())
        # The people the speaker facet was grouped into, when built in this process (for the speaker table the
        # same commit builds from the same postings; not saved).
        self.people: list[tuple[int, list[int]]] | None = None

    def current_count(self) -> int:
        """Current releases (copies included; withdrawn releases and earlier versions not)."""
        return int((self.alive & (self.status < WITHDRAWN_CODE)).sum())

    def copies_of(self, docnum: int) -> list[int]:
        """The other documents folded into ``docnum``."""
        found = np.flatnonzero(self.leader == docnum)
        return [int(d) for d in found if d != docnum]

    @property
    def size(self) -> int:
        return len(self.day)

    @classmethod
    def build(cls, reader: Any, postings: dict[str, dict[str, np.ndarray]] | None = None) -> FacetTables:
        """From a Whoosh reader of the generation (and its :func:`facet_postings`, read here when not given)."""
        size = reader.doc_count_all()
        live = np.zeros(size, dtype=bool)
        live[list(reader.all_doc_ids())] = True
        postings = postings if postings is not None else facet_postings(reader)
        day = np.zeros(size, dtype=np.int64)
        if reader.has_column("day"):
            column = reader.column_reader("day")
            day[:] = np.fromiter((column[i] for i in range(size)), dtype=np.int64, count=size)
        tables: dict[str, FacetTable] = {}
        people: list[tuple[int, list[int]]] = []
        for facet in sorted(FACET_FIELDS, key=lambda f: f == "speaker"):  # the issuers first: people need them
            field = FACET_FIELDS[facet]
            if facet == "speaker":
                spellings, spelling_docs = speaker_spellings(postings)
                people = people_of(spellings, spelling_docs, issuers_of(size, tables["issuer"]))
                values, docs = _merge_variants(spellings, spelling_docs, people)
            else:
                values = [display_facet_value(term) for term in postings[field]]
                docs = list(postings[field].values())
                if facet in ORGANISATION_FACETS:
                    values, docs = _merge_variants(values, docs, organisations_of(values, docs))
            pair_doc = np.concatenate(docs) if docs else np.zeros(0, dtype=np.int64)
            pair_value = np.repeat(np.arange(len(values), dtype=np.int64), [len(d) for d in docs])
            tables[facet] = FacetTable(values, pair_doc, pair_value)
        tables = {facet: tables[facet] for facet in FACET_FIELDS}
        status = np.zeros(size, dtype=np.int8)
        for term, ids in postings["f_status"].items():
            status[ids] = STATUS_CODES.get(term, 0)
        leader = _fold_duplicates(postings["f_dup"], live)
        searchable = live & (leader == np.arange(size))
        alive = live
        live = searchable & (status < WITHDRAWN_CODE)
        built = cls(tables, day, live, leader, status, searchable, alive)
        built.people = people
        return built

    def save(self, gen: Path) -> None:
        arrays: dict[str, np.ndarray] = {"day": self.day, "live": self.live, "leader": self.leader,
                                         "status": self.status, "searchable": self.searchable, "alive": self.alive,
                                         "version": np.array([TABLES_VERSION])}
        for name, table in self.tables.items():
            arrays[f"{name}.doc"] = table.pair_doc
            arrays[f"{name}.value"] = table.pair_value
        tmp = gen / f".{TABLES_FILE}.{os.getpid()}.tmp.npz"
        np.savez(tmp, **arrays)
        os.replace(tmp, gen / TABLES_FILE)
        terms = {name: t.values for name, t in self.tables.items()}
        write_atomic(gen / TERMS_FILE, json.dumps(terms, ensure_ascii=False))

    @classmethod
    def load(cls, gen: Path) -> FacetTables | None:
        try:
            terms = json.loads((gen / TERMS_FILE).read_text(encoding="utf-8"))
            with np.load(gen / TABLES_FILE) as data:
                if "version" not in data or int(data["version"][0]) != TABLES_VERSION:
                    return None  # built by an older release of the archive: rebuild in memory
                tables = {
                    name: FacetTable(values, data[f"{name}.doc"], data[f"{name}.value"])
                    for name, values in terms.items()
                }
                return cls(tables, data["day"], data["live"], data["leader"], data["status"], data["searchable"],
                           data["alive"])
        except (OSError, KeyError, ValueError):
            return None


POSTINGS_VERSION = 1
POSTING_FIELDS = tuple(dict.fromkeys([*FACET_FIELDS.values(), "f_status", "f_dup"]))


def facet_postings(reader: Any, gen: Path | None = None,
                   fields: tuple[str, ...] = POSTING_FIELDS) -> dict[str, dict[str, np.ndarray]]:
    """Every term of each facet field with the numbers of the documents not deleted that hold it, in term order.

    Read segment by segment: each segment looks up only its own terms (asking the whole reader makes every
    term a seek in every segment). A segment's postings are read once, when it is new, and kept in ``gen``
    (``archive/segments.py``): its documents deleted since are dropped here, and a segment's deletions only grow.
    """
    alive = np.zeros(reader.doc_count_all(), dtype=bool)
    alive[list(reader.all_doc_ids())] = True
    compute = _segment_postings if fields == POSTING_FIELDS else partial(_segment_postings, fields=fields)
    found: dict[str, dict[str, list[np.ndarray]]] = {field: {} for field in fields}
    for summary, offset in segments.summaries(reader, "postings", POSTINGS_VERSION, compute,
                                              gen if fields == POSTING_FIELDS else None):
        for field in fields:
            terms, counts, docs = summary.get(field, ([], [], []))
            ids = np.asarray(docs, dtype=np.int64) + offset
            for term, part in zip(terms, np.split(ids, np.cumsum(counts)[:-1]) if terms else [], strict=True):
                found[field].setdefault(term, []).append(part[alive[part]])
    return {field: {term: np.concatenate(terms[term]) for term in sorted(terms)} for field, terms in found.items()}


def _segment_postings(segment: Any, fields: tuple[str, ...] = POSTING_FIELDS) -> dict[str, list[list[Any]]]:
    """Per field of one segment: its terms, how many documents hold each, and those documents, one after another."""
    found: dict[str, list[list[Any]]] = {}
    for field in fields:
        if field not in segment.schema:
            continue
        terms: list[str] = []
        counts: list[int] = []
        docs: list[int] = []
        for term in segment.lexicon(field):
            ids = list(segment.postings(field, term).all_ids())
            terms.append(term.decode("utf-8"))
            counts.append(len(ids))
            docs.extend(ids)
        found[field] = [terms, counts, docs]
    return found


def _fold_duplicates(dup_postings: dict[str, np.ndarray], live: np.ndarray) -> np.ndarray:
    """Union-find over documents sharing a duplicate key; each group's lowest document number leads."""
    size = len(live)
    parent = np.arange(size, dtype=np.int64)

    def root(x: int) -> int:
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = int(parent[x])
        return x

    for ids in dup_postings.values():
        docs = ids.tolist()
        for other in docs[1:]:
            a, b = root(docs[0]), root(other)
            if a != b:
                parent[max(a, b)] = min(a, b)
    return np.fromiter((root(i) for i in range(size)), dtype=np.int64, count=size)
