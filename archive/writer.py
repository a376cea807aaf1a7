"""The one Whoosh writer: adds, replaces and deletes releases in an unpublished generation, then builds the
per-generation tables every search reads (facets, spelling vocabulary, speakers) before the generation is published."""

from __future__ import annotations

import math
from pathlib import Path
from typing import Any

from whoosh import index as whoosh_index

from archive.schema import build_schema

SEGMENT_MB = 256  # postings (as Whoosh counts them) per segment; the writer's memory grows with it
SMALL_SEGMENT_DOCS = 2000  # each incremental run adds a segment; the small ones are merged at its commit


def _merge_small_segments(writer: Any, segments: list[Any]) -> list[Any]:
    """Whoosh merge policy: fold the small segments (incremental runs leave one each) into one, keep big ones.

    Whoosh's own policy would, past ~20 segments, re-merge the big segments a rebuild cuts — minutes of work.
    """
    from whoosh.reading import SegmentReader

    small = [seg for seg in segments if seg.doc_count_all() < SMALL_SEGMENT_DOCS]
    if len(small) < 2:
        return segments
    for seg in small:
        reader = SegmentReader(writer.storage, writer.schema, seg)
        writer.add_reader(reader)
        reader.close()
    return [seg for seg in segments if seg not in small]


class IndexWriter:
    """Adds, replaces and deletes releases in one generation; the only Whoosh writer there is.

    Whoosh keeps postings in a pool and, once the pool passes its memory limit, spills sorted runs to disk
    and merges them all at commit — pickling every posting out and back in, on one core. Instead, whenever
    the pool nears ``segment_mb`` the postings so far become a segment of their own (committed inside this
    unpublished generation, so no reader sees it before the generation is published).
    """

    def __init__(self, gen: Path, segment_mb: int | None = None) -> None:
        self.gen = gen
        if whoosh_index.exists_in(str(gen)):
            self._index = whoosh_index.open_dir(str(gen))
        else:
            self._index = whoosh_index.create_in(str(gen), build_schema())
        self._limit = int((segment_mb or SEGMENT_MB) * 2**20)
        self._writer = self._new_writer()

    def _new_writer(self) -> Any:
        # The pool's own limit sits above ours, so it never spills: we cut a segment first.
        return self._index.writer(limitmb=math.ceil(2 * self._limit / 2**20), procs=1, multisegment=False,
                                  compound=False)

    def add(self, document: dict[str, Any]) -> None:
        """Adds one document made by :func:`archive.schema.analysed_document` (or ``to_document``)."""
        self._writer.add_document(**document)
        self._cut_segment_when_full()

    def replace(self, document: dict[str, Any]) -> None:
        self._writer.update_document(**document)
        self._cut_segment_when_full()

    def delete(self, release_id: str) -> None:
        self._writer.delete_by_term("id", release_id)

    def _cut_segment_when_full(self) -> None:
        if self._writer.pool.currentsize >= self._limit:
            self._writer.commit(merge=False)
            self._writer = self._new_writer()

    def commit(self) -> None:
        self._writer.commit(mergetype=_merge_small_segments)
        from archive import spelling
        from archive.facets import FacetTables, facet_postings  # built once per commit, read by every search
        from archive.speakers import SpeakerTable

        with self._index.reader() as reader:  # each reads only the segments this run added (archive/segments.py)
            postings = facet_postings(reader, self.gen)
            tables = FacetTables.build(reader, postings)
            tables.save(self.gen)
            spelling.save(self.gen, spelling.build(reader, self.gen))
            SpeakerTable.build(reader, tables, gen=self.gen, postings=postings).save(self.gen)  # speaker pages

    def cancel(self) -> None:
        self._writer.cancel()
