"""The NumPy query evaluator must answer exactly as Whoosh's own matchers do: the same documents, the same
BM25F scores, on a real multi-segment index with deletions, and fall back (None) where it is not taught."""

from __future__ import annotations

import pickle
import random
import re
import shutil
import struct
from itertools import accumulate

import numpy as np
import pytest
from whoosh import query

from archive import writer
from archive.evaluate import documents_with, evaluate
from archive.postings import TermPostings, decode_positions, parse_blocks
from archive.query import parse_query
from archive.search import SearchRequest, search
from archive.store import IndexHome, IndexReader
from indexer.build import run_index

from .conftest import CORPUS, SAMPLES, needs_shared

HAND_WRITTEN = [
    "drought", "drought reservoirs", "ferries OR wetland", "robotics NOT forklifts", "robotics -forklifts",
    "dockwork*", '"mental health"', '"flash flood warning"', "title:budget", "speaker:harkin",
    'issuer:"brightline robotics"', "date:2024", "date:2024..2025-06", "(court OR judge) sentenced",
    "+fraud -bank", "fraud -bank", '"the"', "zzzzunknownword", "NOT fraud", "senator AND (farm OR farms)",
]


def whoosh_answer(searcher, q) -> dict[int, float]:
    results = searcher.search(q, limit=None)
    return {docnum: score for score, docnum in results.top_n}


def drawn_queries(releases, n: int, seed: int) -> list[str]:
    """Words, pairs and phrases taken from the releases' own titles and text, common words included."""
    rng = random.Random(seed)
    out = []
    for _ in range(n):
        words = re.findall(r"[a-z]{3,}", rng.choice(releases).text.lower())
        if len(words) < 3:
            continue
        i = rng.randrange(len(words) - 2)
        out += [words[i], f"{words[i]} {words[i + 2]}", f'"{words[i]} {words[i + 1]}"', f'"{" ".join(words[i:i + 3])}"',
                f"{words[i][:4]}*"]
    return out


@pytest.fixture(scope="module")
def segmented(tmp_path_factory: pytest.TempPathFactory):
    """The demo corpus and the real samples (where ../shared is there) indexed by ``archive index``'s own
    code (``run_index``) into segments of a few releases each, then indexed again after some files were
    deleted, so the index has several segments and deleted documents, as a re-indexed archive does."""
    folder = tmp_path_factory.mktemp("segmented") / "releases"
    shutil.copytree(CORPUS, folder / "corpus")
    if SAMPLES.is_dir():
        shutil.copytree(SAMPLES, folder / "samples")
    home = IndexHome(folder.parent / "index")
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(writer, "SEGMENT_MB", 0.2)
        patch.setattr(writer, "SMALL_SEGMENT_DOCS", 0)
        run_index([folder], home, jobs=1)
        files = sorted(p for p in folder.rglob("*") if p.is_file() and p.suffix in (".md", ".txt", ".html"))
        for path in files[::7]:
            path.unlink()
        run_index([folder], home, jobs=1)
    reader = IndexReader(home)
    with reader.snapshot() as snap:
        searcher = snap.searcher
        assert len(searcher.reader().leaf_readers()) >= 3 and searcher.reader().has_deletions()
        yield searcher, list(snap.iter_releases())
    reader.close()


def test_same_documents_and_scores_as_whoosh_on_a_multi_segment_index(segmented):
    searcher, releases = segmented
    deleted = set(searcher.reader().all_doc_ids()) ^ set(range(searcher.doc_count_all()))
    queries = HAND_WRITTEN + drawn_queries(releases, 60, seed=5)
    for text in queries:
        parsed = parse_query(text)
        if parsed.nothing:  # a stop word drawn from the text ("not", "the"): searches answer it with no hits
            continue
        q = parsed.whoosh
        found = evaluate(searcher, q)
        assert found is not None, f"{text!r} ({q!r}) fell back to Whoosh"
        docs, scores = found
        assert (np.diff(docs) > 0).all(), "document order, no repeats"
        mine = {int(d): float(s) for d, s in zip(docs, scores, strict=True) if int(d) not in deleted}
        # Whoosh's matchers answer a bare NOT with deleted documents too; searches mask them out (``live``).
        theirs = {d: s for d, s in whoosh_answer(searcher, q).items() if d not in deleted}
        assert mine.keys() == theirs.keys(), f"{text!r}: {len(mine)} vs Whoosh {len(theirs)} documents"
        # Whoosh scores a bare NOT, and prefixes covering several terms, its own way; only documents matter.
        if not isinstance(q, query.Not) and "*" not in text:
            for docnum, score in theirs.items():
                assert mine[docnum] == pytest.approx(score, rel=1e-5), f"{text!r}: score of {docnum}"
    assert sum(1 for t in queries if not parse_query(t).nothing and whoosh_answer(searcher, parse_query(t).whoosh)) \
        > len(queries) // 2


