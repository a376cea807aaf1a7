"""One search call for the CLI, the web pages and the JSON API: plain data in, plain data out.

Every function here works on one :class:`archive.store.Snapshot` from start to end (given an
:class:`~archive.store.IndexReader`, it takes one for the call), so the hits, facet counts, histogram and
stored releases of an answer all come from one index generation.

Facets: values of one facet combine with OR, facets with AND, and each facet is counted with every filter
applied except its own, so a picked topic still shows its siblings. Counting is NumPy over the per-generation
facet tables (``archive/facets.py``); the text query is matched by ``archive/matching.py``.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import replace
from itertools import islice

import numpy as np

from archive import limits
from archive.counting import count_facets, date_mask, histogram
from archive.facets import STATUS_CODES, SUPERSEDED_CODE, WITHDRAWN_CODE
from archive.highlight import passages
from archive.limits import MAX_EXPANSION, Deadline
from archive.matching import matching, ordered
from archive.model import Release
from archive.query import ParsedQuery, parse_query
from archive.results import MAX_PAGE_SIZE, SORTS, Hit, SearchRequest, SearchResult
from archive.schema import FACET_FIELDS
from archive.store import IndexReader, Snapshot
from archive.suggest import did_you_mean
from archive.versions import VERSION_SEP

__all__ = ["SORTS", "MAX_PAGE_SIZE", "SearchRequest", "SearchResult", "search", "matching_releases", "related",
           "facet_names", "snapshot_of"]


@contextmanager
def snapshot_of(source: Snapshot | IndexReader) -> Iterator[Snapshot]:
    """The snapshot to answer from: the one given, or a new one of the reader's current generation."""
    if isinstance(source, Snapshot):
        yield source
    else:
        with source.snapshot() as snap:
            yield snap


_STATUS_NAMES = {code: name for name, code in STATUS_CODES.items()}


def _hit(release: Release, parsed: ParsedQuery, with_passages: bool, score: float | None, status: int = 0,
         key: str = "") -> Hit:
    version = int(key.rsplit(VERSION_SEP, 1)[1]) if VERSION_SEP in key else None
    return Hit(
        id=release.id, title=release.title, date=release.date, issuer=release.issuer,
        speakers=[s.name for s in release.speakers], topics=release.topics, url=release.url,
        source=release.source, wire=release.wire,
        passages=passages(release.paragraphs, parsed.terms(), phrases=parsed.phrases) if with_passages else [], score=score,
        status=_STATUS_NAMES.get(status, "published"), version=version,
    )


def _parse(snap: Snapshot, request: SearchRequest) -> ParsedQuery:
    tables = snap.tables

    def resolve(field: str, value: str) -> str | None:
        table = tables.tables.get(field)
        return table.spelling(value) if table is not None else None

    def expand(field: str, prefix: str) -> list[str]:
        """The indexed words of ``field`` starting with ``prefix``, up to just past the cap."""
        with snap.lock:
            words = snap.searcher.reader().expand_prefix(field, prefix)
            return [w.decode("utf-8") if isinstance(w, bytes) else w for w in islice(words, MAX_EXPANSION + 1)]

    return parse_query(request.q, resolve, expand)


def _masks(snap: Snapshot, request: SearchRequest, parsed: ParsedQuery, deadline: Deadline,
           engine: str) -> tuple[np.ndarray, dict[str, np.ndarray]]:
    """The documents matching the text and dates (base), and each facet filter's documents.

    Withdrawn releases are searched but, unless the request names a status (a ``status`` filter or a
    ``status:`` clause), filtered out by an implicit status filter: the status facet still counts them.
    Earlier versions are searched only when ``all_versions`` asks for them."""
    tables = snap.tables
    size = tables.size
    scope = tables.searchable if request.all_versions else tables.searchable & (tables.status != SUPERSEDED_CODE)
    if parsed.nothing:
        base = np.zeros(size, dtype=bool)
    elif parsed.whoosh is None:
        base = scope.copy()
    else:
        base = matching(snap, parsed, deadline, engine) & scope
    dates = date_mask(tables, request.date_from, request.date_to)
    if dates is not None:
        base &= dates
    masks = {
        name: tables.tables[name].docs_with_any(values, size)
        for name, values in request.filters.items()
        if values and name in tables.tables
    }
    if "status" not in masks and "status" not in parsed.fields:
        masks["status"] = tables.status != WITHDRAWN_CODE
    for name, values in parsed.facet_filters.items():
        # A field clause of the query narrows like a filter of its own, and counts stay honest: the
        # facet is still counted without its own (URL) filter, but never without the query.
        base &= tables.tables[name].docs_with_any(values, size)
    return base, masks


_WEB_BUDGET = -1.0  # the default budget: ``limits.SEARCH_SECONDS``, read when the search starts


def _deadline(seconds: float | None) -> Deadline:
    return Deadline(limits.SEARCH_SECONDS if seconds == _WEB_BUDGET else seconds)


