"""One index generation per request: a re-index that publishes in the middle of a search, a page or a
streamed export changes nothing in that answer, and the files of a generation in use stay on disk."""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest

from archive import search as search_module
from archive.search import SearchRequest, matching_releases, search
from archive.store import IndexHome, IndexReader, Snapshot
from indexer.build import run_index


@dataclass
class Growing:
    """An index that gets four more harbor releases each time ``publish()`` is called, rebuilt (so document
    numbers change, as under ``archive index --rebuild``) and published as a new generation; the reader is
    told at once (as it would notice within half a second)."""

    home: IndexHome
    reader: IndexReader
    publish: Callable[[], None]


def _release(n: int, day: int) -> str:
    return (f"# Harbor Notice {n}\n\nTESSALY, May {day}, 2024 /Wire/ -- The harbor master posted notice {n} "
            f"about berths, tides and the new breakwater works.\n")


@pytest.fixture()
def growing(tmp_path: Path):
    folder = tmp_path / "wire"
    folder.mkdir()
    for n in range(6):
        (folder / f"r{n}.md").write_text(_release(n, n + 1))
    home = IndexHome(tmp_path / "index")
    run_index([folder], home, jobs=1)
    reader = IndexReader(home)
    added = [6]

    def publish() -> None:
        for n in range(added[0], added[0] + 4):
            (folder / f"r{n}.md").write_text(_release(n, n % 28 + 1))
        added[0] += 4
        run_index([folder], home, rebuild=True, jobs=1)
        reader.refresh(force=True)

    yield Growing(home, reader, publish)
    reader.close()


def publish_on_call(monkeypatch, growing: Growing, call: int = 1) -> list[int]:
    """Publish a new generation when the ``call``-th stored release is read (mid-answer)."""
    calls = [0]
    original = Snapshot.release_at

    def release_at(self: Snapshot, docnum: int):  # type: ignore[no-untyped-def]
        calls[0] += 1
        if calls[0] == call:
            growing.publish()
        return original(self, docnum)

    monkeypatch.setattr(Snapshot, "release_at", release_at)
    return calls


def test_a_generation_published_mid_search_changes_nothing_in_its_answer(growing: Growing, monkeypatch):
    before = search(growing.reader, SearchRequest(q="harbor", sort="oldest", page_size=100))
    assert before.total == 6
    publish_on_call(monkeypatch, growing)
    during = search(growing.reader, SearchRequest(q="harbor", sort="oldest", page_size=100))
    assert [h.id for h in during.hits] == [h.id for h in before.hits]
    assert [h.title for h in during.hits] == [f"Harbor Notice {n}" for n in range(6)]
    assert [(b.key, b.count) for b in during.histogram] == [(b.key, b.count) for b in before.histogram]
    assert search(growing.reader, SearchRequest(q="harbor")).total == 10, "the next search sees the new generation"


def test_a_generation_published_while_counting_facets_is_no_500(growing: Growing, monkeypatch):
    original = search_module.count_facets

    def counting(*args, **kwargs):  # type: ignore[no-untyped-def]
        growing.publish()
        return original(*args, **kwargs)

    monkeypatch.setattr(search_module, "count_facets", counting)
    result = search(growing.reader, SearchRequest(q="harbor", date_from="2024-05", date_to="2024-05"))
    assert result.total == 6 and sum(b.count for b in result.histogram) == 6


def test_a_page_rendered_while_a_generation_is_published(growing: Growing, monkeypatch):
    from web import create_app

    client = create_app({"INDEX_PATH": str(growing.home.path)}).test_client()
    reader = client.application.extensions["archive_reader"]
    publish_on_call(monkeypatch, Growing(growing.home, reader, lambda: (growing.publish(), reader.refresh(True))))
    response = client.get("/?q=harbor&sort=oldest&size=100")
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "6 releases" in page
    assert all(f"Harbor Notice {n}<" in page for n in range(6)) and "Harbor Notice 6<" not in page
    assert client.get("/api/search?q=harbor").get_json()["total"] == 10


def test_an_export_streamed_while_generations_are_published_holds_one_generation(growing: Growing, monkeypatch):
    from web import create_app

    client = create_app({"INDEX_PATH": str(growing.home.path)}).test_client()
    reader = client.application.extensions["archive_reader"]
    state = Growing(growing.home, reader, lambda: (growing.publish(), reader.refresh(True)))
    calls = publish_on_call(monkeypatch, state, call=2)
    response = client.get("/export.jsonl?q=harbor&sort=oldest")
    rows = [json.loads(line) for line in response.get_data(as_text=True).splitlines()]
    assert calls[0] >= 3, "the publish happened while rows were still being streamed"
    assert [r["title"] for r in rows] == [f"Harbor Notice {n}" for n in range(6)], "no row of the other generation"
    assert len({r["id"] for r in rows}) == len(rows), "no duplicate"


def test_matching_releases_keeps_its_generation_to_the_last_row(growing: Growing, monkeypatch):
    releases = matching_releases(growing.reader, SearchRequest(q="harbor", sort="oldest"))
    first = next(releases)
    growing.publish()
    growing.publish()
    rest = list(releases)
    assert [first.title] + [r.title for r in rest] == [f"Harbor Notice {n}" for n in range(6)]


def test_a_generation_in_use_is_not_deleted_until_its_last_snapshot_closes(growing: Growing):
    snap = growing.reader.snapshot()
    used = snap.path
    growing.publish()
    growing.publish()  # a run keeps only the newest two generations, unless one is being read
    assert used.is_dir() and growing.home.current() != used
    titles = sorted(snap.release_at(int(d)).title for d in snap.tables.live.nonzero()[0])
    assert titles == [f"Harbor Notice {n}" for n in range(6)]
    snap.close()
    growing.publish()
    assert not used.exists(), "the next run deletes it once nobody reads it"
