"""JSON, JSONL and NDJSON exports: one release per object, fields found through an overridable mapping.

The default mapping covers common export shapes and the Congress export (``member`` is the issuing member).
A ``press-archive.toml`` in the indexed folder can override it::

    [json.fields]
    title = "headline"
    date = "meta.published"
    text = "body"
"""

from __future__ import annotations

import json
import re
import tomllib
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from indexer.sources.base import Draft, SkipFile
from indexer.sources.reading import open_inside
from indexer.text import clean_space

DEFAULT_FIELDS: dict[str, list[str]] = {
    "title": ["title", "headline", "name"],
    "subtitle": ["subtitle", "subheadline", "dek"],
    "date": ["date", "datePublished", "published", "published_at", "pubDate", "publication_date"],
    "url": ["url", "canonical_url", "link", "permalink"],
    "text": ["text", "body", "content", "article", "description"],
    "tags": ["tags", "categories", "keywords", "topics"],
    "issuer": ["issuer", "organization", "organisation", "publisher", "agency", "source_name"],
    "author": ["member.name", "author", "speaker"],
    "author_role": ["member.chamber"],
    "language": ["language", "lang"],
}
CONFIG_NAME = "press-archive.toml"


def load_mapping(root: Path | None) -> dict[str, list[str]]:
    """The field mapping for JSON files under ``root``: the defaults, overridden by its config file (which
    is read only if it is a regular file, not a link)."""
    mapping = {k: list(v) for k, v in DEFAULT_FIELDS.items()}
    config = (root / CONFIG_NAME) if root else None
    if config and config.is_file() and not config.is_symlink():
        try:
            with open_inside(config.parent, config.name) as fh:
                data = tomllib.loads(fh.read(1 << 20).decode("utf-8"))
        except SkipFile:
            return mapping
        except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
            raise ValueError(f"{config}: not valid TOML: {exc}") from None
        for key, value in data.get("json", {}).get("fields", {}).items():
            if key not in mapping:
                raise ValueError(f"{config}: unknown field {key!r} in [json.fields]; known: {', '.join(mapping)}")
            mapping[key] = [value] if isinstance(value, str) else list(value)
    return mapping


def _lookup(obj: dict[str, Any], path: str) -> Any:
    value: Any = obj
    for part in path.split("."):
        if not isinstance(value, dict) or part not in value:
            return None
        value = value[part]
    return value


def _first(obj: dict[str, Any], paths: list[str]) -> Any:
    for path in paths:
        value = _lookup(obj, path)
        if value not in (None, "", []):
            return value
    return None


_SURROGATE = re.compile("[\ud800-\udfff]")


def _string(value: Any) -> str:
    """``str(value)`` without the lone surrogates a JSON ``\\ud800`` escape decodes to (not text: they cannot
    even be written as UTF-8)."""
    text = str(value)
    return _SURROGATE.sub("", text) if _SURROGATE.search(text) else text


def _as_text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, dict):
        value = value.get("name") or value.get("value") or ""
    return clean_space(_string(value))


def _as_url(value: Any) -> str:
    """A URL as the record gives it: white space inside is not collapsed, so a URL broken by a line end is
    refused whole by the release hygiene (``indexer/sanitize.py``) rather than mended into another URL."""
    return _string(value).strip() if isinstance(value, str) else _as_text(value)


def record_to_draft(obj: Any, source: str, mapping: dict[str, list[str]]) -> Draft:
    if not isinstance(obj, dict):
        raise SkipFile(f"not a JSON object (a {type(obj).__name__})")
    body = _first(obj, mapping["text"])
    if isinstance(body, list):
        paragraphs = [clean_space(_string(p)) for p in body]
    else:
        text = _string(body or "").replace("\r\n", "\n").replace("\r", "\n")
        paragraphs = [clean_space(p) for p in text.split("\n")]
    paragraphs = [p for p in paragraphs if p]
    title = _as_text(_first(obj, mapping["title"]))
    url = _as_url(_first(obj, mapping["url"]))
    date = _as_text(_first(obj, mapping["date"]))
    if not paragraphs and not (title and url):
        raise SkipFile("record has no text")
    tags = _first(obj, mapping["tags"])
    if isinstance(tags, str):
        tags = [t for t in (clean_space(x) for x in _string(tags).split(",")) if t]
    member = obj.get("member") if isinstance(obj.get("member"), dict) else {}
    return Draft(
        source=source,
        format="json",
        titles=[("record", title)] if title else [],
        subtitle=_as_text(_first(obj, mapping["subtitle"])),
        paragraphs=paragraphs,
        metadata_only=not paragraphs,  # a record with a title and a URL but no text is still a release
        meta_date=date,
        url=url,
        tags=[_as_text(t) for t in (tags or []) if _as_text(t)],
        publisher=_as_text(_first(obj, mapping["issuer"])),
        author=_as_text(_first(obj, mapping["author"])),
        author_role=_as_text(_first(obj, mapping["author_role"])) or _as_text(member.get("chamber")),
        language=_as_text(_first(obj, mapping["language"]))[:2].lower(),
    )


def iter_json(text: str, source: str, mapping: dict[str, list[str]]) -> Iterator[Draft | SkipFile]:
    """Each record of a JSON or JSON-lines file as a draft, or as the reason it was skipped."""
    stripped = text.lstrip("\ufeff \t\r\n")
    if stripped.startswith("[") or (stripped.startswith("{") and "\n{" not in stripped.strip()):
        try:
            data = json.loads(stripped)
        except ValueError as exc:
            raise SkipFile(f"not valid JSON: {exc}") from None
        items = data if isinstance(data, list) else [data]
        for n, item in enumerate(items, start=1):
            key = f"{source}#{n}" if isinstance(data, list) else source
            try:
                yield record_to_draft(item, key, mapping)
            except SkipFile as exc:
                yield SkipFile(str(exc), source=key)
        return
    yield from iter_json_lines(text, source, mapping)


def iter_json_lines(text: str, source: str, mapping: dict[str, list[str]], first_line: int = 1) -> Iterator[Draft | SkipFile]:
    """Each line of JSON-lines text as a draft (or the reason it was skipped), keyed by its line number;
    ``first_line`` is the number of the text's first line in its file (a part of a big export)."""
    for line_no, line in enumerate(text.split("\n"), start=first_line):
        line = line.lstrip("\ufeff")
        if not line.strip():
            continue
        key = f"{source}#L{line_no}"
        try:
            obj = json.loads(line)
        except ValueError as exc:
            yield SkipFile(f"not valid JSON ({exc})", source=key)
            continue
        except RecursionError:  # this line alone: the file's other records are read
            yield SkipFile("nesting too deep to parse", source=key)
            continue
        try:
            yield record_to_draft(obj, key, mapping)
        except SkipFile as exc:
            yield SkipFile(str(exc), source=key)
