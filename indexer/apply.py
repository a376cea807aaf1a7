"""The writer's side of a run: apply each parse result to the new generation and keep the manifest's books."""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from archive.model import Release
from archive.schema import analysed_document, record_from_stored
from archive.store import IndexWriter
from archive.versions import Ledger
from indexer.history import VersionKeeper
from indexer.parse import Packed, Parsed, unpacked
from indexer.scan import SourceFile

SLOWEST = 5  # releases named in the summary as the slowest to extract


@dataclass
class Summary:
    added: int = 0
    updated: int = 0
    unchanged: int = 0
    removed: int = 0
    withdrawn: int = 0  # releases whose file or record disappeared: kept, marked withdrawn
    restored: int = 0  # withdrawn releases found again
    versions: int = 0  # earlier versions kept by this run (releases whose source changed)
    files: int = 0
    releases: int = 0
    skipped: list[tuple[str, str]] = field(default_factory=list)
    seconds: float = 0.0
    published: bool = False
    slowest: list[tuple[float, str]] = field(default_factory=list)  # CPU seconds, release: the slowest to extract

    def to_dict(self) -> dict[str, Any]:
        return {
            "added": self.added, "updated": self.updated, "unchanged": self.unchanged, "removed": self.removed,
            "withdrawn": self.withdrawn, "restored": self.restored, "versions": self.versions,
            "files": self.files, "releases": self.releases, "seconds": round(self.seconds, 2),
            "published": self.published,
            "skipped": [{"source": s, "reason": r} for s, r in self.skipped],
            "slowest": [{"source": s, "cpu_seconds": t} for t, s in self.slowest],
        }


@dataclass
class _FileUpdate:
    """What the results of one file (one per part of a big export) have brought so far."""

    old_ids: dict[str, str]
    new_ids: dict[str, str] = field(default_factory=dict)
    skipped: list[tuple[str, str]] = field(default_factory=list)
    counts: dict[str, int] = field(default_factory=lambda: {"added": 0, "updated": 0, "unchanged": 0})
    changed: bool = False  # the file changed while it was read


Previous = Callable[[str], Release | None]  # a release of the published generation, by id


