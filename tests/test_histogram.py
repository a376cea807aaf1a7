"""The histogram's periods: every one of the range, at even steps, empty ones at zero."""

from __future__ import annotations

from archive.results import Bucket
from web.histogram import MAX_BARS, histogram


def buckets(counts: dict[str, int]) -> list[Bucket]:
    return [Bucket(key, key, n) for key, n in counts.items()]


def test_years_between_those_with_releases_are_shown_empty():
    drawn = histogram(buckets({"2009": 4, "2012": 1, "2013": 7}), "year", "", "")
    assert [(b.label, b.count) for b in drawn.bars] == [("2009", 4), ("2010", 0), ("2011", 0), ("2012", 1), ("2013", 7)]
    assert [b.height for b in drawn.bars] == [11, 0, 0, 3, 20]


def test_a_year_shows_all_its_months_and_a_month_all_its_days():
    months = histogram(buckets({"2016-03": 2, "2016-09": 5}), "month", "2016", "2016")
    assert [b.label for b in months.bars][:3] == ["Jan 2016", "Feb 2016", "Mar 2016"] and len(months.bars) == 12
    assert [b.tick for b in months.bars][-1] == "Dec"
    days = histogram(buckets({"2016-02-03": 1}), "day", "2016-02", "2016-02")
    assert len(days.bars) == 29 and days.dense, "a leap February"
    narrowed = histogram(buckets({"2016-05": 1}), "month", "2016-03-15", "2016-08")
    assert [b.date_from for b in narrowed.bars] == ["2016-03", "2016-04", "2016-05", "2016-06", "2016-07", "2016-08"]


def test_a_range_asked_for_is_shown_whole_and_a_long_one_in_decades():
    asked = histogram(buckets({"2012": 3}), "year", "2010", "2014")
    assert [b.label for b in asked.bars] == ["2010", "2011", "2012", "2013", "2014"]
    wide = histogram(buckets({"1901": 1, "2016": 9}), "year", "", "")
    assert wide.unit == "decade" and len(wide.bars) <= MAX_BARS
    assert (wide.bars[0].label, wide.bars[0].date_from, wide.bars[0].date_to) == ("1900–1909", "1900", "1909")
    assert sum(b.count for b in wide.bars) == 10
    assert histogram(buckets({"1000": 1, "9999": 1}), "year", "1000", "9999").bars.__len__() <= MAX_BARS
    assert histogram([], "year", "", "") is None
