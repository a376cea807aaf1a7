"""The site over real HTTP: pages, the JSON API and its OpenAPI description, feeds, exports, errors, safety."""

from __future__ import annotations

import csv
import io
import json
import re
import urllib.error
import urllib.request
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from archive.store import IndexHome
from indexer.build import run_index

from .conftest import FIXTURES

ATOM = "{http://www.w3.org/2005/Atom}"


def get(url: str) -> tuple[int, dict[str, str], str]:
    try:
        with urllib.request.urlopen(url, timeout=20) as response:
            return response.status, dict(response.headers), response.read().decode("utf-8")
    except urllib.error.HTTPError as exc:
        return exc.code, dict(exc.headers), exc.read().decode("utf-8")


def test_search_page_lists_hits_facets_histogram_and_links_its_twins(live_server, demo_records):
    status, headers, body = get(f"{live_server}/?q=water")
    assert status == 200
    assert "Calder Valley Water District Adopts Drought Plan as Reservoirs Fall" in body
    assert '<figure class="histogram"' in body
    assert 'rel="alternate" type="application/json" href="/api/search?q=water"' in body
    assert 'rel="search" type="application/opensearchdescription+xml"' in body
    assert 'type="application/atom+xml"' in body
    assert "'unsafe-inline'" not in headers["Content-Security-Policy"]
    assert headers["Link"] == '</api/search?q=water>; rel="alternate"; type="application/json"'


def test_release_page_has_anchored_paragraphs_speakers_and_citation_meta(live_server, demo_records):
    record = next(r for r in demo_records if r["title"].startswith("Governor Whitcombe Signs"))
    status, _, body = get(f"{live_server}/releases/{record['id']}")
    assert status == 200
    assert '<p id="p2">' in body and 'href="#p2"' in body
    assert "Ada Whitcombe" in body and "Tobias Fenn" in body
    assert '<meta name="citation_title" content="Governor Whitcombe Signs Rural Broadband Act">' in body
    assert '<meta name="citation_date" content="2024/11/07">' in body
    assert get(f"{live_server}/releases/{record['id']}")[1]["Link"] == f'</api/releases/{record["id"]}>; rel="alternate"; type="application/json"'


def test_api_search_returns_the_same_result_as_the_page(live_server, demo_records):
    status, headers, body = get(f"{live_server}/api/search?q=water&topic=environment")
    data = json.loads(body)
    expected = {r["id"] for r in demo_records if "environment" in r["topics"] and
                "water" in (r["title"] + " ".join(r["paragraphs"])).lower()}
    assert status == 200 and headers["Content-Type"] == "application/json"
    assert {h["id"] for h in data["hits"]} == expected
    assert data["total"] == len(expected)
    status, _, page = get(f"{live_server}/?q=water&topic=environment")
    assert status == 200
    linked = re.findall(r'href="/releases/([a-z0-9-]+)"', page.split('class="hits"', 1)[1].split("</ol>", 1)[0])
    assert list(dict.fromkeys(linked)) == [h["id"] for h in data["hits"]], "the page lists the API's hits, in order"
    assert f'{data["total"]} release' in page


def test_api_release_and_404_as_json(live_server, demo_records):
    record = demo_records[0]
    status, _, body = get(f"{live_server}/api/releases/{record['id']}")
    assert status == 200 and json.loads(body)["title"] == record["title"]
    status, _, body = get(f"{live_server}/api/releases/no-such-release")
    assert status == 404 and json.loads(body)["error"] == "Not Found"


@pytest.mark.parametrize("path", ["/releases/..%2F..%2Fetc%2Fpasswd", "/releases/" + "a" * 300, "/releases/%00", "/api/releases/..%2f"])
def test_hostile_ids_are_404s(live_server, path):
    status, _, body = get(live_server + path)
    assert status == 404
    assert "Traceback" not in body


