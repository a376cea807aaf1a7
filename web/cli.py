"""``archive serve``: the web site under Waitress (never Flask's development server)."""

from __future__ import annotations

from pathlib import Path

import click


@click.command()
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", type=click.IntRange(1, 65535), default=5000, show_default=True)
@click.option("--index", "index_path", type=click.Path(path_type=Path), default=None,
              help="Index folder (default: $ARCHIVE_INDEX or var/index).")
@click.option("--threads", type=click.IntRange(1, 64), default=8, show_default=True)
def serve_command(host: str, port: int, index_path: Path | None, threads: int) -> None:
    """Serve the archive's web site and JSON API.

    Example: archive serve --port 8000 --index var/index
    """
    from waitress import serve

    from archive.store import IndexHome, outdated, read_manifest
    from web import create_app

    app = create_app({"INDEX_PATH": str(index_path) if index_path else None})
    click.echo(f"Press Archive on http://{host}:{port}/ (index: {app.config['INDEX_PATH']})")
    warning = outdated(read_manifest(IndexHome(Path(app.config["INDEX_PATH"])).current()))
    if warning:
        click.echo(f"warning: {warning}", err=True)
    serve(app, host=host, port=port, threads=threads, ident="press-archive")
