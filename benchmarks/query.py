"""Faceted search latency and facet-count correctness over a real index.

Draws queries from the index's own releases (single words, pairs, phrases, field queries), runs each through
the same ``search()`` the web uses — facets, date histogram and highlighted passages included — cold (a
freshly opened reader) and warm, then each query once more with its matching done by Whoosh's own matchers
instead of the NumPy evaluator, side by side, and checks that every facet count equals the hits its filter then returns
for random query/filter pairs. Then the same queries, doing the same work, against tantivy and SQLite FTS5
built from the same releases (``benchmarks/query_baselines.py``), for ratios measured in the same run.

    .venv/bin/python -m benchmarks.query --index var/full [--queries 200] [--checks 100] [--skip-baselines]
"""

from __future__ import annotations

import argparse
import json
import random
import re
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from archive.matching import clear_cache
from archive.search import SearchRequest, search
from archive.store import IndexHome, IndexReader, Snapshot

STOP = {"about", "after", "their", "which", "would", "there", "these", "other", "under", "states", "announces",
        "announced", "united", "through", "against", "million"}


def draw_queries(reader: Snapshot, n: int, rng: random.Random) -> list[str]:
    releases = list(_sample_releases(reader, 400, rng))
    words: list[list[str]] = []
    for r in releases:
        tokens = [w.lower() for w in re.findall(r"[A-Za-z]{4,}", r.title) if w.lower() not in STOP]
        if tokens:
            words.append(tokens)
    queries: list[str] = []
    kinds = ["word", "pair", "phrase", "field"]
    while len(queries) < n:
        kind = kinds[len(queries) % 4]
        tokens = rng.choice(words)
        release = rng.choice(releases)
        if kind == "word":
            queries.append(rng.choice(tokens))
        elif kind == "pair" and len(tokens) >= 2:
            queries.append(" ".join(rng.sample(tokens, 2)))
        elif kind == "phrase" and len(tokens) >= 2:
            i = rng.randrange(len(tokens) - 1)
            queries.append(f'"{tokens[i]} {tokens[i + 1]}"')
        elif kind == "field":
            if release.speakers:
                queries.append(f"speaker:{release.speakers[0].name.split()[-1].lower()}")
            elif release.topics:
                queries.append(f'topic:"{release.topics[0]}"')
            else:
                queries.append(f"title:{rng.choice(tokens)}")
    return queries


def _sample_releases(reader: Snapshot, n: int, rng: random.Random):
    live = [int(d) for d in reader.tables.live.nonzero()[0]]
    for docnum in rng.sample(live, min(n, len(live))):
        yield reader.release_at(docnum)


def timed(reader: Snapshot, queries: list[str], engine: str = "numpy") -> list[float]:
    return timed_calls(lambda q: search(reader, SearchRequest(q=q, facet_limit=10, page_size=20), seconds=None,
                                        engine=engine), queries)


def timed_calls(run: Callable[[str], object], queries: list[str]) -> list[float]:
    """Milliseconds of ``run(q)`` for each query."""
    times = []
    for q in queries:
        started = time.perf_counter()
        run(q)
        times.append((time.perf_counter() - started) * 1000)
    return times


def summary(times: list[float]) -> dict[str, float]:
    ordered = sorted(times)
    return {"median_ms": round(statistics.median(ordered), 2), "p95_ms": round(ordered[int(len(ordered) * 0.95) - 1], 2),
            "max_ms": round(ordered[-1], 2)}


def check_counts(reader: Snapshot, queries: list[str], n: int, rng: random.Random) -> tuple[int, list[str]]:
    checked, wrong = 0, []
    while checked < n:
        q = rng.choice(queries)
        result = search(reader, SearchRequest(q=q, facet_limit=10, passages=False), seconds=None)
        facets = [f for f in result.facets if f.values]
        if not facets:
            continue
        facet = rng.choice(facets)
        value = rng.choice(facet.values)
        narrowed = search(reader, SearchRequest(q=q, filters={facet.name: [value.value]}, passages=False), seconds=None)
        checked += 1
        if narrowed.total != value.count:
            wrong.append(f"{q!r} {facet.name}={value.value!r}: facet says {value.count}, filter finds {narrowed.total}")
    return checked, wrong


def baselines(reader: Snapshot, queries: list[str]) -> dict[str, dict]:
    """The same queries through tantivy and SQLite FTS5 (built here from the same releases): cold, then warm."""
    from benchmarks.query_baselines import Fts5, Tantivy

    releases = [reader.release_at(int(d)) for d in reader.tables.live.nonzero()[0]]
    out = {}
    with tempfile.TemporaryDirectory(prefix="query-baselines-") as tmp:
        for name, engine in (("tantivy", Tantivy(releases, Path(tmp) / "tantivy")), ("fts5", Fts5(releases, Path(tmp) / "fts5.db"))):
            cold = timed_calls(engine.run, queries)
            warm = [statistics.median(t) for t in zip(*(timed_calls(engine.run, queries) for _ in range(3)), strict=True)]
            out[name] = {"build_s": round(engine.build_seconds, 1), "cold": summary(cold), "warm": summary(warm)}
    return out


