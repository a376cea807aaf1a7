"""Blueprints of the site, and the headers and error pages every response shares."""

from __future__ import annotations

import re
from urllib.parse import urlencode, urlsplit

from flask import Flask, Response, jsonify, redirect, render_template, request, url_for
from werkzeug.exceptions import HTTPException, SecurityError

from archive.limits import SearchTimeout
from archive.quotes import looks_like_quote
from archive.search import facet_names
from archive.store import NoIndex
from web.params import MAX_FILTER_VALUES, BadParameter
from web.views import api, changes, citations, feeds, pages, quotes, speakers, versions
from web.views.common import close_view, external_url, public_url

CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "object-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'self'"
)


def register(app: Flask) -> None:
    app.register_blueprint(pages.bp)
    app.register_blueprint(api.bp)
    app.register_blueprint(feeds.bp)
    app.register_blueprint(citations.bp)
    app.register_blueprint(quotes.bp)  # issue 17: the quote finder and speaker pages
    app.register_blueprint(speakers.bp)
    app.jinja_env.globals["looks_like_quote"] = looks_like_quote
    app.register_blueprint(versions.bp)
    app.register_blueprint(changes.bp)
    app.jinja_env.globals["facet_labels"] = pages.FACET_LABELS
    app.jinja_env.globals["external_url"] = external_url
    app.teardown_request(close_view)  # each request reads one snapshot of the index, closed when it ends

    @app.after_request
    def security_headers(response: Response) -> Response:
        parts = urlsplit(response.headers.get("Location", ""))
        if parts.netloc:
            # Werkzeug's own redirects (``//releases//x`` → ``/releases/x``) are built on the Host header, in the
            # Location and in the body; the site never redirects off itself, so each is remade on the public address.
            response = redirect(public_url(parts.path + (f"?{parts.query}" if parts.query else "")), response.status_code)
        response.headers.setdefault("Content-Security-Policy", CSP)
        response.headers.setdefault("X-Content-Type-Options", "nosniff")
        response.headers.setdefault("Referrer-Policy", "same-origin")
        return response

    def wants_json() -> bool:
        return request.path.startswith("/api/")

    def error(status: int, title: str, message: str, back: str | None = None) -> tuple[Response | str, int]:
        if wants_json():
            return jsonify({"error": title, "message": message, "status": status}), status
        return render_template("error.html", status=status, title=title, message=message,
                               back=back or url_for("pages.search_page")), status

    @app.errorhandler(BadParameter)
    def bad_parameter(exc: BadParameter):  # type: ignore[no-untyped-def]
        # "Back" goes to the same page without the parameters the message names (the search kept, not lost).
        named = set(re.findall(r"parameter '(\w+)'", str(exc)))
        if not named and str(exc).startswith(f"at most {MAX_FILTER_VALUES} filter values"):
            named = set(facet_names())
        kept = [(k, v) for k, v in request.args.items(multi=True) if k not in named][:MAX_FILTER_VALUES]
        back = request.path + ("?" + urlencode(kept) if kept else "")
        return error(400, "Bad request", str(exc), back)

    @app.errorhandler(SecurityError)
    def untrusted_host(exc: SecurityError):  # type: ignore[no-untyped-def]
        # A Host outside TRUSTED_HOSTS: no URL can be built for it, so the answer is plain text, not a page.
        message = ("This server does not answer for that host name. Its operator sets the names it is reached by "
                   "with --base-url or TRUSTED_HOSTS (docs/DEPLOY.md).")
        if wants_json():
            return jsonify({"error": "Bad request", "message": message, "status": 400}), 400
        return Response(f"Bad request: {message}\n", status=400, mimetype="text/plain")

    @app.errorhandler(NoIndex)
    def no_index(exc: NoIndex):  # type: ignore[no-untyped-def]
        return error(503, "No index yet", "The archive has not been indexed yet. Run `archive index` and reload.")

    @app.errorhandler(SearchTimeout)
    def search_timeout(exc: SearchTimeout):  # type: ignore[no-untyped-def]
        response, status = error(503, "Search took too long", str(exc))
        return response, status, {"Retry-After": str(exc.retry_after)}

    @app.errorhandler(HTTPException)
    def http_error(exc: HTTPException):  # type: ignore[no-untyped-def]
        messages = {404: "There is no page at this address.", 405: "This address does not accept that method."}
        return error(exc.code or 500, exc.name, messages.get(exc.code or 0, exc.description or ""))

    @app.errorhandler(Exception)
    def server_error(exc: Exception):  # type: ignore[no-untyped-def]
        app.logger.exception("unhandled error on %s", request.path)
        return error(500, "Something went wrong", "The archive could not answer this request. It has been logged.")
