"""The JSON API: the same parameters as the pages, plain JSON out, an OpenAPI description."""

from __future__ import annotations

from flask import Blueprint, Response, jsonify, request

from archive.search import search
from archive.urls import safe_url
from web.openapi import openapi_document
from web.params import read_request, refuse_unread_dates
from web.views.common import release_or_redirect, release_url, view

bp = Blueprint("api", __name__, url_prefix="/api")


@bp.get("/search")
def api_search() -> Response:
    req, notes = read_request(request.args)
    refuse_unread_dates(notes)
    data = search(view(), req).to_dict()
    for hit in data["hits"]:
        hit["url"] = safe_url(hit["url"])
    data["notices"] = [note.message for note in notes]
    return jsonify(data)


@bp.get("/releases/<release_id>")
def api_release(release_id: str) -> Response:
    found = release_or_redirect(release_id, "api.api_release")
    if isinstance(found, Response):
        return found
    data = found.to_dict()
    data["url"] = safe_url(found.url)
    data["permalink"] = release_url(found.id, external=True)
    history = view().ledger.get(found.id)
    data["status"] = history.status if history else "published"
    data["versions"] = history.count if history else 1
    return jsonify(data)


@bp.get("/openapi.json")
def openapi() -> Response:
    return jsonify(openapi_document())
