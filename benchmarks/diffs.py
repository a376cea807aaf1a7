"""difflib against diff-match-patch for the word-level diffs of release versions (``archive/diffs.py``).

Each real sample paragraph is edited the way releases are corrected — a figure changed, a few words
replaced, a sentence added, a clause rewritten — and diffed word by word by both engines. Reported per
engine: median and p95 time per paragraph pair, how many words it marks changed (fewer is closer to the
edit made), and how many separate changes (hunks) a reader has to follow.

    .venv/bin/python -m benchmarks.diffs [--limit 2000]
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import time

from archive.diffs import EQUAL, word_diff
from benchmarks.common import SHARED, save


def _paragraphs(limit: int) -> list[str]:
    import json

    out = []
    sample = SHARED / "corpus" / "samples" / "congress-press" / "sample.jsonl"
    for line in sample.read_text(encoding="utf-8").splitlines():
        record = json.loads(line)
        text = record.get("text") or record.get("body") or ""
        out.extend(p for p in text.split("\n") if len(p.split()) >= 20)
    for path in sorted((SHARED / "corpus" / "samples" / "newsworthy-wire-md").rglob("*.md")):
        out.extend(p for p in path.read_text(encoding="utf-8").split("\n\n") if len(p.split()) >= 20)
    return out[:limit]


def _edit(text: str, rng: random.Random) -> str:
    words = text.split(" ")
    kind = rng.choice(["figure", "words", "sentence", "rewrite"])
    if kind == "figure":
        i = rng.randrange(len(words))
        words[i] = str(rng.randrange(2, 999))
    elif kind == "words":
        for _ in range(3):
            words[rng.randrange(len(words))] = rng.choice(["significant", "the", "federal", "new", "and"])
    elif kind == "sentence":
        words.insert(rng.randrange(len(words)), "The office declined to comment further on the matter.")
    else:
        start = rng.randrange(max(1, len(words) - 8))
        words[start:start + 8] = "which the department later described as a clerical error".split()
    return " ".join(words)


def _measure(pairs: list[tuple[str, str]], engine: str) -> dict[str, float]:
    times, changed, hunks = [], [], []
    for old, new in pairs:
        started = time.perf_counter()
        parts = word_diff(old, new, engine)
        times.append((time.perf_counter() - started) * 1000)
        changed.append(sum(len(text.split()) for op, text in parts if op != EQUAL))
        hunks.append(sum(1 for i, (op, _t) in enumerate(parts) if op != EQUAL and (i == 0 or parts[i - 1][0] == EQUAL)))
    times.sort()
    return {"median_ms": round(statistics.median(times), 3), "p95_ms": round(times[int(len(times) * 0.95)], 3),
            "words_marked": sum(changed), "hunks": sum(hunks)}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--limit", type=int, default=2000)
    args = parser.parse_args()
    if not (SHARED / "corpus" / "samples").is_dir():
        sys.exit("needs ../shared/corpus/samples")
    rng = random.Random(7)
    pairs = [(p, _edit(p, rng)) for p in _paragraphs(args.limit)]
    report = {"pairs": len(pairs)}
    for _round in range(2):  # the second round is the one reported (warm imports and caches)
        for engine in ("difflib", "dmp"):
            report[engine] = _measure(pairs, engine)
    for engine in ("difflib", "dmp"):
        print(engine, report[engine])
    print(f"saved {save('diffs', report)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
