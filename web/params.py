"""URL query strings ↔ search requests. Every state of the search page lives in its URL.

This is the one place URL parameters are checked. Every count a visitor controls has a cap (listed in
docs/SECURITY.md): past it the request is a 400 that names the parameter, never a slow page. Numbers are
ASCII digits only: ``str.isdigit`` and ``int`` also accept ``²``, ``①`` or Arabic-Indic digits.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from urllib.parse import urlencode

from werkzeug.datastructures import MultiDict

from archive.dates import DateError, in_order, parse_date
from archive.search import SORTS, SearchRequest, facet_names

MAX_VALUE = 300  # characters kept of one filter value or facet search (``speaker_q``)
MAX_QUERY = 2000  # characters kept of ``q``
MAX_VALUES_PER_FACET = 20  # values of one facet: speaker=…&speaker=…
MAX_FILTER_VALUES = 50  # filter values of all facets together
_WHOLE_NUMBER = re.compile(r"[0-9]{1,9}")


class BadParameter(ValueError):
    """A URL parameter that cannot be used; the message names it and says what is wrong."""


def whole_number(raw: str, name: str, low: int, high: int) -> int:
    """``raw`` as a number from ``low`` to ``high``, or a ``BadParameter`` naming ``name``."""
    if not _WHOLE_NUMBER.fullmatch(raw):
        raise BadParameter(f"parameter {name!r} must be a whole number written with the digits 0-9, not {raw[:40]!r}")
    value = int(raw)
    if not low <= value <= high:
        raise BadParameter(f"parameter {name!r} must be between {low} and {high}")
    return value


def _int(args: MultiDict, name: str, default: int, low: int, high: int) -> int:
    raw = args.get(name, "")
    return default if raw == "" else whole_number(raw, name, low, high)


def _filters(args: MultiDict) -> dict[str, list[str]]:
    """The facet filters, each value once; too many values is a 400, never a page that grows with them."""
    filters: dict[str, list[str]] = {}
    total = 0
    for name in facet_names():
        raw = args.getlist(name)
        if len(raw) > MAX_VALUES_PER_FACET:
            raise BadParameter(f"parameter {name!r} may be given at most {MAX_VALUES_PER_FACET} times, not {len(raw):,}: "
                               f"remove some {name} filters")
        total += len(raw)
        values = list(dict.fromkeys(v[:MAX_VALUE] for v in raw if v.strip()))
        if values:
            filters[name] = values
    if total > MAX_FILTER_VALUES:
        raise BadParameter(f"at most {MAX_FILTER_VALUES} filter values in all ({', '.join(facet_names())}), "
                           f"not {total:,}: remove some filters")
    return filters


@dataclass
class DateNote:
    """What the page says about the dates: one it could not read (``field`` names it), or a range swapped."""

    field: str
    message: str
    typed: str = ""
    error: bool = True
    reason: str = ""


FIELD_LABELS = {"from": "From", "to": "To"}


def _dates(args: MultiDict, today: date | None) -> tuple[str, str, list[DateNote]]:
    """The ``from`` and ``to`` dates as typed (``March 2016``, ``03/15/2016``, ``last month``) in ISO form; one
    that cannot be read is left out with a note naming it, a reversed range is swapped with a note."""
    read: dict[str, str] = {}
    notes: list[DateNote] = []
    for name in ("from", "to"):
        typed = args.get(name, "")[:MAX_VALUE].strip()
        if not typed:
            read[name] = ""
            continue
        try:
            read[name] = parse_date(typed, today)
        except DateError as exc:
            read[name] = ""
            notes.append(DateNote(name, f"{FIELD_LABELS[name]} date: {exc}", typed, reason=str(exc)))
    date_from, date_to, swapped = in_order(read["from"], read["to"])
    if swapped:
        notes.append(DateNote("", f"The dates were the wrong way round, so this search runs from {date_from} to "
                                  f"{date_to}.", error=False))
    return date_from, date_to, notes


def read_request(args: MultiDict, page_size: int = 20, today: date | None = None) -> tuple[SearchRequest, list[DateNote]]:
    """The search a query string asks for, and notes on its dates for the page to show beside it."""
    sort = args.get("sort", "relevance") or "relevance"
    if sort not in SORTS:
        raise BadParameter(f"parameter 'sort' must be one of {', '.join(SORTS)}")
    filters = _filters(args)
    facet_search = {name: args.get(f"{name}_q", "")[:MAX_VALUE] for name in facet_names() if args.get(f"{name}_q")}
    date_from, date_to, notes = _dates(args, today)
    request = SearchRequest(
        q=args.get("q", "")[:MAX_QUERY],
        filters=filters,
        date_from=date_from,
        date_to=date_to,
        sort=sort,
        page=_int(args, "page", 1, 1, 10_000),
        page_size=_int(args, "size", page_size, 1, 100),
        facet_limit=_int(args, "facets", 10, 1, 500),
        facet_search=facet_search,
        all_versions=_versions(args),
    )
    return request, notes


def request_from_args(args: MultiDict, page_size: int = 20) -> SearchRequest:
    """The search a query string asks for, for machines (API, feeds, exports): a date that cannot be read is a
    400 naming its parameter; the HTML page uses ``read_request`` and says so beside the form instead."""
    request, notes = read_request(args, page_size)
    refuse_unread_dates(notes)
    return request


def refuse_unread_dates(notes: list[DateNote]) -> None:
    """A ``BadParameter`` naming the first date that could not be read, if any."""
    for note in notes:
        if note.error:
            raise BadParameter(f"parameter {note.field!r} must be a date: {note.reason}")


def _versions(args: MultiDict) -> bool:
    """``versions=all`` searches earlier versions of releases too (``current``, the default, does not)."""
    raw = args.get("versions", "") or "current"
    if raw not in ("current", "all"):
        raise BadParameter("parameter 'versions' must be 'current' or 'all'")
    return raw == "all"


def to_query(request: SearchRequest, **changes: object) -> str:
    """The query string of ``request`` with some parameters changed (None removes one)."""
    params: dict[str, object] = {
        "q": request.q, "from": request.date_from, "to": request.date_to,
        "sort": request.sort if request.sort != "relevance" else "",
        "page": request.page if request.page != 1 else "",
        "versions": "all" if request.all_versions else "",
    }
    for name, values in request.filters.items():
        params[name] = list(values)
    params.update(changes)
    pairs: list[tuple[str, str]] = []
    for key, value in params.items():
        if value in (None, "", []):
            continue
        if isinstance(value, list):
            pairs.extend((key, str(v)) for v in value)
        else:
            pairs.append((key, str(value)))
    return urlencode(pairs)


def describe(request: SearchRequest) -> str:
    """The search in words, for "cite this search" and feed titles."""
    parts = []
    if request.q:
        parts.append(f"“{request.q}”")
    for name, values in request.filters.items():
        parts.append(f"{name}: {' or '.join(values)}")
    if request.date_from or request.date_to:
        parts.append(f"dated {request.date_from or '…'} to {request.date_to or '…'}")
    return "; ".join(parts) or "all releases"
