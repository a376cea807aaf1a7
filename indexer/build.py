"""Index and re-index: scan the folders, parse what changed on all cores, write with one writer, publish.

Unchanged files (same size and mtime, or same content hash) are not parsed again; releases whose source
disappeared are removed. Nothing is visible to readers until the new generation is committed and published,
so an interrupted run leaves the last good index as it was.
"""

from __future__ import annotations

import hashlib
import multiprocessing
import os
import pickle
import signal
import sys
import threading
import time
import zlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, NamedTuple

from archive.schema import analysed_document, record_from_stored
from archive.store import INDEX_VERSION, ArchiveError, IndexHome, IndexWriter, read_manifest, write_manifest
from indexer.extract.folder import FolderProfile
from indexer.folders import profiles
from indexer.pipeline import build_release
from indexer.sources import SkipFile, parse_file
from indexer.sources.jsonfile import load_mapping
from indexer.sources.parts import Part, in_parts
from indexer.sources.registry import kind_of

PER_FILE_SECONDS = 30  # of CPU time: a busy or suspended machine is not a pathological file
CHUNK = 8  # files a worker parses per task, when they are small (one release each)
TASK_BYTES = 1 << 20  # what a task reads at most, unless one file is bigger: a part of an export goes alone
Progress = Callable[[int, int], None]  # bytes read so far, of how many


class _TooSlow(Exception):
    pass


def _too_slow(signum: int, frame: Any) -> None:
    raise _TooSlow()


@dataclass
class Summary:
    added: int = 0
    updated: int = 0
    unchanged: int = 0
    removed: int = 0
    files: int = 0
    releases: int = 0
    skipped: list[tuple[str, str]] = field(default_factory=list)
    seconds: float = 0.0
    published: bool = False

    def to_dict(self) -> dict[str, Any]:
        return {
            "added": self.added, "updated": self.updated, "unchanged": self.unchanged, "removed": self.removed,
            "files": self.files, "releases": self.releases, "seconds": round(self.seconds, 2),
            "published": self.published,
            "skipped": [{"source": s, "reason": r} for s, r in self.skipped],
        }


@dataclass
class SourceFile:
    path: Path
    source: str
    root: Path
    size: int
    mtime_ns: int


class Job(NamedTuple):
    """What a worker parses: a file, or one part of a big JSON-lines export (``indexer/sources/parts.py``);
    small files travel several to a task (``_tasks``)."""

    path: str
    source: str
    old_hash: str  # of the file when last indexed: an unchanged file is not parsed again
    root: str
    size: int = 0  # bytes to read
    hash: str = ""  # already known (a big export is hashed while it is cut into parts)
    part: Part | None = None
    index: int = 0  # which part, of ``parts``
    parts: int = 1
    profile: FolderProfile | None = None  # what the file's folder shares (``indexer/folders.py``)


def jobs_for(f: SourceFile, old_hash: str, profile: FolderProfile | None = None) -> list[Job]:
    """The jobs that bring one changed file up to date: the file, or each part of a big export in order."""
    job = Job(str(f.path), f.source, old_hash, str(f.root), f.size, profile=profile)
    try:
        split = in_parts(f.path, f.size)
    except OSError:
        split = None  # the worker says what is wrong with it
    if split is None:
        return [job]
    data_hash, parts = split
    if data_hash == old_hash:
        return [job._replace(hash=data_hash)]
    return [job._replace(size=part.end - part.start, hash=data_hash, part=part, index=i, parts=len(parts))
            for i, part in enumerate(parts)]


def scan(paths: list[Path], skipped: list[tuple[str, str]]) -> Iterator[SourceFile]:
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


def _label(path: Path, base: Path) -> str:
    try:
        rel = path.resolve().relative_to(base) if not path.is_symlink() else path.absolute().relative_to(base)
    except ValueError:
        rel = Path(path.name)
    return str(rel).encode("utf-8", "surrogateescape").decode("utf-8", "replace")


def _source_file(path: Path, base: Path, skipped: list[tuple[str, str]], explicit: bool) -> Iterator[SourceFile]:
    label = _label(path, base)
    if kind_of(path) is None:
        if explicit:
            skipped.append((label, "not a supported file type"))
        return
    try:
        st = path.stat()
    except OSError as exc:
        skipped.append((label, f"cannot read: {exc.strerror or 'broken link'}"))
        return
    if not path.is_file():
        skipped.append((label, "not a regular file"))
        return
    yield SourceFile(path, label, base, st.st_size, st.st_mtime_ns)


