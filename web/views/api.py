"""The JSON API: the same parameters as the pages, plain JSON out, an OpenAPI description."""

from __future__ import annotations

from flask import Blueprint, Response, abort, jsonify, redirect, request, url_for

from archive.search import search
from web.openapi import openapi_document
from web.params import request_from_args
from web.views.common import alias_for, find_release, reader

bp = Blueprint("api", __name__, url_prefix="/api")


@bp.get("/search")
def api_search() -> Response:
    result = search(reader(), request_from_args(request.args))
    return jsonify(result.to_dict())


@bp.get("/releases/<release_id>")
def api_release(release_id: str) -> Response:
    found = find_release(release_id)
    if found is None:
        target = alias_for(release_id)
        if target:
            return redirect(url_for("api.api_release", release_id=target), code=301)  # type: ignore[return-value]
        abort(404)
    data = found.to_dict()
    data["permalink"] = url_for("pages.release", release_id=found.id, _external=True)
    return jsonify(data)


@bp.get("/openapi.json")
def openapi() -> Response:
    return jsonify(openapi_document())
