"""Helpers the benchmarks share: where the real corpus is, timing, memory, sizes, and result files."""

from __future__ import annotations

import json
import os
import platform
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared"
CACHE = ROOT / ".corpus-cache"
SOURCES = ("doj-opa-html", "newsworthy-wire-md", "congress-press")
RESULTS = ROOT / "benchmarks" / "results"


def corpus_paths() -> list[Path]:
    """The unpacked real corpus (unpacked on first use with ../shared/corpus/unpack)."""
    unpack = SHARED / "corpus" / "unpack"
    if not unpack.exists():
        sys.exit("benchmarks need ../shared/corpus (the real releases); it is absent here")
    out = subprocess.run([sys.executable, str(unpack), str(CACHE)], check=True, capture_output=True, text=True)
    return [Path(line) for line in out.stdout.split()]


class TreeMemory:
    """Samples the memory of this process plus all its descendants (the parsing workers) while open.

    ``ru_maxrss`` only knows the largest single process; what a machine needs is the sum, at its peak.
    """

    def __init__(self, every: float = 0.25) -> None:
        self.every = every
        self.peak_mib = 0.0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def __enter__(self) -> TreeMemory:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()

    def _run(self) -> None:
        while not self._stop.is_set():
            self.peak_mib = max(self.peak_mib, round(tree_rss_kib(os.getpid()) / 1024, 1))
            time.sleep(self.every)


def tree_rss_kib(root: int) -> int:
    """Memory (KiB) of ``root`` and every process descended from it, from /proc: proportional set size, so
    pages the forked workers share are counted once, not once per process (plain RSS where PSS is missing)."""
    parents: dict[int, int] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                parents[int(entry.name)] = int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1])
            except OSError:
                continue
    total, todo = 0, [root]
    while todo:
        pid = todo.pop()
        total += _process_kib(pid)
        todo.extend(child for child, parent in parents.items() if parent == pid)
    return total


def _process_kib(pid: int) -> int:
    try:
        for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines():
            if line.startswith("Pss:"):
                return int(line.split()[1])
        return int(Path(f"/proc/{pid}/statm").read_text().split()[1]) * (os.sysconf("SC_PAGE_SIZE") // 1024)
    except (OSError, ValueError):
        return 0


def folder_size_mib(path: Path) -> float:
    return round(sum(f.stat().st_size for f in path.rglob("*") if f.is_file()) / 2**20, 1)


def machine() -> dict[str, Any]:
    return {"cpus": os.cpu_count(), "python": platform.python_version(), "platform": platform.platform()}


def save(name: str, report: dict[str, Any]) -> Path:
    RESULTS.mkdir(parents=True, exist_ok=True)
    path = RESULTS / f"{name}.json"
    path.write_text(json.dumps({"machine": machine(), **report}, indent=2))
    return path
