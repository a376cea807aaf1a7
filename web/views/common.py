"""What the views share: the request's snapshot of the archive, result helpers, and the site's absolute URLs."""

from __future__ import annotations

from flask import Response, abort, current_app, g, redirect, request, url_for

from archive.ids import is_valid_id
from archive.model import Release
from archive.store import IndexReader, Snapshot


def reader() -> IndexReader:
    return current_app.extensions["archive_reader"]


def view() -> Snapshot:
    """One generation of the index for the whole request (a streamed export included): taken on first use,
    closed by :func:`close_view` when the request ends."""
    if "archive_view" not in g:
        g.archive_view = reader().snapshot()
    return g.archive_view


def close_view(_exc: BaseException | None = None) -> None:
    snap = g.pop("archive_view", None)
    if snap is not None:
        snap.close()


def find_release(release_id: str) -> Release | None:
    """The release with this id, following the alias of an id that changed; None if there is none."""
    if not is_valid_id(release_id):
        return None
    return view().get(release_id)


def alias_for(release_id: str) -> str | None:
    if not is_valid_id(release_id):
        return None
    target = view().manifest.get("aliases", {}).get(release_id)
    return target if isinstance(target, str) and is_valid_id(target) else None


def public_base() -> str:
    """The site's public address: ``BASE_URL`` when set, so the Host header never chooses a link; otherwise the
    request's own, whose Host Flask has checked against ``TRUSTED_HOSTS`` (loopback names by default)."""
    return current_app.config.get("BASE_URL") or request.host_url.rstrip("/")


def public_url(path: str) -> str:
    """The absolute URL of a path of this site (``/releases/x?y``), on its public address."""
    return public_base() + "/" + path.lstrip("/")


def external_url(endpoint: str, **values: object) -> str:
    """``url_for(..., _external=True)`` on the public address: every absolute link the site writes."""
    return public_url(url_for(endpoint, **values))


def release_url(release_id: str, external: bool = False) -> str:
    return external_url("pages.release", release_id=release_id) if external else url_for("pages.release", release_id=release_id)


def release_or_redirect(release_id: str, endpoint: str) -> Release | Response:
    """The release, or a permanent redirect to the id it moved to, or a 404."""
    found = find_release(release_id)
    if found is not None:
        return found
    target = alias_for(release_id)
    if target:
        return redirect(url_for(endpoint, release_id=target), code=301)  # type: ignore[return-value]
    abort(404)
