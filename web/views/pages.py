"""The HTML pages: search (with facets, histogram, paging) and a release."""

from __future__ import annotations

from urllib.parse import urlencode

from flask import Blueprint, Response, redirect, render_template, request, url_for

from archive.search import related, search
from archive.store import outdated
from web.histogram import histogram
from web.params import MAX_VALUE, describe, read_request, to_query
from web.views.common import release_or_redirect, view

bp = Blueprint("pages", __name__)

# Every link that changes the filters lands on the results heading: a keyboard or screen-reader user hears
# the new count and goes on to the results, instead of starting again at the top of the page.
RESULTS = "#results-heading"
FACET_LABELS = {"speaker": "Speaker", "topic": "Topic", "issuer": "Issuer", "tag": "Source tag", "wire": "Wire",
                "status": "Status"}


def _histogram(result, req):  # type: ignore[no-untyped-def]
    """The histogram's bars, each with the link that narrows the search to its period (the next level down)."""
    drawn = histogram(result.histogram, result.histogram_level, req.date_from, req.date_to)
    if drawn is None:
        return None
    links = {bar.label: "?" + to_query(req, **{"from": bar.date_from, "to": bar.date_to, "page": None}) + RESULTS
             for bar in drawn.bars if bar.count}
    return drawn, links


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
    req, date_notes = read_request(request.args)
    result = search(view(), req)
    chips = [(name, value) for name, values in req.filters.items() for value in values]
    date_chip = None
    if req.date_from or req.date_to:
        date_chip = (f"{req.date_from or '…'} – {req.date_to or '…'}",
                     "?" + to_query(req, **{"from": None, "to": None, "page": None}) + RESULTS)
    query_string = to_query(req, page=None)
    everything = not (req.q or req.filters or req.date_from or req.date_to)
    html = render_template(
        "search.html", req=req, result=result, chips=chips, date_chip=date_chip, histogram=_histogram(result, req),
        folded=len(view().tables.folded) if everything else 0,
        date_notes=date_notes, date_errors={n.field: n for n in date_notes if n.error},
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
