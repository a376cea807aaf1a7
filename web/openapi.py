"""The OpenAPI 3.1 description of every endpoint: the JSON API, citations, feeds, exports and the pages.

Parameters come from the same lists the views read; the release schema is built from the ``Release`` dataclass,
so a field added there is described here too. ``tests/test_api.py`` checks the document with a real OpenAPI
validator and real responses against its schemas.
"""

from __future__ import annotations

import dataclasses
import typing
from typing import Any

from archive.model import Release, Speaker
from archive.search import SORTS, facet_names
from web import openapi_versions
from web.views.citations import DOWNLOADS


def _param(name: str, description: str, schema: dict[str, Any], many: bool = False) -> dict[str, Any]:
    if many:
        schema = {"type": "array", "items": schema}
    return {"name": name, "in": "query", "required": False, "description": description, "schema": schema,
            **({"style": "form", "explode": True} if many else {})}


DATES = "As people write them: 2016, 2016-03, 2016-03-15, 03/15/2016, 15 March 2016, March 2016, last month."
SEARCH_PARAMETERS = [
    _param("q", 'Query: words (ANDed), "phrases", OR, NOT, -word, word*, field:value, date:2024-03.', {"type": "string"}),
    *[_param(name, f"Only releases with this {name} (repeat for OR).", {"type": "string"}, many=True) for name in facet_names()],
    _param("from", "Earliest date. " + DATES + " A reversed range is swapped (see `notices`).", {"type": "string"}),
    _param("to", "Latest date. " + DATES, {"type": "string"}),
    _param("sort", "Order of results.", {"type": "string", "enum": list(SORTS)}),
    _param("page", "Page number, from 1.", {"type": "integer", "minimum": 1, "maximum": 10000}),
    _param("size", "Results per page.", {"type": "integer", "minimum": 1, "maximum": 100}),
    _param("facets", "Values shown per facet.", {"type": "integer", "minimum": 1, "maximum": 500}),
    *[_param(f"{name}_q", f"Only {name} values containing this text.", {"type": "string"}) for name in facet_names()],
    openapi_versions.VERSIONS_PARAMETER,
]
ID = {"name": "id", "in": "path", "required": True, "description": "A release id, as in its permalink.",
      "schema": {"type": "string", "pattern": "^[a-z0-9][a-z0-9-]{0,120}$"}}
PARAGRAPH = _param("paragraph", "Cite one paragraph (a pinpoint citation), from 1.", {"type": "integer", "minimum": 1})
RAW = "Raw text as the release gives it: escape it before putting it into HTML."
TEXT_FORMATS = (
    "Every string in a response is raw text, exactly as the release gives it: escape it before putting it into "
    "HTML. The one exception is a hit's `passages`: escaped HTML in which the words matched are wrapped in "
    "<mark>…</mark>, safe to insert into a page as HTML (and only as HTML). `url` is the release's original "
    "address, given only when it is an http(s) URL (otherwise empty). Every successful answer carries an `ETag` "
    "and a `Last-Modified` from the index generation it was computed from: send them back in `If-None-Match` / "
    "`If-Modified-Since` and an unchanged answer is a 304 with no body."
)


def _raw(description: str = RAW, many: bool = False) -> dict[str, Any]:
    return {"type": "array", "items": {"type": "string"}, "description": description} if many else \
        {"type": "string", "description": description}


def _object(properties: dict[str, Any], description: str = "", closed: bool = True) -> dict[str, Any]:
    """An object whose every property is always present (the archive never leaves one out)."""
    schema: dict[str, Any] = {"type": "object", "properties": properties, "required": list(properties)}
    if closed:
        schema["additionalProperties"] = False
    if description:
        schema["description"] = description
    return schema


def _from_dataclass(cls: type, descriptions: dict[str, str]) -> dict[str, Any]:
    """A schema with a property per dataclass field, typed from its annotation."""
    hints = typing.get_type_hints(cls)
    properties: dict[str, Any] = {}
    for f in dataclasses.fields(cls):
        kind = hints[f.name]
        if kind is int:
            schema: dict[str, Any] = {"type": "integer"}
        elif typing.get_origin(kind) is list and typing.get_args(kind)[0] is Speaker:
            schema = {"type": "array", "items": {"$ref": "#/components/schemas/Speaker"}}
        elif typing.get_origin(kind) is list:
            schema = {"type": "array", "items": {"type": "string"}}
        else:
            schema = {"type": "string"}
        schema["description"] = descriptions.get(f.name, RAW)
        properties[f.name] = schema
    return properties


