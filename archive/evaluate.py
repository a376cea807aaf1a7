"""Match and score a parsed query with NumPy over Whoosh's posting blocks.

Whoosh walks a query one posting at a time through Python matcher objects (``id``, ``next``, ``skip_to``,
a score per posting), so a two-word query over common words costs in proportion to the postings it walks:
hundreds of milliseconds at 100,000 releases. Here each term's posting list is read whole
(:mod:`archive.postings`), and AND / OR / NOT become set operations on sorted NumPy arrays. BM25F scores
are computed for whole arrays with Whoosh's own formula and statistics, so rankings agree with Whoosh's
(prefixes and wildcards excepted: the same documents, scored per covered term). Phrases are checked
against positions only in the documents holding all their words.

What this does not know (a query class it has not been taught) it declines with ``None``: the query grammar
(``archive/query.py``) only builds what it is taught, and tests check that; Whoosh's own matchers remain for
benchmarks. The generation's lock is held only to look terms up; posting lists are read and decoded outside
it (``archive/postings.py``), and the deadline is checked between terms and segments.
"""

from __future__ import annotations

import threading
from itertools import islice
from typing import Any

import numpy as np
from whoosh import query
from whoosh.scoring import BM25F

from archive.limits import MAX_EXPANSION, NO_DEADLINE, Deadline
from archive.postings import TermPostings, arrays_of_blocks, decode_positions, field_lengths, read_ids, read_term

Scored = tuple[np.ndarray, np.ndarray]  # sorted unique docnums (int64), and a score for each (float64)

_EMPTY: Scored = (np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.float64))


class Unsupported(Exception):
    """A query this module does not evaluate; Whoosh will."""


def evaluate(searcher: Any, q: Any, lock: Any = None, deadline: Deadline = NO_DEADLINE) -> Scored | None:
    """All documents matching ``q`` with their BM25F scores, or None for a query it is not taught.

    ``lock`` is the one every user of ``searcher`` holds for Whoosh's file reads (the snapshot's); it is
    taken only briefly. Raises :class:`archive.limits.SearchTimeout` past ``deadline``.
    """
    if not isinstance(searcher.weighting, BM25F):
        return None
    try:
        return _Evaluator(searcher, lock or threading.Lock(), deadline).node(q)
    except Unsupported:
        return None


def documents_with(searcher: Any, fieldname: str, text: str, lock: Any = None,
                   deadline: Deadline = NO_DEADLINE, within: np.ndarray | None = None) -> np.ndarray:
    """The documents holding one indexed term (sorted, deleted ones too), without scores: for a caller that only
    asks which documents hold which words (the quote finder's candidates), and so needs neither the weights
    and positions of the postings nor BM25's statistics, which sum every segment's counts for each term.

    With ``within`` (sorted document numbers), only those of them: segments holding none are not looked at,
    and only the posting blocks that may hold one are read."""
    if fieldname not in searcher.schema:
        return _EMPTY[0]
    lock = lock or threading.Lock()
    with lock:
        leaves = searcher.leaf_searchers()
    inlined, blocks, counts, offsets = [], [], [], []
    for sub, offset in leaves:
        local = None
        if within is not None:
            end = offset + sub.reader().doc_count_all()
            local = within[np.searchsorted(within, offset):np.searchsorted(within, end)] - offset
            if not len(local):
                continue
        deadline.check()
        found = read_ids(sub.reader(), fieldname, text, lock, local)
        if found is None:
            continue
        ids, segment_blocks, segment_counts = found
        inlined.append(ids + offset)
        blocks += segment_blocks
        counts += segment_counts
        offsets += [offset] * len(segment_blocks)
    # Blocks of every segment decoded together: one pass instead of one per segment.
    docs = arrays_of_blocks(blocks, counts)[0] + np.repeat(np.asarray(offsets, dtype=np.int64), counts)
    docs = np.sort(np.concatenate([docs, *inlined]))
    return docs if within is None else docs[np.isin(docs, within, assume_unique=True)]


def _bm25(tf: np.ndarray, lengths: np.ndarray, idf: float, avgfl: float, B: float, K1: float) -> np.ndarray:
    """Whoosh's ``scoring.bm25`` over arrays."""
    return idf * ((tf * (K1 + 1)) / (tf + K1 * ((1 - B) + B * lengths / avgfl)))


def _union(parts: list[Scored]) -> Scored:
    parts = [p for p in parts if len(p[0])]
    if not parts:
        return _EMPTY
    if len(parts) == 1:
        return parts[0]
    docs, inverse = np.unique(np.concatenate([p[0] for p in parts]), return_inverse=True)
    scores = np.bincount(inverse, weights=np.concatenate([p[1] for p in parts]), minlength=len(docs))
    return docs, scores


