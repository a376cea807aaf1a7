"""Read Whoosh posting lists a block at a time into NumPy arrays.

Whoosh's ``whoosh3`` codec stores each term's postings in blocks of up to 128: a zlib-compressed pickle
(protocol 2) of ``(id deltas, weights, encoded values)``. ``pickle.loads`` of a block rebuilds every
encoded value (a document's positions) as a ``bytes`` object through a ``codecs.encode`` call — most of the
cost, and wasted when a query only needs ids and weights. Those two come first in the pickle as plain ints
and floats, so they are read here with NumPy, every block of a term at once. Phrases, which need the
positions, unpickle only the blocks holding candidate documents, with a cheaper function named in place of
``codecs.encode``, and decode the position lists together with NumPy. Anything not shaped as expected goes
through ``pickle.loads``: this is an accelerator, never a second format.

A term is looked up in the segment's term dictionary (Whoosh's on-disk hash file, probed as Whoosh probes
it) and its whole posting list read with ``os.pread``, which moves no file position: no lock, and two reads
for the look-up where Whoosh seeks and reads seven times. Blocks are split and decoded here. A segment whose
files are not plain files of their own (none this archive writes) is read through Whoosh, under the
generation's lock (Whoosh's files have one read position each).

The block layout is that of ``whoosh.codec.whoosh3`` in whoosh-reloaded 2.7.5 (pinned in pyproject.toml);
``tests/test_evaluate.py`` compares the answers with Whoosh's own matchers, and the decoders with ``pickle``.
"""

from __future__ import annotations

import io
import os
import pickle
import struct
import weakref
import zlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from itertools import accumulate
from pickle import loads
from typing import Any

import numpy as np
from whoosh.codec.whoosh3 import LENGTHS_COLUMN, WHOOSH3_HEADER_MAGIC, W3TermInfo, _lenfield
from whoosh.reading import TermNotFound
from whoosh.system import _INT_SIZE
from whoosh.util.numeric import byte_to_length

_BYTE_LENGTH = np.array([byte_to_length(b) for b in range(256)], dtype=np.float64)
_BYTE_LENGTH[0] = 1.0  # Whoosh's scorer reads a missing length as 1
_LENGTHS: weakref.WeakKeyDictionary[Any, dict[str, np.ndarray]] = weakref.WeakKeyDictionary()
_BATCH = 1024  # blocks parsed together: ~6 MB of decompressed pickles at most
_FEW = 4  # fewer blocks than this: pickle.loads costs less than setting up the NumPy reading
_INT = struct.Struct("!i")  # a block's length, as Whoosh's StructFile.read_int reads it
_TABLES: weakref.WeakKeyDictionary[Any, _TermTable | None] = weakref.WeakKeyDictionary()
_SLOT = struct.Struct("!Iq")  # a hash table slot: the key's hash, where the key is (whoosh.filedb.filetables)
_KEY_LENGTHS = struct.Struct("!ii")
_TERM_INFO = W3TermInfo._struct
_EXTENT = struct.Struct("!Qi")  # a posting list's offset and length after the term info's fields
_INFO_GUESS = _TERM_INFO.size + _EXTENT.size  # a term info's length, unless its postings are inlined

# Pickle opcodes (protocol 2) that the blocks use.
_PROTO, _MARK, _TUPLE, _BINPUT, _NONE = 0x80, ord("("), ord("t"), ord("q"), ord("N")
_K, _M, _J, _G = ord("K"), ord("M"), ord("J"), ord("G")


@dataclass
class TermPostings:
    """One segment's postings of one term: document numbers (ascending), weights (frequencies), and where
    their encoded values (positions) are, for phrases: decompressed blocks, or the values themselves."""

    ids: np.ndarray
    weights: np.ndarray
    blocks: list[tuple[bytes, int]] = field(default_factory=list)
    values: tuple[bytes, ...] = ()

    def values_for(self, wanted: np.ndarray) -> Iterator[tuple[np.ndarray, list[bytes]]]:
        """(document numbers, their encoded values) for the wanted documents (sorted) only."""
        if not self.blocks:
            hit = np.flatnonzero(np.isin(self.ids, wanted))
            if len(hit) and self.values:
                yield self.ids[hit], [self.values[i] for i in hit.tolist()]
            return
        yield from values_of_blocks(self.blocks, self.ids, wanted)