class IndexRun:
    """The state of one run on the writer's side: the manifest's sources as they become, which file owns
    which id, the aliases of renamed ids, the files whose parts are still coming, and the summary.

    ``published`` holds the sources of the generation readers see now, and ``previous`` reads a release from
    it: a file that changed while it was read keeps the version that was published (never a mix)."""

    def __init__(self, writer: IndexWriter, sources: dict[str, Any], aliases: dict[str, str], summary: Summary,
                 rebuild: bool, published: dict[str, Any] | None = None, previous: Previous | None = None,
                 ledger: Ledger | None = None, now: str = "", last_seen: str = "") -> None:
        self.writer = writer
        self.sources = sources
        self.aliases = aliases
        self.summary = summary
        self.rebuild = rebuild
        self.published = published if published is not None else dict(sources)
        self.previous = previous or (lambda rid: None)
        self.owners = {rid: src for src, entry in sources.items() for rid in entry.get("ids", {})}
        self._pending: dict[str, _FileUpdate] = {}
        now = now or datetime.now(UTC).isoformat(timespec="seconds")
        self.keeper = VersionKeeper(writer, ledger or Ledger(), self.previous, now, last_seen, rebuild)
        # Releases that left their file in this run, with their hash: withdrawn at the end unless found again.
        # A rebuild starts empty, so everything published is a candidate.
        self.dropped: dict[str, str] = {}
        self.new_by_hash: dict[str, str] = {}  # content hash → an id first seen in this run (a moved release)
        self._published_hash: dict[str, str] = {}
        for entry in self.published.values():
            self._published_hash.update(entry.get("ids", {}))
        if rebuild:
            self.dropped = dict(self._published_hash)

    def remove_source(self, source: str) -> None:
        """A file that has disappeared: its releases are withdrawn (at :meth:`finish`, unless found elsewhere)."""
        for rid, content_hash in self.sources.pop(source).get("ids", {}).items():
            self._drop(rid, content_hash, source)

    def finish(self, prune: bool = False) -> None:
        """After the last result: withdraw the releases no file holds any more, prune when asked."""
        for rid, content_hash in self.dropped.items():
            moved_to = self.new_by_hash.get(content_hash)
            if rid not in self.owners and moved_to and not self.rebuild:
                # The same text under a new id (a renamed file): the old id redirects to it.
                record_aliases({rid: content_hash}, {moved_to: content_hash}, self.aliases)
                self.keeper.forget(rid)
                self.summary.removed += 1
            elif rid not in self.owners:
                if not self.keeper.withdraw(rid, content_hash):
                    self.writer.delete(rid)
                    self.summary.removed += 1
        self.keeper.finish(set(self.owners), prune)
        counts = self.keeper.counts
        self.summary.withdrawn += counts["withdrawn"]
        self.summary.restored += counts["restored"]
        self.summary.versions += counts["versions"]
        self.summary.removed += counts["pruned"]

    def _drop(self, rid: str, content_hash: str, source: str) -> None:
        if self.owners.get(rid) == source:
            del self.owners[rid]
        self.dropped[rid] = content_hash

    def apply(self, result: Parsed, stat: SourceFile) -> None:
        """One job's result; the file's manifest entry is settled with its last part."""
        source = result.source
        self._note_slowest(result)
        old = self.sources.get(source, {})
        old_ids: dict[str, str] = old.get("ids", {})
        if result.same:
            self.sources[source] = {**old, "size": stat.size, "mtime_ns": stat.mtime_ns, "profile": result.profile}
            self.summary.unchanged += len(old_ids)
            self.summary.skipped.extend((s, r) for s, r in old.get("skipped", []))
            return
        update = self._pending.setdefault(source, _FileUpdate(old_ids))
        if result.changed:
            update.changed = True
        elif result.error:  # the file (or this part of it) is unusable: nothing in it counts
            update.skipped.append((result.name, result.error))
        elif not update.changed:
            self._take(result.releases, source, update, result.hash)
            update.skipped.extend(result.skipped)
        if result.index < result.parts - 1:
            return
        del self._pending[source]
        if update.changed:
            self._keep_published(source, update)
            return
        moved = record_aliases(old_ids, update.new_ids, self.aliases)
        for rid, content_hash in old_ids.items():
            if rid in moved:  # the same release under a new id: the old id redirects to it
                self.keeper.forget(rid)
                self.owners.pop(rid, None)
                self.summary.removed += 1
            elif rid not in update.new_ids:
                self._drop(rid, content_hash, source)
        for name, count in update.counts.items():
            setattr(self.summary, name, getattr(self.summary, name) + count)
        self.summary.skipped.extend(update.skipped)
        self.sources[source] = {"size": stat.size, "mtime_ns": stat.mtime_ns, "hash": result.hash,
                                "ids": update.new_ids, "skipped": [list(s) for s in update.skipped],
                                "profile": result.profile}

    def releases(self) -> int:
        return sum(len(entry.get("ids", {})) for entry in self.sources.values())

    def _keep_published(self, source: str, update: _FileUpdate) -> None:
        """A file that kept changing while it was read: keep the version readers see now (the next run, seeing
        a new modification time, reads the file again). Only a file read whole can change under its reader
        (the parts of an export are read from the run's own copy), so nothing of it has been written."""
        entry = self.published.get(source)
        keep: dict[str, str] = dict(entry.get("ids", {})) if entry else {}
        if self.rebuild:  # the new generation starts empty: the kept releases are copied into it
            for rid in list(keep):
                release = self.previous(rid)
                if release is None:
                    del keep[rid]
                else:
                    history = self.keeper.ledger.get(rid)
                    status, formers = (history.status, history.former_titles(release.title)) if history else ("published", [])
                    self.writer.add(analysed_document(release, status, formers))
        for rid in keep:
            self.owners[rid] = source
        if entry:
            self.sources[source] = {**entry, "mtime_ns": 0, "ids": keep}  # 0: hashed again next time
            why = "changed while it was being indexed: the version indexed before is kept until the next run"
        else:
            self.sources.pop(source, None)
            why = "changed while it was being indexed: left out until the next run"
        self.summary.unchanged += len(keep)
        self.summary.skipped.append((source, why))

    def _note_slowest(self, result: Parsed) -> None:
        if result.slowest[0] > 0:
            self.summary.slowest = sorted([*self.summary.slowest, result.slowest], reverse=True)[:SLOWEST]

    def _take(self, releases: list[Packed], source: str, update: _FileUpdate, file_hash: str) -> None:
        """Add, replace or keep each release of a result, keeping earlier versions (``indexer/history.py``)."""
        old_ids, new_ids = update.old_ids, update.new_ids
        source_changed = self.published.get(source, {}).get("hash") != file_hash
        for rid, content_hash, document in releases:
            owner = self.owners.get(rid)
            if owner is not None and owner != source:
                # The same canonical URL in two files: keep both, the second under an id tied to its file.
                rid = f"{rid}-{hashlib.sha1(source.encode()).hexdigest()[:4]}"
            if rid in new_ids:
                rid = f"{rid}-{len(new_ids)}"
            new_ids[rid] = content_hash
            self.owners[rid] = source
            self.dropped.pop(rid, None)
            known = self.keeper.ledger.get(rid)
            before = self._published_hash.get(rid) if self.rebuild or rid not in old_ids else old_ids[rid]
            if not self.rebuild and rid in old_ids and before == content_hash and not (known and known.withdrawn):
                update.counts["unchanged"] += 1
                continue
            doc = unpacked(document, rid)
            if known is None:
                self.new_by_hash.setdefault(content_hash, rid)
            history = self.keeper.found(rid, content_hash, lambda d=doc: _title(d), before, source_changed)
            write = self.writer.add if self.rebuild else self.writer.replace
            write(self.keeper.current_document(rid, doc, history))
            update.counts["added" if self.rebuild or rid not in old_ids else "updated"] += 1


def _title(document: dict[str, Any]) -> str:
    return record_from_stored(document).title


def record_aliases(old_ids: dict[str, str], new_ids: dict[str, str], aliases: dict[str, str]) -> set[str]:
    """When a file's release gets a new id (its canonical URL appeared, say), the old id keeps working.

    A file that held one release and still holds one maps old to new; otherwise releases are paired by content.
    """
    gone = [rid for rid in old_ids if rid not in new_ids]
    came = [rid for rid in new_ids if rid not in old_ids]
    if not gone or not came:
        return set()
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
    return set(pairs)
