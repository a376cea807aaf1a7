"""The date histogram of a search, drawn as HTML: every period of its range — empty ones at zero — as a bar
with its count written on it, a tick on the axis, and a link that narrows the search to that period.

The search returns only the periods that hold releases (``SearchResult.histogram``); the empty ones between
and around them are filled in here, so bars stand at even intervals and a gap in the record shows as a gap.
Each bar is a plain link (no ``role="img"`` around it, no script needed); its height is one of 21 CSS classes,
since the site's Content-Security-Policy forbids inline styles.
"""

from __future__ import annotations

import math
from calendar import monthrange
from dataclasses import dataclass

from archive.results import Bucket

MAX_BARS = 31  # a month's days; more years than this are grouped into decades (or centuries)
HEIGHTS = 20  # bar heights are classes h0 … h20
MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]


@dataclass
class Bar:
    label: str  # what the bar is, in words: "2016", "March 2016", "15 March 2016", "1990–1999"
    tick: str  # the axis label under the bar ("" for bars between labelled ones)
    count: int
    height: int  # 0 … HEIGHTS
    date_from: str  # the period as a date range, for the drill-down link
    date_to: str


@dataclass
class Histogram:
    unit: str  # "year", "month", "day", "decade" or "century"
    bars: list[Bar]

    @property
    def dense(self) -> bool:
        """Many narrow bars: their counts are written upwards so they stay readable."""
        return len(self.bars) > 12

    @property
    def total(self) -> int:
        return sum(bar.count for bar in self.bars)


def _years(counts: dict[str, int], date_from: str, date_to: str) -> tuple[str, list[tuple[str, str, str, int]]]:
    found = [int(key) for key in counts]
    low, high = min(found), max(found)
    # The range asked for, when it is one a histogram can show year by year; otherwise the years that hold releases.
    if date_from and date_to and int(date_to[:4]) - int(date_from[:4]) < MAX_BARS:
        low, high = min(low, int(date_from[:4])), max(high, int(date_to[:4]))
    step = 1
    while (high // step - low // step + 1) > MAX_BARS:
        step *= 10
    unit = {1: "year", 10: "decade", 100: "century"}.get(step, "millennium")
    periods = []
    for start in range(low // step * step, high + 1, step):
        end = start + step - 1
        count = sum(n for year, n in counts.items() if start <= int(year) <= end)
        label = str(start) if step == 1 else f"{start}–{end}"
        periods.append((label, str(start), str(end), count))
    return unit, periods


def _months(counts: dict[str, int], year: str, date_from: str, date_to: str) -> list[tuple[str, str, str, int]]:
    first = int(date_from[5:7]) if len(date_from) >= 7 else 1
    last = int(date_to[5:7]) if len(date_to) >= 7 else 12
    keys = [f"{year}-{m:02d}" for m in range(first, last + 1)]
    return [(f"{MONTHS[int(k[5:]) - 1]} {year}", k, k, counts.get(k, 0)) for k in keys]


def _days(counts: dict[str, int], month: str, date_from: str, date_to: str) -> list[tuple[str, str, str, int]]:
    length = monthrange(int(month[:4]), int(month[5:7]))[1]
    first = int(date_from[8:10]) if len(date_from) >= 10 else 1
    last = int(date_to[8:10]) if len(date_to) >= 10 else length
    keys = [f"{month}-{d:02d}" for d in range(first, min(last, length) + 1)]
    return [(f"{int(k[8:])} {MONTHS[int(k[5:7]) - 1]} {k[:4]}", k, k, counts.get(k, 0)) for k in keys]


def _tick(unit: str, index: int, count: int, period_from: str) -> str:
    if unit == "month":
        return MONTHS[int(period_from[5:7]) - 1]
    if unit == "day":
        day = int(period_from[8:10])
        return str(day) if day % 7 == 1 else ""
    every = math.ceil(count / 6)  # room for about six year labels
    if index % every:
        return ""
    return period_from + ("s" if unit != "year" else "")


def histogram(buckets: list[Bucket], level: str, date_from: str, date_to: str) -> Histogram | None:
    """The bars of a search's histogram (``level`` and ``buckets`` as ``archive.search`` gives them), every
    period of the range included; None when no release in the result has a date."""
    counts = {b.key: b.count for b in buckets}
    if not counts:
        return None
    if level == "day":
        month = next(iter(counts))[:7]
        unit, periods = "day", _days(counts, month, date_from, date_to)
    elif level == "month":
        year = next(iter(counts))[:4]
        unit, periods = "month", _months(counts, year, date_from, date_to)
    else:
        unit, periods = _years(counts, date_from, date_to)
    peak = max(count for *_rest, count in periods) or 1
    bars = [
        Bar(label=label, tick=_tick(unit, i, len(periods), start), count=count,
            height=0 if not count else max(1, round(HEIGHTS * count / peak)), date_from=start, date_to=end)
        for i, (label, start, end, count) in enumerate(periods)
    ]
    return Histogram(unit, bars)