def test_the_documents_holding_a_word_are_whooshs_on_a_multi_segment_index(segmented):
    """The quote finder's unscored look-up (a term dictionary probed with ``os.pread``, postings without
    weights or positions) finds the documents Whoosh's matchers find (and the deleted ones, which the scored
    evaluator keeps too and searches mask out), for words in one segment, in every segment, and in none."""
    searcher, releases = segmented
    reader = searcher.reader()
    deleted = set(reader.all_doc_ids()) ^ set(range(searcher.doc_count_all()))
    words = {w for text in drawn_queries(releases, 40, seed=9) for w in re.findall(r"[a-z]+", text)}
    words |= {"the", "said", "zzzzunknownword", "drought"}
    seen_in_some = 0
    for word in sorted(words):
        theirs = sorted(reader.postings("exact", word).all_ids()) if ("exact", word) in reader else []
        docs = documents_with(searcher, "exact", word)
        assert [d for d in docs.tolist() if d not in deleted] == theirs, word
        assert docs.tolist() == evaluate(searcher, query.Term("exact", word))[0].tolist(), word
        seen_in_some += 0 < len(theirs)
    assert seen_in_some > 50
    assert documents_with(searcher, "no such field", "the").tolist() == []


def test_queries_it_is_not_taught_go_back_to_whoosh(segmented):
    searcher, _releases = segmented
    assert evaluate(searcher, query.Phrase("exact", ["mental", "health"], slop=3)) is None
    assert evaluate(searcher, query.FuzzyTerm("text", "drouhgt")) is not None  # expands to terms, like a prefix
    assert evaluate(searcher, query.DisjunctionMax([query.Term("text", "fraud")])) is None
    assert evaluate(searcher, query.Phrase("f_topic", ["crime", "law"])) is None  # no positions there


@needs_shared
def test_search_pages_in_score_order_never_overlap(samples):
    everything = search(samples, SearchRequest(q="said", page_size=100, passages=False))
    assert everything.total > 100
    seen: list[str] = []
    page = 1
    while len(seen) < everything.total and page <= 30:
        result = search(samples, SearchRequest(q="said", page=page, page_size=37, passages=False))
        seen += [h.id for h in result.hits]
        scores = [h.score for h in result.hits]
        assert scores == sorted(scores, reverse=True)
        page += 1
    assert len(seen) == len(set(seen)) == everything.total
    assert seen[:100] == [h.id for h in everything.hits]


def _block(ids: list[int], weights, values: list[bytes]) -> bytes:
    """A posting block pickled the way whoosh.codec.whoosh3 writes one."""
    deltas = [ids[0]] + [b - a for a, b in zip(ids, ids[1:], strict=False)]
    return pickle.dumps((tuple(deltas), weights, tuple(values)), 2)


def test_posting_blocks_read_without_unpickling_match_pickle():
    rng = random.Random(11)
    blocks, counts, expected_ids, expected_weights = [], [], [], []
    for _ in range(300):
        n = rng.choice([1, 2, 3, 4, 5, 127, 128])
        gap = rng.choice([1, 3, 200, 300, 70_000, 20_000_000])
        ids = sorted(rng.sample(range(1, gap * n + 2), n))
        kind = rng.choice(["none", "same", "each"])
        weights = [1.0] * n if kind == "none" else [2.5] * n if kind == "same" else [float(rng.randint(1, 40)) for _ in range(n)]
        mini = None if kind == "none" else weights[0] if kind == "same" and n > 0 else tuple(weights)
        blocks.append(_block(ids, mini, [struct.pack("!I", 1) + pickle.dumps([rng.randint(0, 9)], 2) for _ in ids]))
        counts.append(n)
        expected_ids += ids
        expected_weights += weights
    # Deltas whose bytes read as the TUPLE, BINPUT pair that closes the ids (0x7174; 0x74 0x71 0x00 in a
    # four-byte int): the ids' end is not where those bytes first appear.
    for deltas in ([5, 0x7174, 3, 300, 7], [0x01007174, 2, 0x7174, 9, 400], [1] * 100 + [0x7174] * 28):
        ids = list(accumulate(deltas))
        blocks.append(_block(ids, None, [struct.pack("!I", 1) + pickle.dumps([0], 2) for _ in ids]))
        counts.append(len(ids))
        expected_ids += ids
        expected_weights += [1.0] * len(ids)
    ids, weights = parse_blocks(blocks, np.asarray(counts))
    assert ids.tolist() == expected_ids
    assert weights.tolist() == expected_weights


def test_positions_decoded_together_match_pickle():
    rng = random.Random(7)
    values, expected = [], []
    for _ in range(400):
        n = rng.choice([1, 2, 3, 10, 999, 1000, 1001, 2500]) if rng.random() < 0.2 else rng.randint(1, 6)
        deltas = [rng.choice([rng.randint(0, 255), rng.randint(256, 65_535), rng.randint(65_536, 10**7)]) for _ in range(n)]
        values.append(struct.pack("!I", n) + pickle.dumps(deltas, 2))
        expected.append(np.cumsum(deltas).tolist())
    counts, positions = decode_positions(values)
    assert counts.tolist() == [len(e) for e in expected]
    assert positions.tolist() == [p for e in expected for p in e]


def test_the_demo_index_answers_through_the_evaluator(demo: IndexReader):
    """The product path: the index ``archive index`` writes is one the evaluator reads (never a silent
    fallback to Whoosh for the queries people type)."""
    with demo.snapshot() as snap:
        for text in HAND_WRITTEN:
            parsed = parse_query(text)
            assert evaluate(snap.searcher, parsed.whoosh, snap.lock) is not None, text


def test_postings_inlined_in_the_terms_file_give_their_values_too():
    postings = TermPostings(np.array([2, 5, 9]), np.array([1.0, 3.0, 1.0]), values=(b"a", b"b", b"c"))
    found = postings.values_for(np.array([5, 9]))
    assert [(d.tolist(), v) for d, v in found] == [([5, 9], [b"b", b"c"])]
