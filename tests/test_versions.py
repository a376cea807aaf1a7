"""Versions, withdrawals and restorations as `archive index` records them, read back the way readers see them:
three rounds of edits on a folder of our own (``tests/versions_corpus.py``), then real samples edited alike."""

from __future__ import annotations

import shutil
from datetime import UTC, date, datetime
from pathlib import Path

import pytest

from archive.changes import list_changes
from archive.citations import VersionRef, cite
from archive.diffs import diff_releases, word_diff
from archive.search import SearchRequest, search
from archive.store import IndexHome, IndexReader
from indexer.build import run_index
from tests.conftest import SAMPLES, needs_shared
from tests.versions_corpus import DAYS, build, round_files


def _id(snap, stem: str) -> str:
    return next(rid for rid in snap.ledger.releases if rid.startswith(stem))


@pytest.fixture(scope="module")
def edited(tmp_path_factory: pytest.TempPathFactory) -> IndexHome:
    root = tmp_path_factory.mktemp("versions")
    home = IndexHome(root / "index")
    build(home, root / "releases")
    return home


@pytest.fixture()
def snap(edited: IndexHome):
    reader = IndexReader(edited)
    with reader.snapshot() as snapshot:
        yield snapshot
    reader.close()


def test_each_release_knows_its_versions_and_dates(snap):
    budget = snap.ledger.get(_id(snap, "budget"))
    assert budget.count == 3 and budget.status == "updated"
    assert budget.first_seen.startswith("2026-01-01") and budget.changed.startswith("2026-01-20")
    assert [v.seen[:10] for v in budget.versions] == ["2026-01-01", "2026-01-10", "2026-01-20"]
    assert "$41 million" in snap.version(_id(snap, "budget"), 1).paragraphs[0]
    assert "$44 million" in snap.version(_id(snap, "budget"), 2).paragraphs[0]
    assert "three new wells" in snap.version(_id(snap, "budget"), 3).paragraphs[-1]
    assert snap.version(_id(snap, "budget"), 4) is None and snap.version(_id(snap, "budget"), 0) is None
    levee = snap.ledger.get(_id(snap, "levee"))
    assert levee.count == 3  # paragraph removed, then one added
    unchanged = snap.ledger.get(_id(snap, "bridge"))
    assert unchanged.count == 2 and unchanged.former_titles(snap.get(_id(snap, "bridge")).title) == [
        "Calder Valley Water District Opens Rebuilt Footbridge"]


def test_a_deleted_file_is_withdrawn_and_restored_when_it_comes_back(edited: IndexHome, tmp_path: Path):
    home = IndexHome(tmp_path / "index")
    folder = tmp_path / "releases"
    build(home, folder, rounds=2)
    with IndexReader(home).snapshot() as snap:
        ferry = _id(snap, "ferry")
        history = snap.ledger.get(ferry)
        assert history.status == "withdrawn"
        assert history.withdrawn.startswith("2026-01-20") and history.last_seen.startswith("2026-01-10")
        assert snap.get(ferry).title == "Harbor Town Adds Second Island Ferry"  # kept, readable
        assert snap.count() == 3
        assert ferry not in [r.id for r in snap.iter_releases()]
    with IndexReader(edited).snapshot() as snap:  # round 3 brought the file back unchanged
        history = snap.ledger.get(ferry)
        assert history.status == "published" and history.count == 1
        assert [e.kind for e in history.events] == ["withdrawn", "restored"]
        assert snap.count() == 4


def test_withdrawn_releases_are_left_out_of_search_and_found_by_status(tmp_path: Path):
    home = IndexHome(tmp_path / "index")
    build(home, tmp_path / "releases", rounds=2)
    with IndexReader(home).snapshot() as snap:
        assert search(snap, SearchRequest(q="ferry")).total == 0
        assert search(snap, SearchRequest()).total == 3
        found = search(snap, SearchRequest(q="status:withdrawn"))
        assert [h.title for h in found.hits] == ["Harbor Town Adds Second Island Ferry"]
        assert found.hits[0].status == "withdrawn"
        assert search(snap, SearchRequest(q="ferry", filters={"status": ["withdrawn"]})).total == 1
        counts = {v.value: v.count for f in search(snap, SearchRequest()).facets if f.name == "status" for v in f.values}
        assert counts == {"updated": 3, "withdrawn": 1}


def test_search_finds_the_current_text_and_all_versions_on_request(snap):
    assert search(snap, SearchRequest(q='"$41 million"')).total == 0
    old = search(snap, SearchRequest(q='"41 million"', all_versions=True))
    assert [(h.title, h.version, h.status) for h in old.hits] == [
        ("Calder Valley Water District Adopts 2026 Budget", 1, "superseded")]
    assert search(snap, SearchRequest(q='"44 million"')).total == 1
    assert search(snap, SearchRequest()).total == 4  # earlier versions are never counted as releases


