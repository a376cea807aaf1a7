"""What keeping versions costs a re-index: rounds of edits and deletions, run side by side with the indexer of
another checkout (today's, which overwrites and deletes) on the same files.

Each round edits ``--edit-percent`` of the files and deletes ``--delete-percent``; both indexers then bring
their own copy of the index up to date, in turn (the order alternates). Reported: the median time of each
side and their ratio, the index's growth per version kept, and the unchanged re-index of this side.

    nice -n 10 .venv/bin/python -m benchmarks.versions --base-code /tmp/main-code \\
        [--index var/full --base-index var/full-main] [--subset 10000] [--rounds 5]

``--base-code`` is a folder holding the other checkout (``git archive main | tar -x -C /tmp/main-code``).
Without ``--index``/``--base-index`` both indexes are first built here from the (subset of the) corpus.
Edited files are replaced by modified copies in a hard-linked copy of the corpus; the cache is never written.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

from benchmarks.common import ROOT, corpus_paths, save
from benchmarks.reindex import edit

RUN = """
import json, sys, time
from pathlib import Path
from archive.store import IndexHome
from indexer.build import run_index
started = time.perf_counter()
summary = run_index([Path(p) for p in sys.argv[2:]], IndexHome(sys.argv[1]))
data = summary.to_dict()
data["wall"] = time.perf_counter() - started
data.pop("skipped", None)
print(json.dumps(data))
"""


def index_run(code: Path, index: Path, roots: list[Path]) -> dict:
    """One ``run_index`` of the checkout at ``code``, in a process of its own."""
    env = {**os.environ, "PYTHONPATH": str(code)}
    out = subprocess.run([sys.executable, "-c", RUN, str(index), *map(str, roots)], env=env, check=True,
                         capture_output=True, text=True, cwd=code)
    return json.loads(out.stdout.strip().splitlines()[-1])


def size_of(index: Path) -> int:
    """Bytes of the published generation (what a reader opens)."""
    current = (index / "CURRENT").read_text().strip()
    return sum(p.stat().st_size for p in (index / current).iterdir() if p.is_file())


def subset_copy(sources: list[Path], work: Path, limit: int | None) -> list[Path]:
    """A hard-linked copy of the corpus, or of ``limit`` of its files, each source in proportion to its size."""
    roots = []
    found = {src: sorted(p for p in src.rglob("*") if p.is_file()) for src in sources}
    total = sum(len(files) for files in found.values())
    for src, files in found.items():
        dest = work / src.name
        if limit is None:
            subprocess.run(["cp", "-al", str(src), str(dest)], check=True)
        else:
            for f in files[: max(1, round(limit * len(files) / total))]:
                target = dest / f.relative_to(src)
                target.parent.mkdir(parents=True, exist_ok=True)
                os.link(f, target)
        roots.append(dest)
    return roots


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--base-code", type=Path, required=True, help="A checkout of the indexer to compare with.")
    parser.add_argument("--index", type=Path, help="An index of the full corpus built by this checkout.")
    parser.add_argument("--base-index", type=Path, help="The same, built by --base-code.")
    parser.add_argument("--subset", type=int, default=None, help="Use this many files of the corpus.")
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--edit-percent", type=float, default=1.0)
    parser.add_argument("--delete-percent", type=float, default=0.2)
    parser.add_argument("--unchanged-runs", type=int, default=3)
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="versions-bench-"))
    try:
        roots = subset_copy(corpus_paths(), work, args.subset)
        ours, base = work / "index", work / "base-index"
        report: dict = {"subset": args.subset, "rounds": args.rounds, "edit_percent": args.edit_percent,
                        "delete_percent": args.delete_percent}
        if args.index and args.base_index:
            shutil.copytree(args.index, ours)
            shutil.copytree(args.base_index, base)
        else:
            report["first_build_seconds"] = {"ours": index_run(ROOT, ours, roots)["wall"],
                                             "base": index_run(args.base_code, base, roots)["wall"]}
        unchanged = [index_run(ROOT, ours, roots)["wall"] for _ in range(args.unchanged_runs)]
        base_unchanged = [index_run(args.base_code, base, roots)["wall"] for _ in range(args.unchanged_runs)]
        files = sorted(p for root in roots for p in root.rglob("*") if p.is_file())
        rng = random.Random(18)
        start_size, base_start = size_of(ours), size_of(base)
        rounds = []
        for n in range(args.rounds):
            chosen = rng.sample(files, max(1, int(len(files) * args.edit_percent / 100)))
            for i, path in enumerate(chosen):
                edit(path, n * 100000 + i)
            rest = [f for f in files if f not in set(chosen)]
            gone = rng.sample(rest, max(1, int(len(files) * args.delete_percent / 100)))
            for path in gone:
                path.unlink()
            files = [f for f in files if f not in set(gone)]
            order = [("ours", ROOT, ours), ("base", args.base_code, base)]
            if n % 2:
                order.reverse()
            timed = {name: index_run(code, index, roots) for name, code, index in order}
            rounds.append({"edited_files": len(chosen), "deleted_files": len(gone),
                           "ours_seconds": round(timed["ours"]["wall"], 2), "base_seconds": round(timed["base"]["wall"], 2),
                           "versions_kept": timed["ours"]["versions"], "withdrawn": timed["ours"]["withdrawn"],
                           "updated": timed["ours"]["updated"], "index_bytes": size_of(ours)})
            print(json.dumps(rounds[-1]), flush=True)
        versions = sum(r["versions_kept"] for r in rounds)
        ours_median = statistics.median(r["ours_seconds"] for r in rounds)
        base_median = statistics.median(r["base_seconds"] for r in rounds)
        report.update({
            "files": len(files), "rounds_detail": rounds,
            "ours_edited_median_s": round(ours_median, 2), "base_edited_median_s": round(base_median, 2),
            "ratio": round(ours_median / base_median, 3),
            "unchanged_median_s": round(statistics.median(unchanged), 2),
            "base_unchanged_median_s": round(statistics.median(base_unchanged), 2),
            "index_growth_bytes": size_of(ours) - start_size, "versions_kept": versions,
            "growth_per_version_bytes": round((size_of(ours) - start_size) / versions) if versions else None,
            "base_growth_bytes": size_of(base) - base_start,
            # what keeping versions (and withdrawn releases) adds over today's indexer on the same edits
            "extra_per_version_bytes": round(((size_of(ours) - start_size) - (size_of(base) - base_start)) / versions)
            if versions else None,
            "base_index_bytes": size_of(base), "index_bytes": size_of(ours),
        })
        print(f"{len(files):,} files; edited rounds: ours median {ours_median:.2f} s, today's {base_median:.2f} s, "
              f"ratio {report['ratio']}; unchanged re-index {report['unchanged_median_s']} s "
              f"(today's {report['base_unchanged_median_s']} s); {versions} versions kept, index grew "
              f"{report['index_growth_bytes'] / 2**20:.1f} MiB (today's {report['base_growth_bytes'] / 2**20:.1f} MiB): "
              f"{(report['extra_per_version_bytes'] or 0) / 1024:.1f} KiB more per version kept")
        print(f"saved {save('versions', report)}")
        return 0
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
