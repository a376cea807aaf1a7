"""The OpenAPI description of the JSON API, built from the same parameter list the views read."""

from __future__ import annotations

from typing import Any

from archive.search import SORTS, facet_names


def _param(name: str, description: str, schema: dict[str, Any], many: bool = False) -> dict[str, Any]:
    if many:
        schema = {"type": "array", "items": schema}
    return {"name": name, "in": "query", "required": False, "description": description, "schema": schema,
            **({"style": "form", "explode": True} if many else {})}


SEARCH_PARAMETERS = [
    _param("q", 'Query: words (ANDed), "phrases", OR, NOT, -word, word*, field:value, date:2024-03.', {"type": "string"}),
    *[_param(name, f"Only releases with this {name} (repeat for OR).", {"type": "string"}, many=True) for name in facet_names()],
    _param("from", "Earliest date: YYYY, YYYY-MM or YYYY-MM-DD.", {"type": "string"}),
    _param("to", "Latest date: YYYY, YYYY-MM or YYYY-MM-DD.", {"type": "string"}),
    _param("sort", "Order of results.", {"type": "string", "enum": list(SORTS)}),
    _param("page", "Page number, from 1.", {"type": "integer", "minimum": 1, "maximum": 10000}),
    _param("size", "Results per page.", {"type": "integer", "minimum": 1, "maximum": 100}),
    _param("facets", "Values shown per facet.", {"type": "integer", "minimum": 1, "maximum": 500}),
    *[_param(f"{name}_q", f"Only {name} values containing this text.", {"type": "string"}) for name in facet_names()],
]
ERROR = {"type": "object", "properties": {"error": {"type": "string"}, "message": {"type": "string"}, "status": {"type": "integer"}}}
RAW = "Raw text as the release gives it: escape it before putting it into HTML."
TEXT_FORMATS = (
    "Every string in a response is raw text, exactly as the release gives it: escape it before putting it into "
    "HTML. The one exception is a hit's `passages`: escaped HTML in which the words matched are wrapped in "
    "<mark>…</mark>, safe to insert into a page as HTML (and only as HTML). `url` is the release's original "
    "address, given only when it is an http(s) URL (otherwise empty)."
)


def _raw(description: str = RAW, many: bool = False) -> dict[str, Any]:
    schema: dict[str, Any] = {"type": "string"}
    return {"type": "array", "items": schema, "description": description} if many else {**schema, "description": description}


HIT = {"type": "object", "properties": {
    "id": {"type": "string"}, "title": _raw(), "date": {"type": "string", "description": "YYYY, YYYY-MM or YYYY-MM-DD."},
    "issuer": _raw(), "speakers": _raw(many=True), "topics": _raw(many=True), "wire": _raw(), "source": _raw(),
    "url": {"type": "string", "description": "The original http(s) address, or empty. " + RAW},
    "passages": {"type": "array", "items": {"type": "string"},
                 "description": "Passages of the release around the words matched, as escaped HTML with <mark>…</mark> "
                                "around each match: insert as HTML, never escape again. Unlike every other field, "
                                "this is not raw text."},
    "score": {"type": "number", "nullable": True}, "copies": {"type": "array", "items": {"type": "string"}},
}}
SEARCH_RESULT = {"type": "object", "properties": {
    "total": {"type": "integer"}, "page": {"type": "integer"}, "pages": {"type": "integer"},
    "page_size": {"type": "integer"}, "hits": {"type": "array", "items": {"$ref": "#/components/schemas/Hit"}},
    "facets": {"type": "array", "items": {"type": "object"}}, "histogram": {"type": "array", "items": {"type": "object"}},
    "histogram_level": {"type": "string"}, "ignored": _raw(many=True), "did_you_mean": _raw(),
    "took_ms": {"type": "number"},
}}


def _get(summary: str, parameters: list[dict[str, Any]], found: str) -> dict[str, Any]:
    error = {"content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}}
    return {"get": {"summary": summary, "parameters": parameters, "responses": {
        "200": {"description": found, "content": {"application/json": {"schema": {"type": "object"}}}},
        "400": {"description": "A parameter is malformed or over its cap", **error},
        "404": {"description": "No such person", **error},
        "503": {"description": "Over the time budget: retry after the Retry-After header's seconds", **error}}}}


_SLUG = {"name": "slug", "in": "path", "required": True, "schema": {"type": "string", "pattern": "^[a-z0-9][a-z0-9-]{0,100}$"}}
_PAGE = _param("page", "Page number, from 1.", {"type": "integer", "minimum": 1, "maximum": 10000})
# Issue 17: the quote finder and speaker pages' JSON twins.
QUOTE_PATHS = {
    "/api/quote": _get(
        "Find the releases and paragraphs holding a passage of 5-80 words pasted as found (misquoted, cut, reordered): "
        "groups of copies of one text, earliest first, each match with its score, paragraph, speaker, the words that "
        "differ, and a pinpointed citation of the best group's earliest release. `marked` and `passage_marked` are "
        "escaped HTML with <mark> (matched) and <mark class=\"differs\"> (differing words); every other string is raw "
        "text. No match: `groups` is empty and `status` is `no-match`.",
        [_param("q", "The passage (up to 1,500 characters and 80 words are read).", {"type": "string"})],
        "The quote's releases, best first"),
    "/api/speakers": _get(
        "People quoted in releases, most releases first, 50 a page; `q` finds a name in any of its spellings.",
        [_param("q", "Part of a name.", {"type": "string"}), _PAGE], "A page of people"),
    "/api/speakers/{slug}": _get(
        "One person: every spelling, titles with the dates seen, issuers, releases per year, people they appear with, "
        "and a page of their releases with each quote and the paragraph holding it. Another spelling's slug "
        "redirects (301).",
        [_SLUG, _PAGE, _param("order", "Date order of the releases.", {"type": "string", "enum": ["oldest", "newest"]})],
        "The person's record"),
}


def openapi_document() -> dict[str, Any]:
    error_response = {"content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}}
    return {
        "openapi": "3.0.3",
        "info": {"title": "Press Archive API", "version": "1.0",
                 "description": "Search press releases; every HTML page of the site has a JSON twin here. " + TEXT_FORMATS},
        "paths": {
            "/api/search": {"get": {
                "summary": "Search releases with facets, a date histogram and highlighted passages.",
                "parameters": SEARCH_PARAMETERS,
                "description": TEXT_FORMATS,
                "responses": {"200": {"description": "Search result",
                                      "content": {"application/json": {"schema": {"$ref": "#/components/schemas/SearchResult"}}}},
                              "400": {"description": "A parameter is malformed or over its cap", **error_response}},
            }},
            "/api/releases/{id}": {"get": {
                "summary": "One release with all its fields.",
                "parameters": [{"name": "id", "in": "path", "required": True, "schema": {"type": "string", "pattern": "^[a-z0-9][a-z0-9-]{0,120}$"}}],
                "responses": {"200": {"description": "The release", "content": {"application/json": {"schema": {"type": "object"}}}},
                              "301": {"description": "The release moved to a new id"},
                              "404": {"description": "No such release", **error_response}},
            }},
            **QUOTE_PATHS,
        },
        "components": {"schemas": {"Error": ERROR, "Hit": HIT, "SearchResult": SEARCH_RESULT}},
    }