def _parse_job(job: Job) -> dict[str, Any]:
    """Runs in a worker process: read, hash, and (if the hash changed) parse and extract one file or part."""
    path, source = Path(job.path), job.source
    result: dict[str, Any] = {"source": source, "hash": job.hash, "releases": [], "skipped": [], "error": "",
                              "index": job.index, "parts": job.parts, "size": job.size,
                              "name": f"{source}{job.part.name}" if job.part else source,
                              "profile": job.profile.digest() if job.profile else ""}
    if not job.hash:
        try:
            result["hash"] = hashlib.sha1(path.read_bytes()).hexdigest()
        except OSError as exc:
            result["error"] = f"cannot read: {exc.strerror or exc}"
            return result
    if result["hash"] == job.old_hash:
        result["same"] = True
        return result
    alarm = threading.current_thread() is threading.main_thread()
    if alarm:  # a pathological file must not hang the run: reading it, and each release in it, get PER_FILE_SECONDS
        signal.signal(signal.SIGPROF, _too_slow)
        signal.setitimer(signal.ITIMER_PROF, PER_FILE_SECONDS)
    try:
        mapping = load_mapping(Path(job.root))
        wire_hint = _wire_from_path(source)
        for item in parse_file(path, source, mapping, job.part):
            if isinstance(item, SkipFile):
                result["skipped"].append([item.source or source, str(item)])
                continue
            if alarm:  # an export of thousands of records is not one slow file: the clock restarts per record
                signal.setitimer(signal.ITIMER_PROF, PER_FILE_SECONDS)
            try:
                release = build_release(item, wire_hint, job.profile)
                result["releases"].append((release.id, release.content_hash, _packed(release)))
            except SkipFile as exc:
                result["skipped"].append([item.source, str(exc)])
            except _TooSlow:
                result["skipped"].append([item.source, f"took longer than {PER_FILE_SECONDS} s to extract"])
    except SkipFile as exc:
        result["error"] = str(exc)
    except RecursionError:
        result["error"] = "nesting too deep to parse"
    except _TooSlow:
        result["error"] = f"took longer than {PER_FILE_SECONDS} s to parse"
        result["releases"] = []
    except Exception as exc:  # one bad file must never stop the run; say what happened
        result["error"] = f"could not be parsed ({type(exc).__name__}: {exc})"
    finally:
        if alarm:
            signal.setitimer(signal.ITIMER_PROF, 0)
    return result


def _wire_from_path(source: str) -> str:
    """For ``<source>/<wire>/<YYYY>/…`` trees, the wire folder's name."""
    parts = source.split("/")
    for i, part in enumerate(parts[:-1]):
        if part.isdigit() and len(part) == 4 and i >= 1 and not parts[i - 1].isdigit():
            return parts[i - 1] if i >= 2 else ""
    return ""


def _tasks(jobs: list[Job]) -> Iterator[list[Job]]:
    """Consecutive jobs in tasks of up to ``CHUNK`` files and about ``TASK_BYTES``: small files travel
    together (fewer round trips to a worker), a big file or a part of an export alone, so that what a task
    hands back stays small."""
    task: list[Job] = []
    weight = 0
    for job in jobs:
        if task and (len(task) == CHUNK or weight + job.size > TASK_BYTES):
            yield task
            task, weight = [], 0
        task.append(job)
        weight += job.size
    if task:
        yield task


def _parse_task(numbered: tuple[int, list[Job]]) -> tuple[int, list[dict[str, Any]]]:
    n, task = numbered
    return n, [_parse_job(job) for job in task]


class _FileOrder:
    """The parts of an export finish in any order; they leave here in file order, so records get the ids
    (a repeated URL's suffix counts the ones before it) they get when the file is read whole."""

    def __init__(self) -> None:
        self._early: dict[tuple[str, int], dict[str, Any]] = {}
        self._next: dict[str, int] = {}

    def push(self, result: dict[str, Any]) -> Iterator[dict[str, Any]]:
        """The results that can be applied now that ``result`` has arrived, in order."""
        source = result["source"]
        self._early[(source, result["index"])] = result
        n = self._next.get(source, 0)
        while (source, n) in self._early:
            yield self._early.pop((source, n))
            n += 1
        self._next[source] = n


