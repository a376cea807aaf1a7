"""One search call: query language, multi-select facets whose counts match their hits, dates, paging,
safe highlighting. Expected counts come from the exported records, not from the search itself."""

from __future__ import annotations

import json
import random
from collections import Counter
from datetime import date
from pathlib import Path

import pytest

from archive.search import SearchRequest, matching_releases, search
from archive.store import IndexHome, IndexReader
from indexer.build import run_index

from .conftest import FIXTURES, needs_shared


def ids_of(reader, **kwargs) -> set[str]:
    result = search(reader, SearchRequest(page_size=100, **kwargs))
    assert result.total <= 100
    return {h.id for h in result.hits}


def test_empty_query_browses_everything_newest_first(demo, demo_records):
    result = search(demo, SearchRequest(sort="newest", page_size=5))
    assert result.total == len(demo_records) == 32
    newest = sorted((r["date"] for r in demo_records), reverse=True)[:5]
    assert [h.date for h in result.hits] == newest


def test_words_are_anded_and_stemmed(demo, demo_records):
    found = ids_of(demo, q="drought reservoirs")
    expected = {r["id"] for r in demo_records if "drought" in r["title"].lower() and "reservoir" in " ".join(r["paragraphs"]).lower()}
    assert found == expected and found
    assert ids_of(demo, q="reservoir") >= found, "'reservoir' finds 'reservoirs' too"


def test_phrase_or_not_minus_and_wildcard(demo, demo_records):
    def having(word):
        return {r["id"] for r in demo_records if word in (r["title"] + " " + " ".join(r["paragraphs"])).lower()}

    assert ids_of(demo, q='"mental health"') == having("mental health")
    assert ids_of(demo, q="ferries OR wetland") == having("ferries") | having("wetland")
    assert ids_of(demo, q="robotics NOT forklifts") == having("robotics") - having("forklift")
    assert ids_of(demo, q="robotics -forklifts") == having("robotics") - having("forklift")
    assert ids_of(demo, q="dockwork*") == having("dockwork")


def test_field_queries(demo, demo_records):
    assert ids_of(demo, q="speaker:harkin") == {r["id"] for r in demo_records if any("Harkin" in s["name"] for s in r["speakers"])}
    assert ids_of(demo, q='issuer:"brightline robotics"') == {r["id"] for r in demo_records if r["issuer"] == "Brightline Robotics"}
    assert ids_of(demo, q="title:budget") == {r["id"] for r in demo_records if "budget" in r["title"].lower()}


@pytest.mark.parametrize("query,prefix", [("date:2024", "2024"), ("date:2025-06", "2025-06"), ("date:2024-11-07", "2024-11-07")])
def test_date_queries(demo, demo_records, query, prefix):
    assert ids_of(demo, q=query) == {r["id"] for r in demo_records if r["date"].startswith(prefix)}


def test_date_range_query_and_from_to(demo, demo_records):
    expected = {r["id"] for r in demo_records if "2024-01-01" <= r["date"] <= "2024-06-30"}
    assert ids_of(demo, q="date:2024-01-01..2024-06-30") == expected
    assert ids_of(demo, date_from="2024-01-01", date_to="2024-06") == expected


@pytest.mark.parametrize("query,ignored", [
    ('"drought plan', "an unmatched quote"),
    ("(water OR drought", None),
    ("water)", "an unmatched parenthesis"),
    ("AND water", "a lone AND"),
    ("speaker: water", "speaker: with nothing after it"),
    ("date:2024-13 water", "date:2024-13 (not a date; use 2024, 2024-03, 2024-03-15 or 2024-01-01..2024-03-31)"),
    ('water OR day:"1 2"', 'day: (not a field; searched "1 2" as words; fields are title, speaker, issuer, topic, '
                           'tag, source, wire, status, exact and date)'),
    ("water OR f_topic:x", "f_topic: (not a field; searched x as words; fields are title, speaker, issuer, topic, "
                           "tag, source, wire, status, exact and date)"),
])
def test_malformed_queries_fall_back_and_say_what_was_ignored(demo, query, ignored):
    result = search(demo, SearchRequest(q=query))
    assert result.total >= 1
    if ignored:
        assert ignored in result.ignored


def test_noise_never_errors(demo):
    noise = "".join(random.Random(7).choice('ab"():*-~^[]{}\\/ ORANDNOT') for _ in range(5000))
    result = search(demo, SearchRequest(q=noise))
    assert result.ignored


