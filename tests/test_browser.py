"""The site in a real browser: headless Chromium (Debian's package) driven by Playwright.

Screenshots are kept in test-artifacts/ for people to look at.
"""

from __future__ import annotations

import re
import shutil

import pytest

from .conftest import ROOT

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
pytestmark = pytest.mark.skipif(CHROMIUM is None, reason="Debian's chromium is not installed (make test installs it)")
ARTIFACTS = ROOT / "test-artifacts"


@pytest.fixture(scope="module")
def browser():
    sync_api = pytest.importorskip("playwright.sync_api")
    with sync_api.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=[
            "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
            "--disable-component-update", "--disable-sync"])
        yield browser
        browser.close()


@pytest.fixture()
def page(browser):
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    errors: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.on("dialog", lambda d: (errors.append(f"dialog: {d.message}"), d.dismiss()))
    page.errors = errors  # type: ignore[attr-defined]
    yield page
    context.close()


def shot(page, name: str) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)


def test_search_pick_facets_drill_into_histogram_open_release_and_come_back(page, live_server):
    page.goto(f"{live_server}/")
    page.fill("#q", "water OR health")
    page.press("#q", "Enter")
    page.wait_for_url(re.compile(r"q=water"))
    total = page.locator("h1.total").inner_text()
    page.check("fieldset[data-facet=topic] input[value='environment']")
    page.wait_for_url(re.compile(r"topic=environment"))
    narrowed = page.locator("h1.total").inner_text()
    assert narrowed != total
    assert page.locator(".chips button", has_text="topic: environment").count() == 1
    shot(page, "search-with-facets")

    page.locator("svg.histogram a").first.click()
    page.wait_for_url(re.compile(r"from=\d{4}&to=\d{4}|from=\d{4}.*to=\d{4}"))
    assert page.locator(".chips a", has_text="date:").count() == 1

    page.locator("ol.hits h2 a").first.click()
    page.wait_for_url(re.compile(r"/releases/"))
    assert page.locator("#p1").count() == 1
    page.locator("#p2 a.anchor").click()
    assert page.url.endswith("#p2")
    shot(page, "release-page")
    page.go_back()
    page.go_back()
    assert "/releases/" not in page.url
    assert page.errors == []  # type: ignore[attr-defined]


def test_keyboard_only_user_reaches_the_results_through_the_skip_link(page, live_server):
    page.goto(f"{live_server}/?q=broadband")
    page.keyboard.press("Tab")
    focused = page.evaluate("document.activeElement.textContent")
    assert "Skip to main content" in focused
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "main"


def test_without_javascript_the_filters_apply_with_a_button(browser, live_server):
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    page.goto(f"{live_server}/?q=water")
    page.check("fieldset[data-facet=topic] input[value='environment']")
    page.click("button.apply")
    page.wait_for_url(re.compile(r"topic=environment"))
    assert "q=water" in page.url and "from=" not in page.url
    context.close()


def test_phone_sized_screen_shows_results_before_filters(browser, live_server):
    context = browser.new_context(viewport={"width": 390, "height": 844})
    page = context.new_page()
    page.goto(f"{live_server}/?q=water")
    results_top = page.locator("section.results").bounding_box()["y"]
    facets_top = page.locator("aside.facets").bounding_box()["y"]
    assert results_top < facets_top
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 390
    shot(page, "phone-search")
    context.close()
