"""Compare the files found with the manifest of the last run: what to parse again, what has gone."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, NamedTuple

from indexer.scan import SourceFile, label
from indexer.sources.parts import Part, in_parts


class Job(NamedTuple):
    """What a worker parses: a file, or one part of a big JSON-lines export (``indexer/sources/parts.py``);
    small files travel several to a task (``indexer.pool``)."""

    path: str
    source: str
    old_hash: str  # of the file when last indexed: an unchanged file is not parsed again
    root: str
    size: int = 0  # bytes to read
    hash: str = ""  # already known (a big export is hashed while it is cut into parts)
    part: Part | None = None
    index: int = 0  # which part, of ``parts``
    parts: int = 1


def jobs_for(f: SourceFile, old_hash: str) -> list[Job]:
    """The jobs that bring one changed file up to date: the file, or each part of a big export in order."""
    job = Job(str(f.path), f.source, old_hash, str(f.root), f.size)
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


@dataclass
class Plan:
    """What a run has to do: the jobs for new and changed files, and the sources that have disappeared.

    Files whose size and modification time match the manifest are not even hashed; what they held is
    counted in ``unchanged`` and their earlier skips are reported again."""

    jobs: list[Job] = field(default_factory=list)
    gone: list[str] = field(default_factory=list)
    unchanged: int = 0
    skipped: list[tuple[str, str]] = field(default_factory=list)


def plan(files: list[SourceFile], paths: list[Path], old_sources: dict[str, Any]) -> Plan:
    todo = Plan()
    for f in files:
        old = old_sources.get(f.source)
        if old and old.get("size") == f.size and old.get("mtime_ns") == f.mtime_ns:
            todo.unchanged += len(old.get("ids", {}))
            todo.skipped.extend((s, r) for s, r in old.get("skipped", []))
            continue
        todo.jobs.extend(jobs_for(f, old.get("hash", "") if old else ""))
    present = {f.source for f in files}
    roots = {label(p, p.resolve().parent) for p in paths if p.exists()}
    todo.gone = [s for s in old_sources if s not in present and _under(s, roots)]
    return todo


def _under(source: str, root_labels: set[str]) -> bool:
    """Whether ``source`` was found under one of the roots of this run (only those can have disappeared)."""
    return any(source == r or source.startswith(r.rstrip("/") + "/") for r in root_labels)