def test_values_of_one_facet_or_and_facets_and(demo, demo_records):
    picked = {"topic": ["education", "health"], "issuer": ["Office of Representative Carmen Ibarra"]}
    expected = {r["id"] for r in demo_records if set(r["topics"]) & {"education", "health"}
                and r["issuer"] == "Office of Representative Carmen Ibarra"}
    result = search(demo, SearchRequest(filters=picked, page_size=100))
    assert {h.id for h in result.hits} == expected and result.total == len(expected) >= 1


def test_each_facet_is_counted_without_its_own_filter(demo, demo_records):
    result = search(demo, SearchRequest(filters={"topic": ["education"]}, facet_limit=50))
    topics = {v.value: v.count for v in next(f for f in result.facets if f.name == "topic").values}
    assert topics == dict(Counter(t for r in demo_records for t in r["topics"]))
    issuers = {v.value: v.count for v in next(f for f in result.facets if f.name == "issuer").values}
    assert issuers == dict(Counter(r["issuer"] for r in demo_records if "education" in r["topics"]))


def test_facet_counts_equal_the_hits_the_filter_then_returns(demo):
    result = search(demo, SearchRequest(q="water OR health OR school", facet_limit=50))
    for facet in result.facets:
        for value in facet.values:
            narrowed = search(demo, SearchRequest(q="water OR health OR school", filters={facet.name: [value.value]}))
            assert narrowed.total == value.count, (facet.name, value.value)


def test_search_within_a_facets_values(demo):
    result = search(demo, SearchRequest(facet_search={"speaker": "harkin"}))
    speakers = next(f for f in result.facets if f.name == "speaker")
    assert [(v.value, v.count) for v in speakers.values] == [("Dolores Harkin", 2)]


def test_top_n_values_with_more(demo):
    result = search(demo, SearchRequest(facet_limit=3))
    speakers = next(f for f in result.facets if f.name == "speaker")
    assert len(speakers.values) == 3 and speakers.more


def test_histogram_drills_down_year_month_day(demo, demo_records):
    years = search(demo, SearchRequest())
    assert years.histogram_level == "year"
    assert {b.key: b.count for b in years.histogram} == dict(Counter(r["date"][:4] for r in demo_records))
    months = search(demo, SearchRequest(date_from="2024", date_to="2024"))
    assert months.histogram_level == "month"
    assert {b.key: b.count for b in months.histogram} == dict(Counter(r["date"][:7] for r in demo_records if r["date"].startswith("2024")))
    days = search(demo, SearchRequest(date_from="2024-05", date_to="2024-05"))
    assert days.histogram_level == "day"
    assert {b.key: b.count for b in days.histogram} == dict(Counter(r["date"] for r in demo_records if r["date"].startswith("2024-05")))


def test_paging_covers_every_hit_once(demo, demo_records):
    pages = [search(demo, SearchRequest(sort="oldest", page=n, page_size=7)) for n in range(1, 6)]
    assert pages[0].pages == 5
    seen = [h.id for p in pages for h in p.hits]
    assert len(seen) == len(set(seen)) == len(demo_records)
    assert [h.date for p in pages for h in p.hits] == sorted(r["date"] for r in demo_records)


def test_passages_mark_matched_words(demo):
    result = search(demo, SearchRequest(q="wetlands"))
    assert any("<mark>Wetlands</mark>" in p or "<mark>wetland</mark>" in p for h in result.hits for p in h.passages)


def test_did_you_mean_offers_a_spelling_that_finds_more(demo):
    result = search(demo, SearchRequest(q="drougth"))
    assert result.total == 0 and result.did_you_mean == "drought"


def test_matching_releases_streams_all_hits_in_order(demo, demo_records):
    got = [(r.date, r.id) for r in matching_releases(demo, SearchRequest(sort="oldest"))]
    assert len(got) == len({i for _d, i in got}) == len(demo_records)
    assert [d for d, _i in got] == sorted(r["date"] for r in demo_records)
    newest = [r.id for r in matching_releases(demo, SearchRequest(sort="newest"))]
    assert newest == [h.id for h in search(demo, SearchRequest(sort="newest", page_size=100)).hits]
    ranked = [r.id for r in matching_releases(demo, SearchRequest(q="water OR school"))]
    assert ranked == [h.id for h in search(demo, SearchRequest(q="water OR school", page_size=100)).hits]