def _results(jobs: list[Job], workers: int) -> Iterator[dict[str, Any]]:
    """Parse results, in an order that keeps both sides busy and memory flat.

    Jobs are interleaved by a hash of their path: HTML pages are parse-heavy (the workers are the bottleneck),
    Markdown and JSON writer-heavy (the writer is); mixed, neither waits for long. At most two tasks per
    worker are in flight — handed out and not yet applied, parts waiting for an earlier part included — so
    a writer that falls behind, or one slow part, does not let finished results pile up in memory.
    """
    jobs = sorted(jobs, key=lambda job: zlib.crc32(job.source.encode("utf-8", "surrogateescape")))
    if workers <= 1 or len(jobs) < 8:
        yield from map(_parse_job, jobs)
        return
    window = threading.BoundedSemaphore(workers * 2)
    stopped = threading.Event()

    def feed() -> Iterator[tuple[int, list[Job]]]:
        for numbered in enumerate(_tasks(jobs)):
            while not window.acquire(timeout=0.1):
                if stopped.is_set():  # the run failed: let the pool's feeder thread end, or closing it hangs
                    return
            yield numbered

    ctx = multiprocessing.get_context("forkserver" if sys.platform != "darwin" else "spawn")
    with ctx.Pool(workers) as pool:
        try:
            order, unapplied = _FileOrder(), {}
            for n, results in pool.imap_unordered(_parse_task, feed()):
                unapplied[n] = len(results)
                for result in results:
                    result["task"] = n
                    for ready in order.push(result):
                        yield ready
                        unapplied[ready["task"]] -= 1
                        if not unapplied[ready["task"]]:
                            del unapplied[ready["task"]]
                            window.release()
        finally:
            stopped.set()


