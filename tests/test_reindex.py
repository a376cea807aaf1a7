"""Re-indexing keeps the index right as the folder changes, and an interrupted run loses nothing."""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import time
from dataclasses import asdict
from pathlib import Path

import pytest

from archive import spelling
from archive.facets import FacetTables
from archive.speakers import SpeakerTable
from archive.store import IndexBusy, IndexHome, IndexReader
from indexer.build import run_index
from tests.stress.kill_index import PHASES, kill_at_phase, snapshot

from .conftest import CORPUS, ROOT, SAMPLES, needs_shared


@pytest.fixture()
def folder(tmp_path: Path) -> Path:
    target = tmp_path / "releases"
    shutil.copytree(CORPUS / "wire", target / "wire")
    shutil.copytree(CORPUS / "exports", target / "exports")
    return target


def releases(home: IndexHome) -> list:
    reader = IndexReader(home)
    try:
        return list(reader.iter_releases())
    finally:
        reader.close()


def ids(home: IndexHome) -> set[str]:
    return {r.id for r in releases(home)}


def segments(home: IndexHome) -> set[str]:
    """The Whoosh segments of the published generation (their files share a name before the first dot)."""
    return {p.name.split(".")[0] for p in home.current().glob("MAIN_*") if "LOCK" not in p.name}


def titles(home: IndexHome) -> set[str]:
    return {r.title for r in releases(home)}


def test_second_run_over_an_unchanged_folder_changes_nothing(folder: Path, tmp_path: Path):
    home = IndexHome(tmp_path / "index")
    first = run_index([folder], home, jobs=1)
    generation = home.current()
    second = run_index([folder], home, jobs=1)
    assert first.added == 26 and first.skipped == []
    assert (second.added, second.updated, second.removed, second.unchanged) == (0, 0, 0, 26)
    assert home.current() == generation, "an unchanged run publishes no new generation"


def test_ids_are_stable_across_a_rebuild(folder: Path, tmp_path: Path):
    home = IndexHome(tmp_path / "index")
    run_index([folder], home, jobs=1)
    before = ids(home)
    run_index([folder], home, rebuild=True, jobs=1)
    assert ids(home) == before


def test_edited_file_is_updated_and_deleted_file_withdrawn(folder: Path, tmp_path: Path):
    home = IndexHome(tmp_path / "index")
    run_index([folder], home, jobs=1)
    edited = next(folder.rglob("*drought-plan.md"))
    edited.write_text(edited.read_text().replace("Adopts Drought Plan", "Adopts Strict Drought Plan"))
    removed = next(folder.rglob("*wetland-restoration.md"))
    removed.unlink()
    summary = run_index([folder], home, jobs=1)
    assert (summary.updated, summary.withdrawn, summary.removed, summary.added) == (1, 1, 0, 0)
    found = titles(home)
    assert "Calder Valley Water District Adopts Strict Drought Plan as Reservoirs Fall" in found
    assert not any("Wetland" in t for t in found)


def test_an_edit_reads_only_the_new_segment_for_the_speaker_and_spelling_tables(folder: Path, tmp_path: Path):
    """The tables a commit builds come from per-segment summaries: the segments a run left are not read again
    (their summaries are the earlier generation's files), yet the tables equal ones read from every release."""
    home = IndexHome(tmp_path / "index")
    run_index([folder], home, jobs=1)
    before = {p.name: p.stat().st_ino for p in home.current().glob("MAIN_*.json")}
    edited = next(folder.rglob("*record-quarter.md"))
    edited.write_text(edited.read_text().replace("said Priya Raman, Chief Executive Officer.",
                                                 "said Priya Raman, Chief Operating Officer."))
    assert run_index([folder], home, jobs=1).updated == 1
    gen = home.current()
    after = {p.name: p.stat().st_ino for p in gen.glob("MAIN_*.json")}
    kept = {name for name in after if name in before}
    assert kept and all(after[name] == before[name] for name in kept), "old segments' summaries are reused"
    assert {name.split(".")[1] for name in set(after) - kept} == {"postings", "spelling", "speakers"}

    with IndexReader(home).snapshot() as snap:
        reader = snap.searcher.reader()
        assert spelling.build(reader) == json.loads((gen / spelling.SPELLING_FILE).read_text())
        tables = FacetTables.build(reader)
        fresh = SpeakerTable.build(reader, tables)
    saved_tables = FacetTables.load(gen)
    for name in ("day", "live", "leader", "status", "searchable", "alive"):
        assert getattr(saved_tables, name).tolist() == getattr(tables, name).tolist(), name
    for name, table in tables.tables.items():
        saved_table = saved_tables.tables[name]
        assert (saved_table.values, saved_table.pair_doc.tolist(), saved_table.pair_value.tolist()) == (
            table.values, table.pair_doc.tolist(), table.pair_value.tolist()), name
    saved = SpeakerTable.load(gen)
    assert [asdict(p) for p in saved.people] == [asdict(p) for p in fresh.people]
    raman = saved.of_name("Priya Raman")
    assert "Chief Operating Officer" in [t.title for t in raman.titles]


