"""Did you mean: whole words of the index's own unstemmed vocabulary, for words that are absent or rare,
from each field's own words, at a cost bounded whatever is typed."""

from __future__ import annotations

import random

import pytest

from archive.search import SearchRequest, search
from archive.spelling import Vocabulary, interior_slip
from archive.suggest import speller

from .conftest import FIXTURES, needs_shared

MISSPELLINGS = [line.rstrip("\n").split("\t") for line in (FIXTURES / "misspellings.tsv").read_text().splitlines()
                if line.strip() and not line.startswith("#")]


def suggestion(reader, q: str) -> str:
    return search(reader, SearchRequest(q=q, passages=False)).did_you_mean


def test_a_misspelt_word_gets_the_whole_word_of_the_archive(demo):
    assert suggestion(demo, "drougth") == "drought"
    assert suggestion(demo, "Drougth plan") == "Drought plan", "the typed capitals are kept"


def test_field_words_are_corrected_from_their_own_field(demo):
    assert suggestion(demo, "speaker:harkn") == "speaker:harkin"
    assert suggestion(demo, "harkn") != "harkin" or suggestion(demo, "speaker:harkn") == "speaker:harkin"


def test_operators_phrases_and_negated_words_are_left_as_typed(demo):
    typed = '"water district" drougth -robotics date:2025 speaker:"Elena Vasquez"'
    assert suggestion(demo, typed) == typed.replace("drougth", "drought")
    assert suggestion(demo, "-drougth") == ""


def test_a_word_some_release_holds_is_only_corrected_for_a_slip_inside_it():
    assert interior_slip("opiod", "opioid") and interior_slip("antitrsut", "antitrust")
    assert not interior_slip("maker", "make") and not interior_slip("lang", "long") and not interior_slip("caro", "care")


@needs_shared
def test_real_misspellings_are_corrected_at_rank_one(samples):
    assert len(MISSPELLINGS) >= 100
    wrong = [(typed, intended, got) for typed, intended in MISSPELLINGS
             if (got := suggestion(samples, typed)).lower() != intended.lower()]
    share = 1 - len(wrong) / len(MISSPELLINGS)
    assert share >= 0.85, f"{share:.0%} corrected; wrong: {wrong}"
    print(f"{share:.1%} of {len(MISSPELLINGS)} corrected at rank 1; not: {wrong}")


@needs_shared
def test_correct_words_are_never_rewritten(samples):
    with samples.snapshot() as snap:
        vocabulary = speller(snap).vocabularies["exact"]
        drawn = random.Random(3).sample([w for w in vocabulary.words if w.isalpha()], 300)
        rewritten = [(w, got) for w in drawn + [i for _t, i in MISSPELLINGS] if (got := suggestion(snap, w))]
    assert rewritten == []


@needs_shared
@pytest.mark.parametrize("typed,expected", [("brbery", "bribery"), ("sentanced", "sentenced"),
                                            ("Lorreta Lynch", "Loretta Lynch"), ("antitrsut division", "antitrust division"),
                                            ("speaker:sesions", "speaker:sessions")])
def test_the_examples_of_the_issue(samples, typed, expected):
    assert suggestion(samples, typed) == expected


def test_candidates_are_only_words_of_nearly_the_same_length():
    vocabulary = Vocabulary(sorted(["cat", "cart", "carts", "cartography"], key=lambda w: (len(w), w)), [5, 9, 2, 1])
    assert [w for _d, _f, w in vocabulary.candidates("crat", 2)] == ["cart", "cat", "carts"]
    assert vocabulary.frequency("cart") == 9 and vocabulary.frequency("dog") == 0
