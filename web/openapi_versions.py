"""The OpenAPI description of versions, comparisons and /changes (``web/views/versions.py``, ``changes.py``):
path items and schemas that ``web/openapi.py`` adds to the document, built with its own helpers."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from archive.versions import EVENTS, STATUSES

N = {"name": "n", "in": "path", "required": True, "description": "A version number, from 1 (the first seen).",
     "schema": {"type": "integer", "minimum": 1}}
EXT = {"name": "ext", "in": "path", "required": True, "schema": {"type": "string", "enum": ["bib", "ris", "json"]}}


def _query(name: str, description: str, schema: dict[str, Any], many: bool = False) -> dict[str, Any]:
    if many:
        schema = {"type": "array", "items": schema}
    return {"name": name, "in": "query", "required": False, "description": description, "schema": schema,
            **({"style": "form", "explode": True} if many else {})}


PAIR = [_query("a", "The earlier version (default: the one before the latest).", {"type": "integer", "minimum": 1}),
        _query("b", "The later version (default: the latest).", {"type": "integer", "minimum": 1})]
CHANGE_FILTERS = [
    _query("issuer", "Only releases by this issuer (repeat for OR).", {"type": "string"}, many=True),
    _query("speaker", "Only releases quoting this speaker (repeat for OR).", {"type": "string"}, many=True),
    _query("from", "Earliest change: 2026, 2026-11 or 2026-11-15.", {"type": "string"}),
    _query("to", "Latest change, written the same way.", {"type": "string"}),
    _query("kind", "Only these kinds of change.", {"type": "string", "enum": list(EVENTS)}, many=True),
    _query("page", "Page number, from 1 (50 changes a page).", {"type": "integer", "minimum": 1, "maximum": 1000}),
]
VERSIONS_PARAMETER = _query("versions", "`all` searches earlier versions too (each a hit with its `version`).",
                            {"type": "string", "enum": ["current", "all"]})


def schemas(obj: Callable[..., dict[str, Any]], release: dict[str, Any]) -> dict[str, Any]:
    """``release`` is the Release schema; a version is described as one, with its number and dates."""
    parts = {"type": "array", "items": {"type": "array", "prefixItems": [
        {"type": "string", "enum": ["equal", "insert", "delete"]}, {"type": "string"}], "minItems": 2, "maxItems": 2},
        "description": "The text as (op, text) pairs: raw text, to be escaped; insert and delete mark changed words."}
    return {
        "VersionedRelease": obj({
            **{k: v for k, v in release["properties"].items() if k != "status"},
            "version": {"type": "integer", "minimum": 1}, "seen": {"type": "string", "description": "First seen."},
            "current": {"type": "boolean"}, "citation": {"type": "object", "description": "CSL-JSON of this version."},
        }, "One version of a release: the release as it read then, with its number and when it was first seen."),
        "Versions": obj({
            "id": {"type": "string"}, "status": {"type": "string", "enum": list(STATUSES)},
            "first_seen": {"type": ["string", "null"]}, "changed": {"type": ["string", "null"]},
            "withdrawn": {"type": ["string", "null"]}, "last_seen": {"type": ["string", "null"]},
            "versions": {"type": "integer", "minimum": 1},
            "history": {"type": "array", "items": {"type": "object"}},
            "events": {"type": "array", "items": {"type": "object"}},
            "permalinks": {"type": "array", "items": {"type": "string", "format": "uri"}},
        }, "A release's life: first seen, last changed, last seen, every version and event.", closed=False),
        "Comparison": obj({
            "id": {"type": "string"}, "a": {"type": "integer"}, "b": {"type": "integer"},
            "versions": {"type": "integer"}, "title": parts, "changed_paragraphs": {"type": "integer"},
            "paragraphs": {"type": "array", "items": obj({
                "kind": {"type": "string", "enum": ["same", "added", "removed", "changed"]},
                "old": {"type": ["integer", "null"]}, "new": {"type": ["integer", "null"]}, "parts": parts})},
        }, "Version a against version b, word by word, paragraph by paragraph."),
        "Changes": obj({
            "total": {"type": "integer"}, "page": {"type": "integer"}, "truncated": {"type": "boolean"},
            "changes": {"type": "array", "items": obj({
                "date": {"type": "string"}, "kind": {"type": "string", "enum": list(EVENTS)}, "id": {"type": "string"},
                "version": {"type": "integer"}, "versions": {"type": "integer"},
                "status": {"type": "string", "enum": list(STATUSES)}, "title": {"type": "string"},
                "issuer": {"type": "string"}, "speakers": {"type": "array", "items": {"type": "string"}},
                "previous_title": {"type": "string"}, "link": {"type": "string", "format": "uri"}})},
        }, "Updates, withdrawals and restorations, newest first."),
    }


def paths(get: Callable[..., dict[str, Any]], ok: Callable[..., dict[str, Any]], ref: Callable[[str], dict[str, Any]],
          release_id: dict[str, Any], paragraph: dict[str, Any], downloads: dict[str, tuple[str, str]]) -> dict[str, Any]:
    html = {"type": "string", "contentMediaType": "text/html"}
    return {
        "/releases/{id}/v/{n}": get("One version of a release (HTML), with its own citation.",
                                    ok("Version page", "text/html", html), [release_id, N, paragraph],
                                    errors=("400", "404")),
        "/api/releases/{id}/v/{n}": get("One version of a release, with its CSL-JSON citation.",
                                        ok("The version", "application/json", ref("VersionedRelease")),
                                        [release_id, N], errors=("404",)),
        "/releases/{id}/v/{n}/cite.{ext}": get(
            "A citation file of one version: BibTeX (bib), RIS (ris) or CSL-JSON (json).",
            {"description": "The citation as an attachment",
             "content": {mimetype: {"schema": {"type": "string"}} for _fmt, mimetype in downloads.values()}},
            [release_id, N, EXT, paragraph], errors=("400", "404")),
        "/api/releases/{id}/versions": get("A release's versions and events.",
                                           ok("Its history", "application/json", ref("Versions")), [release_id],
                                           errors=("404",)),
        "/releases/{id}/compare": get("Two versions compared word by word (HTML).",
                                      ok("Comparison page", "text/html", html), [release_id, *PAIR],
                                      errors=("400", "404")),
        "/api/releases/{id}/compare": get("Two versions compared word by word, paragraph by paragraph.",
                                          ok("The comparison", "application/json", ref("Comparison")),
                                          [release_id, *PAIR], errors=("400", "404")),
        "/changes": get("Releases updated, withdrawn or restored (HTML).", ok("Changes page", "text/html", html),
                        CHANGE_FILTERS),
        "/changes.atom": get("An Atom feed of the newest 50 changes.",
                             ok("Atom 1.0", "application/atom+xml", {"type": "string"}), CHANGE_FILTERS),
        "/api/changes": get("Releases updated, withdrawn or restored, newest first.",
                            ok("Changes", "application/json", ref("Changes")), CHANGE_FILTERS),
    }
