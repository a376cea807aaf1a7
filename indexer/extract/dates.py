"""Publication dates, keeping their precision: structured metadata, then the dateline, then the path.

Only the dateline zone (the start of the release, before the first dash) is read, so a date of an event
mentioned in the body is never taken for the publication date; relative words like "today" never are.
"""

from __future__ import annotations

import re
from datetime import date as Date

MONTHS = {
    "jan": 1, "feb": 2, "mar": 3, "apr": 4, "may": 5, "jun": 6, "jul": 7, "aug": 8, "sep": 9, "sept": 9,
    "oct": 10, "nov": 11, "dec": 12,
}
_MONTH = r"(?P<month>jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)\.?"
_DAY = r"(?P<day>\d{1,2})(?:st|nd|rd|th)?"
_YEAR = r"(?P<year>(?:19|20)\d{2})"
MONTH_DAY_YEAR = re.compile(rf"(?:\b|(?<=[a-z])(?=[A-Z])){_MONTH}\s+{_DAY},?\s+{_YEAR}\b", re.I)
DAY_MONTH_YEAR = re.compile(rf"\b{_DAY}\s+(?:of\s+)?{_MONTH},?\s+{_YEAR}\b", re.I)
ISO = re.compile(r"(?<!\d)(?P<year>(?:19|20)\d{2})-(?P<month>\d{2})(?:-(?P<day>\d{2}))?(?!\d)")
NUMERIC_US = re.compile(r"^\s*(?P<month>\d{1,2})[./](?P<day>\d{1,2})[./](?P<year>\d{2}|\d{4})\b")
_DASH = re.compile(r"\s(?:--|-|\u2013|\u2014)\s|/\s*--|\s--")
PATH_DATES = (
    re.compile(r"(?<!\d)(?P<year>(?:19|20)\d{2})[/_-](?P<month>\d{2})(?P<day>\d{2})(?!\d)"),
    re.compile(r"(?<!\d)(?P<year>(?:19|20)\d{2})[/_-](?P<month>\d{2})[/_-](?P<day>\d{2})(?!\d)"),
    re.compile(r"(?<!\d)(?P<day>\d{1,2})(?P<month>jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*(?P<year>(?:19|20)\d{2})", re.I),
    re.compile(r"(?<!\d)(?P<year>(?:19|20)\d{2})[/_-](?P<month>\d{2})(?![\d])"),
    re.compile(r"(?<![\d])(?P<year>(?:19|20)\d{2})(?=/)"),
)


def _valid(year: int, month: int = 1, day: int = 1) -> bool:
    try:
        Date(year, month, day)
    except ValueError:
        return False
    return 1900 <= year <= 2100


def _format(year: int, month: int | None, day: int | None) -> str:
    if month is None:
        return f"{year:04d}"
    if day is None:
        return f"{year:04d}-{month:02d}"
    return f"{year:04d}-{month:02d}-{day:02d}"


def _from_match(m: re.Match[str]) -> str:
    groups = m.groupdict()
    year = int(groups["year"])
    if year < 100:
        year += 2000 if year < 70 else 1900
    month_text = groups.get("month")
    month = None
    if month_text:
        month = int(month_text) if month_text.isdigit() else MONTHS.get(month_text[:4].lower().rstrip("."), MONTHS.get(month_text[:3].lower()))
    day = int(groups["day"]) if groups.get("day") else None
    if not _valid(year, month or 1, day or 1):
        return ""
    return _format(year, month, day)


def parse_date(value: str) -> str:
    """A structured date string (ISO 8601, RFC 822, "March 15, 2024" …) as ``YYYY[-MM[-DD]]``."""
    value = value.strip()
    if not value:
        return ""
    for pattern in (ISO, MONTH_DAY_YEAR, DAY_MONTH_YEAR):
        m = pattern.search(value)
        if m:
            found = _from_match(m)
            if found:
                return found
    m = re.fullmatch(r"((?:19|20)\d{2})", value)
    return m.group(1) if m else ""


def dateline_zone(paragraphs: list[str]) -> str:
    """The opening words where a dateline stands: up to the last dash within its first 220 characters.

    (``BROOMFIELD, CO - (NewMediaWire) - September 10, 2024 -`` has three dashes; the date sits between.)
    Short opening paragraphs (a dateline or an embargo line on its own) are read together with the next.
    """
    zone = ""
    for paragraph in paragraphs[:4]:
        cuts = [m for m in _DASH.finditer(paragraph[:220]) if m.start() >= 8]
        if len(paragraph) < 200:
            head = paragraph  # a dateline or embargo line standing on its own
        else:
            head = paragraph[: cuts[-1].end()] if cuts else paragraph[:160]
        zone = f"{zone} {head}".strip()
        if len(paragraph) >= 200:
            break
    return zone


# "15 February - 27 May 2001", "from June 3 to …": the end of a date range is an event's, not a dateline.
_RANGE_END = re.compile(r"(?:\b\d{1,2}(?:st|nd|rd|th)?\s+[A-Za-z]{3,9}\.?|\b[A-Za-z]{3,9}\.?\s+\d{1,2}(?:st|nd|rd|th)?|\b\d{1,4})"
                        r"\s*(?:[-\u2013\u2014]|to|until|through|till)\s*$|\b(?:until|through|till|from|between)\s+$", re.I)