class _TermTable:
    """One segment's term dictionary (Whoosh's ``OrderedHashReader`` file), probed as
    ``HashReader.ranges_for_key`` probes it but with ``os.pread``: no file position to seek (so no lock), and
    one read for a slot, one for the key with its term info, where Whoosh seeks and reads for each field."""

    def __init__(self, terms: Any) -> None:
        index = terms._tindex
        self._fileno = index.dbfile.fileno
        self._tables = index.tables
        self._hash = index.hashfn
        self._key = terms._keycoder

    def get(self, fieldname: str, tbytes: bytes) -> bytes | None:
        """The term's stored info, or None when the segment lacks it."""
        key = self._key(fieldname, tbytes)
        keyhash = self._hash(key)
        start, slots = self._tables[keyhash & 255]
        if not slots:
            return None
        fd = self._fileno()
        end = start + slots * _SLOT.size
        pos = start + ((keyhash >> 8) % slots) * _SLOT.size
        for _ in range(slots):
            slothash, item = _SLOT.unpack(os.pread(fd, _SLOT.size, pos))
            if not item:
                return None
            if slothash == keyhash:
                head = _KEY_LENGTHS.size + len(key)
                chunk = os.pread(fd, head + _INFO_GUESS, item)
                keylen, datalen = _KEY_LENGTHS.unpack_from(chunk)
                if keylen == len(key) and chunk[_KEY_LENGTHS.size:head] == key:
                    if len(chunk) < head + datalen:  # inlined postings: longer than the usual info
                        chunk = os.pread(fd, head + datalen, item)
                    return chunk[head:head + datalen]
            pos += _SLOT.size
            if pos == end:
                pos = start
        return None


def _table(terms: Any) -> _TermTable | None:
    """The segment's term dictionary for ``os.pread``; None when its files are not plain files of their own."""
    try:
        return _TABLES[terms]
    except KeyError:
        pass
    table = None
    index = getattr(terms, "_tindex", None)
    if index is not None and index.dbfile.is_real and index.startoffset == 0 and terms._postfile.is_real:
        table = _TermTable(terms)
    _TABLES[terms] = table
    return table


def _postings_bytes(reader: Any, fieldname: str, text: Any, lock: Any) -> tuple[Any, ...] | bytes | None:
    """A term's raw posting list in one segment, its inlined postings ``(ids, weights, values)``, or None."""
    terms = reader._terms
    try:
        tbytes = reader._text_to_bytes(fieldname, text)
    except (TermNotFound, KeyError):
        return None
    table = _table(terms)
    if table is None:
        with lock:
            try:
                info = terms.term_info(fieldname, tbytes)
            except (TermNotFound, KeyError):
                return None
            if info.is_inlined():
                return info.inlined_postings()
            offset, length = info.extent()
            if isinstance(length, tuple):  # whoosh3's TermInfo.from_bytes leaves the length in its struct tuple
                length = length[0]
            return terms._postfile.get(offset, length)
    data = table.get(fieldname, tbytes)
    if data is None:
        return None
    if data[0]:  # the postings are inlined in the term info
        return W3TermInfo.from_bytes(data).inlined_postings()
    offset, length = _EXTENT.unpack_from(data, _TERM_INFO.size)
    return os.pread(terms._postfile.fileno(), length, offset)


def read_term(reader: Any, fieldname: str, text: Any, lock: Any) -> TermPostings | None:
    """One segment's postings of a term, or None when the segment lacks it.

    Deleted documents are left in (the facet tables' ``live`` mask drops them)."""
    raw = _postings_bytes(reader, fieldname, text, lock)
    if raw is None:
        return None
    if isinstance(raw, tuple):
        ids, weights, values = raw
        return TermPostings(np.asarray(ids, dtype=np.int64), np.asarray(weights, dtype=np.float64),
                            values=tuple(values))
    blocks, counts = _split_blocks(raw)
    ids, weights = arrays_of_blocks(blocks, counts)
    return TermPostings(ids, weights, list(zip(blocks, counts, strict=True)))


