"""Index and re-index: scan the folders, parse what changed on all cores, write with one writer, publish.

Unchanged files (same size and mtime, or same content hash) are not parsed again; releases whose source
disappeared are removed. Nothing is visible to readers until the new generation is committed and published,
so an interrupted run leaves the last good index as it was.

The steps live in their own modules: ``scan`` (find the files), ``plan`` (compare with the manifest),
``parse`` (a worker's job), ``pool`` (the jobs on every core, results in file order) and ``apply`` (the
writer's side, :class:`~indexer.apply.IndexRun`).
"""

from __future__ import annotations

import os
import re
import shutil
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from archive.model import Release
from archive.store import (
    INDEX_VERSION,
    ArchiveError,
    IndexHome,
    IndexReader,
    IndexWriter,
    read_manifest,
    write_manifest,
)
from archive.versions import Ledger
from indexer.apply import IndexRun, Summary
from indexer.folders import profiles
from indexer.plan import plan, roots_left_out
from indexer.pool import results
from indexer.scan import scan

__all__ = ["Progress", "Summary", "run_index"]

Progress = Callable[[int, int], None]  # bytes read so far, of how many
SNAPSHOTS = "snapshots"  # in the index folder


def run_index(
    paths: list[Path],
    home: IndexHome,
    rebuild: bool = False,
    jobs: int | None = None,
    progress: Progress | None = None,
    prune: bool = False,
    now: datetime | None = None,
) -> Summary:
    """Bring the index at ``home`` up to date with ``paths``; returns what was done.

    Changed releases keep their earlier versions and vanished ones are kept as withdrawn
    (``indexer/history.py``); ``prune`` deletes the withdrawn ones for real. ``now`` is the time the run
    records (tests set it)."""
    started = time.monotonic()
    stamp = (now or datetime.now(UTC)).astimezone(UTC).isoformat(timespec="seconds").replace("+00:00", "Z")
    with home.writer_lock(), _snapshot_folder(home) as snapshots:
        home.discard_unpublished()
        summary = _update(paths, home, rebuild, jobs or os.cpu_count() or 1, progress, snapshots, prune, stamp)
        summary.skipped.sort(key=lambda skip: _natural(skip[0]))  # the workers finish in any order
        home.mark_checked(stamp)
    summary.seconds = time.monotonic() - started
    return summary


def _natural(source: str) -> list[str | int]:
    """A skipped file's or record's place in the report: by path, numbers by value (``x.jsonl#L2`` before
    ``x.jsonl#L10``)."""
    return [int(part) if i % 2 else part for i, part in enumerate(re.split(r"(\d+)", source))]


@contextmanager
def _snapshot_folder(home: IndexHome) -> Iterator[Path]:
    """The run's folder for copies of the big exports it reads in parts (a killed run leaves one: the next
    run, holding the writer lock, clears it)."""
    folder = home.path / SNAPSHOTS
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir()
    try:
        yield folder
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def _update(paths: list[Path], home: IndexHome, rebuild: bool, workers: int, progress: Progress | None,
            snapshots: Path, prune: bool, now: str) -> Summary:
    summary = Summary()
    base = home.current()
    manifest = read_manifest(base)
    current = manifest.get("extractor_version") == INDEX_VERSION
    if not current and not rebuild:
        _refuse_partial_upgrade(paths, manifest.get("sources", {}), home)
    rebuild = rebuild or not current
    published = manifest.get("sources", {}) if current else {}
    old_sources = {} if rebuild else published
    files = list(scan(paths, summary.skipped))
    summary.files = len(files)
    try:
        folder_profiles, folder_record = profiles(files, {} if rebuild else manifest.get("folders", {}))
    except ValueError as exc:
        raise ArchiveError(str(exc)) from None
    todo = plan(files, paths, old_sources, snapshots, folder_profiles)
    summary.unchanged += todo.unchanged
    summary.skipped.extend(todo.skipped)
    ledger = Ledger.load(base if current else None) if todo.jobs or todo.gone or prune else Ledger()
    if not todo.jobs and not todo.gone and not (prune and any(h.withdrawn for h in ledger.releases.values())):
        summary.releases = sum(len(v.get("ids", {})) for v in old_sources.values())
        return summary
    gen = home.new_generation(None if rebuild else base)
    previous = _Published(home)
    try:
        writer = IndexWriter(gen)
        run = IndexRun(writer, dict(old_sources), dict(manifest.get("aliases", {})), summary, rebuild,
                       manifest.get("sources", {}), previous.get, ledger, now,
                       home.checked_at() or manifest.get("indexed_at") or "")
        for source in todo.gone:
            run.remove_source(source)
        stats = {f.source: f for f in files}
        done, total = 0, sum(job.size for job in todo.jobs)
        for result in results(todo.jobs, workers):
            done += result.size
            if progress:
                progress(done, total)
            run.apply(result, stats[result.source])
        run.finish(prune)
        writer.commit()
        run.keeper.ledger.save(gen)
        summary.releases = run.releases()
        write_manifest(gen, {
            "extractor_version": INDEX_VERSION,
            "indexed_at": now,
            "sources": run.sources,
            "folders": folder_record,
            "aliases": run.aliases,
            "releases": summary.releases,
        })
        home.publish(gen)
        summary.published = True
    except BaseException:
        try:
            writer.cancel()
        except Exception:
            pass
        home.discard_unpublished()
        raise
    finally:
        previous.close()
    return summary


def _refuse_partial_upgrade(paths: list[Path], old_sources: dict[str, Any], home: IndexHome) -> None:
    """An index written by an older Press Archive is read again whole; a run that names only some of its
    folders would leave the others' releases withdrawn (out of every search), so it is refused unless asked."""
    left_out = roots_left_out(paths, old_sources)
    if left_out:
        shown = ", ".join(left_out[:5]) + (f" and {len(left_out) - 5} more" if len(left_out) > 5 else "")
        raise ArchiveError(
            f"{home.path} was indexed by an older version of Press Archive, so all of it is read again, and this run "
            f"does not name {len(left_out)} of the folders it holds ({shown}): run `archive index` with every "
            "folder, or add --rebuild to keep only the folders named here (the others' releases are then kept "
            "as withdrawn)")


class _Published:
    """Releases of the generation readers see during the run, opened only if one is asked for."""

    def __init__(self, home: IndexHome) -> None:
        self.home = home
        self.reader: IndexReader | None = None

    def get(self, rid: str) -> Release | None:
        if self.home.current() is None:
            return None
        if self.reader is None:
            self.reader = IndexReader(self.home)
        return self.reader.get(rid)

    def close(self) -> None:
        if self.reader is not None:
            self.reader.close()
