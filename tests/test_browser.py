"""The site in a real browser: headless Chromium (Debian's package) driven by Playwright, with axe-core (from
npm; `make test` installs it into .venv/node) checking every kind of page for accessibility.

Screenshots are kept in test-artifacts/ for people to look at.
"""

from __future__ import annotations

import os
import re
import shutil
from pathlib import Path

import pytest

from .conftest import ROOT

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
pytestmark = pytest.mark.skipif(CHROMIUM is None, reason="Debian's chromium is not installed (make test installs it)")
ARTIFACTS = ROOT / "test-artifacts"
AXE = Path(os.environ.get("AXE_CORE_JS") or ROOT / ".venv" / "node" / "node_modules" / "axe-core" / "axe.min.js")
PHONE = {"width": 390, "height": 844}


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

    page.locator("figure.histogram a.bin").first.click()
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


def test_keyboard_user_reaches_the_first_result_in_at_most_five_tabs(page, live_server):
    page.goto(f"{live_server}/?q=water&topic=environment")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.textContent") == "Skip to results"
    assert page.locator("a.skip-link").first.bounding_box()["x"] >= 0, "the skip link shows when it has focus"
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "results"
    page.keyboard.press("Tab")
    tabs = 2
    while not page.evaluate("!!document.activeElement.closest('ol.hits')") and tabs < 40:
        page.keyboard.press("Tab")
        tabs += 1
    assert tabs <= 5, f"{tabs} tabs to the first result"
    page.goto(f"{live_server}/no/such/page")  # any other page: its first stop skips to the main content
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.textContent") == "Skip to main content"
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
    context = browser.new_context(viewport=PHONE)
    page = context.new_page()
    page.goto(f"{live_server}/?q=water")
    results_top = page.locator("section.results").bounding_box()["y"]
    facets_top = page.locator("aside.facets").bounding_box()["y"]
    assert results_top < facets_top
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 390
    shot(page, "phone-search")
    context.close()


def test_after_a_facet_changes_focus_is_on_the_results_heading(page, live_server):
    page.goto(f"{live_server}/?q=water")
    page.check("fieldset[data-facet=topic] input[value='environment']")
    page.wait_for_url(re.compile(r"topic=environment"))
    page.wait_for_function("document.activeElement && document.activeElement.id === 'results-heading'")
    page.locator(".chips button", has_text="topic: environment").click()  # removing it lands there too
    page.wait_for_url(lambda url: "topic=" not in url)
    page.wait_for_function("document.activeElement && document.activeElement.id === 'results-heading'")


def test_histogram_shows_every_period_with_its_count_and_links_outside_any_image(page, live_server, demo_records):
    page.goto(f"{live_server}/?from=2024&to=2024")
    bins = page.locator("figure.histogram ol.bins > li")
    assert bins.count() == 12, "every month of the year, empty ones included"
    expected = [sum(1 for r in demo_records if r["date"].startswith(f"2024-{m:02d}")) for m in range(1, 13)]
    shown = [int(t) for t in page.locator("figure.histogram .count").all_inner_texts()]
    assert shown == expected, "each count is written on its bar"
    assert page.locator("[role=img] a, svg a").count() == 0
    ticks = page.locator("figure.histogram .tick").all_inner_texts()
    assert ticks[0] == "Jan" and ticks[-1] == "Dec"
    heights = page.evaluate("[...document.querySelectorAll('figure.histogram .bar')].map(b => b.getBoundingClientRect().height)")
    assert all((h == 0) == (n == 0) for h, n in zip(heights, expected, strict=True)), "empty periods are at zero"
    page.locator("figure.histogram a.bin").first.focus()
    outline = page.evaluate("getComputedStyle(document.activeElement).outlineStyle")
    assert outline != "none", "a focused bar is visibly focused"
    page.goto(f"{live_server}/?from=2024-05&to=2024-05")
    assert page.locator("figure.histogram ol.bins > li").count() == 31
    edge = page.evaluate("document.querySelector('aside.facets').getBoundingClientRect().right")
    for selector in ("figure.histogram ol.bins", "#date-to"):
        assert page.locator(selector).bounding_box()["x"] + page.locator(selector).bounding_box()["width"] <= edge + 1, \
            f"{selector} stays inside the filters column"


def test_without_javascript_the_histogram_drills_down(browser, live_server):
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    page.goto(f"{live_server}/")
    page.locator("figure.histogram a.bin").first.click()
    page.wait_for_url(re.compile(r"from=\d{4}&to=\d{4}"))
    assert page.locator("figure.histogram figcaption").inner_text().startswith("Releases per month")
    context.close()