@pytest.mark.parametrize("query,message", [
    ("page=abc", "parameter 'page' must be a whole number"),
    ("sort=sideways", "parameter 'sort' must be one of relevance, newest, oldest"),
    ("from=someday", "parameter 'from' must be a date"),
    ("size=1000", "parameter 'size' must be between 1 and 100"),
])
def test_bad_parameters_are_400s_that_name_the_parameter(live_server, query, message):
    status, _, body = get(f"{live_server}/api/search?{query}")
    assert status == 400 and message in json.loads(body)["message"]
    status, _, body = get(f"{live_server}/?{query}")
    if query.startswith("from="):  # the page re-renders the search and names the field instead (test_dates_web)
        assert status == 200 and "A date could not be read" in body
    else:
        assert status == 400 and message.replace("'", "&#39;") in body


def test_openapi_description_lists_every_search_parameter(live_server):
    status, _, body = get(f"{live_server}/api/openapi.json")
    spec = json.loads(body)
    names = {p["name"] for p in spec["paths"]["/api/search"]["get"]["parameters"]}
    assert {"q", "speaker", "topic", "issuer", "tag", "from", "to", "sort", "page", "size"} <= names


def test_atom_feed_of_a_search_is_valid_and_newest_first(live_server, demo_records):
    status, headers, body = get(f"{live_server}/feed.atom?issuer=Brightline+Robotics")
    assert status == 200 and headers["Content-Type"].startswith("application/atom+xml")
    feed = ET.fromstring(body)
    titles = [e.findtext(f"{ATOM}title") for e in feed.findall(f"{ATOM}entry")]
    expected = sorted((r for r in demo_records if r["issuer"] == "Brightline Robotics"), key=lambda r: r["date"], reverse=True)
    assert titles == [r["title"] for r in expected]


def test_opensearch_description(live_server):
    status, _, body = get(f"{live_server}/opensearch.xml")
    url = ET.fromstring(body).find("{http://a9.com/-/spec/opensearch/1.1/}Url")
    assert status == 200 and url.get("template").endswith("/?q={searchTerms}")


def test_csv_and_jsonl_exports_hold_every_hit(live_server, demo_records):
    status, headers, body = get(f"{live_server}/export.csv?topic=politics")
    rows = list(csv.DictReader(io.StringIO(body.removeprefix("\ufeff"))))
    expected = {r["id"] for r in demo_records if "politics" in r["topics"]}
    assert status == 200 and "attachment" in headers["Content-Disposition"]
    assert {r["id"] for r in rows} == expected
    status, _, body = get(f"{live_server}/export.jsonl?topic=politics")
    assert {json.loads(line)["id"] for line in body.splitlines()} == expected


def test_unknown_page_is_a_friendly_404(live_server):
    status, _, body = get(f"{live_server}/no/such/page")
    assert status == 404 and "There is no page at this address." in body and "Traceback" not in body


def test_no_endpoint_writes(live_server):
    request = urllib.request.Request(f"{live_server}/api/search", method="POST", data=b"q=x")
    with pytest.raises(urllib.error.HTTPError) as caught:
        urllib.request.urlopen(request, timeout=10)
    assert caught.value.code == 405


def test_release_text_is_escaped_on_every_page(tmp_path: Path):
    from web import create_app

    home = IndexHome(tmp_path / "index")
    run_index([FIXTURES / "hostile.html"], home, jobs=1)
    client = create_app({"INDEX_PATH": str(home.path)}).test_client()
    page = client.get("/?q=toaster").get_data(as_text=True)
    release_id = client.get("/api/search?q=toaster").get_json()["hits"][0]["id"]
    detail = client.get(f"/releases/{release_id}").get_data(as_text=True)
    feed = client.get("/feed.atom?q=toaster").get_data(as_text=True)
    for body in (page, detail, feed):
        assert "<script>alert" not in body and "onerror=" not in body and "javascript:alert" not in body.replace("&#34;", "")
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in detail