def read_ids(reader: Any, fieldname: str, text: Any, lock: Any,
             within: np.ndarray | None = None) -> tuple[np.ndarray, list[bytes], list[int]] | None:
    """One segment's postings of a term as the caller needs them to know which documents hold it (deleted ones
    too): ``(inlined ids, decompressed blocks, their counts)``, for the caller to decode the blocks of every
    segment together (:func:`arrays_of_blocks`); None when the segment lacks the term. Positions are not decoded.

    With ``within`` (sorted document numbers), a block none of them can be in (each block's header gives its
    last id) is not decompressed; the ids found must then still be checked against ``within``."""
    raw = _postings_bytes(reader, fieldname, text, lock)
    if raw is None:
        return None
    if isinstance(raw, tuple):
        return np.asarray(raw[0], dtype=np.int64), [], []
    blocks, counts = _split_blocks(raw, within)
    return np.zeros(0, dtype=np.int64), blocks, counts


def _split_blocks(raw: bytes, within: np.ndarray | None = None) -> tuple[list[bytes], list[int]]:
    """A whoosh3 posting list (magic, then blocks of: a signed length, negative for the last block, a
    pickled info tuple, the block's data) as decompressed blocks and their posting counts; with ``within``
    (sorted document numbers), only the blocks whose id range holds one of them."""
    if raw[:4] != WHOOSH3_HEADER_MAGIC:
        raise ValueError("not a whoosh3 posting list")
    stream = io.BytesIO(raw)
    unpickler_load = pickle.Unpickler(stream).load
    blocks: list[bytes] = []
    counts: list[int] = []
    pos = 4
    after = -1  # the block holds ids above the previous block's last one, up to its own last one
    while True:
        (length,) = _INT.unpack_from(raw, pos)
        stream.seek(pos + _INT_SIZE)
        count, maxid, _maxweight, compression, _minlength, _maxlength = unpickler_load()
        wanted = True
        if within is not None:
            first = int(np.searchsorted(within, after, side="right"))
            wanted = first < len(within) and within[first] <= maxid
            after = maxid
        if wanted:
            data = raw[stream.tell():pos + _INT_SIZE + abs(length)]
            blocks.append(zlib.decompress(data) if compression else data)
            counts.append(count)
        if length < 0:
            return blocks, counts
        pos += _INT_SIZE + length


def arrays_of_blocks(blocks: list[bytes], counts: list[int]) -> tuple[np.ndarray, np.ndarray]:
    """The document numbers and weights of one term's consecutive decompressed posting blocks."""
    if not blocks:
        return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.float64)
    id_parts, weight_parts = [], []
    for start in range(0, len(blocks), _BATCH):
        batch = blocks[start:start + _BATCH]
        if len(batch) < _FEW:
            ids, weights = _unpickled(batch)
        else:
            ids, weights = parse_blocks(batch, np.asarray(counts[start:start + _BATCH], dtype=np.int64))
        id_parts.append(ids)
        weight_parts.append(weights)
    return np.concatenate(id_parts), np.concatenate(weight_parts)


def values_of_blocks(kept: list[tuple[bytes, int]], ids: np.ndarray, wanted: np.ndarray) -> Iterator[tuple[np.ndarray, list[bytes]]]:
    """(document numbers, encoded values) of the wanted documents, from a term's decompressed blocks
    (``ids`` is every document number they hold, in order)."""
    hit = np.flatnonzero(np.isin(ids, wanted))
    if not len(hit):
        return
    counts = np.fromiter((n for _b, n in kept), dtype=np.int64, count=len(kept))
    firsts = np.concatenate(([0], np.cumsum(counts)[:-1]))
    block_of = np.searchsorted(firsts, hit, side="right") - 1
    bounds = np.flatnonzero(np.diff(block_of)) + 1
    for group in np.split(np.arange(len(hit)), bounds):
        b = int(block_of[group[0]])
        values = _with_values(kept[b][0])[2]
        within = (hit[group] - firsts[b]).tolist()
        if values and isinstance(values[0], tuple):
            yield ids[hit[group]], [values[i][0] for i in within]
        else:
            yield ids[hit[group]], [values[i] for i in within]


