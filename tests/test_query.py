"""The query grammar: quotes protect their content, fields are read only where they are fields, what cannot
be searched is said (never silently turned into words or into every release), and names such as AT&T,
R&D, C++, 3M and 401(k) are searchable."""

from __future__ import annotations

import re

import pytest

from archive.query import parse_query
from archive.search import SearchRequest, search
from archive.store import IndexHome, IndexReader
from indexer.build import run_index

from .conftest import needs_shared

NAMES = {
    "att": "AT&T will extend fibre lines to the valley under the county agreement.",
    "rnd": "The R&D budget of the plant doubles, the company said on Monday.",
    "cpp": "Students will learn C++ and embedded systems at the new lab.",
    "3m": "3M agreed to pay the settlement over the earplug claims.",
    "401k": "Workers may move their 401(k) savings before the plan closes.",
    "update": "Update: water rates rise in May, the utility board decided after the hearing.",
    "report": "The date:2024 report of the audit office lists every late payment.",
    "plain": "The council met and talked about roads, bridges and the harbor dredging.",
}


@pytest.fixture(scope="module")
def names(tmp_path_factory: pytest.TempPathFactory):
    folder = tmp_path_factory.mktemp("names") / "wire"
    folder.mkdir()
    for n, (key, sentence) in enumerate(NAMES.items()):
        (folder / f"{key}.md").write_text(f"# Notice {key}\n\nTESSALY, May {n + 1}, 2024 /Wire/ -- {sentence}\n")
    home = IndexHome(folder.parent / "index")
    run_index([folder], home, jobs=1)
    reader = IndexReader(home)
    yield reader
    reader.close()


def found(reader: IndexReader, q: str) -> set[str]:
    return {h.title.removeprefix("Notice ") for h in search(reader, SearchRequest(q=q, page_size=100)).hits}


@pytest.mark.parametrize("q,key", [("AT&T", "att"), ("at&t", "att"), ("R&D", "rnd"), ("C++", "cpp"), ("3M", "3m"),
                                   ("401(k)", "401k"), ('"AT&T will"', "att"), ("title:notice R&D", "rnd")])
def test_names_with_symbols_find_exactly_their_release(names, q, key):
    assert found(names, q) == {key}


def test_quotes_protect_a_colon_and_field_names_inside_them(names):
    assert found(names, '"Update: water rates"') == {"update"}
    result = search(names, SearchRequest(q='"date:2024 report"'))
    assert [h.title for h in result.hits] == ["Notice report"] and not result.ignored


def test_a_query_of_stop_words_or_symbols_finds_nothing_and_says_why(names):
    for q in ["the", "the and of", "[a TO z]", "*a*", "-", "a*", '""']:
        result = search(names, SearchRequest(q=q))
        assert result.total == 0 and result.hits == [], q
        assert result.ignored, f"{q!r} gives no hit without saying why"
    assert "“the”" in search(names, SearchRequest(q="the")).ignored[0]
    with_the = sum(1 for s in NAMES.values() if re.search(r"\bthe\b", s, re.I))
    assert search(names, SearchRequest(q='"the"')).total == with_the, "quoted, a stop word is searched"


def test_an_empty_query_still_browses_everything(names):
    assert search(names, SearchRequest(q="  ")).total == len(NAMES)


def test_unknown_fields_and_bad_dates_are_reported_never_silently_searched(names):
    bad_date = search(names, SearchRequest(q="harbor date:yesterday"))
    assert bad_date.total == 1 and any("date:yesterday (not a date" in i for i in bad_date.ignored)
    assert found(names, "harbor date:yesterday") == found(names, "harbor"), "the bad date is not searched as words"
    unknown = search(names, SearchRequest(q="colour:harbor"))
    assert any(i.startswith("colour: (not a field") for i in unknown.ignored)
    reversed_range = search(names, SearchRequest(q="date:2024-05-03..2024-05-01"))
    assert reversed_range.total == 3 and "read as date:2024-05-01..2024-05-03" in reversed_range.ignored[0]


def test_or_binds_tighter_than_the_implicit_and(names):
    assert found(names, "roads OR fibre council") == {"plain"}
    assert found(names, "(roads OR fibre) council") == {"plain"}
    assert found(names, "roads OR fibre") == {"plain", "att"}
    assert found(names, "NOT roads NOT fibre") == set(NAMES) - {"plain", "att"}
    assert found(names, "fibre OR -roads") == set(NAMES) - {"plain"}


def test_typed_words_keep_where_they_stand_for_did_you_mean():
    parsed = parse_query('opiod "exact words" speaker:sesions -brbery')
    assert [(w.text, w.field, parsed.text[w.start:w.end]) for w in parsed.words] == [
        ("opiod", None, "opiod"), ("sesions", "speaker", "sesions")]


def test_caps_on_query_size_are_named():
    parsed = parse_query(" ".join(f"w{n}x" for n in range(100)))
    assert "everything after the first 32 words and phrases" in parsed.ignored
    assert len(parsed.words) == 32
    deep = parse_query("(" * 500 + "water" + ")" * 500)
    assert deep.whoosh is not None and any("nested more than" in i for i in deep.ignored)
    assert parse_query("x" * 5000).ignored == ["everything after the first 1000 characters"]
    long = parse_query('"' + " ".join(["word"] * 50) + '"')
    assert [len(q.words) for q in long.whoosh.subqueries] == [12, 12], "title or text, 12 words each"


@needs_shared
@pytest.mark.parametrize("name", ["R&D", "401(k)", "S&P"])  # no standalone 3M in the samples
def test_names_with_symbols_on_the_real_samples(samples, sample_records, name):
    pattern = re.compile(rf"(?<![\w&+.]){re.escape(name)}(?![\w&+])", re.IGNORECASE)  # $225.3M is one number
    expected = {r["id"] for r in sample_records if pattern.search(r["title"] + " " + " ".join(r["paragraphs"]))}
    result = search(samples, SearchRequest(q=name, page_size=100))
    assert expected and {h.id for h in result.hits} == expected