def test_release_text_is_escaped_in_passages(tmp_path: Path):
    home = IndexHome(tmp_path / "index")
    run_index([FIXTURES / "hostile.html"], home, jobs=1)
    reader = IndexReader(home)
    result = search(reader, SearchRequest(q="safety"))
    passages = " ".join(p for h in result.hits for p in h.passages)
    assert "<mark>Safety</mark>" in passages
    assert "<script" not in passages and "onerror" not in passages.replace("&", "")
    reader.close()


@needs_shared
def test_on_real_samples_facet_counts_equal_filtered_hits_for_random_pairs(samples, sample_records):
    rng = random.Random(42)
    words = ["fraud", "health", "bitcoin", "senate", "water", "police", "energy", "school", "court", "tax"]
    for _ in range(30):
        q = rng.choice(words)
        result = search(samples, SearchRequest(q=q, facet_limit=5))
        facet = rng.choice([f for f in result.facets if f.values] or result.facets)
        if not facet.values:
            continue
        value = rng.choice(facet.values)
        narrowed = search(samples, SearchRequest(q=q, filters={facet.name: [value.value]}))
        assert narrowed.total == value.count, (q, facet.name, value.value)


@needs_shared
def test_on_real_samples_topic_counts_match_the_export(samples, sample_records):
    result = search(samples, SearchRequest(facet_limit=50))
    topics = {v.value: v.count for v in next(f for f in result.facets if f.name == "topic").values}
    assert topics == dict(Counter(t for r in sample_records for t in r["topics"]))
    years = {b.key: b.count for b in result.histogram}
    assert years == dict(Counter(r["date"][:4] for r in sample_records if r["date"]))


@needs_shared
def test_on_real_samples_the_wire_facet_counts_each_wire_once_however_it_is_written(samples):
    wires = next(f for f in search(samples, SearchRequest(facet_limit=50)).facets if f.name == "wire")
    # NewMediaWire: 12 releases write "NEWMEDIAWIRE", 4 "NewMediaWire" (3 of the 16 name it only in their text);
    # News Direct: 10 releases write it so, 18 have only their folder's "newsdirect"
    assert {v.value: v.count for v in wires.values} == {
        "24-7PressRelease": 56, "IBN": 38, "News Direct": 28, "NewMediaWire": 16, "blockchainwire": 15, "citybiz": 14,
        "Newsworthy.ai": 11, "pressservices": 8, "Reportable": 4, "NOTICIAS NEWSWIRE": 3, "evertiseaipr": 2,
        "BUSINESS WIRE": 1, "GLOBE NEWSWIRE": 1, "Media OutReach Newswire": 1, "Prism": 1, "ThriveNewsWire": 1}


def test_copies_of_one_release_fold_into_one_hit_that_lists_them(tmp_path: Path):
    folder = tmp_path / "wire"
    (folder / "a").mkdir(parents=True)
    (folder / "b").mkdir()
    text = "# Harbor Opens\n\nTESSALY, May 2, 2024 /Wire/ -- The harbor opened to ships after four years of work on the new breakwater and the quays.\n"
    (folder / "a/harbor.md").write_text(text)
    (folder / "b/harbor-copy.md").write_text(text)
    (folder / "a/other.md").write_text("# Lighthouse Relit\n\nTESSALY, May 9, 2024 /Wire/ -- The lighthouse shines.\n")
    home = IndexHome(tmp_path / "index")
    run_index([folder], home, jobs=1)
    reader = IndexReader(home)
    for sort in ("relevance", "newest"):
        result = search(reader, SearchRequest(q="harbor", sort=sort))
        assert result.total == 1 and len(result.hits) == 1
        assert len(result.hits[0].copies) == 1
    assert search(reader, SearchRequest()).total == 2
    reader.close()


def test_one_speaker_facet_value_per_person_across_releases(tmp_path: Path):
    folder = tmp_path / "wire"
    folder.mkdir()
    for n, (who, day) in enumerate([("Loretta E. Lynch", 2), ("Loretta Lynch", 3), ("Loretta E. Lynch", 4), ("John Lynch", 5)]):
        (folder / f"r{n}.md").write_text(f'# Release {n}\n\nWASHINGTON, May {day}, 2016 /Wire/ -- "We act," said Attorney General {who}.\n')
    home = IndexHome(tmp_path / "index")
    run_index([folder], home, jobs=1)
    reader = IndexReader(home)
    speakers = next(f for f in search(reader, SearchRequest()).facets if f.name == "speaker")
    assert {v.value: v.count for v in speakers.values} == {"Loretta E. Lynch": 3, "John Lynch": 1}
    assert search(reader, SearchRequest(filters={"speaker": ["Loretta E. Lynch"]})).total == 3
    reader.close()