def test_a_missing_index_is_explained_not_crashed(tmp_path: Path):
    from web import create_app

    client = create_app({"INDEX_PATH": str(tmp_path / "nothing")}).test_client()
    response = client.get("/")
    assert response.status_code == 503 and "has not been indexed yet" in response.get_data(as_text=True)


def test_the_site_picks_up_a_new_index_without_a_restart(tmp_path: Path):
    import time

    from web import create_app

    folder = tmp_path / "wire"
    folder.mkdir()
    (folder / "a.md").write_text("# Harbor Opens\n\nTESSALY, May 2, 2024 /Wire/ -- The harbor opened.\n")
    home = IndexHome(tmp_path / "index")
    run_index([folder], home, jobs=1)
    client = create_app({"INDEX_PATH": str(home.path)}).test_client()
    assert client.get("/api/search").get_json()["total"] == 1
    (folder / "b.md").write_text("# Lighthouse Relit\n\nTESSALY, May 9, 2024 /Wire/ -- The lighthouse shines.\n")
    run_index([folder], home, jobs=1)
    time.sleep(0.6)
    assert client.get("/api/search?q=lighthouse").get_json()["total"] == 1


@pytest.fixture(scope="module")
def public_client(demo_home):
    from web import create_app

    return create_app({"INDEX_PATH": str(demo_home.path), "BASE_URL": "https://archive.example.org"}).test_client()


def test_release_page_cites_and_links_on_the_public_base_url(public_client, demo_records):
    record = next(r for r in demo_records if r["title"].startswith("Governor Whitcombe Signs"))
    body = public_client.get(f"/releases/{record['id']}?paragraph=2", headers={"Host": "127.0.0.1"}).get_data(as_text=True)
    permalink = f"https://archive.example.org/releases/{record['id']}"
    assert f'<link rel="canonical" href="{permalink}">' in body
    assert f"[Press release]. {permalink}" in body and f'href="{permalink}#p2"' in body
    assert "127.0.0.1" not in body


def test_dates_typed_on_the_search_page(public_client):
    iso = public_client.get("/api/search?from=2025-03&to=2025-06-30").get_json()["total"]
    page = public_client.get("/?from=March+2025&to=06%2F30%2F2025").get_data(as_text=True)
    assert f">{iso:,} release" in page and 'value="2025-03"' in page and 'value="2025-06-30"' in page
    swapped = public_client.get("/?from=2025-06-30&to=March+2025").get_data(as_text=True)
    assert "The dates were the wrong way round, so this search runs from 2025-03 to 2025-06-30." in swapped
    assert f">{iso:,} release" in swapped
    bad = public_client.get("/?q=water&to=someday")
    text = bad.get_data(as_text=True)
    assert bad.status_code == 200 and "<title>Error: water" in text
    assert '<a href="#date-to">To date: “someday” is not a date we can read' in text
    assert 'value="someday"' in text and 'aria-invalid="true"' in text, "the field keeps what was typed"
    assert public_client.get("/?page=999&q=water").get_data(as_text=True).count("There is no page 999") == 1


def test_an_error_page_goes_back_to_the_search_without_the_bad_parameter(public_client):
    body = public_client.get("/?q=water&topic=politics&page=abc").get_data(as_text=True)
    assert '<a href="/?q=water&amp;topic=politics">Back to the search</a>' in body


def test_the_home_page_says_how_many_releases_are_folded_as_copies(tmp_path: Path):
    from web import create_app

    folder = tmp_path / "wire"
    folder.mkdir()
    for name in ("a", "b", "c"):
        (folder / f"{name}.md").write_text("# Harbor Opens New Pier\n\nTESSALY, May 2, 2024 /Wire/ -- The harbor opened.\n")
    home = IndexHome(tmp_path / "index")
    run_index([folder], home, jobs=1)
    client = create_app({"INDEX_PATH": str(home.path)}).test_client()
    page = client.get("/").get_data(as_text=True)
    assert ">1 release<" in page and "2 more releases in the archive are copies of these" in page
    assert "are copies of these" not in client.get("/?q=harbor").get_data(as_text=True)