def search(source: Snapshot | IndexReader, request: SearchRequest, *, seconds: float | None = _WEB_BUDGET,
           engine: str = "numpy") -> SearchResult:
    """Run one search: hits for the page, facet counts, the date histogram and a spelling suggestion.
    Raises :class:`archive.limits.SearchTimeout` when it takes more than ``seconds`` (None: no limit)."""
    started = time.perf_counter()
    deadline = _deadline(seconds)
    with snapshot_of(source) as snap:
        tables = snap.tables
        parsed = _parse(snap, request)
        base, masks = _masks(snap, request, parsed, deadline, engine)
        hits_mask = base.copy()
        for mask in masks.values():
            hits_mask &= mask
        total = int(hits_mask.sum())
        page_size = max(1, min(request.page_size, MAX_PAGE_SIZE))
        page = max(1, request.page)
        offset = (page - 1) * page_size
        sort = request.sort if request.sort in SORTS else "relevance"
        chosen: list[tuple[int, float | None]] = []
        if total and offset < total:
            chosen = ordered(snap, parsed, sort, hits_mask, offset, offset + page_size, deadline, engine)
        hits = [_hit(snap.release_at(docnum), parsed, request.passages, score, int(tables.status[docnum]),
                     snap.stored_id(docnum) if tables.status[docnum] == SUPERSEDED_CODE else "")
                for docnum, score in chosen]
        for hit, (docnum, _score) in zip(hits, chosen, strict=True):
            hit.copies = [snap.stored_id(d) for d in tables.copies_of(docnum)]
        level, buckets = histogram(tables, hits_mask, request.date_from, request.date_to)
        facets = count_facets(tables, request, base, masks)

        def count(text: str) -> int:
            other = replace(request, q=text)
            alt_base, alt_masks = _masks(snap, other, _parse(snap, other), deadline, engine)
            for mask in alt_masks.values():
                alt_base &= mask
            return int(alt_base.sum())

        suggestion = did_you_mean(snap, parsed, total, deadline, count)
    return SearchResult(
        total=total, page=page, page_size=page_size, hits=hits, facets=facets, histogram=buckets,
        histogram_level=level, ignored=parsed.ignored, did_you_mean=suggestion,
        took_ms=round((time.perf_counter() - started) * 1000, 2),
    )


class Releases(Iterator[Release]):
    """Releases loaded one at a time from a snapshot, which is closed when they run out or on ``close()``."""

    def __init__(self, snap: Snapshot, docnums: list[int], stack: ExitStack) -> None:
        self._snap, self._docnums, self._stack = snap, iter(docnums), stack

    def __next__(self) -> Release:
        try:
            docnum = next(self._docnums)
        except StopIteration:
            self.close()
            raise
        return self._snap.release_at(docnum)

    def close(self) -> None:
        self._stack.close()

    def __del__(self) -> None:
        self.close()


def matching_releases(source: Snapshot | IndexReader, request: SearchRequest, limit: int | None = None, *,
                      seconds: float | None = _WEB_BUDGET) -> Releases:
    """Every release a search finds, in its order, loaded one at a time (for feeds and exports), all from one
    snapshot, held until the iteration ends. Matching and ordering happen in this call, so a search over its
    budget raises here, before an export's response has started; only the loading is lazy."""
    stack = ExitStack()
    snap = stack.enter_context(snapshot_of(source))
    try:
        deadline = _deadline(seconds)
        parsed = _parse(snap, request)
        base, masks = _masks(snap, request, parsed, deadline, "numpy")
        for mask in masks.values():
            base &= mask
        total = int(base.sum()) if limit is None else min(limit, int(base.sum()))
        sort = request.sort if request.sort in SORTS else "relevance"
        docnums = [docnum for docnum, _score in ordered(snap, parsed, sort, base, 0, total, deadline)]
    except BaseException:
        stack.close()
        raise
    return Releases(snap, docnums, stack)


def facet_names() -> list[str]:
    return list(FACET_FIELDS)


RELATED_WEIGHTS = {"speaker": 3.0, "tag": 1.5, "topic": 1.0, "issuer": 0.5, "wire": 0.25}


def related(source: Snapshot | IndexReader, release_id: str, limit: int = 5) -> list[Hit]:
    """Releases that share speakers, source tags, topics or issuer with this one, closest in date first
    among equals: computed from the facet tables, so it costs no text search."""
    with snapshot_of(source) as snap:
        docnum = snap.document_number(release_id)
        if docnum is None:
            return []
        tables = snap.tables
        score = np.zeros(tables.size, dtype=np.float64)
        for name, weight in RELATED_WEIGHTS.items():
            table = tables.tables[name]
            values = table.pair_value[table.pair_doc == docnum]
            if len(values):
                shared = np.isin(table.pair_value, values)
                np.add.at(score, table.pair_doc[shared], weight)
        score[docnum] = 0
        score[~tables.live] = 0
        candidates = np.flatnonzero(score > 0)
        if not len(candidates):
            return []
        distance = np.abs(tables.day[candidates] - tables.day[docnum])
        order = np.lexsort((distance, -score[candidates]))[:limit]
        parsed = parse_query("")
        return [_hit(snap.release_at(int(d)), parsed, False, float(score[d])) for d in candidates[order]]