def test_one_wire_facet_value_however_datelines_and_folders_write_its_name(tmp_path: Path):
    folder = tmp_path / "wires"
    for n, (where, wire) in enumerate([("newmediawire/2024", ""), ("other/2024", "NEWMEDIAWIRE"),
                                       ("other/2024", "NEWMEDIAWIRE"), ("other/2024", "NEWMEDIAWIRE"),
                                       ("other/2024", "NewMediaWire"), ("other/2024", "NewMediaWire"),
                                       ("newsdirect/2024", ""), ("other/2024", "News Direct"),
                                       ("newsdirect/2024", "")]):
        (folder / where).mkdir(parents=True, exist_ok=True)
        line = f"BOSTON, May {n + 10}, 2024 /{wire}/ --" if wire else f"BOSTON, May {n + 10}, 2024 --"
        (folder / where / f"r{n}.md").write_text(f"# Release {n}\n\n{line} The harbour office closed the pier.\n")
    home = IndexHome(tmp_path / "index")
    run_index([folder], home, jobs=1)
    reader = IndexReader(home)
    # The spelling shown is the most frequent, all capitals only where there is no other; a slug outnumbering
    # the name as written ("newsdirect", the folder of two releases that never write it) wins.
    assert sorted(r.wire for r in reader.iter_releases()) == [
        "NEWMEDIAWIRE", "NEWMEDIAWIRE", "NEWMEDIAWIRE", "NewMediaWire", "NewMediaWire", "News Direct", "newmediawire",
        "newsdirect", "newsdirect"]
    wires = next(f for f in search(reader, SearchRequest()).facets if f.name == "wire")
    assert {v.value: v.count for v in wires.values} == {"NewMediaWire": 6, "newsdirect": 3}
    for spelled in ("newmediawire", "NEWMEDIAWIRE", "New Media Wire", "NewMediaWire"):
        narrowed = search(reader, SearchRequest(filters={"wire": [spelled]}))
        assert narrowed.total == 6, spelled
        shown = next(f for f in narrowed.facets if f.name == "wire").values
        assert [(v.value, v.count, v.selected) for v in shown] == [("NewMediaWire", 6, True), ("newsdirect", 3, False)]
    assert search(reader, SearchRequest(filters={"wire": ["News Direct"]})).total == 3
    reader.close()


def test_one_issuer_facet_value_however_an_export_cases_the_name(tmp_path: Path):
    folder = tmp_path / "export"
    folder.mkdir()
    authors = ["Tessaly Harbour Authority", "TESSALY HARBOUR AUTHORITY", "Tessaly Harbour Authority", "Tessaly Port Council"]
    (folder / "releases.jsonl").write_text("".join(
        json.dumps({"title": f"Pier notice {n}", "date": f"2024-05-{n + 10}", "author": who,
                    "text": "The harbour office closed the pier after the storm."}) + "\n"
        for n, who in enumerate(authors)))
    home = IndexHome(tmp_path / "index")
    run_index([folder], home, jobs=1)
    reader = IndexReader(home)
    issuers = next(f for f in search(reader, SearchRequest()).facets if f.name == "issuer")
    assert {v.value: v.count for v in issuers.values} == {"Tessaly Harbour Authority": 3, "Tessaly Port Council": 1}
    reader.close()


def test_a_field_clause_naming_a_facet_value_matches_like_the_facet(demo, demo_records):
    expected = {r["id"] for r in demo_records if "education" in r["topics"]}
    assert ids_of(demo, q='topic:"education"') == expected
    assert ids_of(demo, q="topic:Education") == expected
    both = {r["id"] for r in demo_records if "education" in r["topics"] and "teacher" in " ".join(r["paragraphs"]).lower()}
    assert ids_of(demo, q="teachers topic:education") == both
    either = ids_of(demo, q="topic:education OR topic:sport")
    assert either == {r["id"] for r in demo_records if set(r["topics"]) & {"education", "sport"}}


