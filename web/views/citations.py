"""Citations on the web: the release page's citation box, downloads for reference managers, and the API."""

from __future__ import annotations

import json
from datetime import date

from flask import Blueprint, Response, abort, jsonify, request

from archive.citations import FORMATS, VersionRef, all_styles, cite, csl_item
from archive.model import Release
from archive.urls import safe_url
from web.params import BadParameter, whole_number
from web.views.common import external_url, find_release, release_url, view

bp = Blueprint("citations", __name__)

DOWNLOADS = {"bib": ("bibtex", "application/x-bibtex"), "ris": ("ris", "application/x-research-info-systems"),
             "json": ("csl-json", "application/vnd.citationstyles.csl+json")}


def paragraph_arg(release: Release) -> int | None:
    """The ``paragraph`` parameter, checked against the release (None when absent)."""
    raw = request.args.get("paragraph", "")
    if not raw:
        return None
    try:
        return whole_number(raw, "paragraph", 1, len(release.paragraphs))
    except BadParameter:
        raise BadParameter(f"parameter 'paragraph' must be a paragraph number from 1 to {len(release.paragraphs)}, "
                           f"written with the digits 0-9") from None


def current_version(release: Release) -> tuple[VersionRef | None, str]:
    """A release with several versions is cited as its current version, at that version's own permalink
    (which will always show this text); otherwise as the release, at its page."""
    history = view().ledger.get(release.id)
    if history is None or history.count == 1:
        return None, release_url(release.id, external=True)
    ref = VersionRef(history.count, history.count, history.versions[-1].seen[:10])
    return ref, external_url("versions.version_page", release_id=release.id, n=history.count)


def citation_context(release: Release) -> dict[str, object]:
    """What the citation box shows: every style, pinpointed when a paragraph was chosen."""
    paragraph = paragraph_arg(release)
    version, cited = current_version(release)
    permalink = release_url(release.id, external=True)
    return {
        "styles": all_styles(release, cited, date.today(), paragraph, version),
        "paragraph": paragraph,
        "permalink": cited + (f"#p{paragraph}" if paragraph else ""),
        "canonical": permalink,
        "original_url": safe_url(release.url),
        "json_ld": json_ld(release, permalink),
    }


def json_ld(release: Release, permalink: str) -> str:
    """schema.org markup so that Zotero's connector (and search engines) see a press release."""
    data: dict[str, object] = {
        "@context": "https://schema.org", "@type": "NewsArticle", "genre": "Press release",
        "headline": release.title, "url": permalink, "inLanguage": release.language or "en",
    }
    if release.date:
        data["datePublished"] = release.date
    if release.issuer:
        data["author"] = {"@type": "Organization", "name": release.issuer}
        data["publisher"] = {"@type": "Organization", "name": release.wire or release.site or release.issuer}
    if safe_url(release.url):
        data["isBasedOn"] = safe_url(release.url)
    # Inside <script>, "</" would end the element: escape it so release text can never break out.
    return json.dumps(data, ensure_ascii=False).replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")


def _release_or_404(release_id: str) -> Release:
    release = find_release(release_id)
    if release is None:
        abort(404)
    return release


@bp.get("/releases/<release_id>/cite.<ext>")
def download(release_id: str, ext: str) -> Response:
    if ext not in DOWNLOADS:
        abort(404)
    release = _release_or_404(release_id)
    fmt, mimetype = DOWNLOADS[ext]
    version, cited = current_version(release)
    text = cite(release, fmt, cited, date.today(), paragraph_arg(release), version)
    return Response(text, mimetype=mimetype,
                    headers={"Content-Disposition": f'attachment; filename="{release.id}.{ext}"'})


@bp.get("/api/releases/<release_id>/cite")
def api_cite(release_id: str) -> Response:
    release = _release_or_404(release_id)
    paragraph = paragraph_arg(release)
    version, permalink = current_version(release)
    styles = all_styles(release, permalink, date.today(), paragraph, version)
    return jsonify({
        "id": release.id, "paragraph": paragraph,
        "permalink": permalink + (f"#p{paragraph}" if paragraph else ""),
        "csl": csl_item(release, permalink, date.today(), paragraph, version),
        "styles": {name: {"bibliography": r.bibliography, "citation": r.citation} for name, r in styles.items()},
        "bibtex": cite(release, "bibtex", permalink, date.today(), paragraph, version),
        "ris": cite(release, "ris", permalink, date.today(), paragraph, version),
        "formats": list(FORMATS),
    })
