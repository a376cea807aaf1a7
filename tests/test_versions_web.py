"""Versions on the web: the release page's note, each version's permalink and citation, comparisons, /changes
and its feed, the JSON twins; hostile parameters and release text that tries to be markup."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from archive.store import IndexHome, IndexReader
from tests.versions_corpus import build

ATOM = "{http://www.w3.org/2005/Atom}"


@pytest.fixture(scope="module")
def client(tmp_path_factory: pytest.TempPathFactory):
    from web import create_app

    root = tmp_path_factory.mktemp("versions-web")
    home = IndexHome(root / "index")
    build(home, root / "releases")
    app = create_app({"INDEX_PATH": str(home.path), "BASE_URL": "https://archive.example"})
    return app.test_client()


@pytest.fixture(scope="module")
def ids(client) -> dict[str, str]:
    reader = IndexReader(IndexHome(client.application.config["INDEX_PATH"]))
    with reader.snapshot() as snap:
        found = {rid.split("-")[0]: rid for rid in snap.ledger.releases}
    reader.close()
    return found


def test_release_page_says_when_it_was_updated_and_how_many_versions(client, ids):
    page = client.get(f"/releases/{ids['budget']}").get_data(as_text=True)
    assert "Updated on <time datetime=\"2026-01-20\">2026-01-20</time>" in page and "3 versions</a>" in page
    assert f'/releases/{ids["budget"]}/v/1' in page and f"/releases/{ids['budget']}/compare?a=2&amp;b=3" in page
    assert "version 3 of 3, first seen 2026-01-20" in page  # the citation names the version it quotes
    assert f"https://archive.example/releases/{ids['budget']}/v/3" in page
    plain = client.get(f"/releases/{ids['ferry']}").get_data(as_text=True)
    assert "versions-note" not in plain  # back as it was: nothing to say but when it was seen
    assert "In the archive since <time datetime=\"2026-01-01\">2026-01-01</time> · last seen <time datetime=\"2026-01-30\">" in plain


def test_each_version_has_its_permalink_text_and_citation(client, ids):
    rid = ids["budget"]
    old = client.get(f"/releases/{rid}/v/1")
    assert old.status_code == 200
    page = old.get_data(as_text=True)
    assert "$41 million" in page and "$44 million" not in page and "version 1 of 3" in page
    assert f'<link rel="canonical" href="https://archive.example/releases/{rid}/v/1">' in page
    assert "Press release, version 1 of 3, first seen 2026-01-01" in page
    bib = client.get(f"/releases/{rid}/v/1/cite.bib").get_data(as_text=True)
    assert "version = {1}" in bib and f"https://archive.example/releases/{rid}/v/1" in bib
    twin = client.get(f"/api/releases/{rid}/v/1").get_json()
    assert (twin["version"], twin["versions"], twin["current"], twin["seen"]) == (1, 3, False, "2026-01-01")
    assert twin["citation"]["URL"] == f"https://archive.example/releases/{rid}/v/1"
    assert "$41 million" in twin["paragraphs"][0]


def test_compare_marks_insertions_and_deletions_paragraph_by_paragraph(client, ids):
    rid = ids["levee"]
    page = client.get(f"/releases/{rid}/compare?a=1&b=3").get_data(as_text=True)
    assert '<p class="diff-removed"><span class="diff-label">Removed paragraph:</span> <del>Crews worked' in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page and "<script>alert" not in page
    budget = client.get(f"/releases/{ids['budget']}/compare?a=1&b=2").get_data(as_text=True)
    assert "<del>41</del><ins>44</ins>" in budget
    twin = client.get(f"/api/releases/{ids['budget']}/compare?a=1&b=2").get_json()
    changed = [p for p in twin["paragraphs"] if p["kind"] == "changed"]
    assert twin["changed_paragraphs"] == 1 and ["insert", "44"] in changed[0]["parts"]
    versions = client.get(f"/api/releases/{ids['budget']}/versions").get_json()
    assert versions["versions"] == 3 and len(versions["permalinks"]) == 3


@pytest.mark.parametrize("url, status", [
    ("/releases/{budget}/v/4", 404), ("/releases/{budget}/v/0", 404), ("/releases/{budget}/v/99999999999", 404),
    ("/releases/{budget}/v/-1", 404), ("/releases/{budget}/v/1x", 404), ("/releases/..%2Fetc/v/1", 404),
    ("/releases/{budget}/compare?a=1&b=9", 400), ("/releases/{budget}/compare?a=%D9%A1&b=2", 400),
    ("/releases/{ferry}/compare", 400), ("/api/releases/{budget}/compare?a=x", 400),
    ("/releases/{budget}/v/1/cite.exe", 404), ("/changes?kind=deleted", 400), ("/changes?from=yesterday", 400),
    ("/changes?page=0", 400), ("/?versions=some", 400), ("/api/releases/nope-00000000/versions", 404),
])
def test_bad_version_urls_are_named_errors(client, ids, url: str, status: int):
    response = client.get(url.format(**ids))
    assert response.status_code == status
    assert b"Traceback" not in response.data


def test_changes_page_lists_and_filters(client, ids):
    page = client.get("/changes").get_data(as_text=True)
    assert page.count('class="hit change-') == 7
    assert "Formerly titled “Calder Valley Water District Opens Rebuilt Footbridge”" in page
    withdrawn = client.get("/changes?kind=withdrawn").get_data(as_text=True)
    assert withdrawn.count('class="hit change-') == 1 and "Second Island Ferry" in withdrawn
    reyes = client.get("/changes?speaker=Tomas+Reyes&from=2026-01-25").get_data(as_text=True)
    assert reyes.count('class="hit change-') == 2
    api = client.get("/api/changes?issuer=nobody").get_json()
    assert api["total"] == 0


def test_changes_feed_links_to_what_changed(client, ids):
    response = client.get("/changes.atom?kind=updated")
    assert response.mimetype == "application/atom+xml"
    feed = ET.fromstring(response.data)
    entries = feed.findall(f"{ATOM}entry")
    assert len(entries) == 5
    first = entries[0]
    assert first.find(f"{ATOM}updated").text == "2026-01-30T09:00:00Z"
    link = first.find(f"{ATOM}link").get("href")
    assert link == f"https://archive.example/releases/{ids['levee']}/compare?a=2&b=3"
    followed = client.get(link.removeprefix("https://archive.example"))
    assert followed.status_code == 200 and "<ins>" in followed.get_data(as_text=True)


def test_search_page_offers_earlier_versions_and_the_status_facet(client, ids):
    default = client.get("/?q=%2241+million%22").get_data(as_text=True)
    assert "0 releases" in default or "No releases" in default or f"/releases/{ids['budget']}/v/1" not in default
    every = client.get("/?q=%2241+million%22&versions=all").get_data(as_text=True)
    assert f"/releases/{ids['budget']}/v/1" in every and "version 1 (superseded)" in every
    api = client.get("/api/search?q=status:updated").get_json()
    assert api["total"] == 3
    status = next(f for f in api["facets"] if f["name"] == "status")
    assert {v["value"] for v in status["values"]} == {"updated"}


def test_cli_lists_changes_since_a_date(client, tmp_path: Path):
    from click.testing import CliRunner

    from archive.cli import main

    index = client.application.config["INDEX_PATH"]
    result = CliRunner().invoke(main, ["changes", "--index", index, "--since", "2026-01-20", "--json"])
    assert result.exit_code == 0, result.output
    import json

    data = json.loads(result.output)
    assert [c["kind"] for c in data["changes"]] == ["updated", "restored", "withdrawn", "updated"]
    bad = CliRunner().invoke(main, ["changes", "--index", index, "--since", "soon"])
    assert bad.exit_code != 0 and "2024-03-15" in bad.output


def test_json_twins_match_the_openapi_description(client, ids):
    pytest.importorskip("openapi_spec_validator")
    from openapi_schema_validator import OAS31Validator

    spec = client.get("/api/openapi.json").get_json()

    def conforms(schema: str, data: object) -> None:
        OAS31Validator({"$ref": f"#/components/schemas/{schema}", "components": spec["components"]}).validate(data)

    rid = ids["budget"]
    conforms("Versions", client.get(f"/api/releases/{rid}/versions").get_json())
    conforms("Comparison", client.get(f"/api/releases/{rid}/compare?a=1&b=3").get_json())
    conforms("Changes", client.get("/api/changes").get_json())
    conforms("VersionedRelease", client.get(f"/api/releases/{rid}/v/1").get_json())
    conforms("Release", client.get(f"/api/releases/{rid}").get_json())
    conforms("SearchResult", client.get("/api/search?q=%2241+million%22&versions=all").get_json())
