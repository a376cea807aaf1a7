"""The writer's side of versions: keep the earlier text of a changed release, withdraw what disappeared,
restore what came back, and carry it all into a rebuilt generation.

Everything is written into the unpublished generation (earlier versions as documents ``<id>~<n>``, the
ledger ``versions.json`` beside the manifest), so a run killed at any moment publishes all of it or none.
The earlier text is read from the generation readers see during the run (``previous``), which a run never
changes.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from archive.model import Release
from archive.schema import analysed_document, record_from_stored
from archive.store import IndexWriter
from archive.versions import (
    SUPERSEDED,
    WITHDRAWN,
    Event,
    History,
    Ledger,
    Version,
    version_doc_id,
)

Previous = Callable[[str], Release | None]  # a document of the published generation, by key


class VersionKeeper:
    """One run's changes to the ledger and to the documents of earlier versions and withdrawn releases."""

    def __init__(self, writer: IndexWriter, ledger: Ledger, previous: Previous, now: str, last_seen: str,
                 rebuild: bool) -> None:
        self.writer = writer
        self.ledger = ledger
        self.previous = previous
        self.now = now
        self.last_seen = last_seen or now
        self.rebuild = rebuild
        self.written: set[str] = set()  # keys of earlier versions written by this run
        self.withdrawn_now: set[str] = set()
        self.counts = {"versions": 0, "withdrawn": 0, "restored": 0, "pruned": 0}

    def current_document(self, rid: str, document: dict[str, Any], history: History) -> dict[str, Any]:
        """The worker's document, with the release's status and its former headlines (searched as title words:
        "formerly titled …")."""
        release: Release | None = None
        formers: list[str] = []
        if history.count > 1:
            release = record_from_stored(document)
            formers = history.former_titles(release.title)
        if formers and release is not None:
            return analysed_document(release, history.status, formers)
        document["status"] = document["f_status"] = history.status
        return document

    def found(self, rid: str, content_hash: str, title: Callable[[], str], before: str | None,
              source_changed: bool) -> History:
        """A release this run read. ``before`` is the content hash it had when last indexed (None if it was
        not); a new version is kept only when the source itself changed, not just how it was read."""
        history = self.ledger.get(rid)
        if history is None:
            history = self.ledger.releases[rid] = History(first_seen=self.now)
            return history
        if history.withdrawn:
            before = history.versions[-1].hash if history.versions else before
            history.withdrawn = history.last_seen = ""
            if before is not None and before != content_hash:
                self._supersede(rid, history, content_hash, title)
            history.changed = self.now
            history.events.append(Event(self.now, "restored", history.count))
            self.counts["restored"] += 1
        elif before is not None and before != content_hash and source_changed:
            self._supersede(rid, history, content_hash, title)
            history.changed = self.now
            history.events.append(Event(self.now, "updated", history.count))
        elif history.versions and before != content_hash:
            history.versions[-1].hash, history.versions[-1].title = content_hash, title()  # read anew, same source
        return history

    def _supersede(self, rid: str, history: History, content_hash: str, title: Callable[[], str]) -> None:
        """Keep the published text of ``rid`` as its version ``n`` and make the new one ``n + 1``."""
        old = self.previous(rid)
        n = history.count
        if old is None:
            return
        if not history.versions:
            history.versions = [Version(1, history.first_seen, old.title, old.content_hash)]
        key = version_doc_id(rid, n)
        self.writer.replace(analysed_document(old, SUPERSEDED, key=key))
        self.written.add(key)
        history.versions.append(Version(n + 1, self.now, title(), content_hash))
        self.counts["versions"] += 1

    def withdraw(self, rid: str, content_hash: str) -> bool:
        """``rid`` is no longer in any file: keep it, marked withdrawn; False when there was nothing to keep."""
        release = self.previous(rid)
        if release is None:
            self.ledger.releases.pop(rid, None)
            return False
        history = self.ledger.releases.setdefault(rid, History(first_seen=self.last_seen))
        if not history.versions:  # the hash it had, to tell on its return whether it came back changed
            history.versions = [Version(1, history.first_seen, release.title, content_hash or release.content_hash)]
        history.withdrawn, history.last_seen, history.changed = self.now, self.last_seen, self.now
        history.events.append(Event(self.now, "withdrawn", history.count))
        formers = history.former_titles(release.title)
        (self.writer.add if self.rebuild else self.writer.replace)(analysed_document(release, WITHDRAWN, formers))
        self.counts["withdrawn"] += 1
        self.withdrawn_now.add(rid)
        return True

    def forget(self, rid: str) -> None:
        """Delete ``rid`` and its earlier versions for real (``--prune``, or an id that moved to another)."""
        history = self.ledger.releases.pop(rid, None)
        self.writer.delete(rid)
        for n in range(1, history.count if history else 1):
            self.writer.delete(version_doc_id(rid, n))

    def finish(self, present: set[str], prune: bool) -> None:
        """End of the run: prune withdrawn releases when asked; in a rebuild, copy the earlier versions and the
        withdrawn releases into the new generation (it started empty)."""
        for rid, history in list(self.ledger.releases.items()):
            if prune and history.withdrawn:
                self.forget(rid)
                self.counts["pruned"] += 1
                continue
            if not self.rebuild:
                continue
            if history.withdrawn and rid not in present and rid not in self.withdrawn_now:
                self._copy(rid, rid)
            for n in range(1, history.count):
                key = version_doc_id(rid, n)
                if key not in self.written:
                    self._copy(key, key)

    def _copy(self, key: str, new_key: str) -> None:
        release = self.previous(key)
        if release is None:
            return
        status = SUPERSEDED if new_key != release.id else WITHDRAWN
        history = self.ledger.get(release.id)
        formers = history.former_titles(release.title) if history and status == WITHDRAWN else []
        self.writer.add(analysed_document(release, status, formers, key=new_key))
