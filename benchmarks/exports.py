"""Big JSON-lines exports: the same synthetic releases indexed as whole 2,000-record files (how every file was
read before exports were cut into parts), as the same files in parts, and as one export over the 20 MB file
limit, in parts. Wall time and peak memory (indexer and workers, PSS), layouts alternating round by round.

    .venv/bin/python -m benchmarks.exports [--count 10000] [--rounds 2]
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

from archive.store import IndexHome, IndexReader
from benchmarks.common import TreeMemory, save
from benchmarks.scale import generate
from indexer.build import run_index
from indexer.sources import parts

LAYOUTS = ("whole files", "files in parts", "one export in parts")


def index_once(layout: str, files: list[Path], export: Path, tmp: Path) -> dict:
    home = IndexHome(tmp / "index")
    saved = parts.PART_BYTES
    if layout == "whole files":
        parts.PART_BYTES = 1 << 40  # no file is larger: each is one job, as before parts existed
    try:
        started = time.perf_counter()
        with TreeMemory() as memory:
            summary = run_index([export] if layout == "one export in parts" else files, home)
        seconds = time.perf_counter() - started
    finally:
        parts.PART_BYTES = saved
    shutil.rmtree(home.path)
    return {"seconds": seconds, "peak_mib": memory.peak_mib, "releases": summary.releases,
            "skipped": len(summary.skipped)}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--from-index", type=Path, default=Path("var/full"))
    parser.add_argument("--count", type=int, default=10_000)
    parser.add_argument("--rounds", type=int, default=2)
    args = parser.parse_args()
    out = Path(f"var/scale-{args.count}")
    reader = IndexReader(IndexHome(args.from_index))
    generate(reader, args.count, out)
    reader.close()
    files = sorted(out.glob("synthetic-*.jsonl"))
    runs: dict[str, list[dict]] = {layout: [] for layout in LAYOUTS}
    with tempfile.TemporaryDirectory(prefix="exports-bench-", dir="var") as tmp_name:
        tmp = Path(tmp_name)
        export = tmp / "export.jsonl"
        with export.open("wb") as fh:
            for f in files:
                fh.write(f.read_bytes())
        size_mib = round(export.stat().st_size / 2**20, 1)
        for n in range(args.rounds):
            order = LAYOUTS if n % 2 == 0 else LAYOUTS[::-1]
            for layout in order:
                runs[layout].append(index_once(layout, files, export, tmp))
                print(f"round {n + 1} {layout}: {runs[layout][-1]}", flush=True)
    report = {"count": args.count, "files": len(files), "export_mib": size_mib, "rounds": args.rounds,
              "part_bytes": parts.PART_BYTES, "layouts": {}}
    print(f"\n{args.count:,} releases: {len(files)} files, or one export of {size_mib:,.0f} MiB")
    print(f"{'':<22}{'median s':>10}{'peak MiB':>10}{'releases':>10}")
    for layout, rows in runs.items():
        row = {"median_seconds": round(statistics.median(r["seconds"] for r in rows), 1),
               "median_peak_mib": round(statistics.median(r["peak_mib"] for r in rows), 1),
               "releases": rows[-1]["releases"], "skipped": rows[-1]["skipped"], "runs": rows}
        report["layouts"][layout] = row
        print(f"{layout:<22}{row['median_seconds']:>10}{row['median_peak_mib']:>10}{row['releases']:>10}")
    base = report["layouts"]["whole files"]
    for layout in LAYOUTS[1:]:
        row = report["layouts"][layout]
        row["time_vs_whole_files"] = round(row["median_seconds"] / base["median_seconds"], 2)
        row["memory_vs_whole_files"] = round(row["median_peak_mib"] / base["median_peak_mib"], 2)
        print(f"{layout} / whole files: time {row['time_vs_whole_files']}, memory {row['memory_vs_whole_files']}")
    print(f"saved {save('exports', report)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
