"""Speaker pages: one person across the spellings of their name, with their titles and dates, issuers,
timeline, quotes linked to their paragraphs, the people they appear with, a feed, a JSON twin and citations."""

from __future__ import annotations

import io
import json
import re
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from bs4 import BeautifulSoup
from flask.testing import FlaskClient

from archive.alignment import folded_words
from archive.search import SearchRequest, search
from archive.speakers import speaker_table
from archive.store import IndexHome
from indexer.build import run_index
from web import create_app

ATOM = "{http://www.w3.org/2005/Atom}"


def speaker_records(records: list[dict], names: set[str]) -> list[dict]:
    return [r for r in records if any(s["name"] in names for s in r["speakers"])]


def test_every_speaker_facet_value_is_one_person_with_a_page(samples):
    with samples.snapshot() as snap:
        table = speaker_table(snap)
        facet = snap.tables.tables["speaker"]
        assert len(table.people) == len(facet.values)
        for value in facet.values:
            person = table.of_name(value)
            assert person is not None and person.name == value
        assert len({p.slug for p in table.people}) == len(table.people)
        assert all(re.fullmatch(r"[a-z0-9][a-z0-9-]*", p.slug) for p in table.people)


def test_spellings_of_one_name_are_one_page_and_the_others_redirect(samples_client, sample_records):
    status = samples_client.get("/speakers/salud-carbajal")
    body = status.get_data(as_text=True)
    assert status.status_code == 200
    assert '<h1 id="speaker-name">Salud O. Carbajal</h1>' in body and "Also written Carbajal" in body
    expected = speaker_records(sample_records, {"Carbajal", "Salud O. Carbajal"})
    assert f"{len(expected)} releases" in body
    for release in expected:
        assert f'href="/releases/{release["id"]}"' in body
    moved = samples_client.get("/speakers/carbajal?page=1")
    assert moved.status_code == 301 and moved.headers["Location"].endswith("/speakers/salud-carbajal?page=1")
    named = samples_client.get("/speakers?name=Salud+O.+Carbajal")
    assert named.status_code == 302 and named.headers["Location"].endswith("/speakers/salud-carbajal")


def test_titles_carry_the_dates_they_were_seen(samples_client, sample_records):
    expected = [r["date"] for r in sample_records for s in r["speakers"]
                if s["name"] == "Barbara Lee" and s["title"] == "Congresswoman"]
    data = samples_client.get("/api/speakers/barbara-lee").get_json()
    congresswoman = next(t for t in data["titles"] if t["title"] == "Congresswoman")
    assert (congresswoman["first_seen"], congresswoman["last_seen"]) == (min(expected), max(expected))
    assert congresswoman["releases"] == len(expected)
    body = samples_client.get("/speakers/barbara-lee").get_data(as_text=True)
    assert (f'<td>Congresswoman</td><td><span class="day">{min(expected)}</span> – '
            f'<span class="day">{max(expected)}</span></td>') in body


def test_quotes_in_date_order_link_to_the_paragraph_that_holds_them(samples_client, samples):
    data = samples_client.get("/api/speakers/barbara-lee").get_json()
    dates = [a["date"] for a in data["appearances"]]
    assert dates == sorted(dates) and len(dates) == data["releases"]
    linked = 0
    for appearance in data["appearances"]:
        release = samples.get(appearance["id"])
        for quote in appearance["quotes"]:
            if quote["paragraph"]:
                paragraph = " ".join(folded_words(release.paragraphs[quote["paragraph"] - 1]))
                assert " ".join(folded_words(quote["text"])) in paragraph
                assert quote["page"].endswith(f"?paragraph={quote['paragraph']}#p{quote['paragraph']}")
                linked += 1
    assert linked >= 20
    newest = samples_client.get("/api/speakers/barbara-lee?order=newest").get_json()
    assert [a["date"] for a in newest["appearances"]] == sorted(dates, reverse=True)


def test_issuers_timeline_and_people_they_appear_with_come_from_their_releases(samples_client, sample_records):
    mine = speaker_records(sample_records, {"Carbajal", "Salud O. Carbajal"})
    data = samples_client.get("/api/speakers/salud-carbajal").get_json()
    issuers = {i["issuer"]: i["releases"] for i in data["issuers"]}
    assert issuers == {issuer: sum(r["issuer"] == issuer for r in mine) for issuer in {r["issuer"] for r in mine}}
    assert sum(y["releases"] for y in data["years"]) == sum(bool(r["date"]) for r in mine)
    together = {p["name"] for p in data["appears_with"]}
    assert {"Jackie Speier", "Judy Chu", "Jay Obernolte"} <= together
    speier = next(p for p in data["appears_with"] if p["name"] == "Jackie Speier")
    assert samples_client.get(f"/speakers/{speier['slug']}").status_code == 200


