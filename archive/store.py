r"""The only place that opens Whoosh indexes for reading: :class:`IndexReader` follows ``CURRENT`` and hands
out :class:`Snapshot`\ s, each one generation held from the start of a request to its end.

A request that read the searcher, the facet tables and the manifest separately could straddle two generations
when a run published mid-request (document numbers of one read through the other). A snapshot pins one
opened generation; the generation is closed when it has been replaced and its last snapshot ends, and its
files stay on disk meanwhile (``archive/home.py``: readers hold a shared lock a run must get past).
"""

from __future__ import annotations

import fcntl
import os
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from whoosh import index as whoosh_index

from archive.facets import WITHDRAWN_CODE
from archive.home import (  # noqa: F401  (re-exported: callers import the index's pieces from here)
    INDEX_VERSION,
    READERS_LOCK,
    ArchiveError,
    IndexBusy,
    IndexHome,
    NoIndex,
    outdated,
    read_manifest,
    write_atomic,
    write_manifest,
)
from archive.model import Release
from archive.schema import record_from_stored
from archive.versions import Ledger, version_doc_id
from archive.writer import IndexWriter  # noqa: F401


class _Gone(Exception):
    """The generation is being deleted by a run: read ``CURRENT`` again."""


def _hold_for_reading(gen: Path) -> int | None:
    """A shared lock on the generation's readers lock, so no run deletes it while it is read (None for an
    index written before these locks existed)."""
    try:
        fd = os.open(gen / READERS_LOCK, os.O_RDONLY)
    except FileNotFoundError:
        if not gen.is_dir():
            raise _Gone() from None
        return None
    try:
        fcntl.flock(fd, fcntl.LOCK_SH | fcntl.LOCK_NB)
        if not whoosh_index.exists_in(str(gen)):
            raise _Gone()
    except (OSError, _Gone):
        os.close(fd)
        raise _Gone() from None
    return fd


class _Generation:
    """One opened generation: its Whoosh searcher, facet tables and lazily read manifest, counted by the
    snapshots using it; closed (and its readers lock let go) when the last one ends after it was replaced."""

    def __init__(self, path: Path) -> None:
        from archive.facets import FacetTables

        self.path = path
        self._fd = _hold_for_reading(path)
        try:
            self.index = whoosh_index.open_dir(str(path))
            self.searcher = self.index.searcher()
            self.tables = FacetTables.load(path) or FacetTables.build(self.searcher.reader())
        except BaseException:
            self._let_go()
            raise
        # Whoosh's files share one read position: term look-ups and stored fields take turns (each a few µs);
        # posting lists are read with ``os.pread`` outside it (archive/postings.py).
        self.lock = threading.Lock()
        self._refs = 1
        self._refs_lock = threading.Lock()
        self._lazy: dict[str, Any] = {}

    def lazy(self, name: str, load: Any) -> Any:
        """A value of this generation read once on first use (the manifest, the spelling vocabulary)."""
        if name not in self._lazy:
            value = load(self)
            self._lazy.setdefault(name, value)
        return self._lazy[name]

    def acquire(self) -> None:
        with self._refs_lock:
            self._refs += 1

    def release(self) -> None:
        with self._refs_lock:
            self._refs -= 1
            last = self._refs == 0
        if last:
            try:
                self.searcher.close()
            finally:
                self._let_go()

    def _let_go(self) -> None:
        if self._fd is not None:
            os.close(self._fd)
            self._fd = None