def test_a_former_headline_is_still_searchable(snap):
    hits = search(snap, SearchRequest(q='"Opens Rebuilt Footbridge"')).hits
    assert [h.title for h in hits] == ["Footbridge Over Calder River Reopens After Eight Months"]
    assert search(snap, SearchRequest(q="title:rebuilt")).total == 1


def test_diffs_mark_changed_words_and_removed_paragraphs(snap):
    budget = _id(snap, "budget")
    diff = diff_releases(snap.version(budget, 1), snap.version(budget, 2))
    changed = [p for p in diff.paragraphs if p.kind == "changed"]
    assert len(changed) == 1 and diff.changed == 1
    assert ("delete", "41") in changed[0].parts and ("insert", "44") in changed[0].parts
    assert ("delete", "3") in changed[0].parts and ("insert", "10") in changed[0].parts
    levee = _id(snap, "levee")
    removed = diff_releases(snap.version(levee, 1), snap.version(levee, 2)).paragraphs
    assert [p.kind for p in removed].count("removed") == 1
    assert next(p for p in removed if p.kind == "removed").parts == [
        ("delete", "Crews worked through the summer to finish before the storm season.")]
    bridge = _id(snap, "bridge")
    title = diff_releases(snap.version(bridge, 1), snap.version(bridge, 2)).title
    assert any(op == "delete" for op, _ in title) and any(op == "insert" for op, _ in title)


def test_word_diff_engines_agree_on_what_changed():
    old, new = "The fine was $5 million, the agency said.", "The fine was $7 million, the agency said on Friday."
    for engine in ("dmp", "difflib"):
        parts = word_diff(old, new, engine)
        assert "".join(t for op, t in parts if op != "insert") == old
        assert "".join(t for op, t in parts if op != "delete") == new


def test_changes_list_updates_withdrawals_and_restorations_newest_first(snap):
    found = list_changes(snap)
    assert [(e.date[:10], e.kind, e.id.split("-")[0]) for e in found.entries] == [
        ("2026-01-30", "updated", "levee"), ("2026-01-30", "restored", "ferry"),
        ("2026-01-20", "withdrawn", "ferry"), ("2026-01-20", "updated", "budget"),
        ("2026-01-10", "updated", "levee"), ("2026-01-10", "updated", "budget"), ("2026-01-10", "updated", "bridge")]
    bridge = next(e for e in found.entries if e.id.startswith("bridge"))
    assert bridge.previous_title == "Calder Valley Water District Opens Rebuilt Footbridge"
    assert [e.kind for e in list_changes(snap, since="2026-01-15", until="2026-01-25").entries] == ["withdrawn", "updated"]
    harbor = list_changes(snap, speakers=["Tomas Reyes"]).entries
    assert {e.id.split("-")[0] for e in harbor} == {"levee", "ferry"}
    assert list_changes(snap, kinds=("withdrawn",)).total == 1


def test_a_citation_of_an_old_version_stays_valid(tmp_path: Path):
    home = IndexHome(tmp_path / "index")
    folder = tmp_path / "releases"
    build(home, folder, rounds=1)
    permalink = "https://archive.example/releases/{}/v/1"
    with IndexReader(home).snapshot() as snap:
        budget = _id(snap, "budget")
        before = cite(snap.version(budget, 1), "apa", permalink.format(budget), date(2026, 2, 1),
                      version=VersionRef(1, 2, "2026-01-01"))
        text_before = snap.version(budget, 1).paragraphs
    for n in (2, 3):
        round_files(folder, n)
        run_index([folder], home, jobs=1, now=DAYS[n])
    run_index([folder], home, jobs=1, rebuild=True, now=datetime(2026, 2, 2, tzinfo=UTC))
    with IndexReader(home).snapshot() as snap:
        assert snap.version(budget, 1).paragraphs == text_before
        after = cite(snap.version(budget, 1), "apa", permalink.format(budget), date(2026, 2, 1),
                     version=VersionRef(1, 2, "2026-01-01"))
        assert snap.ledger.get(budget).count == 3  # the rebuild kept every version and made none
    assert after == before
    assert "version 1 of 2, first seen 2026-01-01" in before and permalink.format(budget) in before


def test_prune_deletes_withdrawn_releases_for_real(tmp_path: Path):
    home = IndexHome(tmp_path / "index")
    folder = tmp_path / "releases"
    build(home, folder, rounds=2)
    summary = run_index([folder], home, jobs=1, prune=True)
    assert (summary.removed, summary.withdrawn) == (1, 0)
    with IndexReader(home).snapshot() as snap:
        assert not any(rid.startswith("ferry") for rid in snap.ledger.releases)
        assert search(snap, SearchRequest(q="status:withdrawn")).total == 0
        assert snap.searcher.doc_count() == 3 + 4  # current releases and the 4 earlier versions kept


