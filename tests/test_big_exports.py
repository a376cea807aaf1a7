"""JSON-lines exports of any size: read in parts on every core, with the same releases as when read whole."""

from __future__ import annotations

import json
import random
from pathlib import Path

import pytest

from archive.search import SearchRequest, search
from archive.store import IndexHome, IndexReader
from indexer.build import run_index
from indexer.parse import Parsed
from indexer.plan import jobs_for
from indexer.pool import FileOrder
from indexer.scan import SourceFile
from indexer.sources import parts, reading

from .conftest import CORPUS, SAMPLES, shared_file

CONGRESS = SAMPLES / "congress-press" / "sample.jsonl"


def indexed(home: IndexHome) -> dict[str, dict]:
    reader = IndexReader(home)
    try:
        return {r.id: r.to_dict() for r in reader.iter_releases()}
    finally:
        reader.close()


def test_an_export_read_in_parts_gives_the_releases_it_gives_read_whole(tmp_path: Path, monkeypatch):
    """The real Congress sample, cut into parts of a few records each and parsed on two workers: the same ids,
    dates, speakers, topics and text. (The demo export is too small to cut into 20 parts; the tests below cut it.)"""
    export = shared_file(CONGRESS)
    folder = tmp_path / "exports"
    folder.mkdir()
    (folder / "export.jsonl").write_bytes(export.read_bytes())
    whole = IndexHome(tmp_path / "whole")
    read_whole = run_index([folder], whole, jobs=2)
    monkeypatch.setattr(parts, "PART_BYTES", max(export.stat().st_size // 23, 1000))
    assert len(jobs_for(SourceFile(folder / "export.jsonl", "exports/export.jsonl", tmp_path,
                                   export.stat().st_size, 0), "")) >= 20
    cut = IndexHome(tmp_path / "cut")
    summary = run_index([folder], cut, jobs=2)
    assert summary.added == read_whole.added == len(indexed(whole)) > 10
    assert summary.skipped == read_whole.skipped, "a record the whole file skips is skipped under its own name"
    assert indexed(cut) == indexed(whole)


def test_an_export_over_the_file_size_limit_is_indexed_and_an_overlong_record_skipped_by_name(tmp_path: Path):
    """Past 20 MB a file is skipped whole — except JSON lines, where only a record over the limit is."""
    records = [json.dumps({"title": f"Harbor Notice {n}", "date": f"2024-03-1{n}",
                           "text": f"The harbor office issued notice {n} about dredging the channel. " * 5})
               for n in range(1, 6)]
    overlong = json.dumps({"title": "Huge", "text": "x" * (reading.MAX_BYTES + 10)})
    folder = tmp_path / "exports"
    folder.mkdir()
    big = folder / "harbor.jsonl"
    big.write_text("\n".join([*records[:3], overlong, *records[3:]]) + "\n", encoding="utf-8")
    assert big.stat().st_size > reading.MAX_BYTES
    home = IndexHome(tmp_path / "index")
    summary = run_index([folder], home, jobs=2)
    assert [(s, r) for s, r in summary.skipped] == [
        ("exports/harbor.jsonl#L4", f"too large (a record over {reading.MAX_BYTES:,} bytes)")]
    found = indexed(home)
    assert sorted(r["title"] for r in found.values()) == [f"Harbor Notice {n}" for n in range(1, 6)]
    assert sorted(r["source"] for r in found.values()) == [f"exports/harbor.jsonl#L{n}" for n in (1, 2, 3, 5, 6)]


def test_a_json_document_over_the_limit_is_skipped_with_what_to_do(tmp_path: Path):
    array = tmp_path / "export.json"
    array.write_text(json.dumps([{"title": "A", "text": "B"}] * 50), encoding="utf-8")
    with pytest.raises(reading.SkipFile, match="write the export as JSON lines"):
        reading.read_bytes(array, limit=100)


def test_one_edited_record_of_a_big_export_updates_only_that_release(tmp_path: Path, monkeypatch):
    monkeypatch.setattr(parts, "PART_BYTES", 2000)
    folder = tmp_path / "exports"
    folder.mkdir()
    export = folder / "riverland.jsonl"
    export.write_bytes((CORPUS / "exports" / "riverland-legislature.jsonl").read_bytes())
    home = IndexHome(tmp_path / "index")
    first = run_index([folder], home, jobs=2)
    export.write_text(export.read_text().replace("Grant Calls for Audit", "Grant Demands Audit"))
    edited = run_index([folder], home, jobs=2)
    assert (edited.updated, edited.unchanged, edited.added, edited.removed) == (1, first.added - 1, 0, 0)
    reader = IndexReader(home)
    try:
        assert search(reader, SearchRequest(q='"Grant Demands Audit"')).total == 1
    finally:
        reader.close()
    export.touch()  # a new mtime, the same bytes: hashed while cut, nothing parsed again
    touched = run_index([folder], home, jobs=2)
    assert (touched.updated, touched.unchanged, touched.added, touched.removed) == (0, first.added, 0, 0)


def test_records_sharing_one_url_keep_their_ids_whichever_part_finishes_first(tmp_path: Path, monkeypatch):
    """A repeated URL gets a suffix counted from the records before it, so parts are applied in file order
    even when a later part finishes first (here the first part holds one long record, the rest short ones)."""
    def record(n: int, sentences: int) -> str:
        return json.dumps({"url": "https://example.gov/news/statement", "title": f"Statement {n}",
                           "date": "2024-01-02", "text": f"Senator Ada Whitcombe said statement {n} stands. " * sentences})

    folder = tmp_path / "exports"
    folder.mkdir()
    (folder / "statements.jsonl").write_text("\n".join([record(0, 3000)] + [record(n, 8) for n in range(1, 40)]),
                                             encoding="utf-8")
    whole = IndexHome(tmp_path / "whole")
    run_index([folder], whole, jobs=1)
    monkeypatch.setattr(parts, "PART_BYTES", 600)
    cut = IndexHome(tmp_path / "cut")
    run_index([folder], cut, jobs=2)
    titles = {rid: r["title"] for rid, r in indexed(cut).items()}
    assert len(titles) == 40
    assert titles == {rid: r["title"] for rid, r in indexed(whole).items()}


def test_parts_leave_in_file_order_whatever_order_they_arrive_in():
    arrived = [Parsed(source, source, i, n, 0) for source, n in (("a.jsonl", 7), ("b.jsonl", 5), ("c.md", 1))
               for i in range(n)]
    random.Random(4).shuffle(arrived)
    order = FileOrder()
    left = [(r.source, r.index) for result in arrived for r, _tag in order.push(result)]
    assert len(left) == 13
    for source in ("a.jsonl", "b.jsonl"):
        assert [i for s, i in left if s == source] == sorted(i for s, i in left if s == source)


def test_a_pretty_printed_json_release_is_still_read_whole(tmp_path: Path, monkeypatch):
    monkeypatch.setattr(parts, "PART_BYTES", 200)
    release = {"title": "Port Authority Opens Ferry Terminal", "date": "2024-06-01",
               "text": "The port authority opened the new ferry terminal on Saturday. " * 10,
               "attachments": [{"url": f"https://example.org/photo-{n}.jpg", "caption": "Terminal"} for n in range(5)]}
    folder = tmp_path / "exports"
    folder.mkdir()
    (folder / "terminal.json").write_text(json.dumps(release, indent=2), encoding="utf-8")
    assert "\n    {" in (folder / "terminal.json").read_text()
    home = IndexHome(tmp_path / "index")
    summary = run_index([folder], home, jobs=1)
    assert summary.skipped == []
    assert [r["title"] for r in indexed(home).values()] == ["Port Authority Opens Ferry Terminal"]
