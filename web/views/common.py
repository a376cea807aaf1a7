"""What the views share: the request's snapshot of the archive, and result helpers."""

from __future__ import annotations

from flask import Response, abort, current_app, g, redirect, url_for

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


def release_url(release_id: str, external: bool = False) -> str:
    return url_for("pages.release", release_id=release_id, _external=external)


def release_or_redirect(release_id: str, endpoint: str) -> Release | Response:
    """The release, or a permanent redirect to the id it moved to, or a 404."""
    found = find_release(release_id)
    if found is not None:
        return found
    target = alias_for(release_id)
    if target:
        return redirect(url_for(endpoint, release_id=target), code=301)  # type: ignore[return-value]
    abort(404)