def matchers_side_by_side(reader: Snapshot, queries: list[str]) -> dict[str, dict]:
    """Each query through ``search()`` twice in a row, nothing remembered between: once matched and scored
    by the NumPy evaluator (``archive/evaluate.py``), once by Whoosh's own matchers — the same run, the
    same moment, so the ratio holds on a noisy machine."""
    numpy_ms, whoosh_ms = [], []
    for q in queries:
        for engine, times in (("numpy", numpy_ms), ("whoosh", whoosh_ms)):
            clear_cache()
            times += timed(reader, [q], engine)
    out = {"numpy": summary(numpy_ms), "whoosh_matchers": summary(whoosh_ms)}
    out["ratio_p95_whoosh_matchers_to_numpy"] = round(out["whoosh_matchers"]["p95_ms"] / out["numpy"]["p95_ms"], 1)
    out["ratio_median_whoosh_matchers_to_numpy"] = round(out["whoosh_matchers"]["median_ms"] / out["numpy"]["median_ms"], 1)
    return out


def measure(home: IndexHome, n_queries: int, n_checks: int, seed: int) -> tuple[Snapshot, list[str], dict, list[str]]:
    """Open the index (timed), draw queries, time them cold (a freshly opened reader) and warm (median of 3
    passes), then against Whoosh's own matchers, and check facet counts. Returns a snapshot of the index,
    still open, the queries, the figures and the mismatches."""
    rng = random.Random(seed)
    opened = time.perf_counter()
    index_reader = IndexReader(home)
    open_ms = (time.perf_counter() - opened) * 1000
    with index_reader.snapshot() as snap:
        queries = draw_queries(snap, n_queries, rng)
    index_reader.close()
    index_reader = IndexReader(home)
    reader = index_reader.snapshot()
    index_reader.close()
    cold = timed(reader, queries)
    warm = [statistics.median(t) for t in zip(*(timed(reader, queries) for _ in range(3)), strict=True)]
    side_by_side = matchers_side_by_side(reader, queries)
    checked, wrong = check_counts(reader, queries, n_checks, rng)
    report = {"releases": int(reader.tables.live.sum()), "queries": len(queries), "open_reader_ms": round(open_ms, 1),
              "cold": summary(cold), "warm": summary(warm), "matchers": side_by_side,
              "count_checks": checked, "count_mismatches": len(wrong)}
    return reader, queries, report, wrong


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--index", type=Path, default=Path("var/full"))
    parser.add_argument("--queries", type=int, default=200)
    parser.add_argument("--checks", type=int, default=100)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--json", type=Path)
    parser.add_argument("--skip-baselines", action="store_true", help="Only Whoosh: no tantivy or FTS5 runs.")
    args = parser.parse_args()
    reader, queries, report, wrong = measure(IndexHome(args.index), args.queries, args.checks, args.seed)
    report = {"index": str(args.index), **report}
    checked = report["count_checks"]
    rows = [("search cold", report["cold"]), ("search warm", report["warm"]),
            ("  numpy match", report["matchers"]["numpy"]), ("  whoosh match", report["matchers"]["whoosh_matchers"])]
    if not args.skip_baselines:
        report["baselines"] = baselines(reader, queries)
        for name, row in report["baselines"].items():
            rows += [(f"{name} cold", row["cold"]), (f"{name} warm", row["warm"])]
            report[f"ratio_warm_median_whoosh_to_{name}"] = round(report["warm"]["median_ms"] / row["warm"]["median_ms"], 1)
    print(f"{'':<16}{'median ms':>12}{'p95 ms':>10}{'max ms':>10}")
    for name, row in rows:
        print(f"{name:<16}{row['median_ms']:>12}{row['p95_ms']:>10}{row['max_ms']:>10}")
    for key, value in [*report.items(), *report["matchers"].items()]:
        if key.startswith("ratio_"):
            print(f"{key}: {value}")
    print(f"{report['releases']:,} releases; reader opened in {report['open_reader_ms']} ms; "
          f"{checked} facet counts checked against filtered hits, {len(wrong)} mismatches")
    for line in wrong[:10]:
        print("  MISMATCH", line)
    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(json.dumps(report, indent=2))
    return 1 if wrong else 0


if __name__ == "__main__":
    sys.exit(main())
