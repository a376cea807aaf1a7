"""Dates as people type them — ``2016-03-15``, ``03/15/2016``, ``15 March 2016``, ``March 2016``, ``2016``,
``last month`` — read into the archive's own form: ``YYYY``, ``YYYY-MM`` or ``YYYY-MM-DD``, at the precision
the person gave (``March 2016`` is the whole month, not its first day).

The ISO forms are read here directly; everything else goes to ``dateparser``, a well-kept parser of
human-written dates. It costs about a second to import and another to load its English data on first use, so it
is imported only when a date is not already ISO (``warm()`` pays that cost in advance for a server). The search
form, ``archive search --from/--to`` and the query language's ``date:`` can all call ``parse_date``.
"""

from __future__ import annotations

import re
import threading
from datetime import date, datetime
from functools import lru_cache
from typing import Any

MAX_TYPED = 60  # characters of a typed date; longer is not a date, and dateparser's cost grows with length
EXAMPLES = "2016-03-15, 03/15/2016, 15 March 2016, March 2016, 2016 or last month"
_ISO = re.compile(r"(\d{4})(?:-(\d{1,2})(?:-(\d{1,2}))?)?")
_BARE_NUMBER = re.compile(r"\d+")
_PRECISION = {"day": 3, "week": 3, "time": 3, "month": 2, "year": 1}
_LOCK = threading.Lock()


class DateError(ValueError):
    """Text that is not a date this module can read; the message says what it accepts."""


def _iso(year: int, month: int | None = None, day: int | None = None) -> str:
    """``YYYY``, ``YYYY-MM`` or ``YYYY-MM-DD``, checked against the calendar (no 31 February, no year 99)."""
    if not 1000 <= year <= 9999:
        raise ValueError(year)
    date(year, month or 1, day or 1)  # raises ValueError for a month or day that does not exist
    return f"{year:04d}" + (f"-{month:02d}" if month else "") + (f"-{day:02d}" if day else "")


@lru_cache(maxsize=4)
def _parser(today: date) -> Any:
    """An English date parser whose relative dates ("last month") count from ``today``."""
    from dateparser.date import DateDataParser

    base = datetime.combine(today, datetime.min.time())
    return DateDataParser(languages=["en"], settings={
        "PREFER_DATES_FROM": "past", "RELATIVE_BASE": base, "RETURN_TIME_AS_PERIOD": False})


def parse_date(text: str, today: date | None = None) -> str:
    """The date in ``text`` as ``YYYY``, ``YYYY-MM`` or ``YYYY-MM-DD``; relative dates count from ``today``.

    Raises ``DateError`` naming the forms it reads. Ambiguous numeric dates are read the American way
    (``04/05/2016`` is April 5) unless the first number cannot be a month (``15/03/2016``).
    """
    typed = " ".join(text.split())
    if not typed:
        raise DateError("no date given")
    if len(typed) > MAX_TYPED:
        raise DateError(f"a date is at most {MAX_TYPED} characters; try {EXAMPLES}")
    iso = _ISO.fullmatch(typed)
    if iso:
        try:
            return _iso(*(int(g) if g else None for g in iso.groups()))  # type: ignore[arg-type]
        except ValueError:
            raise DateError(f"“{typed}” is not a day of the calendar; try {EXAMPLES}") from None
    if _BARE_NUMBER.fullmatch(typed):  # "16" or "20160": not a year of four digits, and dateparser guesses
        raise DateError(f"“{typed}” is not a date; a year has four digits; try {EXAMPLES}")
    with _LOCK:  # dateparser keeps caches of its own; one parse at a time keeps them consistent
        found = _parser(today or date.today()).get_date_data(typed)
    if found.date_obj is None or found.period not in _PRECISION:
        raise DateError(f"“{typed}” is not a date we can read; try {EXAMPLES}")
    moment = found.date_obj
    try:
        return _iso(*(moment.year, moment.month, moment.day)[:_PRECISION[found.period]])
    except ValueError:
        raise DateError(f"“{typed}” is outside the years 1000 to 9999") from None


def day_range(value: str) -> tuple[date, date]:
    """The first and last day an ISO value of any precision covers (``2016-02`` → Feb 1 to Feb 29)."""
    parts = [int(p) for p in value.split("-")]
    if len(parts) == 3:
        day = date(*parts)
        return day, day
    if len(parts) == 2:
        first = date(parts[0], parts[1], 1)
        following = date(parts[0] + parts[1] // 12, parts[1] % 12 + 1, 1)
        return first, date.fromordinal(following.toordinal() - 1)
    return date(parts[0], 1, 1), date(parts[0], 12, 31)


def in_order(date_from: str, date_to: str) -> tuple[str, str, bool]:
    """``(from, to, swapped)``: a range typed the wrong way round (``2016`` to ``2014``) put right."""
    if date_from and date_to and day_range(date_from)[0] > day_range(date_to)[1]:
        return date_to, date_from, True
    return date_from, date_to, False


def warm() -> None:
    """Import and load the parser now (a server calls this at start, so no visitor waits for it)."""
    try:
        parse_date("15 March 2016")
    except DateError:
        pass
