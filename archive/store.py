"""Where the index lives on disk, and the only place that opens Whoosh indexes.

An index home holds numbered generations (``gen-000001/`` …) and a ``CURRENT`` file naming the one readers
use. A run never writes into the generation readers use: it builds the next one (hard-linking the
unchanged, write-once Whoosh segment files), commits it, and only then replaces ``CURRENT`` atomically.
A run killed at any moment leaves ``CURRENT`` pointing at a complete index; its half-built generation is
removed by the next run. One writer at a time is enforced with an ``flock`` that dies with its process, so
a lock left by a killed run is never in the way.
"""

from __future__ import annotations

import errno
import fcntl
import json
import math
import os
import shutil
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from whoosh import index as whoosh_index

from archive.model import Release
from archive.schema import build_schema, record_from_stored

CURRENT = "CURRENT"
LOCK = "writer.lock"
MANIFEST = "manifest.json"
GEN_PREFIX = "gen-"
INDEX_VERSION = 6  # bump when the schema or extraction changes: the next `archive index` rebuilds older indexes


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

    def new_generation(self, base: Path | None) -> Path:
        """Create the next generation folder, sharing ``base``'s immutable files by hard link."""
        self.path.mkdir(parents=True, exist_ok=True)
        numbers = [int(p.name[len(GEN_PREFIX):]) for p in self.generations() if p.name[len(GEN_PREFIX):].isdigit()]
        gen = self.path / f"{GEN_PREFIX}{max(numbers, default=0) + 1:06d}"
        gen.mkdir()
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
                shutil.rmtree(other, ignore_errors=True)

    def discard_unpublished(self) -> None:
        """Remove generations left half-built by a run that was killed or failed."""
        current = self.current()
        newest_kept = current.name if current else ""
        for gen in self.generations():
            if gen.name > newest_kept:
                shutil.rmtree(gen, ignore_errors=True)


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


SEGMENT_MB = 256  # postings (as Whoosh counts them) per segment; the writer's memory grows with it
SMALL_SEGMENT_DOCS = 2000  # each incremental run adds a segment; the small ones are merged at its commit


def _merge_small_segments(writer: Any, segments: list[Any]) -> list[Any]:
    """Whoosh merge policy: fold the small segments (incremental runs leave one each) into one, keep big ones.

    Whoosh's own policy would, past ~20 segments, re-merge the big segments a rebuild cuts — minutes of work.
    """
    from whoosh.reading import SegmentReader

    small = [seg for seg in segments if seg.doc_count_all() < SMALL_SEGMENT_DOCS]
    if len(small) < 2:
        return segments
    for seg in small:
        reader = SegmentReader(writer.storage, writer.schema, seg)
        writer.add_reader(reader)
        reader.close()
    return [seg for seg in segments if seg not in small]


class IndexWriter:
    """Adds, replaces and deletes releases in one generation; the only Whoosh writer there is.

    Whoosh keeps postings in a pool and, once the pool passes its memory limit, spills sorted runs to disk
    and merges them all at commit — pickling every posting out and back in, on one core. Instead, whenever
    the pool nears ``segment_mb`` the postings so far become a segment of their own (committed inside this
    unpublished generation, so no reader sees it before the generation is published).
    """

    def __init__(self, gen: Path, segment_mb: int | None = None) -> None:
        self.gen = gen
        if whoosh_index.exists_in(str(gen)):
            self._index = whoosh_index.open_dir(str(gen))
        else:
            self._index = whoosh_index.create_in(str(gen), build_schema())
        self._limit = int((segment_mb or SEGMENT_MB) * 2**20)
        self._writer = self._new_writer()

    def _new_writer(self) -> Any:
        # The pool's own limit sits above ours, so it never spills: we cut a segment first.
        return self._index.writer(limitmb=math.ceil(2 * self._limit / 2**20), procs=1, multisegment=False,
                                  compound=False)

    def add(self, document: dict[str, Any]) -> None:
        """Adds one document made by :func:`archive.schema.analysed_document` (or ``to_document``)."""
        self._writer.add_document(**document)
        self._cut_segment_when_full()

    def replace(self, document: dict[str, Any]) -> None:
        self._writer.update_document(**document)
        self._cut_segment_when_full()

    def delete(self, release_id: str) -> None:
        self._writer.delete_by_term("id", release_id)

    def _cut_segment_when_full(self) -> None:
        if self._writer.pool.currentsize >= self._limit:
            self._writer.commit(merge=False)
            self._writer = self._new_writer()

    def commit(self) -> None:
        self._writer.commit(mergetype=_merge_small_segments)
        from archive.facets import FacetTables  # built once per commit, read by every search

        with self._index.reader() as reader:
            FacetTables.build(reader).save(self.gen)

    def cancel(self) -> None:
        self._writer.cancel()