RELEASE_FIELDS = {
    "id": "Stable id; the permalink is /releases/{id}.",
    "date": "YYYY, YYYY-MM or YYYY-MM-DD: the precision the release gives (see date_precision), or empty.",
    "source": "The file it was read from, relative to the indexed folder (#L<n> for a line of a JSON-lines export).",
    "paragraphs": "The body, one string per paragraph (paragraph n is cited as ¶n). " + RAW,
    "url": "The original http(s) address, or empty. " + RAW,
    "language": "ISO 639-1 code.",
    "format": "html, markdown, text or json.",
    "word_count": "Words in the body.",
    "content_hash": "SHA-1 of what the release says, to spot changed records.",
}
SPEAKER = _object({"name": _raw(), "title": _raw("Their title or role in the release, or empty. " + RAW),
                   "quotes": _raw("Words attributed to them. " + RAW, many=True)})
RELEASE = _object({
    **_from_dataclass(Release, RELEASE_FIELDS),
    "date_precision": {"type": "string", "enum": ["day", "month", "year", ""], "description": "Precision of date."},
    "permalink": {"type": "string", "format": "uri", "description": "This release's page on the archive."},
    "status": {"type": "string", "enum": ["published", "updated", "withdrawn"],
               "description": "updated: changed since first seen (see /api/releases/{id}/versions)."},
    "versions": {"type": "integer", "minimum": 1, "description": "How many versions the archive keeps."},
}, "One release with every field the archive holds.")
_PAGE_ONLY = ("status", "versions")  # what /api/releases/{id} adds from the release's history
EXPORTED = {**RELEASE, "properties": {k: v for k, v in RELEASE["properties"].items() if k not in _PAGE_ONLY},
            "required": [k for k in RELEASE["required"] if k not in _PAGE_ONLY],
            "description": "One line of /export.jsonl: a release as /api/releases/{id} gives it, without its history."}
HIT = _object({
    "id": {"type": "string"}, "title": _raw(), "date": {"type": "string", "description": "YYYY, YYYY-MM or YYYY-MM-DD."},
    "issuer": _raw(), "speakers": _raw(many=True), "topics": _raw(many=True), "wire": _raw(), "source": _raw(),
    "url": {"type": "string", "description": "The original http(s) address, or empty. " + RAW},
    "passages": {"type": "array", "items": {"type": "string"},
                 "description": "Passages of the release around the words matched, as escaped HTML with <mark>…</mark> "
                                "around each match: insert as HTML, never escape again. Unlike every other field, "
                                "this is not raw text."},
    "score": {"type": ["number", "null"], "description": "Relevance; null when sorted by date."},
    "copies": {"type": "array", "items": {"type": "string"},
               "description": "Ids of copies of this release (same title and date, or same text), folded into it."},
    "status": {"type": "string", "enum": ["published", "updated", "withdrawn", "superseded"],
               "description": "superseded: an earlier version (searched with versions=all), numbered in `version`."},
    "version": {"type": ["integer", "null"], "description": "The number of an earlier version, else null."},
})
FACET = _object({
    "name": {"type": "string", "enum": facet_names()},
    "values": {"type": "array", "items": _object({
        "value": _raw(), "count": {"type": "integer", "minimum": 0},
        "selected": {"type": "boolean", "description": "The search filters on this value."}})},
    "more": {"type": "boolean", "description": "More values exist than `facets` allows."},
}, "Counts of one facet's values, with every filter applied but this facet's own.")
BUCKET = _object({"key": {"type": "string", "description": "YYYY, YYYY-MM or YYYY-MM-DD."},
                  "label": {"type": "string"}, "count": {"type": "integer", "minimum": 1}},
                 "One period holding releases (periods without any are left out).")
SEARCH_RESULT = _object({
    "total": {"type": "integer", "minimum": 0, "description": "Releases found; folded copies counted once."},
    "page": {"type": "integer", "minimum": 1}, "pages": {"type": "integer", "minimum": 1},
    "page_size": {"type": "integer", "minimum": 1},
    "hits": {"type": "array", "items": {"$ref": "#/components/schemas/Hit"}},
    "facets": {"type": "array", "items": {"$ref": "#/components/schemas/Facet"}},
    "histogram": {"type": "array", "items": {"$ref": "#/components/schemas/Bucket"}},
    "histogram_level": {"type": "string", "enum": ["year", "month", "day"]},
    "ignored": _raw("Parts of the query that could not be used. " + RAW, many=True), "did_you_mean": _raw(),
    "took_ms": {"type": "number"},
    "notices": {"type": "array", "items": {"type": "string"},
                "description": "What was changed in the request, e.g. a reversed date range swapped."},
})
STYLED = _object({"bibliography": {"type": "string", "description": "The reference-list entry (plain text)."},
                  "citation": {"type": "string", "description": "The in-text citation or note, with the pinpoint."}})
