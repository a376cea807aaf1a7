"""``/changes``: releases updated, withdrawn or restored, newest first, filtered by issuer, speaker, date and
kind; its Atom feed (``/changes.atom``) and JSON twin (``/api/changes``)."""

from __future__ import annotations

from urllib.parse import urlencode

from flask import Blueprint, Response, jsonify, render_template, request, url_for
from werkzeug.datastructures import MultiDict

from archive.changes import ChangeEntry, ChangeList, list_changes
from archive.query import day_bounds
from archive.versions import EVENTS
from web.params import MAX_VALUE, MAX_VALUES_PER_FACET, BadParameter, whole_number
from web.views.common import external_url, public_url, view
from web.views.feeds import xml_text

bp = Blueprint("changes", __name__)
PAGE = 50
FEED_SIZE = 50


class Filters:
    """The listing's parameters, checked: ``issuer``, ``speaker`` (repeatable), ``from``, ``to``, ``kind``, ``page``."""

    def __init__(self, args: MultiDict) -> None:
        self.issuers = self._values(args, "issuer")
        self.speakers = self._values(args, "speaker")
        self.date_from = self._date(args, "from")
        self.date_to = self._date(args, "to")
        kinds = [k for k in args.getlist("kind") if k]
        for kind in kinds:
            if kind not in EVENTS:
                raise BadParameter(f"parameter 'kind' must be one of {', '.join(EVENTS)}")
        self.kinds = tuple(dict.fromkeys(kinds)) or EVENTS
        raw_page = args.get("page", "")
        self.page = whole_number(raw_page, "page", 1, 1000) if raw_page else 1

    @staticmethod
    def _values(args: MultiDict, name: str) -> list[str]:
        values = [v[:MAX_VALUE] for v in args.getlist(name) if v.strip()]
        if len(values) > MAX_VALUES_PER_FACET:
            raise BadParameter(f"parameter {name!r} may be given at most {MAX_VALUES_PER_FACET} times")
        return list(dict.fromkeys(values))

    @staticmethod
    def _date(args: MultiDict, name: str) -> str:
        raw = args.get(name, "").strip()
        if raw and day_bounds(raw) is None:
            raise BadParameter(f"parameter {name!r} must be a date like 2024, 2024-03 or 2024-03-15, not {raw[:40]!r}")
        return raw

    def query(self, **changes: object) -> str:
        params: dict[str, object] = {"issuer": self.issuers, "speaker": self.speakers, "from": self.date_from,
                                     "to": self.date_to, "kind": list(self.kinds) if self.kinds != EVENTS else [],
                                     "page": self.page if self.page > 1 else ""}
        params.update(changes)
        pairs: list[tuple[str, str]] = []
        for key, value in params.items():
            if isinstance(value, list):
                pairs.extend((key, str(v)) for v in value)
            elif value not in (None, ""):
                pairs.append((key, str(value)))
        return urlencode(pairs)

    def listing(self, size: int) -> ChangeList:
        return list_changes(view(), self.date_from, self.date_to, self.issuers, self.speakers, self.kinds,
                            offset=(self.page - 1) * size, limit=size)

    def describe(self) -> str:
        parts = [", ".join(self.kinds) if self.kinds != EVENTS else "all changes"]
        if self.issuers:
            parts.append("issuer " + " or ".join(self.issuers))
        if self.speakers:
            parts.append("speaker " + " or ".join(self.speakers))
        if self.date_from or self.date_to:
            parts.append(f"{self.date_from or '…'} – {self.date_to or '…'}")
        return "; ".join(parts)


def link(entry: ChangeEntry) -> str:
    """Where a change is seen best: the comparison of an update, the release page otherwise."""
    if entry.kind == "updated" and entry.version >= 2:
        return url_for("versions.compare_page", release_id=entry.id, a=entry.version - 1, b=entry.version)
    return url_for("pages.release", release_id=entry.id)


@bp.get("/changes")
def changes_page() -> Response:
    filters = Filters(request.args)
    found = filters.listing(PAGE)
    html = render_template("changes.html", filters=filters, found=found, link=link, page=filters.page,
                           pages=max(1, -(-found.total // PAGE)),
                           page_link=lambda n: "?" + filters.query(page=n if n > 1 else None),
                           feed_url=url_for("changes.changes_feed") + ("?" + filters.query(page=None)).rstrip("?"))
    response = Response(html, mimetype="text/html")
    response.headers["Link"] = f'<{url_for("changes.api_changes")}?{filters.query()}>; rel="alternate"; type="application/json"'
    return response


@bp.get("/changes.atom")
def changes_feed() -> Response:
    filters = Filters(request.args)
    filters.page = 1
    found = filters.listing(FEED_SIZE)
    updated = found.entries[0].date if found.entries else "1970-01-01T00:00:00Z"
    body = render_template(
        "changes.xml", found=found, title=f"Press Archive changes: {filters.describe()}",
        self_url=public_url(request.full_path.rstrip("?")),
        page_url=external_url("changes.changes_page") + ("?" + filters.query()).rstrip("?"),
        updated=updated, link=lambda e: public_url(link(e)),
    )
    return Response(xml_text(body), mimetype="application/atom+xml")


@bp.get("/api/changes")
def api_changes() -> Response:
    filters = Filters(request.args)
    found = filters.listing(PAGE)
    return jsonify({"total": found.total, "page": filters.page, "truncated": found.truncated,
                    "changes": [{**e.to_dict(), "link": public_url(link(e))} for e in found.entries]})
