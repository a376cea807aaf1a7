"""The denial-of-service attacks of the security probe (H2, M6), each reproduced: every count a visitor
controls is capped with a message, a search answers within its time budget or says it could not (503 with
Retry-After on the web), and no slow step holds the lock other requests need."""

from __future__ import annotations

import threading
import time

import pytest
from whoosh.searching import Searcher

from archive import limits, matching, postings
from archive.limits import MAX_EXPANSION, MAX_SPELL_WORDS, SearchTimeout
from archive.search import SearchRequest, search
from archive.spelling import Vocabulary
from archive.store import IndexHome, IndexReader
from indexer.build import run_index

UNKNOWN = ["gojpqba", "vggzmvm", "qdqwntr", "btphawm", "swsxkul"]


@pytest.fixture()
def no_whoosh_matching(monkeypatch):
    """Whoosh's own matchers walk posting lists in Python under the lock: the product never falls back to them."""
    def refuse(*_args, **_kwargs):
        raise AssertionError("a search fell back to Whoosh's matchers")

    monkeypatch.setattr(Searcher, "search", refuse)
    monkeypatch.setattr(Searcher, "docs_for_query", refuse)


def spell_checks(monkeypatch) -> list[str]:
    checked: list[str] = []
    original = Vocabulary.candidates

    def counted(self, word, distance):  # type: ignore[no-untyped-def]
        checked.append(word)
        return original(self, word, distance)

    monkeypatch.setattr(Vocabulary, "candidates", counted)
    return checked


