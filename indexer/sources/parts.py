"""Big JSON-lines exports, read in parts.

A worker reads a file whole, so every other file has a size limit (``MAX_BYTES``). An export of one record
a line needs none: it is cut at line ends into parts of about ``PART_BYTES``, each parsed as a job of its
own and applied by the writer in file order. A 2 GB export then costs the memory of a few parts, and every
core works on it. One line (one record) may still be at most ``MAX_BYTES``. Line numbers stay those of
the whole file, so records keep the keys (``file.jsonl#L7``) they get when the file is read whole.

Each part carries the SHA-1 of its bytes as they were when the file was cut; a worker that reads other bytes
(the file was rewritten during the run) says so instead of parsing a mix of two versions.
"""

from __future__ import annotations

import hashlib
import json
import re
from dataclasses import dataclass
from typing import BinaryIO

from indexer.sources.reading import MAX_BYTES, Changed

PART_BYTES = 1 << 20  # a part weighs what a 1 MB file does in the indexer's bounded window of jobs
_READ = 1 << 20
_HEAD = 1 << 20
_SPLITTABLE = (".jsonl", ".ndjson", ".json")  # not .gz: a compressed stream cannot be entered in the middle
_SECOND_RECORD = re.compile(rb"\n\{")
_TRIED_LINES = 5


@dataclass(frozen=True)
class Part:
    """Bytes ``start:end`` of a file: lines ``first_line`` to ``last_line`` (from 1), whole; ``sha1`` of those
    bytes when the file was cut."""

    start: int
    end: int
    first_line: int
    last_line: int
    sha1: str = ""

    @property
    def name(self) -> str:
        return f"#L{self.first_line}-L{self.last_line}"


def splittable(fh: BinaryIO, name: str, size: int, part_bytes: int | None = None) -> bool:
    """Whether the file open as ``fh`` (called ``name``) is a JSON-lines export to read in parts."""
    if size <= (part_bytes or PART_BYTES) or not name.lower().endswith(_SPLITTABLE):
        return False
    fh.seek(0)
    head = fh.read(_HEAD)
    fh.seek(0)
    return _json_lines(head)


def in_parts(fh: BinaryIO, name: str, size: int, part_bytes: int | None = None,
             copy: BinaryIO | None = None) -> tuple[str, list[Part]] | None:
    """The SHA-1 of a JSON-lines export (open as ``fh``, called ``name``) larger than ``part_bytes``
    (``PART_BYTES``) and its parts, in one pass over the file, written to ``copy`` as it is read when given;
    None for any other file, which is read whole. Raises OSError when it cannot be read."""
    if not splittable(fh, name, size, part_bytes):
        return None
    return _cut(fh, part_bytes or PART_BYTES, copy)


def _cut(fh: BinaryIO, part_bytes: int, copy: BinaryIO | None = None) -> tuple[str, list[Part]]:
    """The file's SHA-1 and its parts of about ``part_bytes``, cut at the first line end past each."""
    sha, part_sha = hashlib.sha1(), hashlib.sha1()
    parts: list[Part] = []
    start = offset = 0  # where the current part starts; where the current chunk starts
    line, counted = 1, 0  # the current part's first line; line ends counted in it so far
    ends_line = False
    while chunk := fh.read(_READ):
        sha.update(chunk)
        if copy is not None:
            copy.write(chunk)
        at = 0  # line ends before ``at`` in this chunk are counted (and its bytes hashed into the part)
        while (cut_from := max(start + part_bytes - offset, at)) < len(chunk):
            newline = chunk.find(b"\n", cut_from)
            if newline < 0:
                break
            counted += chunk.count(b"\n", at, newline + 1)
            part_sha.update(chunk[at:newline + 1])
            parts.append(Part(start, offset + newline + 1, line, line + counted - 1, part_sha.hexdigest()))
            start, at, line, counted = offset + newline + 1, newline + 1, line + counted, 0
            part_sha = hashlib.sha1()
        counted += chunk.count(b"\n", at)
        part_sha.update(chunk[at:])
        offset += len(chunk)
        ends_line = chunk.endswith(b"\n")
    if start < offset:
        parts.append(Part(start, offset, line, line + counted - ends_line, part_sha.hexdigest()))
    return sha.hexdigest(), parts


def _json_lines(head: bytes) -> bool:
    """Whether a file starting with ``head`` holds one JSON object a line, in UTF-8 or a one-byte encoding:
    an object starts a line after the first, and one of the first complete lines is an object by itself
    (unlike a pretty-printed document's lines). UTF-16 has NULs around its line ends."""
    body = head.removeprefix(b"\xef\xbb\xbf").lstrip(b" \t\r\n")
    if not body.startswith(b"{") or b"\x00" in head or not _SECOND_RECORD.search(body):
        return False
    for line in body.split(b"\n")[:-1][:_TRIED_LINES]:  # the last piece may be cut off
        try:
            if isinstance(json.loads(line.decode("latin-1")), dict):
                return True
        except ValueError:
            continue
    return False


def read_part(fh: BinaryIO, part: Part) -> tuple[bytes, list[int]]:
    """The part's bytes (of the file open as ``fh``), with each line longer than ``MAX_BYTES`` left empty
    (never read into memory whole), and the numbers of those lines. Raises ``Changed`` when the bytes are
    not those the part was cut from."""
    kept: list[bytes] = []
    too_long: list[int] = []
    sha = hashlib.sha1()
    fh.seek(part.start)
    remaining, number = part.end - part.start, part.first_line
    while remaining > 0:
        line = fh.readline(min(remaining, MAX_BYTES + 1))
        if not line:
            break
        sha.update(line)
        remaining -= len(line)
        if len(line) > MAX_BYTES:
            too_long.append(number)
            while remaining > 0 and not line.endswith(b"\n"):  # skip the rest of the line
                line = fh.readline(min(remaining, _READ))
                if not line:
                    break
                sha.update(line)
                remaining -= len(line)
            line = b"\n"
        kept.append(line)
        number += 1
    if remaining or (part.sha1 and sha.hexdigest() != part.sha1):
        raise Changed()
    return b"".join(kept), too_long