def test_atom_feed_lists_their_releases_newest_first(samples_client, sample_records):
    mine = speaker_records(sample_records, {"Barbara Lee"})
    response = samples_client.get("/speakers/barbara-lee/feed.atom")
    assert response.headers["Content-Type"].startswith("application/atom+xml")
    feed = ET.fromstring(response.get_data())
    entries = feed.findall(f"{ATOM}entry")
    assert len(entries) == min(50, len(mine))
    updated = [e.find(f"{ATOM}updated").text for e in entries]
    assert updated == sorted(updated, reverse=True)
    assert "Barbara Lee" in feed.find(f"{ATOM}title").text


def test_the_page_names_its_json_twin_and_they_agree(samples_client):
    page = samples_client.get("/speakers/barbara-lee")
    assert page.headers["Link"] == '</api/speakers/barbara-lee>; rel="alternate"; type="application/json"'
    data = samples_client.get("/api/speakers/barbara-lee").get_json()
    body = page.get_data(as_text=True)
    assert f"{data['releases']} releases, {data['quotes']} quotes" in body
    assert data["feed"].endswith("/speakers/barbara-lee/feed.atom")


def test_citation_downloads_hold_every_release_pinpointed_to_a_quote(samples_client, sample_records):
    import bibtexparser
    import rispy

    mine = speaker_records(sample_records, {"Barbara Lee"})
    ris = rispy.load(io.StringIO(samples_client.get("/speakers/barbara-lee/cite.ris").get_data(as_text=True)))
    assert len(ris) == len(mine)
    bib = bibtexparser.parse_string(samples_client.get("/speakers/barbara-lee/cite.bib").get_data(as_text=True))
    assert len(bib.entries) == len(mine) and not bib.failed_blocks
    items = json.loads(samples_client.get("/speakers/barbara-lee/cite.json").get_data(as_text=True))
    pinned = [i for i in items if re.search(r"#p\d+$", i.get("archive_location", ""))]
    assert len(items) == len(mine) and len(pinned) >= len(mine) // 2
    assert samples_client.get("/speakers/barbara-lee/cite.exe").status_code == 404


def test_people_list_searches_every_spelling(samples_client):
    body = samples_client.get("/speakers?q=carbajal").get_data(as_text=True)
    assert 'href="/speakers/salud-carbajal"' in body
    data = samples_client.get("/api/speakers?q=CARBAJAL").get_json()
    assert [p["slug"] for p in data["people"]] == ["salud-carbajal"]
    everyone = samples_client.get("/api/speakers").get_json()
    releases = [p["releases"] for p in everyone["people"]]
    assert releases == sorted(releases, reverse=True) and len(everyone["people"]) == 50
    assert samples_client.get("/api/speakers?page=2").get_json()["page"] == 2


def test_facet_values_and_release_pages_link_to_the_speaker_page(samples_client, samples):
    body = samples_client.get("/?q=prisons").get_data(as_text=True)
    links = re.findall(r'class="facet-page" href="([^"]+)"', body)
    assert links
    target = samples_client.get(links[0].replace("&amp;", "&"))
    assert target.status_code == 302 and "/speakers/" in target.headers["Location"]
    release = samples_client.get("/releases/weber-documentsingle-aspx-3d2d1d25").get_data(as_text=True)
    link = re.search(r'href="(/speakers\?name=Carbajal)"', release)
    assert link and samples_client.get(link.group(1)).headers["Location"].endswith("/speakers/salud-carbajal")


@pytest.mark.parametrize("url, status", [
    ("/speakers/..%2F..%2Fetc", 404), ("/speakers/NOBODY", 404), ("/speakers/" + "a" * 300, 404),
    ("/speakers/barbara-lee?page=abc", 400), ("/speakers/barbara-lee?order=random", 400),
    ("/api/speakers/nobody-at-all", 404), ("/speakers/barbara-lee?page=99999", 400),
])
def test_bad_addresses_are_answered_plainly(samples_client, url, status):
    response = samples_client.get(url)
    assert response.status_code == status
    if url.startswith("/api/"):
        assert response.get_json()["status"] == status


def test_the_demo_corpus_has_speaker_pages(demo_client, demo_records):
    data = demo_client.get("/api/speakers?q=harkin").get_json()
    assert [p["full_name"] for p in data["people"]] == ["Dolores Harkin"]
    page = demo_client.get(f"/speakers/{data['people'][0]['slug']}").get_data(as_text=True)
    assert "Our deputies went door to door in water up to their chests" in page
    assert "Meridian County Sheriff" in page


