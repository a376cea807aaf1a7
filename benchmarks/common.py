"""Helpers the benchmarks share: where the real corpus is, timing, memory, sizes, and result files."""

from __future__ import annotations

import json
import os
import platform
import resource
import subprocess
import sys
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


def peak_rss_mib() -> float:
    """Peak resident memory of this process and of its finished children, in MiB."""
    own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    children = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    return round(max(own, children) / 1024, 1)


def folder_size_mib(path: Path) -> float:
    return round(sum(f.stat().st_size for f in path.rglob("*") if f.is_file()) / 2**20, 1)


def machine() -> dict[str, Any]:
    return {"cpus": os.cpu_count(), "python": platform.python_version(), "platform": platform.platform()}


def save(name: str, report: dict[str, Any]) -> Path:
    RESULTS.mkdir(parents=True, exist_ok=True)
    path = RESULTS / f"{name}.json"
    path.write_text(json.dumps({"machine": machine(), **report}, indent=2))
    return path