def run_index(
    paths: list[Path],
    home: IndexHome,
    rebuild: bool = False,
    jobs: int | None = None,
    progress: Progress | None = None,
) -> Summary:
    """Bring the index at ``home`` up to date with ``paths``; returns what was done."""
    started = time.monotonic()
    summary = Summary()
    with home.writer_lock():
        home.discard_unpublished()
        base = home.current()
        manifest = read_manifest(base)
        if manifest.get("extractor_version") != INDEX_VERSION:
            rebuild = True
        old_sources: dict[str, Any] = {} if rebuild else manifest.get("sources", {})
        files = list(scan(paths, summary.skipped))
        summary.files = len(files)
        root_labels = {_label(p, p.resolve().parent) for p in paths if p.exists()}
        new_sources: dict[str, Any] = dict(old_sources)
        try:
            folder_profiles, folder_record = profiles(files, {} if rebuild else manifest.get("folders", {}))
        except ValueError as exc:
            raise ArchiveError(str(exc)) from None
        todo: list[Job] = []
        for f in files:
            old = old_sources.get(f.source)
            profile = folder_profiles[f.source]
            same_profile = old and old.get("profile", "") == profile.digest()
            if old and same_profile and old.get("size") == f.size and old.get("mtime_ns") == f.mtime_ns:
                summary.unchanged += len(old.get("ids", {}))
                summary.skipped.extend((s, r) for s, r in old.get("skipped", []))
                continue
            todo.extend(jobs_for(f, old.get("hash", "") if old and same_profile else "", profile))
        stats = {f.source: f for f in files}
        present = set(stats)
        gone = [s for s in old_sources if s not in present and _under(s, root_labels)]
        if not todo and not gone:
            summary.releases = sum(len(v.get("ids", {})) for v in new_sources.values())
            summary.seconds = time.monotonic() - started
            return summary
        gen = home.new_generation(None if rebuild else base)
        try:
            writer = IndexWriter(gen)
            owners = {rid: src for src, entry in new_sources.items() for rid in entry.get("ids", {})}
            aliases: dict[str, str] = dict(manifest.get("aliases", {}))
            for source in gone:
                for rid in new_sources.pop(source).get("ids", {}):
                    writer.delete(rid)
                    owners.pop(rid, None)
                    summary.removed += 1
            done, total = 0, sum(job.size for job in todo)
            workers = jobs or os.cpu_count() or 1
            pending: dict[str, _FileUpdate] = {}
            for result in _results(todo, workers):
                done += result["size"]
                if progress:
                    progress(done, total)
                _apply(result, stats[result["source"]], new_sources, owners, writer, summary, rebuild, aliases,
                       pending)
            writer.commit()
            summary.releases = sum(len(v.get("ids", {})) for v in new_sources.values())
            write_manifest(gen, {
                "extractor_version": INDEX_VERSION,
                "indexed_at": datetime.now(UTC).isoformat(timespec="seconds"),
                "sources": new_sources,
                "folders": folder_record,
                "aliases": aliases,
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
    summary.seconds = time.monotonic() - started
    return summary


def _under(source: str, root_labels: set[str]) -> bool:
    return any(source == r or source.startswith(r.rstrip("/") + "/") for r in root_labels)


def _record_aliases(old_ids: dict[str, str], new_ids: dict[str, str], aliases: dict[str, str]) -> None:
    """When a file's release gets a new id (its canonical URL appeared, say), the old id keeps working.

    A file that held one release and still holds one maps old to new; otherwise releases are paired by content.
    """
    gone = [rid for rid in old_ids if rid not in new_ids]
    came = [rid for rid in new_ids if rid not in old_ids]
    if not gone or not came:
        return
    pairs: dict[str, str] = {}
    if len(gone) == 1 and len(came) == 1:
        pairs[gone[0]] = came[0]
    else:
        by_hash = {new_ids[rid]: rid for rid in came}
        pairs = {rid: by_hash[old_ids[rid]] for rid in gone if old_ids[rid] in by_hash}
    for old, new in pairs.items():
        for key, target in list(aliases.items()):
            if target == old:
                aliases[key] = new
        aliases[old] = new
        aliases.pop(new, None)


@dataclass
class _FileUpdate:
    """What the results of one file (one per part of a big export) have brought so far."""

    old_ids: dict[str, str]
    new_ids: dict[str, str] = field(default_factory=dict)
    skipped: list[list[str]] = field(default_factory=list)


def _apply(result: dict[str, Any], stat: SourceFile, sources: dict[str, Any], owners: dict[str, str],
           writer: IndexWriter, summary: Summary, rebuild: bool, aliases: dict[str, str],
           pending: dict[str, _FileUpdate]) -> None:
    source = result["source"]
    old = sources.get(source, {})
    old_ids: dict[str, str] = old.get("ids", {})
    if result.get("same"):
        sources[source] = {**old, "size": stat.size, "mtime_ns": stat.mtime_ns, "profile": result["profile"]}
        summary.unchanged += len(old_ids)
        summary.skipped.extend((s, r) for s, r in old.get("skipped", []))
        return
    update = pending.setdefault(source, _FileUpdate(old_ids))
    if result["error"]:  # the file (or this part of it) is unusable: nothing in it counts
        update.skipped.append([result["name"], result["error"]])
    else:
        _take(result["releases"], source, update, owners, writer, summary, rebuild)
        update.skipped.extend(result["skipped"])
    if result["index"] < result["parts"] - 1:
        return
    del pending[source]
    for rid in old_ids:
        if rid not in update.new_ids:
            writer.delete(rid)
            owners.pop(rid, None)
            summary.removed += 1
    _record_aliases(old_ids, update.new_ids, aliases)
    summary.skipped.extend((s, r) for s, r in update.skipped)
    sources[source] = {"size": stat.size, "mtime_ns": stat.mtime_ns, "hash": result["hash"], "ids": update.new_ids,
                       "skipped": update.skipped, "profile": result["profile"]}


def _take(releases: list[tuple[str, str, bytes]], source: str, update: _FileUpdate, owners: dict[str, str],
          writer: IndexWriter, summary: Summary, rebuild: bool) -> None:
    """Add, replace or keep each release of a result (``document`` is packed by ``_packed()``)."""
    old_ids, new_ids = update.old_ids, update.new_ids
    for rid, content_hash, document in releases:
        owner = owners.get(rid)
        if owner is not None and owner != source:
            # The same canonical URL in two files: keep both, the second under an id tied to its file.
            rid = f"{rid}-{hashlib.sha1(source.encode()).hexdigest()[:4]}"
        if rid in new_ids:
            rid = f"{rid}-{len(new_ids)}"
        new_ids[rid] = content_hash
        owners[rid] = source
        if rebuild or rid not in old_ids:
            (writer.add if rebuild else writer.replace)(_unpacked(document, rid))
            summary.added += 1
        elif old_ids[rid] != content_hash:
            writer.replace(_unpacked(document, rid))
            summary.updated += 1
        else:
            summary.unchanged += 1


def _packed(release: Any) -> bytes:
    """The analysed document a worker hands back, pickled on its own: a result then holds compact bytes, not
    the Python objects of every posting of every release (a 2,000-record export's result shrinks ~5x, and
    several are in flight), and the writer unpacks one document at a time — unchanged ones never."""
    return pickle.dumps(analysed_document(release), protocol=pickle.HIGHEST_PROTOCOL)


def _unpacked(packed: bytes, rid: str) -> dict[str, Any]:
    document = pickle.loads(packed)
    if rid != document["id"]:
        # Rare: two files claim one canonical URL; the document again under its own id.
        release = record_from_stored(document)
        release.id = rid
        document = analysed_document(release)
    return document