def test_a_date_as_people_type_it_and_one_that_is_no_date(page, live_server):
    page.goto(f"{live_server}/")
    page.fill("#date-from", "March 2025")
    page.fill("#date-to", "06/30/2025")
    page.click("button.apply") if page.locator("button.apply").is_visible() else page.press("#date-to", "Enter")
    page.wait_for_url(re.compile(r"from=March"))
    assert page.locator("#date-from").input_value() == "2025-03" and page.locator("#date-to").input_value() == "2025-06-30"
    page.fill("#date-from", "someday")
    page.press("#date-from", "Enter")
    page.wait_for_url(re.compile(r"from=someday"))
    assert page.locator(".error-summary a[href='#date-from']").count() == 1
    assert page.locator("#date-from").get_attribute("aria-invalid") == "true"
    assert page.locator("h1.total").count() == 1, "the search is shown again, not an error page"


def test_on_a_phone_the_filters_are_one_tap_from_the_top_of_the_results(browser, live_server):
    context = browser.new_context(viewport=PHONE, java_script_enabled=False)
    page = context.new_page()
    page.goto(f"{live_server}/?q=water")
    link = page.locator("p.to-filters a")
    assert link.is_visible() and link.bounding_box()["y"] < PHONE["height"], "visible without scrolling"
    link.click()
    assert page.url.endswith("#filters")
    top = page.locator("#filters").bounding_box()["y"]
    assert 0 <= top < PHONE["height"] / 2, "one tap brings the filters into view"
    assert page.locator("p.back-to-results a").is_visible()
    context.close()


def test_paragraph_links_are_at_least_24_px_and_copy_buttons_copy_what_is_shown(browser, live_server, demo_records):
    record = next(r for r in demo_records if r["title"].startswith("Governor Whitcombe Signs"))
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    context.grant_permissions(["clipboard-read", "clipboard-write"], origin=live_server)
    page = context.new_page()
    page.goto(f"{live_server}/releases/{record['id']}?paragraph=2#cite")
    for selector in ("#p1 a.anchor", "#p1 a.cite-link"):
        box = page.locator(selector).bounding_box()
        assert box["width"] >= 24 and box["height"] >= 24, (selector, box)
    for label in ("Copy APA 7 in-text citation", "Copy APA 7 reference", "Copy Chicago note", "Copy MLA 9 in-text citation"):
        button = page.get_by_role("button", name=label)
        shown = button.evaluate("b => b.previousElementSibling.textContent.trim()")
        button.click()
        assert page.evaluate("navigator.clipboard.readText()") == shown, label
    assert "para. 2" in page.evaluate("navigator.clipboard.readText()") or "par. 2" in page.evaluate(
        "navigator.clipboard.readText()")
    page.get_by_role("button", name="Copy APA 7 in-text citation").click()
    assert page.evaluate("navigator.clipboard.readText()") == "(Office of Governor Ada Whitcombe, 2024, para. 2)"
    context.close()


def run_axe(page) -> list[dict]:
    """axe-core's serious and critical violations on the page as it stands."""
    if not AXE.is_file():
        pytest.skip(f"axe-core is not installed ({AXE}); `make test` installs it with npm")
    page.evaluate(AXE.read_text(encoding="utf-8"))  # evaluated, not a <script>: the site's CSP allows no inline script
    result = page.evaluate("axe.run(document, {resultTypes: ['violations']})")
    return [{"id": v["id"], "impact": v["impact"], "nodes": [n["target"] for n in v["nodes"]][:5]}
            for v in result["violations"] if v["impact"] in ("serious", "critical")]


@pytest.mark.parametrize("name,path,viewport", [
    ("home", "/", None),
    ("search", "/?q=water&topic=environment&from=2024&to=2026", None),
    ("release", "RELEASE", None),
    ("citation", "RELEASE?paragraph=2#cite", None),
    ("error-404", "/no/such/page", None),
    ("error-date", "/?q=water&from=someday", None),
    ("phone", "/?q=water&topic=environment", PHONE),
    ("phone-release", "RELEASE", PHONE),
])
def test_axe_finds_no_serious_or_critical_violation(browser, live_server, demo_records, name, path, viewport):
    record = next(r for r in demo_records if r["title"].startswith("Governor Whitcombe Signs"))
    context = browser.new_context(viewport=viewport or {"width": 1280, "height": 900})
    page = context.new_page()
    page.goto(live_server + path.replace("RELEASE", f"/releases/{record['id']}"))
    if name in ("search", "release", "phone"):
        shot(page, {"search": "search", "release": "release", "phone": "phone-search"}[name])
    violations = run_axe(page)
    context.close()
    assert violations == [], violations
