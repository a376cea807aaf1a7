"""The Flask web site over the archive: thin views that translate URLs into archive calls."""

from __future__ import annotations

from typing import Any

from flask import Flask


def create_app(config: dict[str, Any] | None = None) -> Flask:
    from archive.store import IndexHome, IndexReader, default_index_path
    from web.views import register

    app = Flask(__name__)
    app.config.from_mapping(INDEX_PATH=None)
    app.config.from_prefixed_env("ARCHIVE")
    app.config.update({k: v for k, v in (config or {}).items() if v is not None})
    app.config["INDEX_PATH"] = str(app.config.get("INDEX_PATH") or default_index_path())
    app.extensions["archive_reader"] = IndexReader(IndexHome(app.config["INDEX_PATH"]))
    register(app)
    return app