def _intersection(a: Scored, b: Scored, keep_b_score: bool = True) -> Scored:
    docs, ia, ib = np.intersect1d(a[0], b[0], assume_unique=True, return_indices=True)
    scores = a[1][ia] + b[1][ib] if keep_b_score else a[1][ia]
    return docs, scores


def _difference(a: Scored, b: Scored) -> Scored:
    if not len(b[0]) or not len(a[0]):
        return a
    keep = ~np.isin(a[0], b[0], assume_unique=True)
    return a[0][keep], a[1][keep]


class _Evaluator:
    def __init__(self, searcher: Any, lock: Any, deadline: Deadline) -> None:
        self.searcher = searcher
        self.lock = lock
        self.deadline = deadline
        self.weighting = searcher.weighting
        with lock:
            self.leaves = searcher.leaf_searchers()
            self.doc_count = searcher.doc_count_all()
        self._terms: dict[tuple[str, Any], Scored] = {}  # a word typed twice is read once

    def everything(self) -> Scored:
        return np.arange(self.doc_count, dtype=np.int64), np.ones(self.doc_count)

    # -- query tree ---------------------------------------------------------------------------------

    def node(self, q: Any) -> Scored:
        if isinstance(q, query.Term):
            docs, scores = self.term(q.fieldname, q.text)
            return docs, scores * q.boost
        if isinstance(q, query.Phrase):
            return self.phrase(q)
        if isinstance(q, query.Every):
            return self.everything()
        if q is query.NullQuery or isinstance(q, type(query.NullQuery)):
            return _EMPTY
        if isinstance(q, query.AndNot):
            return _difference(self.node(q.a), self.node(q.b))
        if isinstance(q, query.AndMaybe):
            a, b = self.node(q.a), self.node(q.b)
            docs, ia, ib = np.intersect1d(a[0], b[0], assume_unique=True, return_indices=True)
            scores = a[1].copy()
            scores[ia] += b[1][ib]
            return a[0], scores
        if isinstance(q, query.Require):
            return _intersection(self.node(q.a), self.node(q.b), keep_b_score=False)
        if isinstance(q, query.Not):
            return _difference(self.everything(), self.node(q.query))
        if isinstance(q, query.And):
            return self.conjunction(q.subqueries)
        if isinstance(q, query.Or) and not isinstance(q, query.DisjunctionMax):
            return self.disjunction(q)
        if isinstance(q, query.NumericRange):
            with self.lock:
                compiled = q._compile_query(self.searcher.reader())
            return self.node(compiled)
        if isinstance(q, query.ConstantScoreQuery):
            docs, _scores = self.node(q.child)
            return docs, np.full(len(docs), float(q.score))
        if isinstance(q, query.MultiTerm):
            return self.expanded(q)
        raise Unsupported(type(q).__name__)

    def conjunction(self, subqueries: list[Any]) -> Scored:
        wanted = [s for s in subqueries if not isinstance(s, query.Not)]
        unwanted = [s.query for s in subqueries if isinstance(s, query.Not)]
        if not wanted:  # NOT a NOT b: everything else, as Whoosh answers it (every document scores the same)
            result = self.everything()
            for s in unwanted:
                result = _difference(result, self.node(s))
            return result
        parts = []
        for s in wanted:  # one clause that matches nothing answers the AND: the rest are not looked up
            part = self.node(s)
            if not len(part[0]):
                return _EMPTY
            parts.append(part)
        parts.sort(key=lambda p: len(p[0]))
        result = parts[0]
        for part in parts[1:]:
            if not len(result[0]):
                return _EMPTY
            result = _intersection(result, part)
        for s in unwanted:
            result = _difference(result, self.node(s))
            # Whoosh counts a NOT clause of an AND as a match scoring 1 (the same for every document).
            result = (result[0], result[1] + 1.0)
        return result

    def disjunction(self, q: Any) -> Scored:
        if getattr(q, "minmatch", 0) or getattr(q, "scale", None):
            raise Unsupported("an OR with a minimum match or a coordination scale")
        return _union([self.node(s) for s in q.subqueries])

    def expanded(self, q: Any) -> Scored:
        """Prefixes, wildcards, fuzzy terms and term ranges: the OR of the indexed terms they cover, as
        Whoosh expands them when it matches. Each covered term adds its BM25F score; Whoosh's scores for
        these vary with how many terms a prefix covers, so the documents agree but their order may not."""
        with self.lock:
            words = [w for w in islice(q._btexts(self.searcher.reader()), MAX_EXPANSION + 1) if w]
        if len(words) > MAX_EXPANSION:
            raise Unsupported("too many terms")  # the grammar drops such clauses before they get here
        return _union([self.term(q.field(), w) for w in words])

    # -- one term -----------------------------------------------------------------------------------

    def _scorable(self, fieldname: str) -> bool:
        schema = self.searcher.schema
        if fieldname not in schema:
            raise Unsupported(f"no field {fieldname}")
        return bool(schema[fieldname].scorable)

    def term(self, fieldname: str, text: Any, keep: dict[int, TermPostings] | None = None) -> Scored:
        """One term's documents and BM25F scores across the segments. With ``keep``, each segment's
        postings are kept there (by segment), for a phrase's positions."""
        remembered = self._terms.get((fieldname, text))
        if remembered is not None and keep is None:
            return remembered
        scorable = self._scorable(fieldname)
        scoring: tuple[float, float, float, float] | None = None
        docs_parts, score_parts = [], []
        for n, (sub, offset) in enumerate(self.leaves):
            self.deadline.check()
            reader = sub.reader()
            postings = read_term(reader, fieldname, text, self.lock)
            if postings is None:
                continue
            if keep is not None:
                keep[n] = postings
            ids, weights = postings.ids, postings.weights
            if scorable:
                if scoring is None:  # the collection's statistics, once per term (each call sums every segment)
                    scoring = self._bm25_parameters(fieldname, text)
                weights = _bm25(weights, field_lengths(reader, fieldname, self.lock)[ids], *scoring)
            docs_parts.append(ids + offset)
            score_parts.append(weights)
        found = (np.concatenate(docs_parts), np.concatenate(score_parts)) if docs_parts else _EMPTY
        self._terms[(fieldname, text)] = found
        return found

    def _bm25_parameters(self, fieldname: str, text: Any) -> tuple[float, float, float, float]:
        """Whoosh's BM25F statistics for a term: idf and average field length over the whole index, B, K1."""
        with self.lock:
            idf, average = self.searcher.idf(fieldname, text), self.searcher.avg_field_length(fieldname)
        return idf, average or 1, self.weighting._field_B.get(fieldname, self.weighting.B), self.weighting.K1

    # -- phrases ------------------------------------------------------------------------------------

    def phrase(self, q: Any) -> Scored:
        words = list(q.words)
        if not words:
            return _EMPTY
        if len(words) == 1:
            return self.term(q.fieldname, words[0])
        if q.slop != 1:
            raise Unsupported("a phrase with slop")
        self._scorable(q.fieldname)
        if not self.searcher.schema[q.fieldname].format.supports("positions"):
            raise Unsupported("a phrase in a field without positions")
        kept: dict[str, dict[int, TermPostings]] = {w: {} for w in words}  # a repeated word is read once
        read = {w: self.term(q.fieldname, w, kept[w]) for w in kept}
        parts = [read[w] for w in words]
        together = parts[0]
        for part in sorted(parts[1:], key=lambda p: len(p[0])):
            together = _intersection(together, part)
        if not len(together[0]):
            return _EMPTY
        # A phrase match is a start position p with word i at p + i: key each word's positions by
        # (document, position - i) and keep the keys every word shares.
        positions: dict[str, np.ndarray] = {}
        keys = None
        for i, word in enumerate(words):
            self.deadline.check()
            if word not in positions:
                positions[word] = self._position_keys(together[0], kept[word])
            word_keys = positions[word] - i
            keys = word_keys if keys is None else np.intersect1d(keys, word_keys, assume_unique=True)
            if not len(keys):
                return _EMPTY
        docs = keys >> 32  # sorted
        found = docs[np.concatenate(([True], docs[1:] != docs[:-1]))]
        index = np.searchsorted(together[0], found)
        return found, together[1][index]

    def _position_keys(self, candidates: np.ndarray, kept: dict[int, TermPostings]) -> np.ndarray:
        """``document << 32 | position`` for each position of a word (its postings ``kept`` by segment) in
        the candidate documents."""
        docs: list[np.ndarray] = []
        values: list[bytes] = []
        for n, (sub, offset) in enumerate(self.leaves):
            local = candidates[(candidates >= offset) & (candidates < offset + sub.reader().doc_count_all())] - offset
            if not len(local) or n not in kept:
                continue
            for docnums, encoded in kept[n].values_for(local):
                docs.append(docnums + offset)
                values.extend(encoded)
        if not values:
            return np.zeros(0, dtype=np.int64)
        counts, positions = decode_positions(values)
        # Already sorted and distinct: documents ascend, and so do positions within one.
        return (np.repeat(np.concatenate(docs), counts) << 32) | positions
