"""The quote finder: a passage pasted as found — misquoted, cut, reordered — leads to the release and paragraph
that hold it, its speaker and date; copies are grouped with the earliest first; anything else is "no match"."""

from __future__ import annotations

import pytest

from archive.alignment import folded_words
from archive.limits import MAX_QUOTE_WORDS, SearchTimeout
from archive.quotes import find_quote, looks_like_quote
from archive.store import IndexHome, IndexReader
from indexer.build import run_index

from .conftest import needs_shared

GILES = "justice-north-america-s-largest-lead-producer-spend-65-2df2e597"  # DOJ, 2010: a quote without quote marks
CARBAJAL = "weber-documentsingle-aspx-3d2d1d25"  # Congress, 2022: curly quotes
LEE = "lee-aids-fd78e40e"  # Congress, 2001


def paragraph_holding(reader: IndexReader, release_id: str, words: str) -> int:
    release = reader.get(release_id)
    wanted = " ".join(folded_words(words))
    return next(n for n, p in enumerate(release.paragraphs, start=1) if wanted in " ".join(folded_words(p)))


def top(result):  # type: ignore[no-untyped-def]
    assert result.groups, result.message
    return result.groups[0].first


@needs_shared
@pytest.mark.parametrize("passage", [
    # as the release gives it (the DOJ page lost its apostrophes: "Doe Runs facilities")
    "For years families with children near Doe Runs facilities have been exposed to unacceptable levels of lead",
    # an apostrophe, curly quotes, other case and punctuation
    "\u201cFor years, families with children near Doe Run\u2019s facilities have been exposed to UNACCEPTABLE levels of lead\u201d",
    # words dropped and one changed
    "families near Doe Run facilities have been exposed to dangerous levels of lead, one of the most dangerous neurotoxins",
    # two typos
    "For years familes with children near Doe Runs facilities have been exposde to unacceptable levels of lead",
    # clauses swapped
    "one of the most dangerous neurotoxins in the environment, for years families with children near Doe Runs "
    "facilities have been exposed to unacceptable levels of lead",
    # cut at both ends, an ellipsis in the middle
    "children near Doe Runs facilities \u2026 one of the most dangerous neurotoxins",
])
def test_a_misquoted_passage_finds_its_release_paragraph_and_speaker(samples, passage):
    match = top(find_quote(samples, passage, seconds=None))
    assert (match.release_id, match.paragraph) == (GILES, paragraph_holding(samples, GILES, "Doe Runs facilities"))
    assert match.speaker == "Cynthia Giles"
    assert match.date == "2010-10-08"
    assert 0.6 <= match.score <= 1.0


@needs_shared
def test_words_that_differ_are_named_and_marked_on_both_sides(samples):
    match = top(find_quote(samples, "The urgency to call for a state of emergency on AIDS in minority communities is clear",
                           seconds=None))
    assert match.release_id == LEE and match.speaker == "Barbara Lee"
    assert match.theirs == ["HIV"] and match.yours == []
    assert '<mark class="differs">HIV</mark>' in match.marked
    assert match.marked.count("<mark>") == 1  # one stretch matched


@needs_shared
def test_a_curly_quoted_congress_quote_reordered_finds_the_speaker(samples):
    passage = ("they actively put the safety of those incarcerated at BOP facilities at risk; staffing shortages don't "
               "just put unnecessary burdens on the public safety officers")
    match = top(find_quote(samples, passage, seconds=None))
    assert match.release_id == CARBAJAL
    assert match.paragraph == paragraph_holding(samples, CARBAJAL, "actively put the safety of those incarcerated")
    assert match.speaker == "Carbajal"


@needs_shared
@pytest.mark.parametrize("passage", [
    "The committee will meet in Whitehorse next spring to review the territory's new land-use plan for the Peel watershed",
    "Our museum's spring exhibition brings together two hundred objects from the ancient kingdoms of the Nile valley",
    "The students presented their research on marine mammals at the annual symposium in Santa Cruz last weekend",
])
def test_a_passage_the_archive_does_not_hold_gets_no_match_not_the_nearest_release(samples, passage):
    result = find_quote(samples, passage, seconds=None)
    assert result.groups == [] and result.status == "no-match"
    assert "No release" in result.message


def test_too_short_too_long_and_over_budget_are_bounded(demo):
    assert find_quote(demo, "water rates rise", seconds=None).status == "too-short"
    long = " ".join(f"word{i}" for i in range(1000))
    result = find_quote(demo, long, seconds=None)
    assert result.words == MAX_QUOTE_WORDS and any("80" in notice for notice in result.ignored)
    with pytest.raises(SearchTimeout):
        find_quote(demo, "Our deputies went door to door in water up to their chests", seconds=0)


