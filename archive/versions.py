"""Every version of every release: the ledger of one index generation.

When a run finds a release whose source changed, the earlier text is kept in the index as a document of
its own (``<id>~<n>``, status ``superseded``) and the ledger notes the new version; a release whose file or
record disappears is kept as ``withdrawn``. The ledger (``versions.json``) is written inside the unpublished
generation, like the manifest, so it and the documents it names are published together or not at all.

Per release it holds when it was first seen and last changed, its versions (when each was first seen, its
headline, its content hash) once there is more than one, and its events (updated, withdrawn, restored) for
``/changes``. A release that never changed costs one short entry.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from archive.home import write_atomic

LEDGER_FILE = "versions.json"
LEDGER_VERSION = 1
VERSION_SEP = "~"  # never in a release id (``archive/ids.py``), so ``<id>~<n>`` names no release
# The status facet's values; ``superseded`` marks the documents of earlier versions.
PUBLISHED, UPDATED, WITHDRAWN, SUPERSEDED = "published", "updated", "withdrawn", "superseded"
STATUSES = (PUBLISHED, UPDATED, WITHDRAWN, SUPERSEDED)
EVENTS = ("updated", "withdrawn", "restored")


def version_doc_id(release_id: str, n: int) -> str:
    """The index key of version ``n`` of a release that has a later one."""
    return f"{release_id}{VERSION_SEP}{n}"


@dataclass
class Version:
    n: int
    seen: str  # when this version was first seen (ISO date-time, UTC)
    title: str
    hash: str


@dataclass
class Event:
    date: str
    kind: str  # updated | withdrawn | restored
    n: int  # the version current after the event


@dataclass
class History:
    """What the archive knows of one release's life."""

    first_seen: str
    changed: str = ""  # last new version, withdrawal or restoration ("" when never)
    withdrawn: str = ""  # when withdrawn ("" while it is current)
    last_seen: str = ""  # for a withdrawn release: the last run that still found it
    versions: list[Version] = field(default_factory=list)  # empty while there is one version
    events: list[Event] = field(default_factory=list)

    @property
    def count(self) -> int:
        return max(1, len(self.versions))

    @property
    def status(self) -> str:
        if self.withdrawn:
            return WITHDRAWN
        return UPDATED if self.count > 1 else PUBLISHED

    def former_titles(self, current: str) -> list[str]:
        """Headlines of earlier versions that differ from ``current`` (each once, oldest first)."""
        return list(dict.fromkeys(v.title for v in self.versions[:-1] if v.title and v.title != current))

    def to_json(self) -> dict[str, Any]:
        data: dict[str, Any] = {"f": self.first_seen}
        if self.changed:
            data["c"] = self.changed
        if self.withdrawn:
            data["w"] = [self.withdrawn, self.last_seen]
        if self.versions:
            data["v"] = [[v.seen, v.title, v.hash] for v in self.versions]
        if self.events:
            data["e"] = [[e.date, e.kind, e.n] for e in self.events]
        return data

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> History:
        withdrawn, last_seen = data.get("w", ["", ""])
        return cls(
            first_seen=data["f"], changed=data.get("c", ""), withdrawn=withdrawn, last_seen=last_seen,
            versions=[Version(i + 1, seen, title, h) for i, (seen, title, h) in enumerate(data.get("v", []))],
            events=[Event(d, k, n) for d, k, n in data.get("e", [])],
        )

    def describe(self, release_id: str) -> dict[str, Any]:
        """The history as the JSON API shows it."""
        return {
            "id": release_id, "status": self.status, "first_seen": self.first_seen, "changed": self.changed or None,
            "withdrawn": self.withdrawn or None, "last_seen": self.last_seen or None, "versions": self.count,
            "history": [{"version": v.n, "seen": v.seen, "title": v.title} for v in self.versions],
            "events": [{"date": e.date, "kind": e.kind, "version": e.n} for e in self.events],
        }


@dataclass
class Change:
    """One line of ``/changes``: a release updated, withdrawn or restored."""

    date: str
    kind: str
    release_id: str
    version: int


class Ledger:
    """The histories of one generation, by release id."""

    def __init__(self, releases: dict[str, History] | None = None) -> None:
        self.releases = releases or {}

    def get(self, release_id: str) -> History | None:
        return self.releases.get(release_id)

    def changes(self, since: str = "", until: str = "", kinds: tuple[str, ...] = EVENTS) -> Iterator[Change]:
        """Every event from ``since`` to ``until`` (ISO dates or date-times, inclusive), newest first."""
        found = [
            Change(e.date, e.kind, rid, e.n)
            for rid, history in self.releases.items() if history.events
            for e in history.events
            if e.kind in kinds and (not since or e.date >= since) and (not until or e.date[:len(until)] <= until)
        ]
        found.sort(key=lambda c: (c.date, c.release_id, c.version), reverse=True)
        return iter(found)

    def save(self, gen: Path) -> None:
        """Written whole or not at all, inside the generation being built (published with it)."""
        data = {"version": LEDGER_VERSION, "releases": {rid: h.to_json() for rid, h in self.releases.items()}}
        write_atomic(gen / LEDGER_FILE, json.dumps(data, ensure_ascii=False, separators=(",", ":")))

    @classmethod
    def load(cls, gen: Path | None) -> Ledger:
        """The ledger of ``gen``; empty for an index written before versions were kept."""
        if gen is None:
            return cls()
        try:
            with open(gen / LEDGER_FILE, encoding="utf-8") as fh:
                data = json.load(fh)
        except FileNotFoundError:
            return cls()
        return cls({rid: History.from_json(h) for rid, h in data.get("releases", {}).items()})
