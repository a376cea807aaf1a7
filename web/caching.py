"""Conditional requests: every page, API answer, feed and export carries an ``ETag`` and a ``Last-Modified``
taken from the index generation it was computed from, and a client (or a cache in front) that already holds
that version gets a ``304 Not Modified`` before any search runs.

What an answer depends on, and so what its validator is made of: the published generation and when it was
indexed, the code that renders it (a deploy changes pages without a re-index), the address links are built on
(the base URL, or the request's Host without one), the URL itself, and for citations the day (they carry an
"accessed" date).
"""

from __future__ import annotations

import hashlib
from datetime import UTC, date, datetime, time
from functools import cache
from pathlib import Path

from flask import Flask, Response, current_app, g, request

from archive.store import ArchiveError
from web.views.common import view

CACHEABLE = {
    "pages.search_page", "pages.release", "api.api_search", "api.api_release", "api.openapi", "citations.download",
    "citations.api_cite", "feeds.atom", "feeds.export_csv", "feeds.export_jsonl", "feeds.opensearch",
}
DATED = {"pages.release", "citations.download", "citations.api_cite"}  # citations say the day they were accessed


@cache
def code_version() -> str:
    """A digest of the code and templates that render answers: a new deploy is a new version of every page."""
    digest = hashlib.sha1()
    for package in ("web", "archive"):
        root = Path(__file__).resolve().parents[1] / package
        for path in sorted(root.rglob("*")):
            if path.suffix in (".py", ".html", ".xml", ".css", ".js") and path.is_file():
                digest.update(path.name.encode())
                digest.update(path.read_bytes())
    return digest.hexdigest()[:16]


def _validators() -> tuple[str, datetime] | None:
    """The ETag and Last-Modified of the answer to this request, or None when it has none."""
    if request.method not in ("GET", "HEAD") or request.endpoint not in CACHEABLE:
        return None
    try:
        generation = view().path.name
        indexed_at = str(view().manifest.get("indexed_at") or "")
    except ArchiveError:
        return None
    try:
        modified = datetime.fromisoformat(indexed_at).astimezone(UTC).replace(microsecond=0)
    except ValueError:
        modified = datetime(1970, 1, 1, tzinfo=UTC)
    parts = [code_version(), generation, indexed_at, current_app.config.get("BASE_URL") or request.host,
             request.full_path]
    if request.endpoint in DATED:
        today = date.today()
        parts.append(today.isoformat())
        modified = max(modified, datetime.combine(today, time(), tzinfo=UTC))
    # Weak: two answers to one URL from one generation say the same, though a search's timing may differ.
    return 'W/"' + hashlib.sha1("\n".join(parts).encode("utf-8")).hexdigest()[:24] + '"', modified


def _not_modified(etag: str, modified: datetime) -> bool:
    if request.if_none_match:
        return request.if_none_match.contains_weak(etag.removeprefix("W/").strip('"'))
    since = request.if_modified_since
    return since is not None and modified <= since


def register(app: Flask) -> None:
    @app.before_request
    def answer_not_modified() -> Response | None:
        found = _validators()
        g.validators = found
        if found is None or not _not_modified(*found):
            return None
        response = Response(status=304)
        _set(response, *found)
        return response

    @app.after_request
    def add_validators(response: Response) -> Response:
        found = getattr(g, "validators", None)
        if found is not None and response.status_code == 200:
            _set(response, *found)
        return response


def _set(response: Response, etag: str, modified: datetime) -> None:
    response.headers["ETag"] = etag
    response.last_modified = modified
    response.headers["Cache-Control"] = "no-cache"  # keep a copy, but ask (cheaply, with these) before using it