@pytest.mark.parametrize("count", [5, 300])
def test_unknown_words_are_spell_checked_up_to_the_cap(demo, monkeypatch, count):
    checked = spell_checks(monkeypatch)
    words = [UNKNOWN[i % 5] + "abcdefghij"[i // 5 % 10] + "klmnopqrst"[i // 50 % 10] for i in range(count)]
    started = time.perf_counter()
    result = search(demo, SearchRequest(q=" ".join(words)))
    assert time.perf_counter() - started < 2
    assert result.total == 0 and len(checked) <= MAX_SPELL_WORDS


@pytest.mark.parametrize("q", ["*a*", "*e* OR *a* OR *i* OR *o* OR *u*", " OR ".join(f"{c}*" for c in "abcdefghijklmnopqrstuvwxyz"),
                               "[a TO z]", "a* b*", "?a?"])
def test_leading_wildcards_short_prefixes_and_ranges_are_refused_with_a_message(demo, no_whoosh_matching, q):
    started = time.perf_counter()
    result = search(demo, SearchRequest(q=q))
    assert time.perf_counter() - started < 1
    assert result.total == 0 and result.ignored


@pytest.mark.parametrize("q", [" ".join(["a"] * 1000), " ".join(["\ufdfa"] * 1000), "\ufdfa" * 1000,
                               '"' + " ".join(["the"] * 200) + '"', "(" * 999, "NOT " * 250 + "water"])
def test_long_repetitive_queries_cost_little(demo, no_whoosh_matching, q):
    started = time.perf_counter()
    result = search(demo, SearchRequest(q=q))
    assert time.perf_counter() - started < 1
    assert result.ignored or result.total >= 0


@pytest.fixture(scope="module")
def many_words(tmp_path_factory: pytest.TempPathFactory) -> IndexReader:
    """One release holding 600 words that share the prefix ``zq``."""
    folder = tmp_path_factory.mktemp("prefix") / "wire"
    folder.mkdir()
    words = " ".join(f"zq{n:03d}x" for n in range(600))
    (folder / "words.md").write_text(f"# Word List\n\nTESSALY, May 2, 2024 /Wire/ -- The list: {words}.\n")
    home = IndexHome(folder.parent / "index")
    run_index([folder], home, jobs=1)
    reader = IndexReader(home)
    yield reader
    reader.close()


def test_a_prefix_standing_for_too_many_words_is_dropped_with_a_message(many_words, no_whoosh_matching):
    assert MAX_EXPANSION < 600
    refused = search(many_words, SearchRequest(q="zq*"))
    assert refused.total == 0 and any(f"more than {MAX_EXPANSION} words start with “zq”" in i for i in refused.ignored)
    assert search(many_words, SearchRequest(q="zq1*")).total == 1, "a prefix of 100 words is searched"


def test_a_search_over_its_budget_raises_and_the_site_answers_503_with_retry_after(demo_home, demo, monkeypatch):
    matching.clear_cache()
    with pytest.raises(SearchTimeout):
        search(demo, SearchRequest(q="harbor council"), seconds=0)
    from web import create_app

    monkeypatch.setattr(limits, "SEARCH_SECONDS", 0)
    client = create_app({"INDEX_PATH": str(demo_home.path)}).test_client()
    for path in ("/api/search?q=ferries+budget", "/?q=robotics+council", "/export.csv?q=wetland+school"):
        matching.clear_cache()
        response = client.get(path)
        assert response.status_code == 503, path
        assert response.headers["Retry-After"] == str(limits.RETRY_AFTER_SECONDS)
        assert "Traceback" not in response.get_data(as_text=True)
    assert client.get("/api/search?q=ferries+budget").get_json()["error"] == "Search took too long"


def _search_in_a_thread_meanwhile(reader_or_snap, q: str) -> bool:
    """Run another search on the same generation from another thread; True if it finished (was not blocked).
    Callers hook it into a step of their search once (``started``), not into the other search's steps."""
    done = threading.Event()

    def other() -> None:
        search(reader_or_snap, SearchRequest(q=q, passages=False), seconds=None)
        done.set()

    thread = threading.Thread(target=other, daemon=True)
    thread.start()
    return done.wait(timeout=15)


def test_spelling_suggestions_do_not_hold_the_lock_other_searches_need(demo, monkeypatch):
    finished: list[bool] = []
    started: list[bool] = []
    original = Vocabulary.candidates
    with demo.snapshot() as snap:
        def meanwhile(self, word, distance):  # type: ignore[no-untyped-def]
            if not started:
                started.append(True)
                finished.append(_search_in_a_thread_meanwhile(snap, "ferries budget"))
            return original(self, word, distance)

        monkeypatch.setattr(Vocabulary, "candidates", meanwhile)
        search(snap, SearchRequest(q=" ".join(UNKNOWN)))
    assert finished == [True]


def test_reading_posting_lists_does_not_hold_the_lock_other_searches_need(demo, monkeypatch):
    finished: list[bool] = []
    started: list[bool] = []
    original = postings._split_blocks
    matching.clear_cache()
    with demo.snapshot() as snap:
        def meanwhile(raw):  # type: ignore[no-untyped-def]
            if not started:
                started.append(True)
                finished.append(_search_in_a_thread_meanwhile(snap, "wetland OR school"))
            return original(raw)

        monkeypatch.setattr(postings, "_split_blocks", meanwhile)
        search(snap, SearchRequest(q="the water district OR reservoir", passages=False), seconds=None)
    assert finished == [True], "the other search waited for this one"


def test_the_caps_are_listed_in_one_place():
    caps = limits.caps()
    assert {"MAX_QUERY_CHARS", "MAX_QUERY_TERMS", "MAX_PHRASE_WORDS", "MIN_PREFIX", "MAX_EXPANSION",
            "MAX_SPELL_WORDS", "MAX_SPELL_LENGTH", "SEARCH_SECONDS"} <= set(caps)


def test_the_demo_corpus_answers_every_readme_query_without_whoosh(demo, no_whoosh_matching):
    for q in ["drought reservoirs", '"mental health"', "ferries OR wetland", "robotics NOT forklifts",
              "robotics -forklifts", "(court OR judge) budget", "dockwork*", "title:budget", "speaker:harkin",
              'issuer:"brightline robotics"', "topic:education", "tag:water", "source:wire", "wire:newmediawire",
              "date:2024", "date:2024-03", "date:2024-01-01..2024-03-31"]:
        search(demo, SearchRequest(q=q))


def test_search_budget_charges_the_search_cpu_time_not_time_spent_waiting() -> None:
    """A cheap search that waits behind other requests (or a re-index) is not failed for their work; one that
    keeps the processor busy past its budget is, and no search holds a worker past the wall-clock limit."""
    waiting = limits.Deadline(0.05)
    time.sleep(0.15)  # waiting for the GIL, a lock or a core costs this thread no CPU time
    waiting.check()

    busy = limits.Deadline(0.05)
    with pytest.raises(SearchTimeout):
        end = time.monotonic() + 5
        while time.monotonic() < end:
            sum(range(10_000))
            busy.check()

    stuck = limits.Deadline(10, wall_seconds=0.05)
    time.sleep(0.1)
    with pytest.raises(SearchTimeout):
        stuck.check()
    limits.NO_DEADLINE.check()
