"""Compare the files found with the manifest of the last run: what to parse again, what has gone."""

from __future__ import annotations

import contextlib
import hashlib
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal, NamedTuple

from indexer.extract.folder import FolderProfile
from indexer.scan import SourceFile, label
from indexer.sources.base import SkipFile
from indexer.sources.parts import Part, in_parts, splittable
from indexer.sources.reading import check_dense, open_inside


class Job(NamedTuple):
    """What a worker parses: a file, or one part of a big JSON-lines export (``indexer/sources/parts.py``);
    small files travel several to a task (``indexer.pool``)."""

    source: str
    old_hash: str  # of the file when last indexed: an unchanged file is not parsed again
    top: str  # the indexed root, resolved
    rel: str  # the file inside it, a path with no link in it (``reading.open_inside``)
    config: str  # the folder whose press-archive.toml maps JSON fields
    size: int = 0  # bytes to read
    hash: str = ""  # already known (a big export is hashed while it is cut into parts)
    part: Part | None = None
    index: int = 0  # which part, of ``parts``
    parts: int = 1
    profile: FolderProfile | None = None  # what the file's folder shares (``indexer/folders.py``)


def jobs_for(f: SourceFile, old_hash: str, snapshots: Path | None = None,
             profile: FolderProfile | None = None) -> list[Job]:
    """The jobs that bring one changed file up to date: the file, or each part of a big export in order.

    A big export is copied into ``snapshots`` (a private folder of the run) while it is cut, and its parts
    are read from that copy: a file rewritten during the run then gives the one version that was cut, never
    parts of two versions."""
    job = Job(f.source, old_hash, str(f.top), f.rel, str(f.root), f.size, profile=profile)
    for _attempt in range(3):
        try:
            cut = _cut(f, snapshots)
        except (OSError, SkipFile):
            return [job]  # the worker says what is wrong with it
        if cut is not False:
            break
    else:
        return [job]  # rewritten every time it was cut: read whole (and skipped if it keeps changing)
    if cut is None:
        return [job]
    data_hash, parts, copy = cut
    if data_hash == old_hash:
        if copy is not None:
            copy.unlink()
        return [job._replace(hash=data_hash)]
    if copy is not None:
        job = job._replace(top=str(copy.parent), rel=copy.name)
    return [job._replace(size=part.end - part.start, hash=data_hash, part=part, index=i, parts=len(parts))
            for i, part in enumerate(parts)]


def _cut(f: SourceFile, snapshots: Path | None) -> tuple[str, list[Part], Path | None] | None | Literal[False]:
    """The hash and parts of a big export (and its copy), None for a file read whole, False when the file
    changed while it was cut."""
    with open_inside(str(f.top), f.rel) as fh:
        before = os.fstat(fh.fileno())
        if not splittable(fh, f.rel, before.st_size):
            return None
        check_dense(fh, before.st_size)
        copy = snapshots / f"{hashlib.sha1(f.source.encode()).hexdigest()}.jsonl" if snapshots else None
        try:
            with copy.open("wb") if copy else contextlib.nullcontext() as out:
                split = in_parts(fh, f.rel, before.st_size, copy=out)
        except OSError:
            if copy is None:
                raise
            copy.unlink(missing_ok=True)  # no room for a copy (say): parts are read from the file itself, each
            copy = None  # checked against the hash of what was cut
            split = in_parts(fh, f.rel, before.st_size)
        after = os.fstat(fh.fileno())
    if split is None or (after.st_size, after.st_mtime_ns) != (before.st_size, before.st_mtime_ns):
        return False if split is not None else None
    return (*split, copy)


@dataclass
class Plan:
    """What a run has to do: the jobs for new and changed files, and the sources that have disappeared.

    Files whose size and modification time match the manifest are not even hashed; what they held is
    counted in ``unchanged`` and their earlier skips are reported again."""

    jobs: list[Job] = field(default_factory=list)
    gone: list[str] = field(default_factory=list)
    unchanged: int = 0
    skipped: list[tuple[str, str]] = field(default_factory=list)


def plan(files: list[SourceFile], paths: list[Path], old_sources: dict[str, Any], snapshots: Path | None = None,
         profiles: dict[str, FolderProfile] | None = None) -> Plan:
    """The jobs of a run. A file is parsed again when it changed, or when its folder's profile (``profiles``,
    by source) changed since it was read: every release of a folder is read with the same profile."""
    todo = Plan()
    profiles = profiles or {}
    for f in files:
        old = old_sources.get(f.source)
        profile = profiles.get(f.source)
        same_profile = bool(old) and old.get("profile", "") == (profile.digest() if profile else "")
        if old and same_profile and old.get("size") == f.size and old.get("mtime_ns") == f.mtime_ns:
            todo.unchanged += len(old.get("ids", {}))
            todo.skipped.extend((s, r) for s, r in old.get("skipped", []))
            continue
        todo.jobs.extend(jobs_for(f, old.get("hash", "") if old and same_profile else "", snapshots, profile))
    present = {f.source for f in files}
    roots = root_labels(paths)
    todo.gone = [s for s in old_sources if s not in present and _under(s, roots)]
    return todo


def root_labels(paths: list[Path]) -> set[str]:
    """How the roots of a run name their files' sources (``water/a.md`` under the root ``water``)."""
    return {label(p, p.resolve().parent) for p in paths if p.exists()}


def roots_left_out(paths: list[Path], old_sources: dict[str, Any]) -> list[str]:
    """The roots of the indexed sources that this run does not name."""
    roots = root_labels(paths)
    return sorted({s.split("/", 1)[0] for s in old_sources if not _under(s, roots)})


def _under(source: str, root_labels: set[str]) -> bool:
    """Whether ``source`` was found under one of the roots of this run (only those can have disappeared)."""
    return any(source == r or source.startswith(r.rstrip("/") + "/") for r in root_labels)
