"""Which reader handles which file, by its name."""

from __future__ import annotations

from pathlib import Path

from indexer.sources.base import Draft, SkipFile
from indexer.sources.html import parse_html
from indexer.sources.jsonfile import iter_json, iter_json_lines
from indexer.sources.parts import Part, read_part
from indexer.sources.reading import MAX_BYTES, decode, read_bytes
from indexer.sources.text import parse_text

SUFFIXES = (".html", ".htm", ".txt", ".md", ".markdown", ".json", ".jsonl", ".ndjson",
            ".json.gz", ".jsonl.gz", ".ndjson.gz")


def kind_of(path: Path) -> str | None:
    name = path.name.lower()
    for suffix in sorted(SUFFIXES, key=len, reverse=True):
        if name.endswith(suffix):
            return suffix.removesuffix(".gz").lstrip(".")
    return None


def parse_file(path: Path, source: str, mapping: dict[str, list[str]], part: Part | None = None) -> list[Draft | SkipFile]:
    """Every release draft in one file (or in one ``part`` of a big JSON-lines export), with a SkipFile in
    place of each record that could not be read.

    Raises SkipFile when the whole file (part) is unusable.
    """
    kind = kind_of(path)
    if kind is None:
        raise SkipFile("not a supported file type")
    if part is not None:
        try:
            data, too_long = read_part(path, part)
        except OSError as exc:
            raise SkipFile(f"cannot read: {exc.strerror or exc}") from None
        skips: list[Draft | SkipFile] = [
            SkipFile(f"too large (a record over {MAX_BYTES:,} bytes)", source=f"{source}#L{n}") for n in too_long]
        return skips + list(iter_json_lines(decode(data), source, mapping, part.first_line))
    text = decode(read_bytes(path))
    if kind in ("html", "htm"):
        return [parse_html(text, source)]
    if kind in ("txt", "md", "markdown"):
        return [parse_text(text, source, markdown=kind != "txt")]
    return list(iter_json(text, source, mapping))