# "Opening 28 March 2002", "Exhibition until …": the date of an event announced, not of the announcement.
_EVENT_WORD = re.compile(r"\b(?:open(?:s|ing)?|clos(?:es|ing)|until|runs?|from|through|starts?|begins?|held|on view|"
                         r"admission|deadline|expires?)\W*$", re.I)


_RANGE_START = re.compile(r"\s*(?:[-\u2013\u2014]|to\b|until\b|through\b)\s*\d{1,2}(?:st|nd|rd|th)?\s+[A-Za-z]{3}|"
                          r"\s*(?:[-\u2013\u2014]|to\b|until\b|through\b)\s*[A-Za-z]{3,9}\.?\s+\d{1,2}\b", re.I)


def dateline_date(paragraphs: list[str]) -> str:
    """The date printed in the dateline, if any: few lower-case words may stand before it, so that
    "WASHINGTON – Today the agency said that on March 3 …" is not read as a dateline."""
    zone = dateline_zone(paragraphs)
    found = [m for p in (MONTH_DAY_YEAR, DAY_MONTH_YEAR) for m in p.finditer(zone)
             if not _RANGE_END.search(zone[: m.start()]) and not _RANGE_START.match(zone[m.end():])]
    for m in sorted(found, key=lambda m: m.start()):
        before = re.findall(r"(?<![\w.])[a-z][a-z]+\b", zone[: m.start()])
        if len(before) <= 3 and not _EVENT_WORD.search(zone[: m.start()]):
            return _from_match(m)
        break
    m = NUMERIC_US.search(zone)
    return _from_match(m) if m else ""


def path_date(path: str) -> str:
    for pattern in PATH_DATES:
        matches = list(pattern.finditer(path))
        if matches:
            found = _from_match(matches[-1])
            if found:
                return found
    return ""


def best_date(meta: str, paragraphs: list[str], path: str) -> tuple[str, str]:
    """The publication date and where it came from (``metadata``, ``dateline`` or ``path``)."""
    structured = parse_date(meta) if meta else ""
    printed = dateline_date(paragraphs)
    if structured and printed and _days_before(printed, structured) in range(0, 4):
        # A date printed atop the release a day or three before the export's own date is the publication
        # date as published; the export's date is when it was posted or scraped.
        return printed, "dateline"
    if structured:
        return structured, "metadata"
    if printed:
        return printed, "dateline"
    from_path = path_date(path)
    dated = weekday_date(paragraphs, from_path[:4]) or closing_date(paragraphs)
    if dated and (not from_path or dated.startswith(from_path) or len(dated) > len(from_path)):
        return dated, "text"
    return (from_path, "path") if from_path else ("", "")


_WEEKDAY_DAY_MONTH = re.compile(rf"^(?P<weekday>mon|tues|wednes|thurs|fri|satur|sun)day,?\s+{_DAY}\s+{_MONTH}(?!,?\s*\d)", re.I)
_WEEKDAYS = ("mon", "tues", "wednes", "thurs", "fri", "satur", "sun")


def weekday_date(paragraphs: list[str], year: str) -> str:
    """"Tuesday 6 September" standing alone near the top, in a year the path names: a full date when the
    weekday agrees with that year (and so pins it)."""
    if not year:
        return ""
    for paragraph in paragraphs[:6]:
        m = _WEEKDAY_DAY_MONTH.match(paragraph.strip())
        if not m or len(paragraph) > 40:
            continue
        month = MONTHS.get(m.group("month")[:4].lower().rstrip("."), MONTHS.get(m.group("month")[:3].lower()))
        day = int(m.group("day"))
        if month and _valid(int(year), month, day):
            found = Date(int(year), month, day)
            if found.weekday() == _WEEKDAYS.index(m.group("weekday").lower()):
                return found.isoformat()
    return ""


_MONTH_YEAR = re.compile(rf"^{_MONTH},?\s+{_YEAR}(?:\s+(?:no\.?\s*)?\d{{1,4}}(?:/\d{{2,4}})?)?$", re.I)  # "May 1999 14/99"


def closing_date(paragraphs: list[str]) -> str:
    """A release that ends with its date on a line of its own ("September 2001", "12 May 2003")."""
    for paragraph in reversed(paragraphs[-3:]):
        text = paragraph.strip(" .")
        if len(text) > 30:
            continue
        for pattern in (DAY_MONTH_YEAR, MONTH_DAY_YEAR, _MONTH_YEAR):
            m = pattern.fullmatch(text) if pattern is _MONTH_YEAR else pattern.search(text)
            if m and (pattern is _MONTH_YEAR or len(text) - len(m.group(0)) < 12):
                return _from_match(m)
    return ""


def _days_before(earlier: str, later: str) -> int:
    """How many days ``earlier`` falls before ``later`` (both full dates), or -1 when either is partial."""
    if len(earlier) != 10 or len(later) != 10:
        return -1
    return (Date.fromisoformat(later) - Date.fromisoformat(earlier)).days