CITATION = _object({
    "id": {"type": "string"}, "paragraph": {"type": ["integer", "null"]},
    "permalink": {"type": "string", "format": "uri"},
    "csl": {"type": "object", "description": "The release as one CSL-JSON item (type webpage, genre Press release)."},
    "styles": _object({name: {"$ref": "#/components/schemas/Styled"} for name in ("apa", "mla", "chicago")}),
    "bibtex": {"type": "string"}, "ris": {"type": "string"},
    "formats": {"type": "array", "items": {"type": "string"}},
})
ERROR = _object({"error": {"type": "string"}, "message": {"type": "string", "description": "Names the parameter."},
                 "status": {"type": "integer"}})
CSV_COLUMNS = ("id, date, title, subtitle, issuer, speakers (names, '; '-separated), speaker_titles (one per speaker, "
               "same order), topics, tags, wire, dateline, url, source, permalink. UTF-8 with a byte order mark; a "
               "cell that starts like a spreadsheet formula is prefixed with '.")
CACHING_HEADERS = {
    "ETag": {"description": "Changes when the index, the code or the address of the site changes.",
             "schema": {"type": "string"}},
    "Last-Modified": {"description": "When the index was built.", "schema": {"type": "string"}},
}


def _ok(description: str, media: str, schema: dict[str, Any]) -> dict[str, Any]:
    return {"description": description, "headers": CACHING_HEADERS, "content": {media: {"schema": schema}}}


