"""The documents a parsed query matches in one snapshot, their scores and their order.

Matching is NumPy over Whoosh's posting blocks (``archive/evaluate.py``); ``engine="whoosh"`` asks Whoosh's
own matchers instead, for the query benchmark's side-by-side figures (slow, and under the snapshot's lock
throughout: never the product path). Results are remembered per generation: clicking facets, paging and
re-sorting repeat the same query text, and only the first pass pays for matching (Solr's result cache).
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from typing import Any

import numpy as np

from archive.evaluate import evaluate
from archive.limits import Deadline
from archive.query import ParsedQuery
from archive.store import Snapshot

ENGINES = ("numpy", "whoosh")
_CACHE: OrderedDict[tuple[str, str], Any] = OrderedDict()
_CACHE_SIZE = 64
_CACHE_BYTES = 256 * 2**20
_CACHE_LOCK = threading.Lock()
_MISSING = object()


class QueryNotSupported(Exception):
    """The grammar built a query the evaluator is not taught: a bug, reported rather than run slowly."""


def clear_cache() -> None:
    """Forget every remembered match (benchmarks time the matching itself)."""
    with _CACHE_LOCK:
        _CACHE.clear()


def _cached(snap: Snapshot, kind: str, parsed: ParsedQuery, compute: Any) -> Any:
    """A query's result for the generation it was computed on (keyed by the generation's folder, so a new
    generation never sees an old answer); what raised (a search over its budget) is not remembered."""
    key = (str(snap.path), f"{kind}:{parsed.whoosh!r}")
    with _CACHE_LOCK:
        cached = _CACHE.get(key, _MISSING)
        if cached is not _MISSING:
            _CACHE.move_to_end(key)
            return cached
    value = compute()
    with _CACHE_LOCK:
        _CACHE[key] = value
        # By count and by size: at a million releases one common word's scored matches take ~13 MB.
        while len(_CACHE) > _CACHE_SIZE or (len(_CACHE) > 1 and cache_bytes() > _CACHE_BYTES):
            _CACHE.popitem(last=False)
    return value


def cache_bytes() -> int:
    def size(value: Any) -> int:
        if isinstance(value, np.ndarray):
            return value.nbytes
        if isinstance(value, tuple):
            return sum(size(v) for v in value)
        return 0

    return sum(size(v) for v in _CACHE.values())


def cache_len() -> int:
    return len(_CACHE)


def _bool_mask(docnums: Any, size: int) -> np.ndarray:
    mask = np.zeros(size, dtype=bool)
    ids = np.fromiter(docnums, dtype=np.int64)
    if len(ids):
        mask[ids[ids < size]] = True
    return mask


def scored(snap: Snapshot, parsed: ParsedQuery, deadline: Deadline, engine: str = "numpy") -> tuple[np.ndarray, np.ndarray]:
    """Every document matching the text query with its relevance score, in document order; filters,
    sorting and pages then only subset it."""

    def compute() -> tuple[np.ndarray, np.ndarray]:
        if engine == "whoosh":
            return _whoosh_scored(snap, parsed)
        found = evaluate(snap.searcher, parsed.whoosh, snap.lock, deadline)
        if found is None:
            raise QueryNotSupported(repr(parsed.whoosh))
        for array in found:
            array.setflags(write=False)
        return found

    return _cached(snap, f"scored-{engine}", parsed, compute)


def _whoosh_scored(snap: Snapshot, parsed: ParsedQuery) -> tuple[np.ndarray, np.ndarray]:
    with snap.lock:
        results = snap.searcher.search(parsed.whoosh, limit=None, mask=snap.tables.folded or None)
        pairs = results.top_n  # (score, docnum); ``len(results)`` would count every match again
    docs = np.fromiter((d for _s, d in pairs), dtype=np.int64, count=len(pairs))
    scores = np.fromiter((x for x, _d in pairs), dtype=np.float64, count=len(pairs))
    order = np.argsort(docs)
    return docs[order], scores[order]


def matching(snap: Snapshot, parsed: ParsedQuery, deadline: Deadline, engine: str = "numpy") -> np.ndarray:
    """A boolean mask of the searchable documents matching the text query (read-only): current releases,
    withdrawn ones and earlier versions alike; the search narrows it to the statuses asked for."""

    def compute() -> np.ndarray:
        docs, _scores = scored(snap, parsed, deadline, engine)
        mask = _bool_mask(docs, snap.tables.size) & snap.tables.searchable
        mask.setflags(write=False)
        return mask

    return _cached(snap, f"matching-{engine}", parsed, compute)


def ordered(snap: Snapshot, parsed: ParsedQuery, sort: str, hits_mask: np.ndarray, start: int, stop: int,
            deadline: Deadline, engine: str = "numpy") -> list[tuple[int, float | None]]:
    """Document numbers ``start:stop`` of the hits in the requested order, with relevance scores. Equal
    scores put the newer release first (as Blacklight's default sort does): document numbers follow the order
    a parallel build's workers finished in, so they alone would order equals differently after each re-index.
    What is still equal keeps document order, so pages never overlap; only the hits up to ``stop`` are sorted."""
    if sort == "relevance" and parsed.whoosh is not None:
        docs, scores = scored(snap, parsed, deadline, engine)
        keep = hits_mask[docs]
        docs, scores = docs[keep], scores[keep]
        if stop < len(docs):
            bar = np.partition(scores, len(scores) - stop)[len(scores) - stop]  # the stop-th best score
            best = scores >= bar
            docs, scores = docs[best], scores[best]
        order = np.lexsort((docs, -snap.tables.day[docs], -scores))[start:stop]
        return [(int(d), float(x)) for d, x in zip(docs[order], scores[order], strict=True)]
    docs = np.flatnonzero(hits_mask)
    days = snap.tables.day[docs]
    order = np.lexsort((docs, days)) if sort == "oldest" else np.lexsort((docs, -days))
    return [(int(d), None) for d in docs[order][start:stop]]
