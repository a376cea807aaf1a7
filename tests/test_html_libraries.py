"""The yardstick of benchmarks/html_libraries.py: how our main text is compared with trafilatura's, and how a
date guess is scored. The figures in docs/ARCHITECTURE.md are only as right as these rules."""

from __future__ import annotations

import pytest

pytest.importorskip("trafilatura", reason="trafilatura is a benchmark-only extra (pip install -e '.[bench]')")
pytest.importorskip("htmldate", reason="htmldate is a benchmark-only extra (pip install -e '.[bench]')")

from benchmarks.html_libraries import overlap, right  # noqa: E402

LEAD = ("Premier Sandy Silver has made changes to the leadership positions in the Executive Council Office and "
        "the Department of Community Services, effective on February 5.")
BIOS = ("Stephen Mills is a member of the Vuntut Gwitchin First Nation from Old Crow and remains active in "
        "traditional activities including trapping and hunting. Paul Moore has many years of public service.")
QUOTE = ("I would like to thank Jim Connell for his leadership and dedication to public service over these many "
         "years, and I look forward to working with a strong senior team.")


def test_a_lost_lead_costs_recall_not_precision() -> None:
    found = overlap(BIOS, "\n".join([LEAD, BIOS]))
    assert found["precision"] == 1.0
    assert 0.35 < found["recall"] < 0.6
    assert found["only_trafilatura"] and found["only_trafilatura"][0].startswith("(25 words) premier sandy silver")
    assert not found["only_ours"]


def test_a_block_placed_elsewhere_is_not_missing() -> None:
    # ours sets the quote box after the text, trafilatura in the middle: the same words, both ways
    found = overlap("\n".join([LEAD, BIOS, QUOTE]), "\n".join([LEAD, QUOTE, BIOS]))
    assert found["precision"] == found["recall"] == 1.0


def test_trafilatura_keeping_our_headline_in_its_text_is_not_extra_text() -> None:
    headline = "Leadership shuffle in Government of Yukon departments"
    assert overlap(LEAD, f"{headline}\n{LEAD}", title=headline)["recall"] == 1.0
    assert overlap(LEAD, f"{headline}\n{LEAD}")["recall"] < 0.8


def test_dates_are_exact_and_an_empty_guess_is_right_only_for_an_undated_page() -> None:
    assert right("date", "2001-04", "2001-04")
    assert not right("date", "2001-04-01", "2001-04")  # a day the page does not give is not the label
    assert right("date (month)", "2001-04-01", "2001-04")
    assert right("date", "", None) and not right("date", "2003-01-01", None)
    assert not right("date", "", "2019-02-14")
    assert right("issuer", "The British Museum.", "the British Museum")
