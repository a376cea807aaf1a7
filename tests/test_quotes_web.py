"""The quote finder on the web: the ``/quote`` page, its JSON twin ``/api/quote``, the offer on the search page."""

from __future__ import annotations

import re

from archive import limits

from .conftest import needs_shared

GILES = "justice-north-america-s-largest-lead-producer-spend-65-2df2e597"
MISQUOTE = "for years, families with kids near Doe Run\u2019s facilities were exposed to unacceptable levels of lead"


@needs_shared
def test_quote_page_shows_release_paragraph_speaker_differences_and_a_pinpointed_citation(samples_client):
    response = samples_client.get("/quote", query_string={"q": MISQUOTE})
    body = response.get_data(as_text=True)
    assert response.status_code == 200
    assert f'href="/releases/{GILES}?paragraph=4#p4"' in body
    assert 'href="/speakers/cynthia-giles">Cynthia Giles</a>' in body
    assert '<mark>For years families with <mark class="differs">children</mark> near Doe Runs facilities' in body
    assert '<mark class="differs">children</mark>' in body and '<mark class="differs">kids</mark>' in body
    note = re.search(r'class="cite-text ready-citation" data-copy="">([^<]+)<', body).group(1)
    assert "para. 4" in note and "Oct" in note and "2010" in note
    assert f"/releases/{GILES}#p4</a>" in body
    assert response.headers["Link"].startswith("</api/quote?q=for+years")


@needs_shared
def test_the_api_answers_what_the_page_shows(samples_client):
    data = samples_client.get("/api/quote", query_string={"q": MISQUOTE}).get_json()
    assert data["status"] == "found" and data["words"] == len(MISQUOTE.split())
    group = data["groups"][0]
    match = group["matches"][0]
    assert (match["release_id"], match["paragraph"], match["speaker"]) == (GILES, 4, "Cynthia Giles")
    assert match["page"].endswith(f"/releases/{GILES}?paragraph=4#p4")
    assert match["speaker_page"] == "http://localhost/speakers/cynthia-giles"
    assert group["first_said"] == "2010-10-08"
    assert group["citation"]["permalink"].endswith(f"/releases/{GILES}#p4")
    assert "para. 4" in group["citation"]["styles"]["chicago"]["citation"]
    assert set(match["theirs"]) >= {"children"} and set(match["yours"]) >= {"kids"}


def test_no_match_says_so(demo_client):
    body = demo_client.get("/quote?q=the+lighthouse+keeper+counted+every+gull+on+the+northern+rocks").get_data(as_text=True)
    assert "No match." in body and "quote-group" not in body
    data = demo_client.get("/api/quote?q=the+lighthouse+keeper+counted+every+gull+on+the+northern+rocks").get_json()
    assert data["groups"] == [] and data["status"] == "no-match"


def test_search_page_offers_the_quote_finder_for_a_pasted_sentence(demo_client):
    sentence = "Our deputies went door to door in water up to their chests"
    body = demo_client.get("/", query_string={"q": sentence}).get_data(as_text=True)
    offer = re.search(r'class="notice quote-offer">[^<]*<a href="([^"]+)"', body)
    assert offer
    page = demo_client.get(offer.group(1).replace("&amp;", "&")).get_data(as_text=True)
    assert "Dolores Harkin" in page and "Flash Flood" in page
    assert "quote-offer" not in demo_client.get("/?q=water").get_data(as_text=True)


def test_the_api_needs_a_passage_and_caps_what_it_reads(demo_client):
    response = demo_client.get("/api/quote")
    assert response.status_code == 400 and "'q'" in response.get_json()["message"]
    data = demo_client.get("/api/quote", query_string={"q": "water " * 1500}).get_json()
    assert data["words"] <= limits.MAX_QUOTE_WORDS and data["ignored"]


def test_a_quote_over_the_time_budget_is_a_503_with_retry_after(demo_client, monkeypatch):
    monkeypatch.setattr(limits, "SEARCH_SECONDS", 0.0)
    for url in ("/api/quote?q=Our+deputies+went+door+to+door+in+water", "/quote?q=Our+deputies+went+door+to+door+in+water"):
        response = demo_client.get(url)
        assert response.status_code == 503 and response.headers["Retry-After"] == "5", url


def test_openapi_describes_the_quote_and_speaker_endpoints(demo_client):
    paths = demo_client.get("/api/openapi.json").get_json()["paths"]
    assert {"/api/quote", "/api/speakers", "/api/speakers/{slug}"} <= set(paths)
    assert "escaped HTML" in paths["/api/quote"]["get"]["summary"]
