"""The security probe's expensive queries (H2, M6) against a real index, in process: how long each takes,
and how long cheap searches take meanwhile from other threads (idle, then with the hostile queries running),
plus did-you-mean on the issue's misspellings.

    .venv/bin/python -m benchmarks.hostile_queries --index var/full [--rounds 3]
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import threading
import time
from pathlib import Path

from archive.limits import SearchTimeout
from archive.matching import clear_cache
from archive.search import SearchRequest, search
from archive.store import IndexHome, IndexReader, Snapshot

HOSTILE = {
    "5 unknown words": "gojpqba vggzmvm qdqwntr btphawm swsxkul",
    "300 unknown words": " ".join(f"qx{chr(97 + i % 26)}{chr(97 + i // 26 % 26)}zvw" for i in range(300)),
    "*a*": "*a*",
    "*e* OR *a* OR *i* OR *o* OR *u*": "*e* OR *a* OR *i* OR *o* OR *u*",
    "a* OR b* OR … OR z*": " OR ".join(f"{c}*" for c in "abcdefghijklmnopqrstuvwxyz"),
    "co* (a wide prefix)": "co*",
    "[a TO z]": "[a TO z]",
    "1000 × a": " ".join(["a"] * 1000),
    "1000 × ﷺ": " ".join(["\ufdfa"] * 1000),
    '"the the …" (200 words)': '"' + " ".join(["the"] * 200) + '"',
}
CHEAP = ["fraud", "health care", "tax", "police", "court", "drug", "bank", "prison", "water", "school"]
MISSPELT = ["opiod epidemic", "Lorreta Lynch", "antitrsut division", "ponzi schem", "brbery", "sentanced",
            "speaker:sesions"]


def timed(snap: Snapshot, q: str) -> tuple[float, str]:
    clear_cache()
    started = time.perf_counter()
    try:
        result = search(snap, SearchRequest(q=q, passages=True))
        outcome = f"{result.total} hits" + (f"; {result.ignored[0][:70]}" if result.ignored else "")
    except SearchTimeout:
        outcome = "over budget (503)"
    return (time.perf_counter() - started) * 1000, outcome


def cheap_latencies(snap: Snapshot, stop: threading.Event, out: list[float]) -> None:
    i = 0
    while not stop.is_set():
        started = time.perf_counter()
        search(snap, SearchRequest(q=CHEAP[i % len(CHEAP)], sort="newest"))
        out.append((time.perf_counter() - started) * 1000)
        i += 1


def p95(values: list[float]) -> float:
    ordered = sorted(values)
    return round(ordered[max(0, int(len(ordered) * 0.95) - 1)], 1) if ordered else 0.0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--index", type=Path, default=Path("var/full"))
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--json", type=Path)
    args = parser.parse_args()
    reader = IndexReader(IndexHome(args.index))
    report: dict = {"index": str(args.index), "hostile": {}, "did_you_mean": {}}
    with reader.snapshot() as snap:
        report["releases"] = int(snap.tables.live.sum())
        print(f"{report['releases']:,} releases")
        for name, q in HOSTILE.items():
            runs = [timed(snap, q) for _ in range(args.rounds)]
            report["hostile"][name] = {"median_ms": round(statistics.median(t for t, _o in runs), 1), "outcome": runs[0][1]}
            print(f"{name:<36}{report['hostile'][name]['median_ms']:>9} ms  {runs[0][1]}")
        for q in MISSPELT:
            started = time.perf_counter()
            result = search(snap, SearchRequest(q=q, passages=False))
            report["did_you_mean"][q] = {"suggestion": result.did_you_mean, "total": result.total,
                                         "ms": round((time.perf_counter() - started) * 1000, 1)}
            print(f"{q:<24} → {result.did_you_mean!r:<28} ({result.total} hits, {report['did_you_mean'][q]['ms']} ms)")
        for label, hostile in (("idle", False), ("under hostile queries", True)):
            stop, latencies = threading.Event(), []
            worker = threading.Thread(target=cheap_latencies, args=(snap, stop, latencies))
            worker.start()
            started = time.perf_counter()
            while time.perf_counter() - started < 10:
                if hostile:
                    for q in HOSTILE.values():
                        timed(snap, q)
                else:
                    time.sleep(0.05)
            stop.set()
            worker.join()
            report[f"cheap_{label.split()[0]}"] = {"searches": len(latencies), "median_ms": round(statistics.median(latencies), 1),
                                                   "p95_ms": p95(latencies)}
            print(f"cheap searches {label}: {len(latencies)} in 10 s, median {report[f'cheap_{label.split()[0]}']['median_ms']} ms, "
                  f"p95 {p95(latencies)} ms")
    reader.close()
    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(json.dumps(report, indent=2, ensure_ascii=False))
    return 0


if __name__ == "__main__":
    sys.exit(main())
