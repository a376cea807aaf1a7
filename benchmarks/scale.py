"""Synthetic releases shaped like the real corpus, for ingest and query figures at 100k and 1M.

Lengths, vocabulary (word frequencies), speakers, topics, issuers, tags and dates are sampled from an existing
real index, then written as JSONL files (2,000 releases a file) that the real indexer reads end to end.

    .venv/bin/python -m benchmarks.scale run --count 100000
    nice -n 19 .venv/bin/python -m benchmarks.scale run --count 1000000 --step 100000   # resumable
"""

from __future__ import annotations

import argparse
import json
import os
import random
import re
import sys
import time
from collections import Counter
from itertools import accumulate
from pathlib import Path

from archive.store import IndexHome, IndexReader
from benchmarks.common import TreeMemory, folder_size_mib, save, tree_rss_kib

PER_FILE = 2_000  # ~7.5 MB a file, read by the indexer in parts of ~1 MB


class Shape:
    """What real releases look like, as distributions to sample from."""

    def __init__(self, reader: IndexReader, sample: int, rng: random.Random) -> None:
        with reader.snapshot() as snap:
            live = [int(d) for d in snap.tables.live.nonzero()[0]]
            releases = [snap.release_at(d) for d in rng.sample(live, min(sample, len(live)))]
        words: Counter[str] = Counter()
        for r in releases:
            words.update(re.findall(r"[A-Za-z']+|[0-9]+", " ".join(r.paragraphs)))
        self.vocabulary = list(words)
        self.cum_weights = list(accumulate(words.values()))  # choices() would re-add the weights on every call
        self.paragraph_counts = [len(r.paragraphs) for r in releases]
        self.paragraph_lengths = [len(p.split()) for r in releases for p in r.paragraphs]
        self.title_lengths = [len(r.title.split()) for r in releases]
        self.speakers = [[(s.name, s.title) for s in r.speakers] for r in releases]
        self.topics = [r.topics for r in releases]
        self.issuers = [r.issuer for r in releases]
        self.tags = [r.tags for r in releases]
        self.dates = [r.date for r in releases if r.date]

    def release(self, n: int, rng: random.Random) -> dict:
        def words(k: int) -> str:
            return " ".join(rng.choices(self.vocabulary, cum_weights=self.cum_weights, k=k))

        paragraphs = [words(max(3, rng.choice(self.paragraph_lengths))) + "." for _ in range(rng.choice(self.paragraph_counts))]
        speakers = rng.choice(self.speakers)
        for i, (name, title) in enumerate(speakers):
            if paragraphs and i < len(paragraphs):
                paragraphs[i] = f'"{words(12)}," said {name}, {title or "spokesperson"}. ' + paragraphs[i]
        return {
            "url": f"https://synthetic.example/releases/{n}", "title": words(rng.choice(self.title_lengths)).title(),
            "date": rng.choice(self.dates), "issuer": rng.choice(self.issuers), "tags": rng.choice(self.tags),
            "text": "\n".join(paragraphs),
        }


def generate(reader: IndexReader, count: int, out: Path, seed: int = 1) -> None:
    """Writes the releases, unless ``out`` already holds this count made from this seed (``done.json``)."""
    marker = out / "done.json"
    wanted = {"count": count, "seed": seed}
    if marker.exists() and json.loads(marker.read_text()) == wanted:
        return
    rng = random.Random(seed)
    shape = Shape(reader, 3000, rng)
    out.mkdir(parents=True, exist_ok=True)
    for start in range(0, count, PER_FILE):
        with open(out / f"synthetic-{start // PER_FILE:05d}.jsonl", "w", encoding="utf-8") as fh:
            for n in range(start, min(start + PER_FILE, count)):
                fh.write(json.dumps(shape.release(n, rng)) + "\n")
    marker.write_text(json.dumps(wanted))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("command", choices=["generate", "run"])
    parser.add_argument("--from-index", type=Path, default=Path("var/full"))
    parser.add_argument("--count", type=int, default=100_000)
    parser.add_argument("--step", type=int, default=0,
                        help="Index in incremental runs of this many releases (each one published, so an "
                             "interrupted build resumes at its last step). Default: one run.")
    parser.add_argument("--out", type=Path, default=None, help="Default: var/scale-<count>.")
    args = parser.parse_args()
    out = args.out or Path(f"var/scale-{args.count}")
    started = time.perf_counter()
    reader = IndexReader(IndexHome(args.from_index))
    generate(reader, args.count, out)
    reader.close()
    print(f"{args.count:,} synthetic releases in {out} ({time.perf_counter() - started:.0f} s)", flush=True)
    if args.command == "generate":
        return 0
    home = IndexHome(out.parent / f"{out.name}-index")
    steps = ingest_in_steps(out, home, args.count, args.step or args.count)
    report = {"count": args.count, "steps": steps,
              "ingest_seconds": round(sum(s["seconds"] for s in steps), 1),
              "ingest_rate": round(args.count / sum(s["seconds"] for s in steps), 1),
              "peak_rss_mib": max(s["peak_rss_mib"] for s in steps), "index_mib": folder_size_mib(home.path),
              **query_figures(home)}
    print(json.dumps(report, indent=2))
    print(f"saved {save(f'scale-{args.count}', report)}")
    return 0


def ingest_in_steps(out: Path, home: IndexHome, count: int, step: int) -> list[dict]:
    """Index the generated files ``step`` releases at a time; steps done by an earlier invocation are kept
    (``steps.json`` beside the index) and not redone."""
    from indexer.build import run_index

    log = home.path.parent / f"{home.path.name}-steps.json"
    steps: list[dict] = json.loads(log.read_text()) if log.exists() and home.current() else []
    files = sorted(out.glob("synthetic-*.jsonl"))
    for upto in range(step, count + step, step):
        upto = min(upto, count)
        if any(s["releases"] >= upto for s in steps):
            continue
        started = time.perf_counter()
        with TreeMemory() as memory:
            result = run_index(files[: -(-upto // PER_FILE)], home)
        steps.append({"releases": result.releases, "added": result.added,
                      "seconds": round(time.perf_counter() - started, 1), "peak_rss_mib": memory.peak_mib})
        log.write_text(json.dumps(steps, indent=2))
        print(json.dumps(steps[-1]), flush=True)
    return steps


def query_figures(home: IndexHome) -> dict:
    """The query benchmark's figures on this index, and the memory of the process with the reader open."""
    from benchmarks.query import measure

    reader, _queries, report, _wrong = measure(home, 200, 50, seed=2)
    report["searching_rss_mib"] = round(tree_rss_kib(os.getpid()) / 1024, 1)  # after the searches above
    reader.close()
    return report


if __name__ == "__main__":
    sys.exit(main())
