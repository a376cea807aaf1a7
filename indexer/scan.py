"""Find the files to index: every supported file under the folders given, named relative to each root."""

from __future__ import annotations

import os
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from indexer.sources.registry import kind_of

Skipped = list[tuple[str, str]]  # (source, reason), in the order found


@dataclass
class SourceFile:
    path: Path
    source: str
    root: Path
    size: int
    mtime_ns: int


def scan(paths: list[Path], skipped: Skipped) -> Iterator[SourceFile]:
    """Every supported file under ``paths``; a source is named relative to its root's parent folder."""
    for given in paths:
        if not given.exists():
            skipped.append((str(given), "no such file or folder"))
            continue
        base = given.resolve().parent
        if given.is_file():
            yield from _source_file(given, base, skipped, explicit=True)
            continue
        seen_dirs: set[tuple[int, int]] = set()
        for dirpath, dirnames, filenames in os.walk(given, followlinks=False, onerror=lambda e: skipped.append((str(e.filename), f"cannot read folder: {e.strerror}"))):
            st = os.stat(dirpath)
            if (st.st_dev, st.st_ino) in seen_dirs:
                dirnames[:] = []
                continue
            seen_dirs.add((st.st_dev, st.st_ino))
            dirnames[:] = sorted(d for d in dirnames if not d.startswith("."))
            for name in sorted(filenames):
                if name.startswith(".") or name == "press-archive.toml" or name.upper().startswith(("README", "LICENSE")):
                    continue
                yield from _source_file(Path(dirpath) / name, base, skipped, explicit=False)


def label(path: Path, base: Path) -> str:
    """How a file is named in the index: its path from ``base``."""
    try:
        rel = path.resolve().relative_to(base) if not path.is_symlink() else path.absolute().relative_to(base)
    except ValueError:
        rel = Path(path.name)
    return str(rel).encode("utf-8", "surrogateescape").decode("utf-8", "replace")


def _source_file(path: Path, base: Path, skipped: Skipped, explicit: bool) -> Iterator[SourceFile]:
    name = label(path, base)
    if kind_of(path) is None:
        if explicit:
            skipped.append((name, "not a supported file type"))
        return
    try:
        st = path.stat()
    except OSError as exc:
        skipped.append((name, f"cannot read: {exc.strerror or 'broken link'}"))
        return
    if not path.is_file():
        skipped.append((name, "not a regular file"))
        return
    yield SourceFile(path, name, base, st.st_size, st.st_mtime_ns)
