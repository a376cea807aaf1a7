"""One search call for the CLI, the web pages and the JSON API: plain data in, plain data out.

Facets: values of one facet combine with OR, facets with AND, and each facet is counted with every filter
applied except its own, so a picked topic still shows its siblings. Counting is NumPy over the per-generation
facet tables; Whoosh only finds the documents matching the text query.
"""

from __future__ import annotations

import threading
import time
from collections import OrderedDict
from collections.abc import Iterator
from dataclasses import asdict, dataclass, field
from typing import Any

import numpy as np

from archive.evaluate import evaluate
from archive.facets import FacetTables
from archive.highlight import passages
from archive.model import Release
from archive.query import ParsedQuery, day_bounds, parse_query
from archive.schema import FACET_FIELDS
from archive.store import IndexReader

SORTS = ("relevance", "newest", "oldest")
MAX_PAGE_SIZE = 100


@dataclass
class SearchRequest:
    q: str = ""
    filters: dict[str, list[str]] = field(default_factory=dict)
    date_from: str = ""
    date_to: str = ""
    sort: str = "relevance"
    page: int = 1
    page_size: int = 20
    facet_limit: int = 10
    facet_search: dict[str, str] = field(default_factory=dict)
    passages: bool = True


@dataclass
class FacetValue:
    value: str
    count: int
    selected: bool = False


@dataclass
class Facet:
    name: str
    values: list[FacetValue]
    more: bool = False


@dataclass
class Bucket:
    key: str
    label: str
    count: int


@dataclass
class Hit:
    id: str
    title: str
    date: str
    issuer: str
    speakers: list[str]
    topics: list[str]
    url: str
    source: str
    wire: str
    passages: list[str]
    score: float | None = None
    copies: list[str] = field(default_factory=list)


@dataclass
class SearchResult:
    total: int
    page: int
    page_size: int
    hits: list[Hit]
    facets: list[Facet]
    histogram: list[Bucket]
    histogram_level: str
    ignored: list[str]
    did_you_mean: str = ""
    took_ms: float = 0.0

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.page_size))

    def to_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data["pages"] = self.pages
        return data


def _bool_mask(docnums: Any, size: int) -> np.ndarray:
    mask = np.zeros(size, dtype=bool)
    ids = np.fromiter(docnums, dtype=np.int64)
    if len(ids):
        mask[ids[ids < size]] = True
    return mask


_MATCH_CACHE: OrderedDict[tuple[str, str], Any] = OrderedDict()
_MATCH_CACHE_SIZE = 64
_MATCH_CACHE_BYTES = 256 * 2**20
_MATCH_LOCK = threading.Lock()
_MISSING = object()
EVALUATOR = True  # False: Whoosh's own matchers answer every query (the query benchmark compares the two)


def clear_cache() -> None:
    """Forget every remembered match (benchmarks time the matching itself)."""
    with _MATCH_LOCK:
        _MATCH_CACHE.clear()


def _cached(reader: IndexReader, kind: str, parsed: ParsedQuery, compute: Any) -> Any:
    """Remember a query's result for the generation it was computed on: clicking facets, paging and
    re-sorting repeat the same query text, and only the first pass pays for matching (what Solr's result
    cache does). Keyed by the generation's folder, so a new generation never sees an old answer."""
    key = (str(reader.generation), f"{kind}:{parsed.whoosh!r}")
    with _MATCH_LOCK:
        cached = _MATCH_CACHE.get(key, _MISSING)
        if cached is not _MISSING:
            _MATCH_CACHE.move_to_end(key)
            return cached
    value = compute()
    with _MATCH_LOCK:
        _MATCH_CACHE[key] = value
        # By count and by size: at a million releases one common word's scored matches take ~13 MB.
        while len(_MATCH_CACHE) > _MATCH_CACHE_SIZE or (len(_MATCH_CACHE) > 1 and _cache_bytes() > _MATCH_CACHE_BYTES):
            _MATCH_CACHE.popitem(last=False)
    return value


