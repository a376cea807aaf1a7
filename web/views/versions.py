"""A release's versions: each at its own permalink with its own citation, any two compared word by word,
and their JSON twins. The release page shows "Updated on … · N versions" or "withdrawn (last seen …)"
through :func:`version_info`, a template global."""

from __future__ import annotations

from datetime import date
from typing import Any

from flask import Blueprint, Response, abort, jsonify, render_template, request, url_for

from archive.citations import VersionRef, all_styles, cite, csl_item
from archive.diffs import diff_releases
from archive.model import Release
from archive.store import IndexHome
from archive.urls import safe_url
from archive.versions import History
from web.params import BadParameter, whole_number
from web.views.citations import DOWNLOADS, json_ld, paragraph_arg
from web.views.common import external_url, find_release, view

bp = Blueprint("versions", __name__)
MAX_VERSION = 10_000  # a version number past this is a 404 before anything is looked up


def history_of(release_id: str) -> History | None:
    return view().ledger.get(release_id)


def _day(stamp: str) -> str:
    return stamp[:10]


def version_info(release: Release) -> dict[str, Any] | None:
    """What the release page says of the release's life (``notable``: it changed or was withdrawn)."""
    history = history_of(release.id)
    if history is None:
        return None
    return {
        "history": history, "count": history.count, "status": history.status,
        "notable": history.count > 1 or bool(history.withdrawn), "first_seen": _day(history.first_seen),
        "checked": _day(history.last_seen or IndexHome(view().path.parent).checked_at()),
        "changed": _day(history.changed), "withdrawn": _day(history.withdrawn), "last_seen": _day(history.last_seen),
        "formerly": history.former_titles(release.title),
        "versions": [{"n": v.n, "seen": _day(v.seen), "title": v.title,
                      "url": url_for("versions.version_page", release_id=release.id, n=v.n)} for v in history.versions],
        "compare": url_for("versions.compare_page", release_id=release.id, a=history.count - 1, b=history.count)
        if history.count > 1 else None,
    }


def version_ref(release_id: str, n: int) -> VersionRef:
    history = history_of(release_id)
    total = history.count if history else 1
    seen = history.versions[n - 1].seen if history and history.versions else (history.first_seen if history else "")
    return VersionRef(n, total, _day(seen))


def version_url(release_id: str, n: int) -> str:
    return external_url("versions.version_page", release_id=release_id, n=n)


def _version_or_404(release_id: str, n: int) -> tuple[Release, History | None]:
    if n < 1 or n > MAX_VERSION or find_release(release_id) is None:
        abort(404)
    found = view().version(release_id, n)
    if found is None:
        abort(404)
    return found, history_of(release_id)


def _two_versions(release_id: str) -> tuple[Release, Release, int, int, int]:
    if find_release(release_id) is None:
        abort(404)
    history = history_of(release_id)
    total = history.count if history else 1
    if total < 2:
        raise BadParameter("this release has one version: there is nothing to compare")
    a = whole_number(request.args.get("a", "") or str(total - 1), "a", 1, total)
    b = whole_number(request.args.get("b", "") or str(total), "b", 1, total)
    old, new = view().version(release_id, a), view().version(release_id, b)
    if old is None or new is None:
        abort(404)
    return old, new, a, b, total


@bp.get("/releases/<release_id>/v/<int:n>")
def version_page(release_id: str, n: int) -> Response:
    release, history = _version_or_404(release_id, n)
    ref = version_ref(release_id, n)
    paragraph = paragraph_arg(release)
    permalink = version_url(release_id, n)
    html = render_template(
        "version.html", release=release, n=n, total=ref.total, ref=ref,
        history=history, styles=all_styles(release, permalink, date.today(), paragraph, ref), paragraph=paragraph,
        permalink=permalink + (f"#p{paragraph}" if paragraph else ""), canonical=permalink,
        original_url=safe_url(release.url), json_ld=json_ld(release, permalink),
        current_url=url_for("pages.release", release_id=release_id),
    )
    response = Response(html, mimetype="text/html")
    response.headers["Link"] = (f'<{url_for("versions.api_version", release_id=release_id, n=n)}>; rel="alternate"; '
                                'type="application/json"')
    return response


@bp.get("/api/releases/<release_id>/v/<int:n>")
def api_version(release_id: str, n: int) -> Response:
    release, history = _version_or_404(release_id, n)
    ref = version_ref(release_id, n)
    data = release.to_dict()
    data["url"] = safe_url(release.url)
    data.update(version=n, versions=ref.total, seen=ref.seen, current=n == ref.total,
                permalink=version_url(release_id, n),
                citation=csl_item(release, version_url(release_id, n), date.today(), None, ref))
    return jsonify(data)


@bp.get("/releases/<release_id>/v/<int:n>/cite.<ext>")
def version_download(release_id: str, n: int, ext: str) -> Response:
    if ext not in DOWNLOADS:
        abort(404)
    release, _history = _version_or_404(release_id, n)
    fmt, mimetype = DOWNLOADS[ext]
    text = cite(release, fmt, version_url(release_id, n), date.today(), paragraph_arg(release), version_ref(release_id, n))
    return Response(text, mimetype=mimetype,
                    headers={"Content-Disposition": f'attachment; filename="{release.id}-v{n}.{ext}"'})


@bp.get("/api/releases/<release_id>/versions")
def api_versions(release_id: str) -> Response:
    release = find_release(release_id)
    if release is None:
        abort(404)
    history = history_of(release_id)
    last_seen = IndexHome(view().path.parent).checked_at() or None
    data = history.describe(release_id) if history else {"id": release_id, "status": "published", "versions": 1}
    if not data.get("last_seen"):
        data["last_seen"] = last_seen
    data["permalinks"] = [version_url(release_id, n) for n in range(1, (history.count if history else 1) + 1)]
    return jsonify(data)


@bp.get("/releases/<release_id>/compare")
def compare_page(release_id: str) -> Response:
    old, new, a, b, total = _two_versions(release_id)
    diff = diff_releases(old, new)
    history = history_of(release_id)
    html = render_template("compare.html", release=new, old=old, new=new, a=a, b=b, total=total, diff=diff,
                           history=history, seen={v.n: _day(v.seen) for v in history.versions} if history else {})
    response = Response(html, mimetype="text/html")
    response.headers["Link"] = (f'<{url_for("versions.api_compare", release_id=release_id, a=a, b=b)}>; '
                                'rel="alternate"; type="application/json"')
    return response


@bp.get("/api/releases/<release_id>/compare")
def api_compare(release_id: str) -> Response:
    old, new, a, b, total = _two_versions(release_id)
    return jsonify({"id": release_id, "a": a, "b": b, "versions": total, **diff_releases(old, new).to_dict()})


@bp.app_context_processor
def _globals() -> dict[str, Any]:
    return {"version_info": version_info}
