"""Speaker pages: ``/speakers`` (every person, searchable) and ``/speakers/<slug>`` (one person's record), with
their JSON twins under ``/api/speakers``, an Atom feed and citation downloads of each person's releases."""

from __future__ import annotations

import json
import re
from datetime import UTC, date, datetime
from typing import Any

import numpy as np
from flask import Blueprint, Response, abort, jsonify, redirect, render_template, request, url_for

from archive.citations import cite, csl_item
from archive.speakers import (
    ORDERS,
    Person,
    Record,
    SpeakerTable,
    appearance,
    day_text,
    person_docs,
    record,
    speaker_table,
)
from web.params import MAX_VALUE, BadParameter, whole_number
from web.views.common import external_url, public_url, release_url, view
from web.views.feeds import xml_text

bp = Blueprint("speakers", __name__)
PAGE_SIZE = 50  # releases (with their quotes) per page of a person, people per page of the list
FEED_SIZE = 50
MAX_CITATIONS = 500  # releases in one citation download (the oldest first)
_SLUG = re.compile(r"[a-z0-9][a-z0-9-]{0,100}")
DOWNLOADS = {"bib": ("bibtex", "application/x-bibtex"), "ris": ("ris", "application/x-research-info-systems"),
             "json": ("csl-json", "application/vnd.citationstyles.csl+json")}


def _table() -> SpeakerTable:
    return speaker_table(view())


def _releases_by_person() -> dict[str, int]:
    """Releases per person (copies folded), as the speaker facet counts them; once per generation."""

    def count(snap: Any) -> dict[str, int]:
        facet = snap.tables.tables["speaker"]
        counts = np.bincount(facet.pair_value, minlength=len(facet.values))
        return {name: int(counts[i]) for i, name in enumerate(facet.values)}

    return view().cached("speaker-releases", count)


def _page_arg() -> int:
    raw = request.args.get("page", "")
    return whole_number(raw, "page", 1, 10_000) if raw else 1


def _order_arg() -> str:
    order = request.args.get("order", "oldest") or "oldest"
    if order not in ORDERS:
        raise BadParameter(f"parameter 'order' must be one of {', '.join(ORDERS)}")
    return order


def _person(slug: str, endpoint: str) -> Person | Response:
    """The person of ``slug``, or a permanent redirect from another spelling's slug, or a 404."""
    if not _SLUG.fullmatch(slug):
        abort(404)
    table = _table()
    person = table.person(slug)
    if person is not None:
        return person
    target = table.aliases.get(slug)
    if target:
        return redirect(url_for(endpoint, slug=target, **request.args.to_dict()), code=301)  # type: ignore[return-value]
    abort(404)


def _twin(html: str, api_url: str) -> Response:
    response = Response(html, mimetype="text/html")
    response.headers["Link"] = f'<{api_url}>; rel="alternate"; type="application/json"'
    return response


# -- the list of people --------------------------------------------------------------------------------