def _cache_bytes() -> int:
    def size(value: Any) -> int:
        if isinstance(value, np.ndarray):
            return value.nbytes
        if isinstance(value, tuple):
            return sum(size(v) for v in value)
        return 0

    return sum(size(v) for v in _MATCH_CACHE.values())


def _evaluated(reader: IndexReader, parsed: ParsedQuery) -> tuple[np.ndarray, np.ndarray] | None:
    """Every document matching the text query with its score, in document order, read with NumPy from the
    posting blocks; None for the rare query only Whoosh's own matchers can answer."""

    if not EVALUATOR:
        return None

    def compute() -> tuple[np.ndarray, np.ndarray] | None:
        with reader.lock:
            found = evaluate(reader.searcher, parsed.whoosh)
        if found is not None:
            for array in found:
                array.setflags(write=False)
        return found

    return _cached(reader, "evaluated", parsed, compute)


def _matching(reader: IndexReader, parsed: ParsedQuery) -> np.ndarray:
    """The live documents matching the text query."""

    def compute() -> np.ndarray:
        tables = reader.tables
        found = _evaluated(reader, parsed)
        if found is not None:
            docnums = found[0]
        else:
            with reader.lock:
                docnums = np.fromiter(reader.searcher.docs_for_query(parsed.whoosh), dtype=np.int64)
        mask = _bool_mask(docnums, tables.size) & tables.live
        mask.setflags(write=False)
        return mask

    return _cached(reader, "matching", parsed, compute)


def _scored(reader: IndexReader, parsed: ParsedQuery) -> tuple[np.ndarray, np.ndarray]:
    """Every match of the text query with its relevance score, in document order; filters, sorting and
    pages then only subset it."""
    found = _evaluated(reader, parsed)
    if found is not None:
        return found

    def compute() -> tuple[np.ndarray, np.ndarray]:
        with reader.lock:
            results = reader.searcher.search(parsed.whoosh, limit=None, mask=reader.tables.folded or None)
            # ``top_n`` holds (score, docnum) pairs; asking ``len(results)`` would count every match again.
            pairs = results.top_n
        docs = np.fromiter((d for _s, d in pairs), dtype=np.int64, count=len(pairs))
        scores = np.fromiter((x for x, _d in pairs), dtype=np.float64, count=len(pairs))
        order = np.argsort(docs)
        return docs[order], scores[order]

    return _cached(reader, "scored", parsed, compute)


def _date_mask(tables: FacetTables, date_from: str, date_to: str) -> np.ndarray | None:
    low = day_bounds(date_from) if date_from else None
    high = day_bounds(date_to) if date_to else None
    if low is None and high is None:
        return None
    mask = tables.day > 0
    if low:
        mask &= tables.day >= low[0]
    if high:
        mask &= tables.day <= high[1]
    return mask


