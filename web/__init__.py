"""The Flask web site over the archive: thin views that translate URLs into archive calls."""

from __future__ import annotations

from typing import Any

from flask import Flask

# Without a public base URL, absolute links are built from the Host header; then only these names are answered
# (a forged Host is a 400), unless TRUSTED_HOSTS lists the names the site is reached by. An IPv6 literal cannot be
# listed (Werkzeug cuts trusted names at the first ":"): use a base URL. See docs/DEPLOY.md.
LOOPBACK_HOSTS = ["localhost", "127.0.0.1"]


def create_app(config: dict[str, Any] | None = None) -> Flask:
    """The site. ``BASE_URL`` (or ``$ARCHIVE_BASE_URL``) is the public address every absolute link is built on."""
    from archive.store import IndexHome, IndexReader, default_index_path
    from archive.urls import base_url
    from web import caching
    from web.views import register

    app = Flask(__name__)
    app.config.from_mapping(INDEX_PATH=None, BASE_URL=None)
    app.config.from_prefixed_env("ARCHIVE")
    app.config.update({k: v for k, v in (config or {}).items() if v is not None})
    app.config["INDEX_PATH"] = str(app.config.get("INDEX_PATH") or default_index_path())
    if app.config["BASE_URL"]:
        app.config["BASE_URL"] = base_url(str(app.config["BASE_URL"]))
    elif not app.config.get("TRUSTED_HOSTS"):
        app.config["TRUSTED_HOSTS"] = list(LOOPBACK_HOSTS)
    app.extensions["archive_reader"] = IndexReader(IndexHome(app.config["INDEX_PATH"]))
    register(app)
    caching.register(app)
    return app
