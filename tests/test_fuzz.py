"""Hostile queries and parameters: never a 500, never unescaped markup, always a bounded time.

CI runs a few hundred cases; ``FUZZ_EXAMPLES=10000 pytest tests/test_fuzz.py`` runs the long version.
"""

from __future__ import annotations

import os
import time
from urllib.parse import urlencode

import pytest
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from archive.query import parse_query
from archive.search import SearchRequest, search

EXAMPLES = int(os.environ.get("FUZZ_EXAMPLES", "150"))
MARKER = "<x-injected onload=alert(1)>"
syntax = st.sampled_from(['"', "(", ")", "*", "-", ":", "OR", "AND", "NOT", "date:", "speaker:", "title:", "..", "\\",
                          "\x00", "%", "&", "<", ">", "'", "\u202e", "\ud7ff", "𝕏", " ", "date:2024-99", "tag:"])
words = st.sampled_from(["water", "harbor", "fenn", "drought", "health", "2024", "robot*", "x" * 300, MARKER])
query_text = st.lists(st.one_of(syntax, words, st.text(max_size=20)), max_size=40).map(" ".join)
param_value = st.one_of(st.text(max_size=60), words, st.integers(-10**12, 10**12).map(str), st.just(MARKER))
param_name = st.sampled_from(["q", "speaker", "topic", "issuer", "tag", "wire", "from", "to", "sort", "page", "size",
                              "facets", "speaker_q", "issuer_q", "paragraph", "unknown"])


@pytest.fixture(scope="module")
def client(demo_home):
    from web import create_app

    return create_app({"INDEX_PATH": str(demo_home.path)}).test_client()


@pytest.fixture(scope="module")
def everything(demo) -> int:
    return search(demo, SearchRequest()).total


@settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=list(HealthCheck))
@given(q=query_text)
def test_any_query_text_searches_without_error_in_bounded_time(demo, everything, q):
    """Whatever is typed: an answer in bounded time whose page agrees with its total, that says why when it
    finds nothing searchable, and whose complement (NOT) holds every other release."""
    started = time.perf_counter()
    result = search(demo, SearchRequest(q=q, page_size=100))
    assert time.perf_counter() - started < 5
    ids = [h.id for h in result.hits]
    assert len(ids) == len(set(ids)) == min(result.total, 100) and result.total <= everything
    parsed = parse_query(q)
    if parsed.nothing:
        event("nothing searchable")
        assert result.total == 0 and result.ignored, "no hits, and the page says why"
    elif parsed.whoosh is not None and not parsed.ignored and not parsed.facet_filters:
        event("complement checked")
        negated = search(demo, SearchRequest(q=f"NOT ({q})", page_size=1))
        assert result.total + negated.total == everything, f"{q!r} and NOT ({q!r}) split the archive"
    for hit in result.hits:
        for passage in hit.passages:
            assert "<x-injected" not in passage and "<script" not in passage


@settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=list(HealthCheck))
@given(params=st.lists(st.tuples(param_name, param_value), max_size=8),
       path=st.sampled_from(["/", "/api/search", "/feed.atom", "/export.csv", "/export.jsonl"]))
def test_any_url_parameters_give_a_page_or_a_clear_400(client, params, path):
    started = time.perf_counter()
    response = client.get(path + "?" + urlencode(params))
    assert time.perf_counter() - started < 10
    assert response.status_code in (200, 302, 400), response.status_code
    body = response.get_data(as_text=True)
    if response.mimetype in ("text/html", "application/atom+xml"):
        assert "<x-injected" not in body, "markup from a parameter reached a page unescaped"
    else:
        assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert "Traceback" not in body


@settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=list(HealthCheck))
@given(release_id=st.one_of(st.text(max_size=200), st.sampled_from(["..", "../etc/passwd", "%2e%2e%2f", "a" * 500, "CON"])))
def test_any_release_id_is_a_page_or_a_404(client, release_id):
    from urllib.parse import quote

    for prefix in ("/releases/", "/api/releases/"):
        response = client.get(prefix + quote(release_id, safe=""))
        assert response.status_code in (200, 301, 404, 308), (release_id, response.status_code)
        assert "<x-injected" not in response.get_data(as_text=True)