def test_one_changed_record_in_a_jsonl_file_updates_only_that_release(folder: Path, tmp_path: Path):
    home = IndexHome(tmp_path / "index")
    run_index([folder], home, jobs=1)
    path = folder / "exports/riverland-legislature.jsonl"
    path.write_text(path.read_text().replace("Grant Calls for Audit", "Grant Demands Audit"))
    summary = run_index([folder], home, jobs=1)
    assert (summary.updated, summary.unchanged, summary.added, summary.removed) == (1, 25, 0, 0)


def test_renamed_file_moves_its_release(folder: Path, tmp_path: Path):
    home = IndexHome(tmp_path / "index")
    run_index([folder], home, jobs=1)
    old = next(folder.rglob("*ferry.txt"))
    old.rename(old.with_name("renamed-ferry.txt"))
    summary = run_index([folder], home, jobs=1)
    assert (summary.added, summary.removed) == (1, 1)
    sources = {r.source for r in releases(home) if "Ferries" in r.title}
    assert sources == {"releases/wire/prnewswire/renamed-ferry.txt"}


def test_releases_of_other_folders_survive_indexing_one_folder(folder: Path, tmp_path: Path):
    home = IndexHome(tmp_path / "index")
    run_index([folder / "wire"], home, jobs=1)
    run_index([folder / "exports"], home, jobs=1)
    assert len(ids(home)) == 26


def test_a_second_writer_gets_a_clear_busy_message(folder: Path, tmp_path: Path):
    home = IndexHome(tmp_path / "index")
    with home.writer_lock():
        with pytest.raises(IndexBusy, match=rf"being updated by PID {os.getpid()}"):
            run_index([folder], home, jobs=1)


