"""Re-index figures: a second run over the unchanged corpus, then a run with 1 % of the files edited.

Works on a hard-linked copy of the unpacked corpus and a copy of an existing full index (so the first run
is not repeated here); edited files are replaced by modified copies, never written through the links.

    .venv/bin/python -m benchmarks.reindex --index var/full [--percent 1] [--rounds 3]
"""

from __future__ import annotations

import argparse
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from archive.store import IndexHome
from benchmarks.common import corpus_paths, save
from indexer.build import run_index


def edit(path: Path, n: int) -> None:
    text = path.read_text(encoding="utf-8", errors="replace")
    path.unlink()  # break the hard link: the original stays as it was
    if path.suffix == ".jsonl":
        lines = text.split("\n")
        lines[0] = lines[0].replace('"text": "', f'"text": "Edited {n}. ', 1)
        path.write_text("\n".join(lines), encoding="utf-8")
    elif path.suffix == ".html":
        path.write_text(text.replace("<p>", f"<p>Edited {n}. ", 1), encoding="utf-8")
    else:
        path.write_text(text.replace("\n\n", f"\n\nEdited {n}. ", 1), encoding="utf-8")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--index", type=Path, default=Path("var/full"))
    parser.add_argument("--percent", type=float, default=1.0)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    sources = corpus_paths()
    work = Path(tempfile.mkdtemp(prefix="reindex-bench-"))
    try:
        roots = []
        for src in sources:
            subprocess.run(["cp", "-al", str(src), str(work / src.name)], check=True)
            roots.append(work / src.name)
        index = work / "index"
        shutil.copytree(args.index, index)
        home = IndexHome(index)
        unchanged = []
        for _ in range(args.rounds):
            started = time.perf_counter()
            summary = run_index(roots, home)
            unchanged.append(time.perf_counter() - started)
            assert summary.added == summary.updated == summary.removed == 0, summary.to_dict()
        files = sorted(p for root in roots for p in root.rglob("*") if p.is_file())
        rng = random.Random(1)
        edited_runs = []
        for round_no in range(args.rounds):
            chosen = rng.sample(files, max(1, int(len(files) * args.percent / 100)))
            for n, path in enumerate(chosen):
                edit(path, round_no * 100000 + n)
            started = time.perf_counter()
            summary = run_index(roots, home)
            edited_runs.append((time.perf_counter() - started, summary.updated, len(chosen)))
        report = {
            "files": len(files),
            "unchanged_seconds_median": round(statistics.median(unchanged), 2),
            "unchanged_seconds": [round(t, 2) for t in unchanged],
            "edited_percent": args.percent,
            "edited_seconds_median": round(statistics.median(t for t, _u, _n in edited_runs), 2),
            "edited_runs": [{"seconds": round(t, 2), "updated_releases": u, "edited_files": n} for t, u, n in edited_runs],
        }
        print(f"unchanged corpus ({len(files):,} files): median {report['unchanged_seconds_median']} s over {args.rounds} runs")
        print(f"{args.percent} % of files edited: median {report['edited_seconds_median']} s "
              f"({edited_runs[0][2]} files, {edited_runs[0][1]} releases updated per run)")
        print(f"saved {save('reindex', report)}")
        return 0
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
