"""Bytes to text: opening a file without following links, size limits, binary and encoding detection.

A file is opened one folder at a time from the indexed root, each step refusing a link (``O_NOFOLLOW``), and
checked to be a regular file on the open descriptor: a link swapped in after the scan (or a FIFO, a device)
is refused, never read. Its size is read from that descriptor before a byte of it is (a 4 GB sparse file
costs nothing), and it is read in chunks, hashed as it is read; a file whose size or modification time
differs after the read than before was being rewritten, and is read again.
"""

from __future__ import annotations

import codecs
import errno
import gzip
import hashlib
import os
import stat
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

from indexer.sources.base import SkipFile

MAX_BYTES = 20 * 1024 * 1024
CHUNK = 1 << 20
_RETRIES = 3
_DIR_FLAGS = os.O_RDONLY | os.O_DIRECTORY | os.O_NOFOLLOW | getattr(os, "O_CLOEXEC", 0)
_FILE_FLAGS = os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK | getattr(os, "O_NOCTTY", 0) | getattr(os, "O_CLOEXEC", 0)


class Changed(SkipFile):
    """The file changed while it was being read."""

    def __init__(self) -> None:
        super().__init__("changed while it was being read")


def open_inside(root: str | Path, rel: str) -> BinaryIO:
    """The regular file ``rel`` (a path inside ``root``, ``/``-separated) open for reading, reached without
    following any link below ``root``. Raises SkipFile with the reason when it cannot be."""
    parts = [p for p in rel.split("/") if p not in ("", ".")]
    if not parts or ".." in parts:
        raise SkipFile("cannot read: not a path inside the indexed folder")
    try:
        fd = os.open(root, os.O_RDONLY | os.O_DIRECTORY | getattr(os, "O_CLOEXEC", 0))
        try:
            for part in parts[:-1]:
                step = os.open(part, _DIR_FLAGS, dir_fd=fd)
                os.close(fd)
                fd = step
            file_fd = os.open(parts[-1], _FILE_FLAGS, dir_fd=fd)
        finally:
            os.close(fd)
    except OSError as exc:
        if exc.errno in (errno.ELOOP, errno.ENOTDIR, errno.EMLINK):
            raise SkipFile("cannot read: a link appeared in its path after the scan (links are not followed)") from None
        raise SkipFile(f"cannot read: {exc.strerror or exc}") from None
    if not stat.S_ISREG(os.fstat(file_fd).st_mode):
        os.close(file_fd)
        raise SkipFile("not a regular file")
    return os.fdopen(file_fd, "rb")


def check_dense(fh: BinaryIO, size: int) -> None:
    """Refuse a file with holes: they read as runs of NUL bytes, so it is not text, and a sparse file's size
    costs its maker nothing (the probe's 4 GB file took no disk space), while reading it costs us."""
    try:
        hole = os.lseek(fh.fileno(), 0, getattr(os, "SEEK_HOLE", 4))
    except OSError:  # a file system that cannot tell
        return
    finally:
        fh.seek(0)
    if hole < size:
        raise SkipFile(f"sparse file ({size:,} bytes, most of them never written): not text")


@dataclass
class Whole:
    """A file read whole: its bytes (decompressed when gzipped) and the SHA-1 of the bytes on disk."""

    data: bytes
    hash: str


def read_whole(fh: BinaryIO, name: str, limit: int = MAX_BYTES) -> Whole:
    """The file open as ``fh`` (called ``name``), read whole within ``limit``; SkipFile when it is empty, too
    large, or kept changing while it was read."""
    for _attempt in range(_RETRIES):
        before = os.fstat(fh.fileno())
        size = before.st_size
        if size == 0:
            raise SkipFile("empty file")
        check_dense(fh, size)
        if size > limit:
            raise SkipFile(f"too large ({size:,} bytes; the limit is {limit:,}){_hint(name)}")
        sha, chunks, read = hashlib.sha1(), [], 0
        try:
            while read < size and (chunk := fh.read(min(CHUNK, size - read))):
                sha.update(chunk)
                chunks.append(chunk)
                read += len(chunk)
        except OSError as exc:
            raise SkipFile(f"cannot read: {exc.strerror or exc}") from None
        after = os.fstat(fh.fileno())
        if (after.st_size, after.st_mtime_ns) == (size, before.st_mtime_ns) and read == size:
            return Whole(_decompressed(b"".join(chunks), name, limit), sha.hexdigest())
    raise Changed()


def read_bytes(path: Path, limit: int = MAX_BYTES) -> bytes:
    """A file's bytes (decompressed when gzipped), following no link in its name."""
    path = Path(os.path.abspath(path))
    with open_inside(path.parent, path.name) as fh:
        return read_whole(fh, path.name, limit).data


def _decompressed(data: bytes, name: str, limit: int) -> bytes:
    if name.lower().endswith(".gz"):
        try:
            with gzip.GzipFile(fileobj=_Limited(data)) as fh:
                data = fh.read(limit + 1)
        except (OSError, EOFError) as exc:
            raise SkipFile(f"not a valid gzip file: {exc}") from None
        if len(data) > limit:
            raise SkipFile(f"too large once decompressed (over {limit:,} bytes){_hint(name)}")
    if not data.strip():
        raise SkipFile("empty file")
    return data


def _hint(name: str) -> str:
    """What to do about an export over the limit: JSON lines of any size are read in parts (``parts.py``)."""
    name = name.lower()
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
