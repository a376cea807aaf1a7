"""Where the index lives on disk: generations, ``CURRENT``, the writer's lock, readers' locks, manifests.

An index home holds numbered generations (``gen-000001/`` …) and a ``CURRENT`` file naming the one readers
use. A run never writes into the generation readers use: it builds the next one (hard-linking the
unchanged, write-once Whoosh segment files), commits it, and only then replaces ``CURRENT`` atomically.
A run killed at any moment leaves ``CURRENT`` pointing at a complete index; its half-built generation is
removed by the next run. One writer at a time is enforced with an ``flock`` that dies with its process, so
a lock left by a killed run is never in the way.

While a reader uses a generation (``archive/store.py``), its process holds a shared ``flock`` on the
generation's ``readers.lock``; a run only deletes an old generation whose lock it can take exclusively, so
files are never removed under a reader (that generation is deleted by a later run instead).
"""

from __future__ import annotations

import errno
import fcntl
import json
import os
import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

CURRENT = "CURRENT"
LOCK = "writer.lock"
MANIFEST = "manifest.json"
GEN_PREFIX = "gen-"
READERS_LOCK = "readers.lock"  # its name holds LOCK, so it is never hard-linked into the next generation
CHECKED = "checked_at"  # when a run last looked at the folders: the "last seen" of every current release
INDEX_VERSION = 12  # 12: a wire named by its folder is spelled as the release writes it; 11: datelines glued before titles, a member's role from their site; 10: speaker names and titles (datelines, title words that are names), facet tables kept per segment; 9: secondary topics need a score of 3.5, folder samples chosen by hash, contact labels are not issuers; 8: versions, withdrawn releases and the status field; bump when the schema or extraction changes: the next `archive index` rebuilds older indexes


class ArchiveError(Exception):
    """An error with a message meant for the person running the archive."""


class IndexBusy(ArchiveError):
    pass


class NoIndex(ArchiveError):
    pass


def _fsync_dir(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def write_atomic(path: Path, data: str) -> None:
    """Write a whole file or nothing: a temporary file, fsync, then rename over the old one."""
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    with open(tmp, "w", encoding="utf-8") as fh:
        fh.write(data)
        fh.flush()
        os.fsync(fh.fileno())
    os.replace(tmp, path)
    _fsync_dir(path.parent)


class IndexHome:
    """A folder holding the generations of one archive index."""

    def __init__(self, path: str | os.PathLike[str]) -> None:
        self.path = Path(path)

    def current(self) -> Path | None:
        """The generation readers should use, or None when nothing was ever indexed."""
        try:
            name = (self.path / CURRENT).read_text(encoding="utf-8").strip()
        except FileNotFoundError:
            return None
        gen = self.path / name
        return gen if gen.is_dir() else None

    def generations(self) -> list[Path]:
        if not self.path.is_dir():
            return []
        return sorted(p for p in self.path.iterdir() if p.is_dir() and p.name.startswith(GEN_PREFIX))

    @contextmanager
    def writer_lock(self) -> Iterator[None]:
        """Hold the one-writer lock, or raise IndexBusy naming the process that holds it."""
        self.path.mkdir(parents=True, exist_ok=True)
        lock_path = self.path / LOCK
        fd = os.open(lock_path, os.O_RDWR | os.O_CREAT, 0o644)
        try:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except OSError as exc:
                if exc.errno not in (errno.EAGAIN, errno.EACCES):
                    raise
                holder = os.pread(fd, 32, 0).decode("ascii", "replace").strip() or "another process"
                raise IndexBusy(f"index {self.path} is being updated by PID {holder}; try again when it ends") from None
            os.ftruncate(fd, 0)
            os.pwrite(fd, str(os.getpid()).encode("ascii"), 0)
            yield
        finally:
            os.close(fd)

    def checked_at(self) -> str:
        """When the last complete run looked at the folders (ISO date-time), "" before any."""
        try:
            return (self.path / CHECKED).read_text(encoding="utf-8").strip()
        except FileNotFoundError:
            return ""

    def mark_checked(self, stamp: str) -> None:
        write_atomic(self.path / CHECKED, stamp + "\n")

    def new_generation(self, base: Path | None) -> Path:
        """Create the next generation folder, sharing ``base``'s immutable files by hard link."""
        self.path.mkdir(parents=True, exist_ok=True)
        numbers = [int(p.name[len(GEN_PREFIX):]) for p in self.generations() if p.name[len(GEN_PREFIX):].isdigit()]
        gen = self.path / f"{GEN_PREFIX}{max(numbers, default=0) + 1:06d}"
        gen.mkdir()
        (gen / READERS_LOCK).touch()
        if base is not None:
            for item in base.iterdir():
                if item.is_file() and "LOCK" not in item.name.upper() and not item.name.endswith(".tmp"):
                    try:
                        os.link(item, gen / item.name)
                    except OSError:
                        shutil.copy2(item, gen / item.name)
        return gen

    def publish(self, gen: Path) -> None:
        """Make ``gen`` the generation readers use, then drop all but it and its predecessor."""
        previous = self.current()
        write_atomic(self.path / CURRENT, gen.name + "\n")
        keep = {gen.name} | ({previous.name} if previous else set())
        for other in self.generations():
            if other.name not in keep:
                remove_unread(other)

    def discard_unpublished(self) -> None:
        """Remove generations left half-built by a run that was killed or failed."""
        current = self.current()
        newest_kept = current.name if current else ""
        for gen in self.generations():
            if gen.name > newest_kept:
                remove_unread(gen)


def remove_unread(gen: Path) -> bool:
    """Delete a generation unless some process reads it (holds its readers lock); False when it was kept.

    The exclusive lock is held while deleting, so a reader arriving meanwhile fails to take its shared lock
    and goes back to ``CURRENT`` instead of opening files that are disappearing."""
    try:
        fd = os.open(gen / READERS_LOCK, os.O_RDONLY)
    except FileNotFoundError:
        fd = None
    try:
        if fd is not None:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except OSError as exc:
                if exc.errno in (errno.EAGAIN, errno.EACCES):
                    return False
                raise
        shutil.rmtree(gen, ignore_errors=True)
        return True
    finally:
        if fd is not None:
            os.close(fd)


def read_manifest(gen: Path | None) -> dict[str, Any]:
    if gen is None or not (gen / MANIFEST).exists():
        return {"sources": {}, "aliases": {}, "indexed_at": None}
    with open(gen / MANIFEST, encoding="utf-8") as fh:
        return json.load(fh)


def outdated(manifest: dict[str, Any]) -> str:
    """Why an index should be rebuilt before it is trusted, or "" when it is current. An index from another
    version is served as it is until the next ``archive index`` rebuilds it, so people are told."""
    version = manifest.get("extractor_version")
    if not manifest.get("sources") or version == INDEX_VERSION:
        return ""
    return (f"this index was built by another version of Press Archive (index version {version}, this one reads "
            f"{INDEX_VERSION}); run `archive index` on its folders to rebuild it. Until then some searches, quoted "
            "phrases among them, may miss releases.")


def write_manifest(gen: Path, manifest: dict[str, Any]) -> None:
    write_atomic(gen / MANIFEST, json.dumps(manifest, ensure_ascii=False))
