"""Atom feeds and CSV / JSON-lines exports of any search, and the OpenSearch description."""

from __future__ import annotations

import csv
import io
import json
import re
from collections.abc import Iterator
from contextlib import closing
from datetime import UTC, datetime

from flask import Blueprint, Response, render_template, request, stream_with_context

from archive.ids import slugify
from archive.search import SearchRequest, matching_releases
from archive.urls import safe_url
from web.params import describe, request_from_args, to_query
from web.views.common import external_url, public_url, reader, view

bp = Blueprint("feeds", __name__)
FEED_SIZE = 50
EXPORT_FIELDS = ["id", "date", "title", "subtitle", "issuer", "speakers", "speaker_titles", "topics", "tags", "wire",
                 "dateline", "url", "source", "permalink"]
# Spreadsheet programs (Excel above all) read a CSV as UTF-8 only when it starts with a byte order mark.
BOM = "\ufeff"
# What XML 1.0 forbids (most C0 controls, lone surrogates, U+FFFE/U+FFFF): one such character in a title would
# make the feed unreadable for every subscriber. The templates hold none, so it is stripped from the whole output.
_NOT_XML = re.compile("[^\x09\x0a\x0d\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")
# A spreadsheet runs a cell starting with one of these as a formula (OWASP's CSV injection list, and the
# full-width forms some spreadsheets read the same way).
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r", "\uff1d", "\uff0b", "\uff0d", "\uff20")


def xml_text(body: str) -> str:
    """A rendered XML document with every character XML 1.0 forbids removed."""
    return _NOT_XML.sub("", body)


def spreadsheet_safe(cell: str) -> str:
    """A CSV cell a spreadsheet shows as text: one starting like a formula is prefixed with ``'`` (OWASP)."""
    return "'" + cell if cell.startswith(_FORMULA_START) else cell


@bp.get("/feed.atom")
def atom() -> Response:
    req = request_from_args(request.args)
    req.sort = "newest"
    releases = list(matching_releases(view(), req, limit=FEED_SIZE))
    updated = max((r.date for r in releases if r.date), default="") or datetime.now(UTC).date().isoformat()
    body = render_template(
        "feed.xml", releases=releases, title=f"Press Archive: {describe(req)}",
        self_url=public_url(request.full_path.rstrip("?")), page_url=external_url("pages.search_page") + "?" + to_query(req),
        updated=_atom_date(updated),
        atom_date=_atom_date,
    )
    return Response(xml_text(body), mimetype="application/atom+xml")


def _atom_date(date: str) -> str:
    parts = (date.split("-") + ["01", "01"])[:3]
    return f"{parts[0]}-{parts[1]}-{parts[2]}T00:00:00Z"


@bp.get("/opensearch.xml")
def opensearch() -> Response:
    body = render_template("opensearch.xml", search_url=external_url("pages.search_page"))
    return Response(xml_text(body), mimetype="application/opensearchdescription+xml")


def _row(release, permalink: str) -> dict[str, str]:  # type: ignore[no-untyped-def]
    row = {
        "id": release.id, "date": release.date, "title": release.title, "subtitle": release.subtitle,
        "issuer": release.issuer, "speakers": "; ".join(s.name for s in release.speakers),
        # One entry per speaker, in the same order (empty where the release gives no title).
        "speaker_titles": "; ".join(s.title for s in release.speakers) if any(s.title for s in release.speakers) else "",
        "topics": "; ".join(release.topics), "tags": "; ".join(release.tags), "wire": release.wire,
        "dateline": release.dateline, "url": safe_url(release.url), "source": release.source, "permalink": permalink,
    }
    return {name: spreadsheet_safe(value) for name, value in row.items()}


def export_name(req: SearchRequest) -> str:
    """A file name that says which search an export holds: ``press-archive-water-topic-environment-2025``."""
    words = [req.q] + [f"{name} {value}" for name, values in req.filters.items() for value in values]
    if req.date_from or req.date_to:
        words.append(f"{req.date_from or 'until'} {req.date_to}" if req.date_to != req.date_from else req.date_from)
    slug = slugify(" ".join(words), limit=80)
    return "press-archive" + (f"-{slug}" if slug else "")


@bp.get("/export.csv")
def export_csv() -> Response:
    req = request_from_args(request.args)
    base = external_url("pages.search_page").rstrip("/")
    # Matched before the response starts (over budget: a 503), on a snapshot of its own that the stream
    # holds to its end (the request's own view is closed as soon as this function returns).
    releases = matching_releases(reader(), req)

    def rows() -> Iterator[str]:
        buffer = io.StringIO()
        buffer.write(BOM)
        writer = csv.DictWriter(buffer, fieldnames=EXPORT_FIELDS)
        writer.writeheader()
        with closing(releases):
            for release in releases:
                writer.writerow(_row(release, f"{base}/releases/{release.id}"))
                if buffer.tell() > 65536:
                    yield buffer.getvalue()
                    buffer.seek(0)
                    buffer.truncate()
        yield buffer.getvalue()

    return Response(stream_with_context(rows()), mimetype="text/csv",
                    headers={"Content-Disposition": f'attachment; filename="{export_name(req)}.csv"'})


@bp.get("/export.jsonl")
def export_jsonl() -> Response:
    req = request_from_args(request.args)
    base = external_url("pages.search_page").rstrip("/")
    releases = matching_releases(reader(), req)  # as for CSV: matched now, its own snapshot to the end

    def lines() -> Iterator[str]:
        with closing(releases):
            for release in releases:
                data = release.to_dict()
                data["url"] = safe_url(release.url)
                data["permalink"] = f"{base}/releases/{release.id}"
                yield json.dumps(data, ensure_ascii=False) + "\n"

    return Response(stream_with_context(lines()), mimetype="application/x-ndjson",
                    headers={"Content-Disposition": f'attachment; filename="{export_name(req)}.jsonl"'})