def test_release_text_is_escaped_on_speaker_and_quote_pages(tmp_path: Path):
    folder = tmp_path / "r"
    folder.mkdir()
    (folder / "a.md").write_text('# Hostile\n\nTESSALY, May 2, 2024 /Wire/ -- The council met.\n\n'
                                 '"We will not let <script>alert(1)</script> stop the water plan for the valley," '
                                 'said Governor Ada Whitcombe.\n')
    home = IndexHome(tmp_path / "index")
    run_index([folder], home, jobs=1)
    samples_client = create_app({"INDEX_PATH": str(home.path)}).test_client()
    slug = samples_client.get("/api/speakers?q=whitcombe").get_json()["people"][0]["slug"]
    for url in (f"/speakers/{slug}", "/quote?q=We+will+not+let+alert(1)+stop+the+water+plan+for+the+valley"):
        body = samples_client.get(url).get_data(as_text=True)
        assert "<script>alert" not in body and "alert(1)</script>" not in body, url
        assert re.search(r"&lt;(<mark[^>]*>)?script(</mark>)?&gt;alert\(1\)", body), url


def test_a_search_facet_counts_what_the_speaker_page_counts(samples, samples_client):
    data = samples_client.get("/api/speakers/barbara-lee").get_json()
    result = search(samples, SearchRequest(filters={"speaker": [data["name"]]}, page_size=1))
    assert result.total == data["releases"]


def test_the_table_written_at_commit_is_what_an_older_index_builds_in_memory(samples):
    from archive.speakers import SpeakerTable

    with samples.snapshot() as snap:
        saved = SpeakerTable.load(snap.path)
        built = SpeakerTable.build(snap.searcher.reader(), snap.tables, snap.lock)
    assert saved is not None and saved.people == built.people and saved.aliases == built.aliases


def test_one_title_written_several_ways_is_one_row_under_its_commonest_spelling(tmp_path: Path):
    folder = tmp_path / "releases"
    folder.mkdir()
    ways = ["Assistant Attorney General of the Civil Rights Division", "Assistant Attorney General, for the Civil "
            "Rights Division", "Assistant Attorney General of the Civil Rights Division"]
    for n, title in enumerate(ways, start=1):
        (folder / f"2024-05-0{n}-release-{n}.md").write_text(
            f"# Justice Department Settles Case Number {n}\n\nWASHINGTON, May {n}, 2024 \u2014 The department settled "
            f"case number {n} with the county today.\n\n\"This settlement protects every voter in the county,\" "
            f"said Jane Q. Roe, {title}.\n", encoding="utf-8")
    home = IndexHome(tmp_path / "index")
    run_index([folder], home, jobs=1)
    data = create_app({"INDEX_PATH": str(home.path)}).test_client().get("/api/speakers/jane-roe").get_json()
    assert [(t["title"], t["releases"]) for t in data["titles"]] == [
        ("Assistant Attorney General of the Civil Rights Division", 3)]


def quoted_under_titles(tmp_path: Path, titles: list[str]) -> FlaskClient:
    """The site over one release per title, each quoting Mara Quint under that title."""
    folder = tmp_path / "releases"
    folder.mkdir()
    for n, title in enumerate(titles, start=1):
        (folder / f"2024-05-0{n}-release-{n}.md").write_text(
            f"# Harbor News Number {n}\n\nPORTVILLE, May {n}, 2024 \u2014 The harbor board met for session {n} today."
            f"\n\n\"The harbor stays open for every boat in session {n},\" said Mara Quint, {title}.\n",
            encoding="utf-8")
    home = IndexHome(tmp_path / "index")
    run_index([folder], home, jobs=1)
    return create_app({"INDEX_PATH": str(home.path)}).test_client()


def test_titles_seen_in_one_release_only_are_folded_when_there_are_many(tmp_path: Path):
    client = quoted_under_titles(tmp_path, [
        "Chair of the Harbor Board", "Chair of the Harbor Board", "Chair of the Harbor Board, at the pier",
        "Chair of the Board of the Harbor", "Harbor Board Chair and sailor", "Chair, speaking at the dock",
        "Chair of the Harbor Board since 2019", "Chair of the Port Authority and Harbor Board"])
    assert len(client.get("/api/speakers/mara-quint").get_json()["titles"]) == 7  # the JSON keeps every title
    page = BeautifulSoup(client.get("/speakers/mara-quint").text, "lxml")
    main, folded = page.select("table.titles")
    assert [td.get_text() for td in main.select("tbody td:first-child")] == ["Chair of the Harbor Board"]
    assert page.select_one("details.titles-once summary").get_text() == "6 more titles, each in one release"
    assert len(folded.select("tr")) == 6


def test_titles_are_not_folded_when_none_repeats(tmp_path: Path):
    client = quoted_under_titles(tmp_path, [f"Chair of Dock {n}" for n in range(1, 8)])
    page = BeautifulSoup(client.get("/speakers/mara-quint").text, "lxml")
    assert len(page.select("table.titles tbody tr")) == 7 and page.select_one("details.titles-once") is None