def test_a_rebuild_that_reads_unchanged_files_differently_makes_no_version(tmp_path: Path):
    """An extractor upgrade changes content hashes without any change in the files: not a new version."""
    import json

    home = IndexHome(tmp_path / "index")
    folder = tmp_path / "releases"
    round_files(folder, 0)
    run_index([folder], home, jobs=1)
    manifest_path = home.current() / "manifest.json"
    manifest = json.loads(manifest_path.read_text())
    for entry in manifest["sources"].values():  # as if an older extractor had read them otherwise
        entry["ids"] = {rid: "0" * 40 for rid in entry["ids"]}
    manifest_path.write_text(json.dumps(manifest))
    summary = run_index([folder], home, jobs=1, rebuild=True)
    assert summary.versions == 0 and summary.added == 4
    with IndexReader(home).snapshot() as snap:
        assert all(h.count == 1 for h in snap.ledger.releases.values())


@needs_shared
def test_real_releases_through_three_rounds_of_edits(tmp_path: Path):
    folder = tmp_path / "doj"
    folder.mkdir()
    pages = sorted((SAMPLES / "doj-opa-html").glob("*.html"))[:6]
    for page in pages:
        shutil.copy(page, folder / page.name)
    home = IndexHome(tmp_path / "index")
    run_index([folder], home, jobs=1, now=DAYS[0])
    with IndexReader(home).snapshot() as snap:
        originals = {r.source: r for r in snap.iter_releases()}
    first, second, third = (folder / p.name for p in pages[:3])
    target = originals[f"doj/{first.name}"]
    word = max(target.paragraphs[-1].split(), key=len)
    first.write_text(first.read_text(encoding="utf-8").replace(word, "REVISED", 1), encoding="utf-8")
    headline = originals[f"doj/{second.name}"].title
    second.write_text(second.read_text(encoding="utf-8").replace(headline, "Corrected: " + headline), encoding="utf-8")
    run_index([folder], home, jobs=1, now=DAYS[1])
    third.unlink()
    run_index([folder], home, jobs=1, now=DAYS[2])
    shutil.copy(pages[2], third)
    run_index([folder], home, jobs=1, now=DAYS[3])
    with IndexReader(home).snapshot() as snap:
        ids = {r.source: r.id for r in snap.iter_releases()}
        one = snap.ledger.get(ids[f"doj/{first.name}"])
        assert one.count == 2
        diff = diff_releases(snap.version(ids[f"doj/{first.name}"], 1), snap.version(ids[f"doj/{first.name}"], 2))
        assert any(("insert", "REVISED") in p.parts for p in diff.paragraphs if p.kind == "changed")
        assert snap.ledger.get(ids[f"doj/{second.name}"]).former_titles("Corrected: " + headline) == [headline]
        assert search(snap, SearchRequest(q=f'"{headline}"')).total >= 1
        back = snap.ledger.get(ids[f"doj/{third.name}"])
        assert [e.kind for e in back.events] == ["withdrawn", "restored"] and back.status == "published"
        assert len(ids) == len(pages)
        feed = [(e.date[:10], e.kind, e.id) for e in list_changes(snap).entries]
        assert sorted(feed) == sorted([
            ("2026-01-10", "updated", ids[f"doj/{first.name}"]), ("2026-01-10", "updated", ids[f"doj/{second.name}"]),
            ("2026-01-20", "withdrawn", ids[f"doj/{third.name}"]), ("2026-01-30", "restored", ids[f"doj/{third.name}"])])
        titled = next(e for e in list_changes(snap).entries if e.id == ids[f"doj/{second.name}"])
        assert titled.previous_title == headline


def test_a_rebuild_of_one_folder_withdraws_the_others_releases_and_they_come_back(tmp_path: Path):
    home = IndexHome(tmp_path / "index")
    first, second = tmp_path / "first", tmp_path / "second"
    round_files(first, 1)  # budget, bridge, levee and ferry, two of them with two versions after round 2
    round_files(second, 0)
    for path in second.iterdir():
        path.rename(second / f"other-{path.name}")
    run_index([first, second], home, jobs=1, now=DAYS[0])
    round_files(first, 2)  # ferry deleted, budget changed
    summary = run_index([first], home, jobs=1, rebuild=True, now=DAYS[2])
    assert (summary.withdrawn, summary.versions) == (5, 1)
    with IndexReader(home).snapshot() as snap:
        assert snap.count() == 3 and len(snap.ledger.releases) == 8
        assert snap.ledger.get(_id(snap, "budget")).count == 2
    summary = run_index([first, second], home, jobs=1, now=DAYS[3])
    assert (summary.restored, summary.versions, summary.withdrawn) == (4, 0, 0)
    with IndexReader(home).snapshot() as snap:
        assert snap.count() == 7
        assert [e.kind for e in snap.ledger.get(_id(snap, "other-levee")).events] == ["withdrawn", "restored"]
        assert snap.ledger.get(_id(snap, "budget")).count == 2
