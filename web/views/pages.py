"""The HTML pages: search (with facets, histogram, paging) and a release."""

from __future__ import annotations

from urllib.parse import urlencode

from flask import Blueprint, Response, redirect, render_template, request, url_for

from archive.search import related, search
from archive.store import outdated
from web.params import MAX_VALUE, describe, request_from_args, to_query
from web.views.common import release_or_redirect, view

bp = Blueprint("pages", __name__)

FACET_LABELS = {"speaker": "Speaker", "topic": "Topic", "issuer": "Issuer", "tag": "Source tag", "wire": "Wire", "status": "Status"}


def _histogram_bars(result, req):  # type: ignore[no-untyped-def]
    """Bars for the server-drawn SVG: each links to the next level down (year → month → day)."""
    if not result.histogram:
        return []
    peak = max(b.count for b in result.histogram)
    bars = []
    for bucket in result.histogram:
        # A bar narrows the dates to itself; the histogram then shows the next level down.
        link = to_query(req, **{"from": bucket.key, "to": bucket.key, "page": None})
        bars.append({"label": bucket.label, "count": bucket.count, "height": max(2, round(60 * bucket.count / peak)),
                     "href": "?" + link})
    return bars


def _tidy_url() -> str | None:
    """The search's tidy, shareable URL when this one needs tidying, else None.

    A form without JavaScript sends its empty fields, and a chip's button sends ``drop=facet:value`` with the
    whole form: both come back as the URL of the search they mean.
    """
    args = list(request.args.items(multi=True))
    drop = request.args.get("drop")
    if drop is None and all(v != "" for _, v in args):
        return None
    name, _, value = (drop or "").partition(":")
    clean = [(k, v) for k, v in args if v != "" and k != "drop" and (k, v[:MAX_VALUE]) != (name, value)]
    return url_for("pages.search_page") + ("?" + urlencode(clean) if clean else "")


@bp.get("/")
def search_page() -> Response | str:
    tidy = _tidy_url()
    if tidy is not None:
        return redirect(tidy)  # type: ignore[return-value]
    req = request_from_args(request.args)
    result = search(view(), req)
    chips = [(name, value) for name, values in req.filters.items() for value in values]
    date_chip = None
    if req.date_from or req.date_to:
        date_chip = (f"{req.date_from or '…'} – {req.date_to or '…'}", "?" + to_query(req, **{"from": None, "to": None, "page": None}))
    query_string = to_query(req, page=None)
    html = render_template(
        "search.html", req=req, result=result, chips=chips, date_chip=date_chip, bars=_histogram_bars(result, req),
        page_link=lambda n: "?" + to_query(req, page=n if n > 1 else None),
        sort_link=lambda s: "?" + to_query(req, sort=s if s != "relevance" else None, page=None),
        query_string=query_string, description=describe(req),
        indexed_at=view().manifest.get("indexed_at"), outdated=outdated(view().manifest),
    )
    return _with_json_twin(html, url_for("api.api_search") + "?" + to_query(req))


def _with_json_twin(html: str, api_url: str) -> Response:
    """Every page names its JSON twin in a ``Link`` header (and in a ``<link rel="alternate">``)."""
    response = Response(html, mimetype="text/html")
    response.headers["Link"] = f'<{api_url}>; rel="alternate"; type="application/json"'
    return response


@bp.get("/releases/<release_id>")
def release(release_id: str) -> Response | str:
    from web.views.citations import citation_context

    found = release_or_redirect(release_id, "pages.release")
    if isinstance(found, Response):
        return found
    html = render_template("release.html", release=found, related=_related(found), **citation_context(found))
    return _with_json_twin(html, url_for("api.api_release", release_id=found.id))


def _related(release):  # type: ignore[no-untyped-def]
    return related(view(), release.id)