def _listing() -> tuple[str, list[Person], int, int]:
    q = request.args.get("q", "")[:MAX_VALUE]
    found = _table().search(q)
    pages = max(1, -(-len(found) // PAGE_SIZE))
    page = min(_page_arg(), pages)
    return q, found[(page - 1) * PAGE_SIZE:page * PAGE_SIZE], len(found), page


def _person_summary(person: Person, releases: dict[str, int]) -> dict[str, Any]:
    latest = max(person.titles, key=lambda t: (t.last, t.releases), default=None)
    return {"slug": person.slug, "name": person.name, "full_name": person.shown, "variants": person.variants,
            "releases": releases.get(person.name, 0), "quotes": person.quotes,
            "latest_title": latest.title if latest else "", "page": external_url("speakers.speaker_page", slug=person.slug)}


@bp.get("/speakers")
def speakers_index() -> Response:
    name = request.args.get("name", "")[:MAX_VALUE]
    if name:  # links from facets and release pages name the person as the release writes them
        person = _table().of_name(name)
        if person is not None:
            return redirect(url_for("speakers.speaker_page", slug=person.slug))  # type: ignore[return-value]
        return redirect(url_for("speakers.speakers_index", q=name))  # type: ignore[return-value]
    q, people, total, page = _listing()
    releases = _releases_by_person()
    html = render_template("speakers.html", q=q, people=[_person_summary(p, releases) for p in people], total=total,
                           page=page, pages=max(1, -(-total // PAGE_SIZE)), day_text=day_text)
    return _twin(html, url_for("speakers.api_speakers", q=q or None, page=page if page > 1 else None))


@bp.get("/api/speakers")
def api_speakers() -> Response:
    q, people, total, page = _listing()
    releases = _releases_by_person()
    return jsonify({"q": q, "total": total, "page": page, "pages": max(1, -(-total // PAGE_SIZE)),
                    "people": [_person_summary(p, releases) for p in people]})


# -- one person ----------------------------------------------------------------------------------------


def _bars(rec: Record) -> list[dict[str, Any]]:
    peak = max((count for _year, count in rec.years), default=0) or 1
    return [{"label": str(year), "count": count, "height": max(2, round(60 * count / peak)) if count else 0,
             "href": url_for("pages.search_page", speaker=rec.person.name, **{"from": str(year), "to": str(year)})}
            for year, count in rec.years]


def _record_json(rec: Record) -> dict[str, Any]:
    person = rec.person
    table = _table()
    return {
        "slug": person.slug, "name": person.name, "full_name": person.shown, "variants": person.variants,
        "releases": rec.releases,
        "quotes": person.quotes, "first_seen": day_text(rec.first_day), "last_seen": day_text(rec.last_day),
        "titles": [{"title": t.title, "first_seen": day_text(t.first), "last_seen": day_text(t.last),
                    "releases": t.releases} for t in person.titles],
        "issuers": [{"issuer": name, "releases": n} for name, n in rec.issuers],
        "years": [{"year": year, "releases": n} for year, n in rec.years],
        "appears_with": [{"name": name, "slug": slug, "releases": n} for name, slug, n in rec.together],
        "page": rec.page, "pages": rec.pages, "order": rec.order,
        "appearances": [{
            "id": a.release_id, "title": a.title, "date": a.date, "issuer": a.issuer, "speaker_title": a.speaker_title,
            "page": release_url(a.release_id, external=True),
            "quotes": [{"text": text, "paragraph": n,
                        "page": release_url(a.release_id, external=True) + (f"?paragraph={n}#p{n}" if n else "")}
                       for text, n in a.quotes],
        } for a in rec.appearances],
        "feed": external_url("speakers.speaker_feed", slug=person.slug),
        "citations": {ext: external_url("speakers.speaker_citations", slug=person.slug, ext=ext) for ext in DOWNLOADS},
        "search": external_url("pages.search_page", speaker=person.name),
        "aliases": sorted(alias for alias, slug in table.aliases.items() if slug == person.slug),
    }


@bp.get("/speakers/<slug>")
def speaker_page(slug: str) -> Response:
    found = _person(slug, "speakers.speaker_page")
    if isinstance(found, Response):
        return found
    rec = record(view(), found, _page_arg(), PAGE_SIZE, _order_arg())
    html = render_template("speaker.html", rec=rec, bars=_bars(rec), day_text=day_text, downloads=DOWNLOADS)
    args = {k: v for k, v in (("page", rec.page if rec.page > 1 else None),
                              ("order", rec.order if rec.order != "oldest" else None)) if v}
    return _twin(html, url_for("speakers.api_speaker", slug=found.slug, **args))


@bp.get("/api/speakers/<slug>")
def api_speaker(slug: str) -> Response:
    found = _person(slug, "speakers.api_speaker")
    if isinstance(found, Response):
        return found
    return jsonify(_record_json(record(view(), found, _page_arg(), PAGE_SIZE, _order_arg())))


@bp.get("/speakers/<slug>/feed.atom")
def speaker_feed(slug: str) -> Response:
    found = _person(slug, "speakers.speaker_feed")
    if isinstance(found, Response):
        return found
    snap = view()
    releases = [snap.release_at(int(d)) for d in person_docs(snap, found, "newest")[:FEED_SIZE]]
    updated = max((r.date for r in releases if r.date), default="") or datetime.now(UTC).date().isoformat()
    body = render_template(
        "feed.xml", releases=releases, title=f"Press Archive: releases quoting {found.shown}",
        self_url=public_url(request.path), page_url=external_url("speakers.speaker_page", slug=found.slug),
        updated=_atom_date(updated), atom_date=_atom_date,
    )
    return Response(xml_text(body), mimetype="application/atom+xml")


def _atom_date(day: str) -> str:
    parts = (day.split("-") + ["01", "01"])[:3]
    return f"{parts[0]}-{parts[1]}-{parts[2]}T00:00:00Z"


@bp.get("/speakers/<slug>/cite.<ext>")
def speaker_citations(slug: str, ext: str) -> Response:
    """Every release of the person (up to :data:`MAX_CITATIONS`, oldest first), each pinpointed to the paragraph
    of their first quote there, for a reference manager."""
    if ext not in DOWNLOADS:
        abort(404)
    found = _person(slug, "speakers.speaker_citations")
    if isinstance(found, Response):
        return found
    snap = view()
    fmt, mimetype = DOWNLOADS[ext]
    parts, items = [], []
    for doc in person_docs(snap, found, "oldest")[:MAX_CITATIONS].tolist():
        release = snap.release_at(int(doc))
        paragraph = next((n for _text, n in appearance(release, found).quotes if n), None)
        permalink = release_url(release.id, external=True)
        if fmt == "csl-json":
            items.append(csl_item(release, permalink, date.today(), paragraph))
        else:
            parts.append(cite(release, fmt, permalink, date.today(), paragraph))
    if fmt == "bibtex":
        parts = _unique_keys(parts)
    text = json.dumps(items, ensure_ascii=False, indent=2) + "\n" if fmt == "csl-json" else "\n".join(parts)
    return Response(text, mimetype=mimetype,
                    headers={"Content-Disposition": f'attachment; filename="{found.slug}.{ext}"'})


def _unique_keys(entries: list[str]) -> list[str]:
    """BibTeX entries whose keys repeat (one office, one year, one first word) get a letter each: a, b, c …"""
    seen: dict[str, int] = {}
    out = []
    for entry in entries:
        head, _, rest = entry.partition(",")
        n = seen.get(head, 0)
        seen[head] = n + 1
        out.append(f"{head}{_suffix(n)},{rest}" if n else entry)
    return out


def _suffix(n: int) -> str:
    letters = ""
    while n:
        n, r = divmod(n - 1, 26)
        letters = chr(97 + r) + letters
    return letters
