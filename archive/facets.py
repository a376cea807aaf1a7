"""Facet value tables built once per index generation and counted with NumPy on every search.

Whoosh's own facets walk every posting of a field per search (their cost grows with the index, not the
hits). Here each facet is a pair of arrays — document number and value number for every (document, value)
pair — so counting the values of any set of matching documents is one vectorised ``bincount``.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from archive.home import write_atomic
from archive.people import group_people
from archive.schema import FACET_FIELDS, display_facet_value

TABLES_FILE = "facets.npz"
TERMS_FILE = "facet-terms.json"
TABLES_VERSION = 3
# Status codes per document (``archive/versions.py``): only the first two are searched and counted by default.
STATUS_CODES = {"published": 0, "updated": 1, "withdrawn": 2, "superseded": 3}
WITHDRAWN_CODE, SUPERSEDED_CODE = 2, 3


def people_of(values: list[str], docs: list[np.ndarray]) -> list[tuple[int, list[int]]]:
    """One entry per person across the archive (``archive/people.py``): the spelling shown (the most frequent)
    and every spelling's index. The speaker facet and the speaker pages (``archive/speakers.py``) share it."""
    return [(max(members, key=lambda i: (len(docs[i]), -i)), members)
            for members in group_people(values, [len(d) for d in docs])]


def speaker_spellings(reader: Any) -> tuple[list[str], list[np.ndarray]]:
    """Every speaker name as written in releases, with the documents (live or not) that name it."""
    postings = _postings_by_term(reader, FACET_FIELDS["speaker"])
    return [display_facet_value(term.decode("utf-8")) for term in postings], list(postings.values())


def _merge_variants(values: list[str], docs: list[np.ndarray]) -> tuple[list[str], list[np.ndarray]]:
    """One facet value per person across the archive: variants merge under the most frequent spelling."""
    merged_values, merged_docs = [], []
    for best, members in people_of(values, docs):
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
        """The facet's own spelling of ``value`` (matched without regard to case), or None."""
        return self._folded.get(value.casefold())

    def value_ids(self, values: list[str]) -> np.ndarray:
        return np.array([self._index[v] for v in values if v in self._index], dtype=np.int64)

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
    def build(cls, reader: Any) -> FacetTables:
        size = reader.doc_count_all()
        live = np.zeros(size, dtype=bool)
        live[list(reader.all_doc_ids())] = True
        day = np.zeros(size, dtype=np.int64)
        if reader.has_column("day"):
            column = reader.column_reader("day")
            day[:] = np.fromiter((column[i] for i in range(size)), dtype=np.int64, count=size)
        tables = {}
        for facet, field in FACET_FIELDS.items():
            if facet == "speaker":
                values, docs = _merge_variants(*speaker_spellings(reader))
            else:
                postings = _postings_by_term(reader, field)
                values = [display_facet_value(term.decode("utf-8")) for term in postings]
                docs = list(postings.values())
            pair_doc = np.concatenate(docs) if docs else np.zeros(0, dtype=np.int64)
            pair_value = np.repeat(np.arange(len(values), dtype=np.int64), [len(d) for d in docs])
            keep = live[pair_doc] if len(pair_doc) else np.zeros(0, dtype=bool)
            tables[facet] = FacetTable(values, pair_doc[keep], pair_value[keep])
        status = np.zeros(size, dtype=np.int8)
        for term, ids in _postings_by_term(reader, "f_status").items():
            status[ids] = STATUS_CODES.get(term.decode("utf-8"), 0)
        leader = _fold_duplicates(reader, live)
        searchable = live & (leader == np.arange(size))
        alive = live
        live = searchable & (status < WITHDRAWN_CODE)
        return cls(tables, day, live, leader, status, searchable, alive)

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


def _postings_by_term(reader: Any, field: str) -> dict[bytes, np.ndarray]:
    """Every term of ``field`` with its document numbers, in term order.

    Read segment by segment: each segment looks up only its own terms. Asking the whole reader instead
    makes every term a lookup in every segment — most of them misses, each a seek in a file.
    """
    found: dict[bytes, list[np.ndarray]] = {}
    for segment, offset in reader.leaf_readers():
        if field not in segment.schema:
            continue
        for term in segment.lexicon(field):
            ids = np.fromiter(segment.postings(field, term).all_ids(), dtype=np.int64) + offset
            found.setdefault(term, []).append(ids)
    return {term: np.concatenate(found[term]) for term in sorted(found)}


def _fold_duplicates(reader: Any, live: np.ndarray) -> np.ndarray:
    """Union-find over documents sharing a duplicate key; each group's lowest document number leads."""
    size = len(live)
    parent = np.arange(size, dtype=np.int64)

    def root(x: int) -> int:
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = int(parent[x])
        return x

    if "f_dup" in reader.schema:
        for ids in _postings_by_term(reader, "f_dup").values():
            docs = [int(d) for d in ids if live[d]]
            for other in docs[1:]:
                a, b = root(docs[0]), root(other)
                if a != b:
                    parent[max(a, b)] = min(a, b)
    return np.fromiter((root(i) for i in range(size)), dtype=np.int64, count=size)
