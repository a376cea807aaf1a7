"""The quote finder on the web: ``/quote?q=…`` and its JSON twin ``/api/quote?q=…``."""

from __future__ import annotations

from datetime import date
from typing import Any

from flask import Blueprint, Response, jsonify, render_template, request, url_for

from archive.citations import all_styles
from archive.quotes import QuoteMatch, QuoteResult, find_quote
from archive.speakers import speaker_table
from archive.urls import safe_url
from web.params import MAX_QUERY, BadParameter
from web.views.common import external_url, release_url, view

bp = Blueprint("quotes", __name__)


def _passage() -> str:
    return request.args.get("q", "")[:MAX_QUERY]


def paragraph_url(match: QuoteMatch, external: bool = False) -> str:
    """The release page with the paragraph chosen for citing and scrolled to."""
    return release_url(match.release_id, external) + f"?paragraph={match.paragraph}#p{match.paragraph}"


def speaker_url(name: str, external: bool = False) -> str | None:
    """The page of the person a release names (None when the name is no speaker's)."""
    if not name:
        return None
    person = speaker_table(view()).of_name(name)
    if person is None:
        return None
    return external_url("speakers.speaker_page", slug=person.slug) if external else \
        url_for("speakers.speaker_page", slug=person.slug)


def citation(match: QuoteMatch) -> dict[str, Any]:
    """The earliest release's paragraph, cited in every style, with its pinpointed permalink."""
    release = view().get(match.release_id)
    permalink = release_url(match.release_id, external=True)
    styles = all_styles(release, permalink, date.today(), match.paragraph) if release else {}
    return {
        "paragraph": match.paragraph,
        "permalink": f"{permalink}#p{match.paragraph}",
        "styles": {name: {"bibliography": r.bibliography, "citation": r.citation} for name, r in styles.items()},
    }


def _json(result: QuoteResult) -> dict[str, Any]:
    data = result.to_dict()
    for group, raw in zip(result.groups, data["groups"], strict=True):
        for match, item in zip(group.matches, raw["matches"], strict=True):
            item["url"] = safe_url(match.url)
            item["page"] = paragraph_url(match, external=True)
            item["speaker_page"] = speaker_url(match.speaker, external=True)
    if result.groups:
        data["groups"][0]["citation"] = citation(result.groups[0].first)
    return data


@bp.get("/quote")
def quote_page() -> Response:
    passage = _passage()
    result = find_quote(view(), passage) if passage.strip() else None
    cited = citation(result.groups[0].first) if result and result.groups else None
    html = render_template("quote.html", passage=passage, result=result, cited=cited, paragraph_url=paragraph_url,
                           speaker_url=speaker_url)
    response = Response(html, mimetype="text/html")
    response.headers["Link"] = f'<{url_for("quotes.api_quote", q=passage)}>; rel="alternate"; type="application/json"'
    return response


@bp.get("/api/quote")
def api_quote() -> Response:
    passage = _passage()
    if not passage.strip():
        raise BadParameter("parameter 'q' (the passage to find) is required")
    return jsonify(_json(find_quote(view(), passage)))