def test_phrases_match_inflected_forms_and_exact_asks_for_the_words_as_typed(tmp_path: Path):
    folder = tmp_path / "wire"
    folder.mkdir()
    (folder / "a.md").write_text("# A\n\nTESSALY, May 2, 2024 /Wire/ -- The council defended voting rights today.\n")
    (folder / "b.md").write_text("# B\n\nTESSALY, May 3, 2024 /Wire/ -- The council defended the voting right of members.\n")
    (folder / "c.md").write_text("# C\n\nTESSALY, May 4, 2024 /Wire/ -- Voting matters, rights too, and more voting.\n")
    home = IndexHome(tmp_path / "index")
    run_index([folder], home, jobs=1)
    reader = IndexReader(home)

    def titles(q: str) -> list[str]:
        return sorted(h.title for h in search(reader, SearchRequest(q=q)).hits)

    assert titles("voting right") == ["A", "B", "C"]
    assert titles('"voting right"') == ["A", "B"], "a phrase finds its inflected forms, word for word"
    assert titles('"voting rights"') == ["A", "B"]
    assert titles('exact:"voting rights"') == ["A"], "exact: keeps the words as typed"
    assert titles('exact:"voting right"') == ["B"]
    assert titles('exact:rights') == ["A", "C"]
    assert titles('"voting righ*"') == ["A", "B"], "a * ending a phrase stands for the words it begins"
    assert titles('"voting rights*"') == ["A"]
    assert titles('"voting zzz*"') == []
    marked = {h.title: " ".join(h.passages) for h in search(reader, SearchRequest(q='"voting rights"')).hits}
    assert "<mark>voting rights</mark>" in marked["A"] and "<mark>voting right</mark>" in marked["B"], \
        "a phrase is marked whole, in the form the release has"
    hit = search(reader, SearchRequest(q='"defended the voting right"')).hits[0]
    assert "council <mark>defended the voting right</mark> of" in " ".join(hit.passages)
    hit = next(h for h in search(reader, SearchRequest(q='"voting right" OR more')).hits if h.title == "C")
    assert hit.title == "C" and "<mark>more</mark>" in hit.passages[0] and "<mark>voting" not in hit.passages[0]
    reader.close()


def test_equally_relevant_releases_come_newest_first_and_undated_last(tmp_path: Path):
    folder = tmp_path / "wire"
    folder.mkdir()
    days = ["2024-08-12", "2021-01-15", "2025-11-30", "2023-07-14", "2022-03-19", "2024-12-24", "2020-06-11"]
    for n, day in enumerate(days):  # as many words in each; file names that sort neither by date nor its reverse
        when = date.fromisoformat(day).strftime("%B %-d, %Y")
        (folder / f"{'kqbxmwz'[n]}.md").write_text(f"# Pier {n}\n\nTESSALY, {when} /Wire/ -- The harbour office closed the pier.\n")
    (folder / "u.md").write_text("# Pier 7\n\nTESSALY /Wire/ -- The harbour office closed the pier. Ferries resume soon.\n")
    home = IndexHome(tmp_path / "index")
    run_index([folder], home, jobs=1)
    reader = IndexReader(home)
    hits = search(reader, SearchRequest(q="harbour pier")).hits
    assert len({h.score for h in hits}) == 1
    assert [h.date for h in hits] == sorted(days, reverse=True) + [""]
    second = search(reader, SearchRequest(q="harbour pier", page=2, page_size=3)).hits
    assert [h.date for h in second] == sorted(days, reverse=True)[3:6]
    reader.close()


def test_related_releases_share_speakers_or_labels(demo, demo_records):
    from archive.search import related

    record = next(r for r in demo_records if r["title"].startswith("Calder Valley Water District Adopts"))
    found = related(demo, record["id"])
    assert found and record["id"] not in {h.id for h in found}
    first = next(r for r in demo_records if r["id"] == found[0].id)
    assert {s["name"] for s in first["speakers"]} & {s["name"] for s in record["speakers"]}


def test_remembered_matches_stay_within_their_memory_budget(demo, monkeypatch):
    """At a million releases one common word's matches take megabytes: the cache is bounded by size too."""
    from archive import matching

    matching.clear_cache()
    monkeypatch.setattr(matching, "_CACHE_BYTES", 100)
    for q in ["drought", "robotics", "budget", "ferries", "wetland"]:
        assert search(demo, SearchRequest(q=q)).total
    assert matching.cache_bytes() <= 100 or matching.cache_len() == 1
    assert matching.cache_len() < 10
    matching.clear_cache()
