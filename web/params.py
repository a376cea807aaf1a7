"""URL query strings ↔ search requests. Every state of the search page lives in its URL."""

from __future__ import annotations

from urllib.parse import urlencode

from werkzeug.datastructures import MultiDict

from archive.query import day_bounds
from archive.search import SORTS, SearchRequest, facet_names

MAX_VALUE = 300


class BadParameter(ValueError):
    """A URL parameter that cannot be used; the message names it and says what is wrong."""


def _int(args: MultiDict, name: str, default: int, low: int, high: int) -> int:
    raw = args.get(name, "")
    if raw == "":
        return default
    try:
        value = int(raw)
    except ValueError:
        raise BadParameter(f"parameter {name!r} must be a whole number, not {raw[:40]!r}") from None
    if not low <= value <= high:
        raise BadParameter(f"parameter {name!r} must be between {low} and {high}")
    return value


def _date(args: MultiDict, name: str) -> str:
    raw = args.get(name, "").strip()
    if raw and day_bounds(raw) is None:
        raise BadParameter(f"parameter {name!r} must be a date like 2024, 2024-03 or 2024-03-15, not {raw[:40]!r}")
    return raw


def request_from_args(args: MultiDict, page_size: int = 20) -> SearchRequest:
    sort = args.get("sort", "relevance") or "relevance"
    if sort not in SORTS:
        raise BadParameter(f"parameter 'sort' must be one of {', '.join(SORTS)}")
    filters = {}
    for name in facet_names():
        values = [v[:MAX_VALUE] for v in args.getlist(name) if v.strip()]
        if values:
            filters[name] = values
    facet_search = {name: args.get(f"{name}_q", "")[:MAX_VALUE] for name in facet_names() if args.get(f"{name}_q")}
    return SearchRequest(
        q=args.get("q", "")[:2000],
        filters=filters,
        date_from=_date(args, "from"),
        date_to=_date(args, "to"),
        sort=sort,
        page=_int(args, "page", 1, 1, 10_000),
        page_size=_int(args, "size", page_size, 1, 100),
        facet_limit=_int(args, "facets", 10, 1, 500),
        facet_search=facet_search,
    )


def to_query(request: SearchRequest, **changes: object) -> str:
    """The query string of ``request`` with some parameters changed (None removes one)."""
    params: dict[str, object] = {
        "q": request.q, "from": request.date_from, "to": request.date_to,
        "sort": request.sort if request.sort != "relevance" else "",
        "page": request.page if request.page != 1 else "",
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


def toggle(request: SearchRequest, facet: str, value: str) -> str:
    """The query string with ``value`` of ``facet`` switched on or off (and back to page 1)."""
    current = list(request.filters.get(facet, []))
    if value in current:
        current.remove(value)
    else:
        current.append(value)
    return to_query(request, **{facet: current, "page": None})


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
