"""Bytes to text: size limits, binary detection and encoding detection."""

from __future__ import annotations

import codecs
import gzip
from pathlib import Path

from indexer.sources.base import SkipFile

MAX_BYTES = 20 * 1024 * 1024


def read_bytes(path: Path, limit: int = MAX_BYTES) -> bytes:
    try:
        size = path.stat().st_size
    except OSError as exc:
        raise SkipFile(f"cannot read: {exc.strerror or exc}") from None
    if size == 0:
        raise SkipFile("empty file")
    if size > limit:
        raise SkipFile(f"too large ({size:,} bytes; the limit is {limit:,}){_hint(path)}")
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise SkipFile(f"cannot read: {exc.strerror or exc}") from None
    if path.suffix.lower() == ".gz":
        try:
            with gzip.GzipFile(fileobj=_Limited(data)) as fh:
                data = fh.read(limit + 1)
        except (OSError, EOFError) as exc:
            raise SkipFile(f"not a valid gzip file: {exc}") from None
        if len(data) > limit:
            raise SkipFile(f"too large once decompressed (over {limit:,} bytes){_hint(path)}")
    if not data.strip():
        raise SkipFile("empty file")
    return data


def _hint(path: Path) -> str:
    """What to do about an export over the limit: JSON lines of any size are read in parts (``parts.py``)."""
    name = path.name.lower()
    if "json" not in name:
        return ""
    if name.endswith(".gz"):
        return "; a compressed export is read whole: decompress it, and JSON lines of any size are read in parts"
    return "; a JSON document is read whole: write the export as JSON lines (one record a line), read in parts"


class _Limited:
    """A minimal file object over bytes, so gzip can read without a temporary file."""

    def __init__(self, data: bytes) -> None:
        self._data, self._pos = data, 0

    def read(self, n: int = -1) -> bytes:
        end = len(self._data) if n < 0 else self._pos + n
        chunk = self._data[self._pos:end]
        self._pos += len(chunk)
        return chunk


def decode(data: bytes) -> str:
    """Decode with BOMs honoured, UTF-8 preferred, then cp1252 and latin-1; binary files are skipped."""
    for bom, encoding in ((codecs.BOM_UTF8, "utf-8-sig"), (codecs.BOM_UTF16_LE, "utf-16"), (codecs.BOM_UTF16_BE, "utf-16")):
        if data.startswith(bom):
            return data.decode(encoding, errors="replace")
    head = data[:4096]
    if head.count(b"\x00") > len(head) // 4 and len(head) > 1:
        # UTF-16 without a BOM shows a NUL in every other byte; anything else with many NULs is binary.
        for encoding in ("utf-16-le", "utf-16-be"):
            try:
                text = data.decode(encoding)
            except UnicodeDecodeError:
                continue
            if _looks_like_text(text[:2000]):
                return text
        raise SkipFile("binary file (not text)")
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        try:
            text = data.decode("cp1252")
        except UnicodeDecodeError:
            text = data.decode("latin-1")
    if not _looks_like_text(text[:4000]):
        raise SkipFile("binary file (not text)")
    return text.replace("\x00", "")


def _looks_like_text(sample: str) -> bool:
    if not sample:
        return False
    bad = sum(1 for ch in sample if (ord(ch) < 32 and ch not in "\t\n\r\f") or 0xFFF0 <= ord(ch))
    return bad / len(sample) < 0.05
