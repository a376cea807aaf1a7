"""Summaries of one Whoosh segment, computed when the segment is new and kept beside its files.

A commit rebuilds the tables every search reads (spelling vocabulary, speakers) from the whole index; most
of its segments are the ones the previous run left. Whoosh segments are write-once: a later run marks
documents of an old segment deleted in the index's table of contents, never in the segment's files. So a
summary that ignores deletions (the caller applies them) stays true as long as its segment exists, and a
re-index that changed 1 % of the releases reads only the segment it added.

A summary is named after its segment (``MAIN_<id>.<kind>.json``): it is hard-linked into the next
generation with the segment's files, and when a merge retires the segment Whoosh's own clean-up removes it
with them. It is written atomically into the unpublished generation, so a killed run leaves none half-written.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

from archive.home import write_atomic


def summaries(reader: Any, kind: str, version: int, compute: Callable[[Any], Any],
              gen: Path | None = None) -> Iterator[tuple[Any, int]]:
    """``(summary, offset)`` for each segment of ``reader``: ``compute(segment_reader)``, read from ``gen`` when an
    earlier commit stored it (same ``version``), else computed and stored there (not stored without ``gen``)."""
    for segment, offset in reader.leaf_readers():
        info = segment.segment() if hasattr(segment, "segment") else None  # None: an empty index
        path = gen / f"{info.segment_id()}.{kind}.json" if gen is not None and info is not None else None
        summary = _load(path, version) if path is not None else None
        if summary is None:
            summary = compute(segment)
            if path is not None:
                write_atomic(path, json.dumps({"version": version, "summary": summary}, ensure_ascii=False))
        yield summary, offset


def _load(path: Path, version: int) -> Any:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return data.get("summary") if isinstance(data, dict) and data.get("version") == version else None