def _unpickled(blocks: list[bytes]) -> tuple[np.ndarray, np.ndarray]:
    """A few blocks through ``pickle.loads``, gathered in lists: NumPy's per-call cost outweighs a few postings."""
    ids: list[int] = []
    weights: list[float] = []
    for block in blocks:
        data = loads(block)
        ids.extend(accumulate(data[0]))
        w = data[1]
        weights.extend([1.0 if w is None else w] * len(data[0]) if w is None or isinstance(w, float) else w)
    return np.array(ids, dtype=np.int64), np.array(weights, dtype=np.float64)


def parse_blocks(blocks: list[bytes], counts: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The document numbers and weights of consecutive posting blocks of one term (``counts[i]`` postings in
    ``blocks[i]``), read from the pickles without unpickling the encoded values behind them."""
    lengths = np.fromiter(map(len, blocks), dtype=np.int64, count=len(blocks))
    buf = np.frombuffer(b"".join(blocks) + b"\0" * 16, dtype=np.uint8)  # padding: reads past an end stay inside
    starts = np.concatenate(([0], np.cumsum(lengths)[:-1]))
    out_start = np.concatenate(([0], np.cumsum(counts)[:-1]))
    deltas = np.zeros(int(counts.sum()), dtype=np.int64)
    weights = np.ones(len(deltas), dtype=np.float64)
    many = counts >= 4
    ok = (buf[starts] == _PROTO) & (buf[starts + 1] == 2) & (~many | (buf[starts + 2] == _MARK)) & (counts >= 1)
    cursor = _read_ints(buf, starts + 2 + many, counts, out_start, deltas, ok,
                        lambda i: _pickled_ids(blocks[i], int(counts[i]), int(starts[i])) if many[i] else None)
    closing = np.select([many, counts == 1, counts == 2, counts == 3], [_TUPLE, 0x85, 0x86, 0x87], 0)
    ok &= (buf[cursor] == closing) & (buf[cursor + 1] == _BINPUT)
    cursor = cursor + 3
    op = buf[cursor]
    # One float: every posting has that weight. (Two or three postings with different weights are also
    # pickled without a MARK, so those rare short blocks are left to pickle.loads.)
    ok &= (op != _G) | many | (counts == 1)
    constant = ok & (op == _G)
    for i in np.flatnonzero(constant).tolist():
        weights[out_start[i]:out_start[i] + counts[i]] = _double(buf, cursor[i] + 1)
    listed = np.flatnonzero(ok & ~constant & (op != _NONE))
    if len(listed):
        # A tuple of floats: BINFLOAT opcodes 9 bytes apart, then the tuple's closing opcode.
        n = counts[listed]
        block_of = np.repeat(np.arange(len(listed)), n)
        within = np.arange(int(n.sum())) - np.repeat(np.cumsum(n) - n, n)
        at = np.repeat(cursor[listed] + many[listed], n) + 9 * within
        wrong = np.bincount(block_of, weights=buf[at] != _G, minlength=len(listed)) > 0
        wrong |= buf[cursor[listed] + many[listed] + 9 * n] != closing[listed]
        ok[listed[wrong]] = False
        raw = buf[(at + 1)[:, None] + np.arange(8)]
        values = raw.copy().view(">f8").ravel()
        keep = ~wrong[block_of]
        target = np.repeat(out_start[listed], n) + within
        weights[target[keep]] = values[keep]
    for i in np.flatnonzero(~ok).tolist():  # anything unexpected: Whoosh's own reading
        data = loads(blocks[i])
        deltas[out_start[i]:out_start[i] + counts[i]] = data[0]
        w = data[1]
        weights[out_start[i]:out_start[i] + counts[i]] = 1.0 if w is None else w
    return _running_sums(deltas, counts, out_start), weights


def _double(buf: np.ndarray, at: int) -> float:
    return float(np.frombuffer(buf[at:at + 8].tobytes(), dtype=">f8")[0])


def _running_sums(deltas: np.ndarray, counts: np.ndarray, out_start: np.ndarray) -> np.ndarray:
    """Delta-decoded ids (or positions): a running sum that restarts at each block's (value's) first item."""
    total = np.cumsum(deltas)
    if len(total) and len(counts) > 1:
        before = np.concatenate(([0], total[out_start[1:] - 1]))
        total -= np.repeat(before, counts)
    return total


def _pickled_ids(block: bytes, count: int, start: int) -> tuple[tuple[int, ...], int] | None:
    """A block's id deltas (the tuple of ``count`` ints it starts with), read by ``pickle.loads`` of the block
    cut after that tuple, and the offset of the tuple's closing TUPLE opcode in the joined buffer (the block
    begins at ``start``); None when the block is not shaped so. The cut is at the first TUPLE, BINPUT pair
    that closes a tuple of ``count`` items: those two bytes can also be part of an int."""
    end = block.find(b"tq", 3)
    while end > 0:
        try:
            items = loads(block[:end + 1] + b".")
        except Exception:  # the pair was an int's bytes: the pickle stops mid-item
            items = None
        if type(items) is tuple and len(items) == count:
            return items, start + end
        end = block.find(b"tq", end + 1)
    return None


def _read_ints(buf: np.ndarray, cursor: np.ndarray, counts: np.ndarray, out_start: np.ndarray,
               out: np.ndarray, ok: np.ndarray,
               pickled: Callable[[int], tuple[tuple[int, ...], int] | None] | None = None) -> np.ndarray:
    """Read ``counts[i]`` pickled non-negative ints (BININT1 / BININT2 / BININT) starting at ``cursor[i]`` for
    every ``i`` still ``ok``, into ``out[out_start[i]:]``. Clears ``ok`` where another opcode turns up.
    Returns the cursors after the items.

    Delta-encoded lists are mostly one-byte ints after a wider first one: those are read in one gather.
    The rest (rare words' ids, far apart) are read by ``pickled(i)`` — all of list ``i`` and the cursor after
    it, or None — where it can, else one item of every list per step."""
    cursor = cursor.copy()
    active = np.flatnonzero(ok & (counts > 0))
    if not len(active):
        return cursor
    # First items, any width.
    at = cursor[active]
    item, width, bad = _int_at(buf, at)
    ok[active[bad]] = False
    active, item, width = active[~bad], item[~bad], width[~bad]
    out[out_start[active]] = item
    cursor[active] += width
    # The rest, when every one of them is a BININT1: two bytes apart.
    rest = counts[active] - 1
    block_of = np.repeat(np.arange(len(active)), rest)
    within = np.arange(int(rest.sum())) - np.repeat(np.cumsum(rest) - rest, rest)
    at = np.repeat(cursor[active], rest) + 2 * within
    other = np.bincount(block_of, weights=buf[at] != _K, minlength=len(active)) > 0
    simple = ~other[block_of]
    out[(np.repeat(out_start[active], rest) + 1 + within)[simple]] = buf[at[simple] + 1]
    cursor[active[~other]] += 2 * rest[~other]
    # Lists with wider items further on: through pickle, or one item of each per step.
    active = active[other]
    if pickled is not None and len(active):
        stepped = []
        for i in active.tolist():
            found = pickled(i)
            if found is None:
                stepped.append(i)
                continue
            items, cursor[i] = found
            out[out_start[i]:out_start[i] + counts[i]] = items
        active = np.asarray(stepped, dtype=np.int64)
    step = 1
    active = active[counts[active] > step]
    while len(active):
        item, width, bad = _int_at(buf, cursor[active])
        ok[active[bad]] = False
        good = ~bad
        active, item, width = active[good], item[good], width[good]
        out[out_start[active] + step] = item
        cursor[active] += width
        step += 1
        active = active[counts[active] > step]
    return cursor


def _int_at(buf: np.ndarray, at: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The pickled ints at ``at``: values, byte widths, and which are not a non-negative BININT*."""
    op = buf[at]
    b1, b2, b3, b4 = (buf[at + k].astype(np.int64) for k in range(1, 5))
    is_k, is_m, is_j = op == _K, op == _M, op == _J
    item = np.where(is_k, b1, np.where(is_m, b1 | (b2 << 8), b1 | (b2 << 8) | (b3 << 16) | (b4 << 24)))
    width = np.where(is_k, 2, np.where(is_m, 3, 5))
    return item, width, ~(is_k | is_m | is_j) | (is_j & (b4 >= 128))


_ENCODE = b"c_codecs\nencode\n"
_LATIN_1_ENCODE = b"c_codecs\nlatin_1_encode\n"


def _with_values(block: bytes) -> Any:
    """``pickle.loads`` of a block, twice as fast: protocol 2 pickles each ``bytes`` value as a call of
    ``codecs.encode(text, "latin1")``, which looks the codec up by name every time. The block names that
    function once (later values refer back to it), so naming ``_codecs.latin_1_encode`` instead gives the
    same bytes, as the first item of a (bytes, length) tuple, without the lookup."""
    return loads(block.replace(_ENCODE, _LATIN_1_ENCODE, 1))


_POSITIONS_HEADER = np.frombuffer(b"\x80\x02]q\x00", dtype=np.uint8)


def decode_positions(values: list[bytes]) -> tuple[np.ndarray, np.ndarray]:
    """Whoosh ``Positions`` values (a 4-byte count, then the pickled list of position deltas), decoded
    together: how many positions each has, and all positions one value after another."""
    if not values:
        return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int64)
    lengths = np.fromiter(map(len, values), dtype=np.int64, count=len(values))
    if lengths.min() < 13:
        return _decode_slowly(values)
    buf = np.frombuffer(b"".join(values) + b"\0" * 16, dtype=np.uint8)
    starts = np.concatenate(([0], np.cumsum(lengths)[:-1]))
    quad = buf[starts[:, None] + np.arange(4)].astype(np.int64)
    counts = (quad[:, 0] << 24) | (quad[:, 1] << 16) | (quad[:, 2] << 8) | quad[:, 3]
    many = counts >= 2
    # Pickle writes lists of more than 1,000 items in several batches: those go to pickle.loads.
    ok = (counts >= 1) & (counts <= 1000) & (buf[starts[:, None] + 4 + np.arange(5)] == _POSITIONS_HEADER).all(axis=1)
    ok &= ~many | (buf[starts + 9] == _MARK)
    out_start = np.concatenate(([0], np.cumsum(counts)[:-1]))
    deltas = np.zeros(int(counts.sum()), dtype=np.int64)
    cursor = _read_ints(buf, starts + 9 + many, counts, out_start, deltas, ok)
    # Each value must end where its pickle says: APPENDS (or APPEND for one item), then STOP.
    ok &= (buf[cursor] == np.where(many, ord("e"), ord("a"))) & (cursor + 2 == starts + lengths)
    for i in np.flatnonzero(~ok).tolist():
        found = loads(values[i][_INT_SIZE:])
        if len(found) != counts[i]:
            return _decode_slowly(values)
        deltas[out_start[i]:out_start[i] + counts[i]] = found
    return counts, _running_sums(deltas, counts, out_start)


def _decode_slowly(values: list[bytes]) -> tuple[np.ndarray, np.ndarray]:
    lists = [loads(v[_INT_SIZE:]) for v in values]
    counts = np.fromiter(map(len, lists), dtype=np.int64, count=len(lists))
    positions = np.fromiter((p for found in lists for p in accumulate(found)), dtype=np.int64, count=int(counts.sum()))
    return counts, positions


def field_lengths(reader: Any, fieldname: str, lock: Any) -> np.ndarray:
    """Each document's length in ``fieldname`` for one segment, as Whoosh's scorer reads it; cached for as
    long as the segment reader lives (read once, under ``lock``)."""
    cached = _LENGTHS.setdefault(reader, {})
    if fieldname not in cached:
        with lock:
            count = reader.doc_count_all()
            column = reader._perdoc._cached_reader(_lenfield(fieldname), LENGTHS_COLUMN)
            codes = np.zeros(count, dtype=np.uint8)
            if column is not None:
                stored = min(column._count, count)
                codes[:stored] = np.frombuffer(column._dbfile.get(column._basepos, stored), dtype=np.uint8)
        cached[fieldname] = _BYTE_LENGTH[codes]
    return cached[fieldname]
