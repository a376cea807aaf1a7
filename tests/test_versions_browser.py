"""Versions in a real browser: open an updated release, compare two of its versions, follow the changes
feed's link. Screenshots go to test-artifacts/."""

from __future__ import annotations

import urllib.request
import xml.etree.ElementTree as ET
from collections.abc import Iterator

import pytest

from archive.store import IndexHome
from tests.conftest import serve
from tests.test_browser import CHROMIUM, browser, page, run_axe, shot  # noqa: F401  (fixtures)
from tests.versions_corpus import build

versions_server_index: list = []  # the index the module's server reads
pytestmark = pytest.mark.skipif(CHROMIUM is None, reason="Debian's chromium is not installed (make test installs it)")


@pytest.fixture(scope="module")
def versions_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:


    root = tmp_path_factory.mktemp("versions-browser")
    home = IndexHome(root / "index")
    versions_server_index[:] = [home.path]
    build(home, root / "releases")
    yield from serve(home)


def test_open_an_updated_release_compare_versions_and_follow_the_feed(page, versions_server):  # noqa: F811
    page.goto(f"{versions_server}/?q=budget")
    page.click("ol.hits a >> nth=0")
    note = page.locator(".versions-note .updated")
    assert "Updated on 2026-01-20" in note.inner_text() and "3 versions" in note.inner_text()
    page.click("#versions-list summary")
    page.select_option("#cmp-a", "1")
    page.select_option("#cmp-b", "3")
    shot(page, "versions-release")
    page.click(".compare-form button")
    page.wait_for_url("**/compare?a=1&b=3")
    assert page.locator(".diff del", has_text="41").count() == 1
    assert page.locator(".diff ins", has_text="44").count() == 1
    assert page.locator(".diff ins", has_text="three").count() == 1
    shot(page, "versions-compare")
    page.click("a[href$='/v/1']")
    assert "version 1 of 3" in page.locator(".version-note").inner_text()
    assert "$41 million" in page.locator(".body").inner_text()
    page.goto(f"{versions_server}/changes")
    feed_url = versions_server + page.get_attribute(".feed-link", "href")
    with urllib.request.urlopen(feed_url) as response:  # the feed as a feed reader fetches it
        feed = ET.fromstring(response.read())
    link = feed.find("{http://www.w3.org/2005/Atom}entry/{http://www.w3.org/2005/Atom}link").get("href")
    page.goto(link)
    assert page.locator(".diff ins, .diff del").count() >= 1
    shot(page, "versions-feed-link")
    assert not page.errors  # type: ignore[attr-defined]


@pytest.mark.parametrize("path", ["/releases/{budget}", "/releases/{budget}/v/1", "/releases/{levee}/compare?a=1&b=3",
                                  "/changes", "/releases/{ferry}"])
def test_axe_finds_no_serious_or_critical_violation_on_version_pages(browser, versions_server, path):  # noqa: F811
    from archive.store import IndexReader

    reader = IndexReader(IndexHome(versions_server_index[0]))
    with reader.snapshot() as snap:
        ids = {rid.split("-")[0]: rid for rid in snap.ledger.releases}
    reader.close()
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    tab = context.new_page()
    tab.goto(versions_server + path.format(**ids))
    violations = run_axe(tab)
    context.close()
    assert violations == [], violations
