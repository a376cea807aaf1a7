"""A generated corpus of bad files: each is skipped with a clear reason or indexed safely, the run never
crashes or hangs, and nothing from it ever runs in a visitor's browser."""

from __future__ import annotations

import threading
from pathlib import Path

import pytest

from archive.store import IndexHome, IndexReader
from indexer.build import run_index
from tests.stress.hostile_corpus import generate

from .conftest import free_port
from .test_browser import CHROMIUM

CLEAR_REASONS = ("empty file", "binary file", "no release text", "not valid JSON", "not a JSON object",
                 "record has no text", "not a valid gzip file", "too large", "cannot read", "took longer than",
                 "nesting too deep", "not a regular file")


@pytest.fixture(scope="module")
def hostile(tmp_path_factory) -> tuple[Path, IndexHome, dict]:
    folder = tmp_path_factory.mktemp("hostile") / "corpus"
    made = generate(folder, count=68, huge_mib=21)
    home = IndexHome(folder.parent / "index")
    summary = run_index([folder], home, jobs=2)
    return folder, home, {"made": made, **summary.to_dict()}


def test_every_bad_file_is_skipped_with_a_clear_reason_or_indexed(hostile):
    _folder, _home, summary = hostile
    assert summary["published"] and summary["releases"] > 0
    unclear = [s for s in summary["skipped"] if not s["reason"].startswith(CLEAR_REASONS)]
    assert unclear == []
    assert not any("could not be parsed" in s["reason"] for s in summary["skipped"])
    assert any(s["reason"].startswith("too large") for s in summary["skipped"])


def test_indexed_hostile_releases_are_readable_records(hostile):
    _folder, home, _summary = hostile
    reader = IndexReader(home)
    for release in reader.iter_releases():
        assert release.title is not None and release.paragraphs
        assert "\x00" not in release.title + "".join(release.paragraphs)
    reader.close()


def test_nothing_from_the_hostile_corpus_runs_in_the_browser(hostile):
    if CHROMIUM is None:
        pytest.skip("Debian's chromium is not installed (make test installs it)")
    sync_api = pytest.importorskip("playwright.sync_api")
    from waitress.server import create_server

    from web import create_app

    _folder, home, _summary = hostile
    server = create_server(create_app({"INDEX_PATH": str(home.path)}), host="127.0.0.1", port=free_port(), threads=4)
    threading.Thread(target=server.run, daemon=True).start()
    base = f"http://127.0.0.1:{server.effective_port}"
    reader = IndexReader(home)
    ids = [r.id for r in reader.iter_releases()][:25]
    reader.close()
    try:
        with sync_api.sync_playwright() as p:
            browser = p.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox", "--disable-gpu",
                                        "--disable-background-networking", "--no-first-run"])
            page = browser.new_page()
            fired: list[str] = []
            page.on("dialog", lambda d: (fired.append(f"dialog {d.message}"), d.dismiss()))
            page.on("console", lambda m: fired.append(m.text) if "Content Security Policy" in m.text else None)
            page.add_init_script("window.alert = (m) => { document.title = 'ALERT ' + m; };")
            for url in [f"{base}/?q=alert", f"{base}/?q=script", f"{base}/feed.atom?q=alert"] + [f"{base}/releases/{i}" for i in ids]:
                page.goto(url)
                assert not page.title().startswith("ALERT"), url
                assert page.locator("x-injected, iframe[src*='evil'], img[onerror], [onload]").count() == 0, url
            browser.close()
    finally:
        server.close()
    assert [f for f in fired if f.startswith("dialog")] == []
    assert fired == [], "no inline script even tried to run (CSP reports would show it)"
