"""Which reader handles which file, by its name."""

from __future__ import annotations

import os
from pathlib import Path
from typing import BinaryIO

from indexer.sources.base import Draft, SkipFile
from indexer.sources.html import parse_html
from indexer.sources.jsonfile import iter_json, iter_json_lines
from indexer.sources.parts import Part, read_part
from indexer.sources.reading import MAX_BYTES, decode, open_inside, read_whole
from indexer.sources.text import parse_text

SUFFIXES = (".html", ".htm", ".txt", ".md", ".markdown", ".json", ".jsonl", ".ndjson",
            ".json.gz", ".jsonl.gz", ".ndjson.gz")


def kind_of(path: Path | str) -> str | None:
    name = Path(path).name.lower()
    for suffix in sorted(SUFFIXES, key=len, reverse=True):
        if name.endswith(suffix):
            return suffix.removesuffix(".gz").lstrip(".")
    return None


def parse_file(path: Path, source: str, mapping: dict[str, list[str]], part: Part | None = None) -> list[Draft | SkipFile]:
    """Every release draft in one file (or in one ``part`` of a big JSON-lines export), with a SkipFile in
    place of each record that could not be read. The file is opened without following a link in its name.

    Raises SkipFile when the whole file (part) is unusable.
    """
    path = Path(os.path.abspath(path))
    with open_inside(path.parent, path.name) as fh:
        if part is not None:
            return parse_part(fh, part, source, mapping)
        return parse_data(read_whole(fh, path.name).data, path.name, source, mapping)


def parse_part(fh: BinaryIO, part: Part, source: str, mapping: dict[str, list[str]]) -> list[Draft | SkipFile]:
    """The drafts of one part of a big JSON-lines export open as ``fh``."""
    try:
        data, too_long = read_part(fh, part)
    except OSError as exc:
        raise SkipFile(f"cannot read: {exc.strerror or exc}") from None
    skips: list[Draft | SkipFile] = [
        SkipFile(f"too large (a record over {MAX_BYTES:,} bytes)", source=f"{source}#L{n}") for n in too_long]
    return skips + list(iter_json_lines(decode(data), source, mapping, part.first_line))


def parse_data(data: bytes, name: str, source: str, mapping: dict[str, list[str]]) -> list[Draft | SkipFile]:
    """The drafts of a whole file's bytes (``name`` tells its kind)."""
    kind = kind_of(name)
    if kind is None:
        raise SkipFile("not a supported file type")
    text = decode(data)
    if kind in ("html", "htm"):
        return [parse_html(text, source)]
    if kind in ("txt", "md", "markdown"):
        return [parse_text(text, source, markdown=kind != "txt")]
    return list(iter_json(text, source, mapping))
