"""Dates typed the way people type them, read at the precision they gave."""

from __future__ import annotations

import subprocess
import sys
import time
from datetime import date

import pytest

from archive.dates import DateError, in_order, parse_date

TODAY = date(2026, 12, 1)


@pytest.mark.parametrize("typed,read", [
    ("2016", "2016"), ("2016-03", "2016-03"), ("2016-3-5", "2016-03-05"), ("2016-03-15", "2016-03-15"),
    ("03/15/2016", "2016-03-15"), ("3/15/2016", "2016-03-15"), ("15/03/2016", "2016-03-15"),
    ("15 March 2016", "2016-03-15"), ("March 15, 2016", "2016-03-15"), ("march 15 2016", "2016-03-15"),
    ("March 2016", "2016-03"), ("Mar 2016", "2016-03"), ("  March   2016 ", "2016-03"),
    ("yesterday", "2026-11-30"), ("today", "2026-12-01"), ("last month", "2026-11"), ("last year", "2025"),
    ("2 weeks ago", "2026-11-17"), ("3 days ago", "2026-11-28"),
])
def test_what_people_type_is_read_at_the_precision_they_gave(typed, read):
    assert parse_date(typed, today=TODAY) == read


@pytest.mark.parametrize("typed", ["garbage", "2016-02-31", "2016-13", "16", "20160", "0999", "spring", "x" * 61, ""])
def test_what_is_no_date_is_an_error_that_says_what_to_type(typed):
    with pytest.raises(DateError) as caught:
        parse_date(typed, today=TODAY)
    assert typed == "" or "2016-03-15" in str(caught.value) or "1000 to 9999" in str(caught.value)


def test_a_reversed_range_is_put_right():
    assert in_order("2016", "2014") == ("2014", "2016", True)
    assert in_order("2016-05", "2016-03") == ("2016-03", "2016-05", True)
    assert in_order("2016", "2016-03") == ("2016", "2016-03", False), "a year and a month in it overlap"
    assert in_order("2014", "") == ("2014", "", False)


def test_iso_dates_do_not_import_the_parser():
    """dateparser costs a second or more to import: the forms the site writes itself never pay it."""
    code = ("import sys; from archive.dates import parse_date; parse_date('2016-03'); parse_date('2016');"
            "print('dateparser' in sys.modules)")
    assert subprocess.run([sys.executable, "-c", code], capture_output=True, text=True).stdout.strip() == "False"


def test_a_long_hostile_date_is_answered_quickly():
    parse_date("15 March 2016", today=TODAY)  # load the parser first: its loading is not what is measured
    started = time.perf_counter()
    for text in ["1" * 60, "a " * 30, "March " * 10, "-/" * 30, "last " * 12]:
        with pytest.raises(DateError):
            parse_date(text, today=TODAY)
    assert time.perf_counter() - started < 5
