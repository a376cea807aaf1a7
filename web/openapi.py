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


def openapi_document() -> dict[str, Any]:
    error_response = {"content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}}
    return {
        "openapi": "3.0.3",
        "info": {"title": "Press Archive API", "version": "1.0",
                 "description": "Search press releases; every HTML page of the site has a JSON twin here."},
        "paths": {
            "/api/search": {"get": {
                "summary": "Search releases with facets, a date histogram and highlighted passages.",
                "parameters": SEARCH_PARAMETERS,
                "responses": {"200": {"description": "Search result", "content": {"application/json": {"schema": {"type": "object"}}}},
                              "400": {"description": "A parameter is malformed", **error_response}},
            }},
            "/api/releases/{id}": {"get": {
                "summary": "One release with all its fields.",
                "parameters": [{"name": "id", "in": "path", "required": True, "schema": {"type": "string", "pattern": "^[a-z0-9][a-z0-9-]{0,120}$"}}],
                "responses": {"200": {"description": "The release", "content": {"application/json": {"schema": {"type": "object"}}}},
                              "301": {"description": "The release moved to a new id"},
                              "404": {"description": "No such release", **error_response}},
            }},
        },
        "components": {"schemas": {"Error": ERROR}},
    }
