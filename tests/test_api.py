"""The JSON API as a client sees it: an OpenAPI 3.1 description checked by a real validator, real answers
checked against its schemas, conditional requests, and exports named after their search."""

from __future__ import annotations

import csv
import io
import json
import re
from pathlib import Path

import pytest

from archive.store import IndexHome
from indexer.build import run_index

openapi_spec_validator = pytest.importorskip("openapi_spec_validator")
from openapi_schema_validator import OAS31Validator  # noqa: E402  (installed with openapi-spec-validator)


@pytest.fixture(scope="module")
def client(demo_home: IndexHome):
    from web import create_app

    return create_app({"INDEX_PATH": str(demo_home.path), "BASE_URL": "https://archive.example.org"}).test_client()


@pytest.fixture(scope="module")
def spec(client) -> dict:
    return client.get("/api/openapi.json").get_json()


def conforms(spec: dict, schema: str, data: object) -> None:
    """``data`` is valid against a schema of the document (its ``$ref``s resolved within the document)."""
    OAS31Validator({"$ref": f"#/components/schemas/{schema}", "components": spec["components"]}).validate(data)


def test_the_description_is_valid_openapi_3_1_and_names_every_endpoint(client, spec):
    openapi_spec_validator.validate(spec)
    assert spec["openapi"].startswith("3.1")
    routes = {re.sub(r"<(?:\w+:)?(\w+)>", lambda m: "{id}" if m[1] == "release_id" else "{" + m[1] + "}", rule.rule)
              for rule in client.application.url_map.iter_rules() if rule.endpoint != "static"}
    assert routes == set(spec["paths"]), "every endpoint is described, and nothing that is not one"
    for path, item in spec["paths"].items():
        assert item["get"]["responses"]["200"]["content"], path


def test_real_answers_match_their_schemas(client, spec, demo_records):
    record = next(r for r in demo_records if r["title"].startswith("Governor Whitcombe Signs"))
    for url in ("/api/search?q=water&topic=environment", "/api/search?sort=newest&from=2026&to=2024&size=100",
                "/api/search?q=zzzzqqq", "/api/search?from=2025&to=2025"):
        data = client.get(url).get_json()
        conforms(spec, "SearchResult", data)
    swapped = client.get("/api/search?from=2026&to=2024").get_json()
    assert swapped["notices"] == ["The dates were the wrong way round, so this search runs from 2024 to 2026."]
    conforms(spec, "Release", client.get(f"/api/releases/{record['id']}").get_json())
    conforms(spec, "Citation", client.get(f"/api/releases/{record['id']}/cite?paragraph=2").get_json())
    for line in client.get("/export.jsonl?topic=politics").get_data(as_text=True).splitlines():
        conforms(spec, "ExportedRelease", json.loads(line))
    for url in ("/api/search?from=someday", "/api/search?page=0", "/api/releases/no-such-release"):
        conforms(spec, "Error", client.get(url).get_json())


def test_a_schema_that_disagrees_with_an_answer_is_caught(spec, client):
    """The check above can fail: a field the answer lacks, or one it has that the schema does not."""
    from jsonschema.exceptions import ValidationError

    data = client.get("/api/search?q=water").get_json()
    with pytest.raises(ValidationError):
        conforms(spec, "SearchResult", {k: v for k, v in data.items() if k != "took_ms"})
    with pytest.raises(ValidationError):
        conforms(spec, "SearchResult", {**data, "undocumented": 1})


def test_an_unchanged_answer_is_a_304_until_the_index_changes(tmp_path: Path):
    from web import create_app

    folder = tmp_path / "wire"
    folder.mkdir()
    (folder / "a.md").write_text("# Harbor Opens\n\nTESSALY, May 2, 2024 /Wire/ -- The harbor opened.\n")
    home = IndexHome(tmp_path / "index")
    run_index([folder], home, jobs=1)
    client = create_app({"INDEX_PATH": str(home.path)}).test_client()
    for url in ("/?q=harbor", "/api/search?q=harbor", "/export.csv?q=harbor", "/feed.atom"):
        first = client.get(url)
        etag, modified = first.headers["ETag"], first.headers["Last-Modified"]
        assert first.status_code == 200 and etag.startswith('W/"') and modified.endswith("GMT")
        again = client.get(url, headers={"If-None-Match": etag})
        assert again.status_code == 304 and again.data == b"" and again.headers["ETag"] == etag, url
        assert client.get(url, headers={"If-Modified-Since": modified}).status_code == 304
    page_etag = client.get("/?q=harbor").headers["ETag"]
    assert client.get("/?q=lighthouse").headers["ETag"] != page_etag, "each URL has its own validator"
    import time

    time.sleep(1.1)  # the new index must be a later second for Last-Modified to move
    (folder / "b.md").write_text("# Lighthouse Relit\n\nTESSALY, May 9, 2024 /Wire/ -- The harbor lighthouse shines.\n")
    run_index([folder], home, jobs=1)
    time.sleep(0.6)  # the reader checks for a new generation at most every half second
    fresh = client.get("/?q=harbor", headers={"If-None-Match": page_etag})
    assert fresh.status_code == 200 and "2 releases" in fresh.get_data(as_text=True)
    assert fresh.headers["ETag"] != page_etag


def test_csv_is_named_after_its_search_has_speaker_titles_and_a_bom(client, demo_records):
    response = client.get("/export.csv?q=broadband&speaker=Tobias+Fenn&from=2024")
    assert response.headers["Content-Disposition"] == \
        'attachment; filename="press-archive-broadband-speaker-tobias-fenn-2024.csv"'
    raw = response.get_data()
    assert raw.startswith(b"\xef\xbb\xbf"), "Excel reads UTF-8 only after a byte order mark"
    rows = list(csv.DictReader(io.StringIO(raw.decode("utf-8-sig"))))
    by_id = {r["id"]: r for r in demo_records}
    assert rows
    for row in rows:
        speakers = by_id[row["id"]]["speakers"]
        assert row["speakers"] == "; ".join(s["name"] for s in speakers)
        titles = [s["title"] for s in speakers]
        assert row["speaker_titles"] == ("; ".join(titles) if any(titles) else "")
    assert any(row["speaker_titles"] for row in rows)
    assert client.get("/export.jsonl").headers["Content-Disposition"] == 'attachment; filename="press-archive.jsonl"'