def test_the_demo_corpus_quote_is_found_with_its_speaker(demo, demo_records):
    record = next(r for r in demo_records if "Flash Flood" in r["title"])
    match = top(find_quote(demo, "our deputies went door-to-door in water up to their chest", seconds=None))
    assert match.release_id == record["id"] and match.paragraph == 1
    assert match.speaker == "Dolores Harkin"


QUOTE = ("Clean water is not a luxury for the few but a promise we keep to every family in this valley,")


@pytest.fixture(scope="module")
def small_archive(tmp_path_factory) -> IndexReader:  # type: ignore[misc]
    """Three copies of one quote (the earliest worded a little differently), a council story, a lighthouse."""
    folder = tmp_path_factory.mktemp("quotes") / "releases"
    folder.mkdir()
    for name, day, title, said in (
            ("late.md", "June 3, 2024", "Governor Marks Water Week", QUOTE),
            ("early.md", "March 15, 2021", "Governor Signs Clean Water Act", QUOTE.replace("we keep", "we make")),
            ("middle.md", "May 1, 2022", "Valley Water Plan Adopted", QUOTE)):
        (folder / name).write_text(f'# {title}\n\nTESSALY, {day} /Wire/ -- The state acted today.\n\n"{said}" '
                                   "said Governor Ada Whitcombe.\n")
    (folder / "council.md").write_text("# Council Budget\n\nTESSALY, May 9, 2024 /Wire/ -- The county council will vote "
                                       "next week on a budget that raises water rates for the valley's farms, the mayor said.\n")
    (folder / "other.md").write_text("# Unrelated\n\nTESSALY, May 9, 2024 /Wire/ -- The lighthouse shines again.\n")
    home = IndexHome(folder.parent / "index")
    run_index([folder], home, jobs=1)
    reader = IndexReader(home)
    yield reader
    reader.close()


def test_copies_of_a_quote_are_one_group_with_the_earliest_first(small_archive):
    result = find_quote(small_archive, "clean water isn't a luxury for the few, it's a promise we keep to every family",
                        seconds=None)
    assert len(result.groups) == 1
    group = result.groups[0]
    assert [m.date for m in group.matches] == ["2021-03-15", "2022-05-01", "2024-06-03"]
    assert group.first.title == "Governor Signs Clean Water Act"  # though the later copies match the words better
    assert group.first.score < group.matches[1].score
    assert result.to_dict()["groups"][0]["first_said"] == "2021-03-15"
    assert all(m.speaker == "Ada Whitcombe" and m.paragraph == 2 for m in group.matches)


def test_a_sentence_on_the_same_subject_in_other_words_is_no_match(small_archive):
    result = find_quote(small_archive, "The county council voted last year against a budget that would cut school "
                                       "funds in the valley", seconds=None)
    assert result.groups == [] and result.compared >= 1  # compared, and found too different


def test_the_search_box_offers_the_quote_finder_only_for_sentences():
    assert looks_like_quote("we will not rest until every family has clean water")
    assert looks_like_quote("\u201cOur deputies went door to door in water up to their chests\u201d")
    for query in ("opioid treatment", "fraud OR bribery in health care and hospitals", "speaker:sessions says fraud is bad now",
                  "terror* attacks on the embassy in the city", ""):
        assert not looks_like_quote(query), query


