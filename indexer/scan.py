"""Find the files to index: every supported file under the folders given, named relative to each root.

A folder given to ``archive index`` is an indexed root, and nothing outside it is read: folder links are not
followed, and a file link is taken only when its target (resolved, links and ``..`` included) is a file
inside the root — it is then read as that target (``rel``), never through the link. Any other link is
skipped, with the reason. A file named on the command line counts as inside the folder that holds it.
"""

from __future__ import annotations

import os
import stat
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from indexer.sanitize import visible
from indexer.sources.registry import kind_of

Skipped = list[tuple[str, str]]  # (source, reason), in the order found
OUTSIDE = "link to a file outside the indexed folder (not followed)"


@dataclass
class SourceFile:
    path: Path  # as found (a link's own name)
    source: str  # its label in the index
    root: Path  # the folder whose press-archive.toml maps JSON fields (the root's parent folder)
    size: int
    mtime_ns: int
    top: Path | None = None  # the indexed root, resolved
    rel: str = ""  # the file's path inside ``top``, with no link in it (the target of a link)

    def __post_init__(self) -> None:
        if self.top is None:  # a file taken as it is (benchmarks, tests): its folder is its root
            absolute = Path(os.path.abspath(self.path))
            self.top, self.rel = absolute.parent, absolute.name


def scan(paths: list[Path], skipped: Skipped) -> Iterator[SourceFile]:
    """Every supported file under ``paths``; a source is named relative to its root's parent folder."""
    seen: dict[str, tuple[int, int]] = {}
    for given in paths:
        if not given.exists() and not given.is_symlink():
            skipped.append((str(given), "no such file or folder"))
            continue
        if not given.is_dir():
            top = Path(os.path.abspath(given)).parent.resolve()
            files = _files([(given, given.name)], top, given.resolve().parent, skipped, explicit=True)
        else:
            top = given.resolve()
            files = _files(_walk(given, skipped), top, top.parent, skipped, explicit=False)
        for f in files:
            key = (f.top, f.rel)
            if f.source in seen:  # two names that read the same once escaped (or one file given twice)
                if seen[f.source] != key:
                    skipped.append((f.source, "its name reads the same as another file's once escaped: rename one of them"))
                continue
            seen[f.source] = key
            yield f


def _walk(folder: Path, skipped: Skipped) -> Iterator[tuple[Path, str]]:
    """Each file under ``folder`` with its path inside it; folder links are not entered."""
    seen_dirs: set[tuple[int, int]] = set()
    for dirpath, dirnames, filenames in os.walk(folder, followlinks=False, onerror=lambda e: skipped.append((visible(str(e.filename)), f"cannot read folder: {e.strerror}"))):
        st = os.stat(dirpath)
        if (st.st_dev, st.st_ino) in seen_dirs:
            dirnames[:] = []
            continue
        seen_dirs.add((st.st_dev, st.st_ino))
        dirnames[:] = sorted(d for d in dirnames if not d.startswith("."))
        inside = os.path.relpath(dirpath, folder)
        for name in sorted(filenames):
            if name.startswith(".") or name == "press-archive.toml" or name.upper().startswith(("README", "LICENSE")):
                continue
            yield Path(dirpath) / name, name if inside == "." else f"{inside}/{name}"


def label(path: Path, base: Path) -> str:
    """How a file is named in the index: its path from ``base``, as text that shows what it is — bytes that
    are not UTF-8 and control or invisible characters escaped (``caf\\xe9.md``), so two names never read the
    same and none can forge a line of output."""
    try:
        rel = path.resolve().relative_to(base) if not path.is_symlink() else path.absolute().relative_to(base)
    except ValueError:
        rel = Path(path.name)
    return visible(str(rel).encode("utf-8", "surrogateescape").decode("utf-8", "backslashreplace"))


def _files(found: Iterator[tuple[Path, str]] | list[tuple[Path, str]], top: Path, base: Path, skipped: Skipped,
           explicit: bool) -> Iterator[SourceFile]:
    for path, rel in found:
        name = label(path, base)
        if kind_of(path) is None:
            if explicit:
                skipped.append((name, "not a supported file type"))
            continue
        try:
            st = os.lstat(path)
            if stat.S_ISLNK(st.st_mode):
                target = _target(path)
                if target is None:
                    skipped.append((name, "cannot read: broken link"))
                    continue
                if not target.is_relative_to(top):
                    skipped.append((name, OUTSIDE))
                    continue
                rel = target.relative_to(top).as_posix()
                st = os.lstat(target)  # resolved: no link left
        except OSError as exc:
            skipped.append((name, f"cannot read: {exc.strerror or exc}"))
            continue
        if not stat.S_ISREG(st.st_mode):
            skipped.append((name, "not a regular file"))
            continue
        yield SourceFile(path, name, base, st.st_size, st.st_mtime_ns, top, rel)


def _target(link: Path) -> Path | None:
    """Where a link leads in the end, or None when it leads nowhere (dangling, a loop)."""
    try:
        return link.resolve(strict=True)
    except (OSError, RuntimeError):
        return None