class Snapshot:
    """One generation for one request: searcher, facet tables, manifest and stored releases that all agree,
    readable until :meth:`close` even if newer generations are published meanwhile. Document numbers are
    only meaningful within the snapshot that produced them."""

    def __init__(self, generation: _Generation) -> None:
        self._gen = generation
        self.path: Path = generation.path
        self.tables = generation.tables
        self.lock = generation.lock
        self._closed = False

    @property
    def searcher(self) -> Any:
        """The Whoosh searcher; hold ``lock`` while using it."""
        return self._gen.searcher

    @property
    def manifest(self) -> dict[str, Any]:
        return self._gen.lazy("manifest", lambda g: read_manifest(g.path))

    def cached(self, name: str, load: Any) -> Any:
        """A per-generation value built once (``load(snapshot)``), shared by every snapshot of it."""
        return self._gen.lazy(name, lambda _g: load(self))

    @property
    def ledger(self) -> Ledger:
        """Every release's versions and events in this generation (``archive/versions.py``)."""
        return self._gen.lazy("ledger", lambda g: Ledger.load(g.path))

    def count(self) -> int:
        """Current releases: withdrawn ones and earlier versions are not counted."""
        return self.tables.current_count()

    def document_number(self, release_id: str) -> int | None:
        with self.lock:
            return self.searcher.document_number(id=release_id)

    def get(self, release_id: str) -> Release | None:
        with self.lock:
            stored = self.searcher.document(id=release_id)
        return record_from_stored(stored) if stored else None

    def version(self, release_id: str, n: int) -> Release | None:
        """Version ``n`` of a release (1 is the first); None when it has no such version."""
        history = self.ledger.get(release_id)
        if n < 1 or n > (history.count if history else 1):
            return None
        if n == (history.count if history else 1):
            return self.get(release_id)
        return self.get(version_doc_id(release_id, n))

    def release_at(self, docnum: int) -> Release:
        with self.lock:
            stored = self.searcher.stored_fields(docnum)
        return record_from_stored(stored)

    def stored_id(self, docnum: int) -> str:
        with self.lock:
            return self.searcher.stored_fields(docnum)["id"]

    def iter_releases(self, withdrawn: bool = False) -> Iterator[Release]:
        """Every current release (and the withdrawn ones when asked), never an earlier version."""
        with self.lock:
            docnums = list(self.searcher.reader().all_doc_ids())
        top = WITHDRAWN_CODE + 1 if withdrawn else WITHDRAWN_CODE
        status = self.tables.status
        for docnum in docnums:
            if docnum < len(status) and status[docnum] >= top:
                continue
            yield self.release_at(docnum)

    def close(self) -> None:
        if not self._closed:
            self._closed = True
            self._gen.release()

    def __enter__(self) -> Snapshot:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


class IndexReader:
    """Follows ``CURRENT`` as re-index runs publish, and hands out :class:`Snapshot`\\ s of the generation
    current at that moment. Safe to share between threads: one Whoosh searcher per generation serves them
    all. A new generation is opened by one thread while the others keep using the previous one."""

    def __init__(self, home: IndexHome) -> None:
        self.home = home
        self._state: _Generation | None = None
        self._lock = threading.Lock()  # guards _state, held only to swap it or count a snapshot
        self._opening = threading.Lock()
        self._checked = 0.0
        self.refresh(force=True)

    def refresh(self, force: bool = False) -> None:
        """Switch to a newly published generation (checked at most every half second)."""
        now = time.monotonic()
        if not force and now - self._checked < 0.5:
            return
        self._checked = now
        state = self._state
        if not force and state is not None and self.home.current() == state.path:
            return
        if not self._opening.acquire(blocking=force or state is None):
            return  # another thread is opening it; this request uses the generation it had
        try:
            opened = self._open_current()
            with self._lock:
                old, self._state = self._state, opened
            if old is not None:
                old.release()
        finally:
            self._opening.release()

    def _open_current(self) -> _Generation | None:
        for _attempt in range(5):
            path = self.home.current()
            if path is None:
                return None
            try:
                return _Generation(path)
            except _Gone:
                continue  # deleted between reading CURRENT and opening it: a newer one is current
        raise NoIndex(f"the index in {self.home.path} keeps changing under this reader; try again")

    def snapshot(self) -> Snapshot:
        """The current generation, held until the snapshot is closed (use it as a context manager)."""
        self.refresh()
        with self._lock:
            state = self._state
            if state is None:
                raise NoIndex(f"no index in {self.home.path}; run `archive index` first")
            state.acquire()
        return Snapshot(state)

    # One-call conveniences, each on a snapshot of its own.

    def get(self, release_id: str) -> Release | None:
        with self.snapshot() as snap:
            return snap.get(release_id)

    def count(self) -> int:
        with self.snapshot() as snap:
            return snap.count()

    def iter_releases(self) -> Iterator[Release]:
        with self.snapshot() as snap:
            yield from snap.iter_releases()

    def close(self) -> None:
        with self._lock:
            old, self._state = self._state, None
        if old is not None:
            old.release()


def default_index_path() -> Path:
    return Path(os.environ.get("ARCHIVE_INDEX", "var/index"))