@needs_shared
@pytest.mark.parametrize("compared", [5, 40])
def test_reading_the_rarest_words_first_compares_the_releases_reading_all_of_them_would(samples, monkeypatch,
                                                                                        compared):
    """The candidate lookup stops reading a passage's commoner words once they could not change the releases
    compared, and looks up only the releases that could still be compared in them: the releases it compares
    include every one that reading all six words for every release would have chosen."""
    import math

    import numpy as np

    from archive import quotes
    from archive.evaluate import evaluate
    from archive.limits import NO_DEADLINE, QUOTE_LOOKUP_WORDS
    from archive.query import parse_query, tokens

    monkeypatch.setattr(quotes, "MAX_QUOTE_CANDIDATES", compared)
    reads = []
    documents_with = quotes.documents_with
    narrowed = []  # look-ups of a commoner word only for the releases that could still be among the first

    def counted(*args, **kwargs):
        reads.append(1)
        narrowed.append(args[-1] is not None)
        return documents_with(*args, **kwargs)

    monkeypatch.setattr(quotes, "documents_with", counted)
    stopped_early = 0
    with samples.snapshot() as snap:
        # Every 25th release by id: the index's document order depends on which worker finished first.
        everyone = sorted((snap.release_at(d) for d in range(snap.tables.size)), key=lambda r: r.id)
        releases = everyone[::25]
        for release in releases:
            paragraph = max(release.paragraphs, key=len, default="")
            words = paragraph.split()
            if len(words) < 12:
                continue
            passage = " ".join(words[len(words) // 2 - 6:len(words) // 2 + 6])
            reads.clear()
            docs, _mass = quotes._candidates(snap, passage, NO_DEADLINE)
            read = len(reads)
            # What reading all of the passage's six rarest words gives: the order before the early stop.
            df = quotes._frequencies(snap, list(dict.fromkeys(tokens("exact", passage))))
            rare = sorted((t for t in df if df[t]), key=lambda t: (df[t], t))[:QUOTE_LOOKUP_WORDS]
            mass = np.zeros(snap.tables.size)
            for term in rare:
                found = evaluate(snap.searcher, parse_query(f'exact:"{term}"').whoosh, snap.lock, NO_DEADLINE)
                mass[found[0][found[0] < snap.tables.size]] += math.log(1 + snap.tables.size / df[term])
            mass[~(snap.tables.live | (snap.tables.leader != np.arange(snap.tables.size)))] = 0
            total = sum(math.log(1 + snap.tables.size / df[t]) for t in rare)
            full = np.flatnonzero(mass >= quotes.MIN_CANDIDATE_SHARE * total)
            full = full[np.argsort(-mass[full], kind="stable")]
            if len(full) > compared:  # only the releases clearly among the first (ties at the cut go either way)
                full = full[mass[full] > mass[full[compared]]]
            assert set(full[:compared].tolist()) <= set(docs[:compared].tolist()), passage
            stopped_early += read < len(rare)
    assert stopped_early >= 5  # the early stop is taken, not dead code
    assert sum(narrowed) >= (10 if compared == 5 else 1)  # and so is the narrowed look-up (rarer for 40)


def test_the_paragraphs_holding_a_passages_telling_words_are_those_each_paragraph_check_finds(demo):
    """The quote finder searches a whole release at once for the passage's weightiest words: the paragraphs it
    then compares are exactly those that hold one of them (case and apostrophes aside), in order."""
    from archive.alignment import without_apostrophes
    from archive.quotes import _paragraphs_holding

    def each(paragraphs: list[str], words: list[str]) -> list[int]:
        return [i for i, p in enumerate(paragraphs) if any(w in without_apostrophes(p.casefold()) for w in words)]

    made = ["The Senator\u2019s bill passed.", "", "Nothing here.", "BILL and bill again", "a senators bill", "x"]
    assert list(_paragraphs_holding(made, ["senators"])) == [0, 4]
    assert list(_paragraphs_holding(made, ["bill", "nothing"])) == [0, 2, 3, 4]
    assert list(_paragraphs_holding(made, ["x"])) == [5]
    assert list(_paragraphs_holding(made, [])) == list(range(len(made)))
    checked = 0
    for release in demo.iter_releases():
        folded = folded_words(" ".join(release.paragraphs))
        for words in (folded[:4], folded[-2:], [w for w in folded if len(w) > 6][:3], ["zzzz"]):
            assert list(_paragraphs_holding(release.paragraphs, words)) == each(release.paragraphs, words)
            checked += 1
    assert checked >= 20


def test_the_quote_benchmark_splits_a_calls_time_into_its_phases_and_puts_the_finder_back(demo):
    """``benchmarks/quotes.py`` reports where the time goes (look-up, loading, alignment) by wrapping the finder's
    parts for one call; afterwards the finder is as it was."""
    from archive import quotes
    from benchmarks.quotes import Phases

    before = quotes._candidates, quotes._match
    release = next(r for r in demo.iter_releases() if len(max(r.paragraphs, key=len).split()) >= 12)
    passage = " ".join(max(release.paragraphs, key=len).split()[:12])
    with demo.snapshot() as snap, Phases(snap) as phase:
        result = find_quote(snap, passage, seconds=None)
    assert (quotes._candidates, quotes._match) == before and "release_at" not in vars(snap)
    assert result.groups and min(phase.ms.values()) > 0
    summary = Phases.summary([3.0, 1.0], [{"lookup": 1.0, "load": 0.0, "align": 2.0}, {"lookup": 1.0, "load": 0.0, "align": 0.0}])
    assert summary == {"all": {"lookup": 1.0, "load": 0.0, "align": 1.0},
                       "slowest_5_percent": {"lookup": 1.0, "load": 0.0, "align": 2.0}}