def _histogram(tables: FacetTables, hits: np.ndarray, date_from: str, date_to: str) -> tuple[str, list[Bucket]]:
    days = tables.day[hits]
    days = days[days > 0]
    if not len(days):
        return "year", []
    span_from, span_to = date_from or "", date_to or ""
    level = "year"
    if span_from and span_to and span_from[:4] == span_to[:4]:
        level = "month"
        if len(span_from) >= 7 and span_from[:7] == span_to[:7]:
            level = "day"
    divisor = {"year": 10000, "month": 100, "day": 1}[level]
    keys, counts = np.unique(days // divisor, return_counts=True)
    buckets = []
    for key, count in zip(keys.tolist(), counts.tolist(), strict=True):
        if level == "year":
            label = f"{key:04d}"
        elif level == "month":
            if key % 100 == 0:
                continue
            label = f"{key // 100:04d}-{key % 100:02d}"
        else:
            if key % 100 == 0:
                continue
            label = f"{key // 10000:04d}-{key // 100 % 100:02d}-{key % 100:02d}"
        buckets.append(Bucket(label, label, int(count)))
    return level, buckets


def _facets(tables: FacetTables, request: SearchRequest, base: np.ndarray, masks: dict[str, np.ndarray]) -> list[Facet]:
    result = []
    for name, table in tables.tables.items():
        docs = base.copy()
        for other, mask in masks.items():
            if other != name:
                docs &= mask
        counts = table.count(docs)
        selected = set(request.filters.get(name, []))
        needle = request.facet_search.get(name, "").strip().lower()
        order = np.argsort(-counts, kind="stable")
        values: list[FacetValue] = []
        more = False
        for i in order.tolist():
            count = int(counts[i])
            if count == 0:
                break
            value = table.values[i]
            if needle and needle not in value.lower():
                continue
            if len(values) >= request.facet_limit:
                more = True
                break
            values.append(FacetValue(value, count, value in selected))
        shown = {v.value for v in values}
        for value in sorted(selected - shown):
            ids = table.value_ids([value])
            values.append(FacetValue(value, int(counts[ids[0]]) if len(ids) else 0, True))
        result.append(Facet(name, values, more))
    return result


def _hit(release: Release, parsed: ParsedQuery, with_passages: bool, score: float | None) -> Hit:
    return Hit(
        id=release.id, title=release.title, date=release.date, issuer=release.issuer,
        speakers=[s.name for s in release.speakers], topics=release.topics, url=release.url,
        source=release.source, wire=release.wire,
        passages=passages(release.paragraphs, parsed.terms()) if with_passages else [], score=score,
    )


def _masks(reader: IndexReader, request: SearchRequest, parsed: ParsedQuery) -> tuple[np.ndarray, dict[str, np.ndarray], np.ndarray | None]:
    """The documents matching the text and dates (base), each facet filter's documents, and the date mask."""
    tables = reader.tables
    size = tables.size
    if parsed.is_empty:
        base = tables.live.copy()
    else:
        base = _matching(reader, parsed).copy()
    date_mask = _date_mask(tables, request.date_from, request.date_to)
    if date_mask is not None:
        base &= date_mask
    masks = {
        name: tables.tables[name].docs_with_any(values, size)
        for name, values in request.filters.items()
        if values and name in tables.tables
    }
    for name, values in parsed.facet_filters.items():
        # A field clause of the query narrows like a filter of its own, and counts stay honest: the
        # facet is still counted without its own (URL) filter, but never without the query.
        base &= tables.tables[name].docs_with_any(values, size)
    return base, masks, date_mask


def _parse(reader: IndexReader, request: SearchRequest) -> ParsedQuery:
    tables = reader.tables

    def resolve(field: str, value: str) -> str | None:
        table = tables.tables.get(field)
        return table.spelling(value) if table is not None else None

    return parse_query(request.q, resolve)


def _ordered(reader: IndexReader, parsed: ParsedQuery, sort: str, hits_mask: np.ndarray,
             start: int, stop: int) -> list[tuple[int, float | None]]:
    """Document numbers ``start:stop`` of the hits in the requested order, with relevance scores. Ties keep
    document order, so pages never overlap; only the hits up to ``stop`` are sorted."""
    if sort == "relevance" and not parsed.is_empty:
        docs, scores = _scored(reader, parsed)
        keep = hits_mask[docs]
        docs, scores = docs[keep], scores[keep]
        if stop < len(docs):
            bar = np.partition(scores, len(scores) - stop)[len(scores) - stop]  # the stop-th best score
            best = scores >= bar
            docs, scores = docs[best], scores[best]
        order = np.lexsort((docs, -scores))[start:stop]
        return [(int(d), float(x)) for d, x in zip(docs[order], scores[order], strict=True)]
    docs = np.flatnonzero(hits_mask)
    days = reader.tables.day[docs]
    order = np.lexsort((docs, days)) if sort == "oldest" else np.lexsort((docs, -days))
    return [(int(d), None) for d in docs[order][start:stop]]


def search(reader: IndexReader, request: SearchRequest) -> SearchResult:
    """Run one search: hits for the page, facet counts, the date histogram and a spelling suggestion."""
    started = time.perf_counter()
    tables = reader.tables
    parsed = _parse(reader, request)
    base, masks, date_mask = _masks(reader, request, parsed)
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
        chosen = _ordered(reader, parsed, sort, hits_mask, offset, offset + page_size)
    hits = [_hit(reader.release_at(docnum), parsed, request.passages, score) for docnum, score in chosen]
    for hit, (docnum, _score) in zip(hits, chosen, strict=True):
        hit.copies = [reader.stored_id(d) for d in tables.copies_of(docnum)]
    level, histogram = _histogram(tables, hits_mask, request.date_from, request.date_to)
    facets = _facets(tables, request, base, masks)
    suggestion = _did_you_mean(reader, parsed, total) if total < 3 else ""
    return SearchResult(
        total=total, page=page, page_size=page_size, hits=hits, facets=facets, histogram=histogram,
        histogram_level=level, ignored=parsed.ignored, did_you_mean=suggestion,
        took_ms=round((time.perf_counter() - started) * 1000, 2),
    )


def matching_releases(reader: IndexReader, request: SearchRequest, limit: int | None = None) -> Iterator[Release]:
    """Every release a search finds, in its order, loaded one at a time (for feeds and exports). The order is
    computed once: ``_ordered`` sorts the head up to its ``stop``, so asking it batch by batch would sort the
    head again for every batch."""
    parsed = _parse(reader, request)
    base, masks, _date_mask = _masks(reader, request, parsed)
    for mask in masks.values():
        base &= mask
    total = int(base.sum()) if limit is None else min(limit, int(base.sum()))
    sort = request.sort if request.sort in SORTS else "relevance"
    for docnum, _score in _ordered(reader, parsed, sort, base, 0, total):
        yield reader.release_at(docnum)


def _did_you_mean(reader: IndexReader, parsed: ParsedQuery, total: int) -> str:
    if parsed.is_empty or not parsed.text:
        return ""
    with reader.lock:
        return _suggest(reader.searcher, parsed, total)


def _suggest(searcher: Any, parsed: ParsedQuery, total: int) -> str:
    words = parsed.text.split()
    analyzer = searcher.schema["text"].analyzer
    unknown = [w for w in words if w.isalpha() and w not in ("AND", "OR", "NOT")
               and any(searcher.doc_frequency("text", t.text) == 0 for t in analyzer(w.lower()))]
    if not unknown:
        return ""  # every word is in the archive: a spelling suggestion would not find more
    corrector = searcher.corrector("text")
    changed = False
    fixed = []
    for word in words:
        if word.isalpha() and word.lower() not in ("and", "or", "not"):
            suggestion = corrector.suggest(word.lower(), limit=1)
            if suggestion and suggestion[0] != word.lower():
                fixed.append(suggestion[0])
                changed = True
                continue
        fixed.append(word)
    if not changed:
        return ""
    candidate = " ".join(fixed)
    alt = parse_query(candidate)
    count = sum(1 for _ in searcher.docs_for_query(alt.whoosh))
    return candidate if count > total else ""


def facet_names() -> list[str]:
    return list(FACET_FIELDS)


RELATED_WEIGHTS = {"speaker": 3.0, "tag": 1.5, "topic": 1.0, "issuer": 0.5, "wire": 0.25}


def related(reader: IndexReader, release_id: str, limit: int = 5) -> list[Hit]:
    """Releases that share speakers, source tags, topics or issuer with this one, closest in date first
    among equals: computed from the facet tables, so it costs no text search."""
    with reader.lock:
        docnum = reader.searcher.document_number(id=release_id)
    if docnum is None:
        return []
    tables = reader.tables
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
    return [_hit(reader.release_at(int(d)), parsed, False, float(score[d])) for d in candidates[order]]