def test_a_failure_mid_run_leaves_the_last_good_index(folder: Path, tmp_path: Path, monkeypatch):
    home = IndexHome(tmp_path / "index")
    run_index([folder], home, jobs=1)
    before = ids(home)
    edited = next(folder.rglob("*drought-plan.md"))
    edited.write_text(edited.read_text().replace("voted 5-2", "voted 6-1"))

    import indexer.build as build

    def explode(*args, **kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setattr(build.IndexWriter, "commit", explode)
    with pytest.raises(RuntimeError):
        run_index([folder], home, jobs=1)
    monkeypatch.undo()
    assert ids(home) == before
    assert len(home.generations()) == 1, "the half-built generation was removed"
    assert run_index([folder], home, jobs=1).updated == 1


@pytest.mark.parametrize("target", ["writing", *PHASES])
def test_sigkill_in_each_phase_of_a_run_keeps_the_last_complete_index(folder: Path, tmp_path: Path, target: str):
    """SIGKILL aimed at each phase of a ``--rebuild`` (``tests/stress/kill_index.py`` reads the phase from what
    the run has written; ``paused_index`` widens each window so the kill lands in it, never before the run
    or after it): readers see the old index, whole, and the next run completes."""
    index = tmp_path / "index"
    home = IndexHome(index)
    run_index([folder], home, jobs=1)
    before = ids(home)
    for n in range(80):  # the rebuild holds more releases than the index it replaces
        shutil.copy(next(folder.rglob("*drought-plan.md")), folder / f"copy-{n}.md")
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    started = time.time()
    proc = subprocess.Popen([sys.executable, "-m", "tests.stress.paused_index", "1.5", "index", str(folder),
                             "--index", str(index), "--rebuild", "--jobs", "1"], env=env, cwd=ROOT,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
    hit = kill_at_phase(proc, home, started, target, jitter=0.2, limit=120)
    proc.wait()
    assert hit == target, f"the kill landed in {hit!r}"
    held, _versions, _kept = snapshot(home)  # every listed id present once and readable, and a search answers
    assert held == ids(home) == before, "readers see the old index, whole"
    summary = run_index([folder], home, jobs=1)
    assert len(ids(home)) == summary.releases == 26 + 80
    assert len(home.generations()) <= 2


def test_a_release_whose_id_changes_keeps_its_old_permalink(tmp_path: Path):
    from web import create_app

    folder = tmp_path / "wire"
    folder.mkdir()
    page = folder / "harbor.md"
    page.write_text("# Harbor Opens\n\nTESSALY, May 2, 2024 /Wire/ -- The harbor opened.\n")
    home = IndexHome(tmp_path / "index")
    run_index([folder], home, jobs=1)
    (old_id,) = ids(home)
    page.write_text(page.read_text() + "\n---\n\n[Original/Source Press Release](https://tessaly.example/harbor)\n")
    run_index([folder], home, jobs=1)
    (new_id,) = ids(home)
    assert new_id != old_id
    client = create_app({"INDEX_PATH": str(home.path)}).test_client()
    response = client.get(f"/releases/{old_id}")
    assert response.status_code == 301 and response.headers["Location"].endswith(f"/releases/{new_id}")
    assert client.get(f"/api/releases/{old_id}").status_code == 301


def test_two_files_claiming_one_canonical_url_both_stay_searchable(tmp_path: Path):
    page = (CORPUS / "web" / "brightline" / "2025-02-18-safety-recall.html").read_text(encoding="utf-8")
    folder = tmp_path / "pages"
    folder.mkdir()
    (folder / "a.html").write_text(page, encoding="utf-8")
    (folder / "b.html").write_text(page.replace("Braking Fault", "Braking Fault (corrected)"), encoding="utf-8")
    home = IndexHome(tmp_path / "index")
    run_index([folder], home, jobs=1)
    found = releases(home)
    assert len({r.id for r in found}) == 2
    reader = IndexReader(home)
    try:
        for release in found:
            assert reader.get(release.id).title == release.title, "each id opens its own record"
    finally:
        reader.close()
    assert any("(corrected)" in t for t in titles(home))


def test_an_index_cut_into_many_segments_answers_like_one_segment(tmp_path: Path, monkeypatch):
    from archive import writer
    from archive.search import SearchRequest, search

    whole = IndexHome(tmp_path / "whole")
    run_index([CORPUS], whole, jobs=1)
    monkeypatch.setattr(writer, "SEGMENT_MB", 0.05)
    monkeypatch.setattr(writer, "SMALL_SEGMENT_DOCS", 0)
    cut = IndexHome(tmp_path / "cut")
    run_index([CORPUS], cut, jobs=1)
    assert len(segments(cut)) > 3
    readers = IndexReader(whole), IndexReader(cut)
    try:
        for q in ["flood", '"county sheriff"', "speaker:whitcombe", "harbor OR river", "budget -school", ""]:
            a, b = (search(r, SearchRequest(q=q, page_size=50)) for r in readers)
            assert a.total == b.total > 0 or q == "budget -school"
            assert {h.id for h in a.hits} == {h.id for h in b.hits}
            assert [(f.name, [(v.value, v.count) for v in f.values]) for f in a.facets] == \
                   [(f.name, [(v.value, v.count) for v in f.values]) for f in b.facets]
    finally:
        for r in readers:
            r.close()


def test_small_segments_of_incremental_runs_are_merged(folder: Path, tmp_path: Path):
    home = IndexHome(tmp_path / "index")
    run_index([folder], home, jobs=1)
    for n in range(3):
        (folder / f"extra-{n}.txt").write_text(f"Town Adds Bus Route {n}\n\nThe town added bus route {n} on Monday.\n")
        run_index([folder], home, jobs=1)
    assert len(segments(home)) <= 2, "the old small segments were merged into one"
    assert {f"Town Adds Bus Route {n}" for n in range(3)} <= titles(home)


def test_a_run_that_fails_midway_with_workers_stops_promptly_and_keeps_the_index(tmp_path: Path, monkeypatch):
    from indexer.apply import IndexRun

    folder = tmp_path / "many"
    folder.mkdir()
    for n in range(120):
        (folder / f"r{n}.txt").write_text(f"Library Extends Hours {n}\n\nThe library will stay open until nine, notice {n}.\n")
    home = IndexHome(tmp_path / "index")
    run_index([folder], home, jobs=2)
    before = ids(home)
    for n in range(120):
        (folder / f"r{n}.txt").write_text(f"Library Extends Hours {n}\n\nThe library will stay open until ten, notice {n}.\n")
    applied = []

    def fail_on_third(*args, **kwargs):
        applied.append(1)
        if len(applied) == 3:
            raise OSError("disk full")
        return real_apply(*args, **kwargs)

    real_apply = IndexRun.apply
    monkeypatch.setattr(IndexRun, "apply", fail_on_third)
    signal.signal(signal.SIGALRM, lambda *a: (_ for _ in ()).throw(TimeoutError("the failed run hung")))
    signal.alarm(60)
    started = time.monotonic()
    try:
        with pytest.raises(OSError, match="disk full"):
            run_index([folder], home, jobs=2)
    finally:
        signal.alarm(0)
    assert time.monotonic() - started < 30, "the pool was left waiting for work that never came"
    assert ids(home) == before and len(before) == 120


def test_the_time_limit_covers_the_whole_file_and_a_slow_record_is_skipped_by_name(tmp_path: Path, monkeypatch):
    """M7: an export of slow records costs its file's CPU budget, not a budget per record (the clock used to
    restart for each: 1,000 records of 30 s each were 8 CPU-hours). A record over its own limit is skipped by
    name; once the file's time is spent, the rest are skipped by name too. CPU time, so a busy machine drops
    nothing."""
    from indexer import parse

    export = tmp_path / "export.jsonl"
    export.write_text("\n".join(json.dumps({"title": f"Release {n}", "date": "2024-05-01", "text": "Body text. " * 30})
                                for n in range(1, 41)), encoding="utf-8")
    real_build = parse.build_release

    def slowly(draft, wire_hint, *rest):
        busy_until = time.process_time() + (5 if draft.source.endswith("#L2") else 0.2)
        while time.process_time() < busy_until:  # the limit counts CPU time, so burn some
            pass
        return real_build(draft, wire_hint)

    monkeypatch.setattr(parse, "PER_FILE_SECONDS", 2)
    monkeypatch.setattr(parse, "PER_RECORD_SECONDS", 0.5)
    monkeypatch.setattr(parse, "build_release", slowly)
    started = time.process_time()
    result = parse.parse_job(parse.Job("export.jsonl", "", str(tmp_path), "export.jsonl", str(tmp_path)))
    assert time.process_time() - started < 4, "40 records of 0.2 s cost the file's 2 s, not 8 s"
    assert result.error == ""
    assert result.skipped[0] == ("export.jsonl#L2", "took longer than 0.5 s to extract")
    indexed = [p.id for p in result.releases]
    assert 4 <= len(indexed) <= 8
    assert result.skipped[1:] == [(f"export.jsonl#L{n}", "not extracted: its file used up its 2 s of CPU time")
                                  for n in range(len(indexed) + 2, 41)]


def test_an_index_from_an_older_version_is_not_half_rebuilt_from_some_of_its_folders(tmp_path: Path):
    """After an upgrade every release is read again: a run naming one folder of two would have left the other's
    releases withdrawn (out of every search). It is refused, naming the folder left out; all folders, or
    --rebuild said on purpose, go ahead."""
    from archive.home import INDEX_VERSION, ArchiveError

    water, harbor = tmp_path / "water", tmp_path / "harbor"
    for folder, word in ((water, "Water"), (harbor, "Harbor")):
        folder.mkdir()
        (folder / "a.md").write_text(f"# {word} Notice\n\nSPRINGFIELD, May 2, 2024 -- The {word.lower()} office said so.\n")
    home = IndexHome(tmp_path / "index")
    run_index([water, harbor], home, jobs=1)
    manifest = home.current() / "manifest.json"
    data = json.loads(manifest.read_text())
    data["extractor_version"] = INDEX_VERSION - 1
    manifest.write_text(json.dumps(data))

    with pytest.raises(ArchiveError, match=r"does not name 1 of the folders it holds \(harbor\)"):
        run_index([water], home, jobs=1)
    summary = run_index([water, harbor], home, jobs=1)
    assert summary.releases == 2 and summary.withdrawn == 0
    manifest = home.current() / "manifest.json"
    assert json.loads(manifest.read_text())["extractor_version"] == INDEX_VERSION
    data["extractor_version"] = INDEX_VERSION - 1
    manifest.write_text(json.dumps(data))
    summary = run_index([water], home, jobs=1, rebuild=True)
    assert summary.withdrawn == 1, "asked for, a rebuild of one folder keeps the other's releases as withdrawn"


@needs_shared
def test_deleting_a_few_files_of_a_big_folder_reads_none_of_the_others_again(tmp_path: Path):
    """A folder's profile comes from a sample of its files; files coming and going outside the sample must not
    move it (taking every n-th file did: one deletion among 100 DOJ pages changed the profile, and all 99 others
    were parsed again; 0.2 % of the 50k corpus deleted re-read 12,646 DOJ releases)."""
    folder = tmp_path / "doj-opa-html"
    shutil.copytree(SAMPLES / "doj-opa-html", folder)
    home = IndexHome(tmp_path / "index")
    run_index([folder], home, jobs=1)
    pages = sorted(folder.iterdir())
    for page in pages[1:100:20]:  # five files spread over the folder
        page.unlink()
    summary = run_index([folder], home, jobs=1)
    assert (summary.withdrawn, summary.updated, summary.added) == (5, 0, 0)
    assert summary.unchanged == len(pages) - 5