class _Generation:
    """One opened generation: its Whoosh searcher and facet tables."""

    def __init__(self, path: Path) -> None:
        from archive.facets import FacetTables

        self.path = path
        self.index = whoosh_index.open_dir(str(path))
        self.searcher = self.index.searcher()
        self.tables = FacetTables.load(path) or FacetTables.build(self.searcher.reader())
        self.manifest: dict[str, Any] | None = None


class IndexReader:
    """A read-only view of the current generation that follows ``CURRENT`` as re-index runs publish.

    Safe to share between threads: one Whoosh searcher serves them all, each use under ``lock`` (the GIL
    would serialise the work anyway; separate searchers per thread only multiplied memory). A generation that
    was replaced is dropped, not closed, so that a request still using it finishes normally.
    """

    def __init__(self, home: IndexHome) -> None:
        self.home = home
        self._state: _Generation | None = None
        self._lock = threading.Lock()
        self.lock = threading.RLock()
        self._checked = 0.0
        self.refresh(force=True)

    def refresh(self, force: bool = False) -> None:
        """Switch to a newly published generation (checked at most every half second)."""
        now = time.monotonic()
        if not force and now - self._checked < 0.5:
            return
        with self._lock:
            self._checked = now
            gen = self.home.current()
            if self._state is not None and gen == self._state.path and not force:
                return
            self._state = _Generation(gen) if gen is not None else None

    def _current(self) -> _Generation:
        self.refresh()
        state = self._state
        if state is None:
            raise NoIndex(f"no index in {self.home.path}; run `archive index` first")
        return state

    @property
    def generation(self) -> Path:
        return self._current().path

    @property
    def searcher(self) -> Any:
        """The Whoosh searcher; hold ``lock`` while using it."""
        return self._current().searcher

    @property
    def tables(self) -> Any:
        return self._current().tables

    @property
    def manifest(self) -> dict[str, Any]:
        state = self._current()
        if state.manifest is None:
            state.manifest = read_manifest(state.path)
        return state.manifest

    def count(self) -> int:
        with self.lock:
            return self.searcher.doc_count()

    def get(self, release_id: str) -> Release | None:
        with self.lock:
            stored = self.searcher.document(id=release_id)
        return record_from_stored(stored) if stored else None

    def release_at(self, docnum: int) -> Release:
        with self.lock:
            stored = self.searcher.stored_fields(docnum)
        return record_from_stored(stored)

    def stored_id(self, docnum: int) -> str:
        with self.lock:
            return self.searcher.stored_fields(docnum)["id"]

    def iter_releases(self) -> Iterator[Release]:
        with self.lock:
            searcher = self.searcher
            docnums = list(searcher.reader().all_doc_ids())
        for docnum in docnums:
            with self.lock:
                stored = searcher.stored_fields(docnum)
            yield record_from_stored(stored)

    def close(self) -> None:
        with self._lock:
            self._state = None


def default_index_path() -> Path:
    return Path(os.environ.get("ARCHIVE_INDEX", "var/index"))