def _get(summary: str, ok: dict[str, Any], parameters: list[dict[str, Any]], *, errors: tuple[str, ...] = ("400",),
         description: str = "") -> dict[str, Any]:
    responses: dict[str, Any] = {"200": ok, "304": {"description": "Not modified since the ETag or date sent."}}
    error = {"content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}}
    text = {"400": "A parameter is malformed or over its cap", "404": "No such release (or person)",
            "301": "The release moved to a new id",
            "503": "Over the time budget: retry after the Retry-After header's seconds"}
    for code in errors:
        responses[code] = {"description": text[code], **(error if code != "301" else {})}
    operation: dict[str, Any] = {"summary": summary, "parameters": parameters, "responses": responses}
    if description:
        operation["description"] = description
    return {"get": operation}


def _get_json(summary: str, parameters: list[dict[str, Any]], found: str) -> dict[str, Any]:
    """A JSON endpoint of the quote finder or speaker pages: open-ended object, 404 for no such person, 503 over budget."""
    return _get(summary, _ok(found, "application/json", {"type": "object"}), parameters, errors=("400", "404", "503"))


HTML = {"type": "string", "contentMediaType": "text/html"}
_SLUG = {"name": "slug", "in": "path", "required": True, "schema": {"type": "string", "pattern": "^[a-z0-9][a-z0-9-]{0,100}$"}}
_PAGE = _param("page", "Page number, from 1.", {"type": "integer", "minimum": 1, "maximum": 10000})
# Issue 17: the quote finder and speaker pages' JSON twins.
QUOTE_PATHS = {
    "/api/quote": _get_json(
        "Find the releases and paragraphs holding a passage of 5-80 words pasted as found (misquoted, cut, reordered): "
        "groups of copies of one text, earliest first, each match with its score, paragraph, speaker, the words that "
        "differ, and a pinpointed citation of the best group's earliest release. `marked` and `passage_marked` are "
        "escaped HTML with <mark> (matched) and <mark class=\"differs\"> (differing words); every other string is raw "
        "text. No match: `groups` is empty and `status` is `no-match`.",
        [_param("q", "The passage (up to 1,500 characters and 80 words are read).", {"type": "string"})],
        "The quote's releases, best first"),
    "/api/speakers": _get_json(
        "People quoted in releases, most releases first, 50 a page; `q` finds a name in any of its spellings.",
        [_param("q", "Part of a name.", {"type": "string"}), _PAGE], "A page of people"),
    "/api/speakers/{slug}": _get_json(
        "One person: every spelling, titles with the dates seen, issuers, releases per year, people they appear with, "
        "and a page of their releases with each quote and the paragraph holding it. Another spelling's slug "
        "redirects (301).",
        [_SLUG, _PAGE, _param("order", "Date order of the releases.", {"type": "string", "enum": ["oldest", "newest"]})],
        "The person's record"),
    "/quote": _get("The quote finder's page (HTML); its JSON twin is /api/quote.",
                   _ok("Quote page", "text/html", HTML), [_param("q", "The passage.", {"type": "string"})],
                   errors=("400", "503")),
    "/speakers": _get("The people quoted (HTML); its JSON twin is /api/speakers.", _ok("Speakers", "text/html", HTML),
                      [_param("q", "Part of a name.", {"type": "string"}), _PAGE]),
    "/speakers/{slug}": _get("One person's page (HTML); its JSON twin is /api/speakers/{slug}.",
                             _ok("Speaker page", "text/html", HTML), [_SLUG, _PAGE], errors=("400", "404")),
    "/speakers/{slug}/feed.atom": _get("An Atom feed of one person's newest releases.",
                                       _ok("Atom 1.0", "application/atom+xml", {"type": "string"}), [_SLUG],
                                       errors=("404",)),
    "/speakers/{slug}/cite.{ext}": _get(
        "Every release quoting one person as one citation file: BibTeX (bib), RIS (ris) or CSL-JSON (json).",
        {"description": "The citations as an attachment", "headers": CACHING_HEADERS,
         "content": {mimetype: {"schema": {"type": "string"}} for _fmt, mimetype in DOWNLOADS.values()}},
        [_SLUG, {"name": "ext", "in": "path", "required": True, "schema": {"type": "string", "enum": list(DOWNLOADS)}}],
        errors=("404",)),
}


def openapi_document() -> dict[str, Any]:
    ref = lambda name: {"$ref": f"#/components/schemas/{name}"}  # noqa: E731
    html = {"type": "string", "contentMediaType": "text/html"}
    return {
        "openapi": "3.1.0",
        "info": {"title": "Press Archive API", "version": "1.1",
                 "description": "Search press releases; every HTML page of the site has a JSON twin here. " + TEXT_FORMATS},
        "paths": {
            "/api/search": _get("Search releases with facets, a date histogram and highlighted passages.",
                                _ok("Search result", "application/json", ref("SearchResult")), SEARCH_PARAMETERS,
                                description=TEXT_FORMATS),
            "/api/releases/{id}": _get("One release with all its fields.",
                                       _ok("The release", "application/json", ref("Release")), [ID],
                                       errors=("301", "404")),
            "/api/releases/{id}/cite": _get(
                "A release (or one paragraph) cited in APA 7, MLA 9, Chicago, BibTeX, RIS and CSL-JSON.",
                _ok("Citations", "application/json", ref("Citation")), [ID, PARAGRAPH], errors=("400", "404")),
            "/releases/{id}/cite.{ext}": _get(
                "A citation file for reference managers: BibTeX (bib), RIS (ris) or CSL-JSON (json).",
                {"description": "The citation as an attachment", "headers": CACHING_HEADERS,
                 "content": {mimetype: {"schema": {"type": "string"}} for _fmt, mimetype in DOWNLOADS.values()}},
                [ID, {"name": "ext", "in": "path", "required": True, "schema": {"type": "string", "enum": list(DOWNLOADS)}},
                 PARAGRAPH], errors=("400", "404")),
            "/api/openapi.json": _get("This description.", _ok("OpenAPI 3.1", "application/json", {"type": "object"}), [],
                                      errors=()),
            "/feed.atom": _get("An Atom feed of any search: its newest 50 releases.",
                               _ok("Atom 1.0", "application/atom+xml", {"type": "string"}), SEARCH_PARAMETERS),
            "/export.csv": _get("Every release a search finds, as CSV (named after the search).",
                                _ok("CSV: " + CSV_COLUMNS, "text/csv", {"type": "string"}), SEARCH_PARAMETERS,
                                description=CSV_COLUMNS),
            "/export.jsonl": _get("Every release a search finds, one JSON object a line (named after the search).",
                                  _ok("JSON lines", "application/x-ndjson", ref("ExportedRelease")), SEARCH_PARAMETERS),
            "/opensearch.xml": _get("OpenSearch description, so browsers can add the archive as a search engine.",
                                    _ok("OpenSearch 1.1", "application/opensearchdescription+xml", {"type": "string"}),
                                    [], errors=()),
            "/": _get("The search page (HTML); its JSON twin is /api/search.", _ok("Search page", "text/html", html),
                      SEARCH_PARAMETERS),
            "/releases/{id}": _get("A release's page (HTML), with its citation box.",
                                   _ok("Release page", "text/html", html), [ID, PARAGRAPH],
                                   errors=("301", "400", "404")),
            **QUOTE_PATHS,
            **openapi_versions.paths(_get, _ok, ref, ID, PARAGRAPH, DOWNLOADS),
        },
        "components": {"schemas": {
            **openapi_versions.schemas(_object, RELEASE),
            "Error": ERROR, "Hit": HIT, "Facet": FACET, "Bucket": BUCKET, "SearchResult": SEARCH_RESULT,
            "Speaker": SPEAKER, "Release": RELEASE, "ExportedRelease": EXPORTED, "Styled": STYLED, "Citation": CITATION,
        }},
    }
