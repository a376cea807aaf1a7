"""The quote finder and speaker pages in a real browser (Debian's chromium, driven by Playwright), on the real
samples: paste a misquoted sentence into the search box, follow the offer, copy the pinpointed citation.

Screenshots of the quote result and of the most quoted people's pages are kept in test-artifacts/.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest

from .conftest import needs_shared, serve
from .test_browser import CHROMIUM, browser, shot  # noqa: F401  (the module's browser fixture)

pytestmark = [pytest.mark.skipif(CHROMIUM is None, reason="Debian's chromium is not installed (make test installs it)"),
              needs_shared]
GILES = "justice-north-america-s-largest-lead-producer-spend-65-2df2e597"
MISQUOTE = "For years, families with kids near Doe Run\u2019s facilities were exposed to unacceptable levels of lead"


@pytest.fixture(scope="module")
def samples_server(samples_home) -> Iterator[str]:
    yield from serve(samples_home)


@pytest.fixture()
def page(browser, samples_server):  # noqa: F811
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    context.grant_permissions(["clipboard-read", "clipboard-write"], origin=samples_server)
    page = context.new_page()
    errors: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.errors = errors  # type: ignore[attr-defined]
    yield page
    context.close()


def copy(page, selector: str) -> str:  # type: ignore[no-untyped-def]
    """Click the Copy button placed after ``selector`` and read what reached the clipboard."""
    from playwright.sync_api import expect

    button = page.locator(f"{selector} + button.copy-button").first
    button.click()
    expect(button).to_have_text("Copied")  # written once the clipboard has the text (asynchronously)
    return page.evaluate("navigator.clipboard.readText()")


def test_a_misquote_pasted_into_the_search_box_leads_to_the_paragraph_speaker_and_a_citation(page, samples_server):
    page.goto(f"{samples_server}/")
    page.fill("#q", MISQUOTE)
    page.press("#q", "Enter")
    page.wait_for_url(re.compile(r"\?q=For"))
    page.locator(".quote-offer a").click()
    page.wait_for_url(re.compile(r"/quote\?q="))
    first = page.locator("li.quote-group").first
    assert "Largest Lead Producer" in first.locator("a.quote-release").inner_text()
    assert first.locator("a.quote-release").get_attribute("href") == f"/releases/{GILES}?paragraph=4#p4"
    marked = first.locator("blockquote.quote-paragraph > mark").first.inner_text()
    assert marked.startswith("For years families with children near Doe Runs facilities")
    assert first.locator("mark.differs").count() >= 2
    assert first.locator(".quote-speaker").inner_text() == "Cynthia Giles"
    assert "2010-10-08" in first.locator(".first-said").inner_text()
    shot(page, "quote-result")

    note = copy(page, ".ready-citation")
    assert "para. 4" in note and "2010" in note
    assert copy(page, "a.permalink").endswith(f"/releases/{GILES}#p4")

    first.locator("a.quote-release").click()
    page.wait_for_url(re.compile(r"paragraph=4#p4$"))
    assert page.evaluate("document.querySelector(':target').id") == "p4"
    assert "Cite paragraph 4 of this release" in page.locator("#cite-heading").inner_text()
    assert page.errors == []  # type: ignore[attr-defined]


def test_speaker_pages_of_the_most_quoted_people(page, samples_server):
    people = page.request.get(f"{samples_server}/api/speakers").json()["people"]
    most_quoted = sorted(people, key=lambda p: -p["quotes"])[:4]
    for person in most_quoted:
        page.goto(f"{samples_server}/speakers/{person['slug']}")
        assert page.locator("h1#speaker-name").inner_text() == person["full_name"]
        assert page.locator("ol.appearances > li").count() == min(50, person["releases"])
        assert page.locator("blockquote.speaker-quote").count() >= 1
        width = page.evaluate("document.documentElement.scrollWidth")
        assert width <= 1280
        # The releases-per-year strip: a low band of accent-coloured bars, 28px a year at most.
        years = page.request.get(f"{samples_server}/api/speakers/{person['slug']}").json()["years"]
        box = page.locator("svg.speaker-timeline").bounding_box()
        assert box["height"] <= 80 and box["width"] <= 28 * len(years) + 1, box
        fill = page.evaluate("getComputedStyle(document.querySelector('svg.speaker-timeline rect')).fill")
        assert fill not in ("rgb(0, 0, 0)", "black"), fill
        shot(page, f"speaker-{person['slug']}")
    link = page.locator("blockquote.speaker-quote footer a").first
    href = link.get_attribute("href")
    link.click()
    page.wait_for_url(re.compile(r"/releases/"))
    if "#p" in href:
        assert page.evaluate("document.querySelector(':target').id") == href.rsplit("#", 1)[1]
    assert page.errors == []  # type: ignore[attr-defined]
