"""``archive serve``: the web site under Waitress (never Flask's development server).

The Waitress limits people tune are options, with defaults for a site reached through a reverse proxy (see
docs/DEPLOY.md): idle connections are dropped after 30 s instead of 120 s, and requests are bounded in size.
"""

from __future__ import annotations

import errno
import socket
import threading
from pathlib import Path

import click

from archive.dates import warm as warm_dates

WILDCARDS = ("0.0.0.0", "::", "")


def _base_url(ctx: click.Context, param: click.Parameter, value: str | None) -> str | None:
    from archive.urls import base_url

    if not value:
        return None
    try:
        return base_url(value)
    except ValueError as exc:
        raise click.BadParameter(str(exc)) from None


@click.command()
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on.")
@click.option("--port", type=click.IntRange(1, 65535), default=5000, show_default=True)
@click.option("--index", "index_path", type=click.Path(path_type=Path), default=None,
              help="Index folder (default: $ARCHIVE_INDEX or var/index).")
@click.option("--base-url", envvar="ARCHIVE_BASE_URL", callback=_base_url, default=None,
              help="The site's public address, e.g. https://archive.example.org ($ARCHIVE_BASE_URL): every permalink, "
                   "feed, citation and redirect uses it, whatever Host a request names.")
@click.option("--trusted-host", "trusted_hosts", multiple=True,
              help="Without --base-url: a host name the site is reached by (repeatable); other Host headers get a "
                   "400. localhost, 127.0.0.1 and --host are always trusted.")
@click.option("--threads", type=click.IntRange(1, 64), default=8, show_default=True,
              help="Requests handled at once.")
@click.option("--connection-limit", type=click.IntRange(1, 10_000), default=200, show_default=True,
              help="Open connections before new ones wait.")
@click.option("--channel-timeout", type=click.IntRange(1, 3600), default=30, show_default=True,
              help="Seconds a connection may stay idle (a slow or unfinished request) before it is closed.")
@click.option("--max-request-header-size", type=click.IntRange(1024, 1 << 24), default=65536, show_default=True,
              help="Bytes of request line and headers; a bigger request gets a 431.")
@click.option("--max-request-body-size", type=click.IntRange(0, 1 << 30), default=65536, show_default=True,
              help="Bytes of request body (no page takes one).")
def serve_command(host: str, port: int, index_path: Path | None, base_url: str | None, trusted_hosts: tuple[str, ...],
                  threads: int, connection_limit: int, channel_timeout: int, max_request_header_size: int,
                  max_request_body_size: int) -> None:
    """Serve the archive's web site and JSON API.

    Example: archive serve --port 8000 --index var/index --base-url https://archive.example.org
    """
    from waitress.server import create_server

    from archive.store import IndexHome, outdated, read_manifest
    from web import LOOPBACK_HOSTS, create_app

    config: dict[str, object] = {"INDEX_PATH": str(index_path) if index_path else None, "BASE_URL": base_url}
    if not base_url:
        named = [host] if host not in WILDCARDS and ":" not in host else []
        config["TRUSTED_HOSTS"] = list(dict.fromkeys([*LOOPBACK_HOSTS, *named, *trusted_hosts]))
    app = create_app(config)
    try:
        server = create_server(
            app, host=host, port=port, threads=threads, ident="press-archive", connection_limit=connection_limit,
            channel_timeout=channel_timeout, cleanup_interval=max(1, min(30, channel_timeout // 2)),
            max_request_header_size=max_request_header_size, max_request_body_size=max_request_body_size)
    except OSError as exc:
        raise click.ClickException(_cannot_listen(host, port, exc)) from None
    click.echo(f"Press Archive on http://{host}:{port}/ (index: {app.config['INDEX_PATH']})")
    if base_url:
        click.echo(f"links use the public address {base_url}")
    else:
        click.echo(f"no --base-url: links use the Host of each request, answered only for "
                   f"{', '.join(app.config['TRUSTED_HOSTS'])}")
        if host in WILDCARDS and not trusted_hosts:
            click.echo("warning: listening on every address without --base-url or --trusted-host: requests naming "
                       "another host get a 400 (see docs/DEPLOY.md)", err=True)
    warning = outdated(read_manifest(IndexHome(Path(app.config["INDEX_PATH"])).current()))
    if warning:
        click.echo(f"warning: {warning}", err=True)
    threading.Thread(target=warm_dates, name="warm-dates", daemon=True).start()  # no visitor waits for it
    try:
        server.run()
    except KeyboardInterrupt:
        click.echo("stopped")
    finally:
        server.close()


def _cannot_listen(host: str, port: int, exc: OSError) -> str:
    """One line saying why the site cannot listen there and what to do instead."""
    if exc.errno == errno.EADDRINUSE:
        return (f"port {port} on {host} is already in use (another archive serve, or another program): choose "
                f"another with --port {port + 1} (make demo PORT={port + 1})")
    if exc.errno in (errno.EACCES, errno.EPERM):
        return f"not allowed to listen on port {port} of {host}: ports below 1024 need privileges; try --port 8000"
    if exc.errno == errno.EADDRNOTAVAIL or isinstance(exc, socket.gaierror):
        return f"cannot listen on {host!r}: it is not an address of this machine (try --host 127.0.0.1)"
    return f"cannot listen on {host}:{port}: {exc.strerror or exc}"
