"""Recent updates, withdrawals and restorations, filtered by issuer, speaker and date: ``/changes``, its Atom
feed and ``archive changes``. Read from one snapshot: its ledger (``archive/versions.py``) for the events,
its facet tables for the filters, its stored releases for the titles shown."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any

import numpy as np

from archive.store import Snapshot
from archive.versions import EVENTS

MAX_SCANNED = 20_000  # events looked at for one filtered listing: its cost never grows with the archive's age
MAX_PAGE = 200


@dataclass
class ChangeEntry:
    date: str
    kind: str  # updated | withdrawn | restored
    id: str
    version: int  # the version current after the event
    versions: int  # how many the release has now
    status: str
    title: str
    issuer: str
    speakers: list[str] = field(default_factory=list)
    previous_title: str = ""  # the headline before an update, when it changed

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass
class ChangeList:
    total: int
    entries: list[ChangeEntry]
    truncated: bool = False  # more than MAX_SCANNED events matched the dates: only the newest were filtered


def _filter_mask(snap: Snapshot, issuers: list[str], speakers: list[str]) -> np.ndarray | None:
    tables = snap.tables
    mask = None
    for name, values in (("issuer", issuers), ("speaker", speakers)):
        if not values:
            continue
        table = tables.tables[name]
        spelled = [table.spelling(v) or v for v in values]
        found = table.docs_with_any(spelled, tables.size)
        mask = found if mask is None else mask & found
    return mask


def list_changes(snap: Snapshot, since: str = "", until: str = "", issuers: list[str] | None = None,
                 speakers: list[str] | None = None, kinds: tuple[str, ...] = EVENTS, offset: int = 0,
                 limit: int = 50) -> ChangeList:
    """Changes from ``since`` to ``until`` (dates ``YYYY[-MM[-DD]]``, inclusive), newest first."""
    ledger = snap.ledger
    every = snap.cached("changes", lambda s: list(s.ledger.changes()))  # sorted once per generation
    events = [e for e in every if e.kind in kinds and (not since or e.date >= since)
              and (not until or e.date[:len(until)] <= until)]
    truncated = len(events) > MAX_SCANNED
    events = events[:MAX_SCANNED]
    mask = _filter_mask(snap, issuers or [], speakers or [])
    if mask is not None:
        kept = []
        for event in events:
            docnum = snap.document_number(event.release_id)
            if docnum is not None and mask[docnum]:
                kept.append(event)
        events = kept
    limit = max(1, min(limit, MAX_PAGE))
    entries = []
    for event in events[offset:offset + limit]:
        release = snap.get(event.release_id)
        history = ledger.get(event.release_id)
        if release is None or history is None:
            continue
        previous = ""
        if event.kind == "updated" and event.version >= 2 and len(history.versions) >= event.version:
            before = history.versions[event.version - 2].title
            if before != history.versions[event.version - 1].title:
                previous = before
        entries.append(ChangeEntry(event.date, event.kind, event.release_id, event.version, history.count,
                                   history.status, release.title, release.issuer,
                                   [s.name for s in release.speakers], previous))
    return ChangeList(len(events), entries, truncated)
