"""The writer's side of a run: apply each parse result to the new generation and keep the manifest's books."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from typing import Any

from archive.store import IndexWriter
from indexer.parse import Packed, Parsed, unpacked
from indexer.scan import SourceFile


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
class _FileUpdate:
    """What the results of one file (one per part of a big export) have brought so far."""

    old_ids: dict[str, str]
    new_ids: dict[str, str] = field(default_factory=dict)
    skipped: list[tuple[str, str]] = field(default_factory=list)


class IndexRun:
    """The state of one run on the writer's side: the manifest's sources as they become, which file owns
    which id, the aliases of renamed ids, the files whose parts are still coming, and the summary."""

    def __init__(self, writer: IndexWriter, sources: dict[str, Any], aliases: dict[str, str], summary: Summary,
                 rebuild: bool) -> None:
        self.writer = writer
        self.sources = sources
        self.aliases = aliases
        self.summary = summary
        self.rebuild = rebuild
        self.owners = {rid: src for src, entry in sources.items() for rid in entry.get("ids", {})}
        self._pending: dict[str, _FileUpdate] = {}

    def remove_source(self, source: str) -> None:
        """A file that has disappeared: its releases leave the index."""
        for rid in self.sources.pop(source).get("ids", {}):
            self._delete(rid)

    def apply(self, result: Parsed, stat: SourceFile) -> None:
        """One job's result; the file's manifest entry is settled with its last part."""
        source = result.source
        old = self.sources.get(source, {})
        old_ids: dict[str, str] = old.get("ids", {})
        if result.same:
            self.sources[source] = {**old, "size": stat.size, "mtime_ns": stat.mtime_ns}
            self.summary.unchanged += len(old_ids)
            self.summary.skipped.extend((s, r) for s, r in old.get("skipped", []))
            return
        update = self._pending.setdefault(source, _FileUpdate(old_ids))
        if result.error:  # the file (or this part of it) is unusable: nothing in it counts
            update.skipped.append((result.name, result.error))
        else:
            self._take(result.releases, source, update)
            update.skipped.extend(result.skipped)
        if result.index < result.parts - 1:
            return
        del self._pending[source]
        for rid in old_ids:
            if rid not in update.new_ids:
                self._delete(rid)
        record_aliases(old_ids, update.new_ids, self.aliases)
        self.summary.skipped.extend(update.skipped)
        self.sources[source] = {"size": stat.size, "mtime_ns": stat.mtime_ns, "hash": result.hash,
                                "ids": update.new_ids, "skipped": [list(s) for s in update.skipped]}

    def releases(self) -> int:
        return sum(len(entry.get("ids", {})) for entry in self.sources.values())

    def _delete(self, rid: str) -> None:
        self.writer.delete(rid)
        self.owners.pop(rid, None)
        self.summary.removed += 1

    def _take(self, releases: list[Packed], source: str, update: _FileUpdate) -> None:
        """Add, replace or keep each release of a result."""
        old_ids, new_ids = update.old_ids, update.new_ids
        for rid, content_hash, document in releases:
            owner = self.owners.get(rid)
            if owner is not None and owner != source:
                # The same canonical URL in two files: keep both, the second under an id tied to its file.
                rid = f"{rid}-{hashlib.sha1(source.encode()).hexdigest()[:4]}"
            if rid in new_ids:
                rid = f"{rid}-{len(new_ids)}"
            new_ids[rid] = content_hash
            self.owners[rid] = source
            if self.rebuild or rid not in old_ids:
                (self.writer.add if self.rebuild else self.writer.replace)(unpacked(document, rid))
                self.summary.added += 1
            elif old_ids[rid] != content_hash:
                self.writer.replace(unpacked(document, rid))
                self.summary.updated += 1
            else:
                self.summary.unchanged += 1


def record_aliases(old_ids: dict[str, str], new_ids: dict[str, str], aliases: dict[str, str]) -> None:
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
