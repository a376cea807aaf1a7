"""Spelling suggestions from the vocabulary of one index generation, built when the generation is committed.

The vocabulary is the index's own unstemmed words (the ``exact`` field: title and text as written, lower
case) with the number of releases holding each, and for ``speaker:``, ``issuer:``, ``topic:``, ``tag:`` and
``wire:`` the words of that field alone. It is stored beside the facet tables (``spelling.json``), sorted by
length, so a suggestion only compares a word with the words of nearly its length: RapidFuzz's bit-parallel
optimal-string-alignment distance (insertions, deletions, substitutions and swaps of neighbours) in C++, a
few milliseconds for tens of thousands of words, bounded by the caps of ``archive/limits.py`` however many
words a query holds.

Candidates are whole words the index holds at least :data:`MIN_DF` times (once, in a small archive), within one edit for words of up
to four letters and two beyond; the closest wins, then the most frequent. A word the index holds more than
:data:`RARE_DF` times is never corrected, and a rare one only for a far more frequent word that differs from
it by a slip inside it (:func:`interior_slip`).
"""

from __future__ import annotations

import json
import re
from bisect import bisect_left
from collections import Counter
from pathlib import Path
from typing import Any

import numpy as np
from rapidfuzz import process
from rapidfuzz.distance import OSA

from archive import segments
from archive.home import write_atomic
from archive.limits import MAX_SPELL_LENGTH

SPELLING_FILE = "spelling.json"
SPELLING_VERSION = 1
FIELDS = ("exact", "speaker", "issuer", "topic", "tag", "wire")
MIN_DF = 2  # a word in a single release is as likely a typo as a word…
SMALL_ARCHIVE = 1000  # …except in an archive of fewer releases, where most words are in one release
RARE_DF = 2  # a word in at most this many releases may still be a typo of a far more frequent one
RARE_RATIO = 50  # …when the suggestion is in this many times more releases
MIN_RARE_LENGTH = 5  # …and it has this many letters (shorter rare words are mostly abbreviations: MRE)
MAX_VOCABULARY = 400_000  # most frequent words kept per field
_WORD = re.compile(r"[a-z][a-z'&+-]*[a-z+]\Z")


def max_distance(word: str) -> int:
    return 1 if len(word) <= 4 else 2


class Vocabulary:
    """The words of one field, sorted by (length, word), with their document frequencies."""

    def __init__(self, words: list[str], df: list[int]) -> None:
        self.words = words
        self.df = np.asarray(df, dtype=np.int64)
        lengths = [len(w) for w in words]
        self._starts = [bisect_left(lengths, n) for n in range(MAX_SPELL_LENGTH + 4)]

    def _bucket(self, low: int, high: int) -> tuple[int, int]:
        low, high = max(low, 1), min(high, MAX_SPELL_LENGTH + 2)
        return self._starts[low], self._starts[high + 1]

    def frequency(self, word: str) -> int:
        start, stop = self._bucket(len(word), len(word))
        i = bisect_left(self.words, word, start, stop)
        return int(self.df[i]) if i < stop and self.words[i] == word else 0

    def candidates(self, word: str, distance: int) -> list[tuple[int, int, str]]:
        """(edits, -frequency, word) of the words within ``distance`` edits, best first."""
        start, stop = self._bucket(len(word) - distance, len(word) + distance)
        if start >= stop:
            return []
        scores = process.cdist([word], self.words[start:stop], scorer=OSA.distance, score_cutoff=distance,
                               dtype=np.int32)[0]
        hits = np.flatnonzero(scores <= distance)
        found = [(int(scores[i]), -int(self.df[start + i]), self.words[start + i]) for i in hits.tolist()]
        return sorted(c for c in found if c[2] != word)


class Speller:
    """Suggestions for one generation; :meth:`load` reads what :func:`build` wrote."""

    def __init__(self, vocabularies: dict[str, Vocabulary]) -> None:
        self.vocabularies = vocabularies

    @classmethod
    def load(cls, gen: Path) -> Speller:
        try:
            data = json.loads((gen / SPELLING_FILE).read_text(encoding="utf-8"))
            if data.get("version") != SPELLING_VERSION:
                return cls({})
            return cls({name: Vocabulary(v["words"], v["df"]) for name, v in data["fields"].items()})
        except (OSError, ValueError, KeyError, TypeError):
            return cls({})  # an index from before spelling files: no suggestions until it is rebuilt

    def correct(self, field: str, word: str, df: int, ties: int = 1) -> list[str]:
        """Better spellings of ``word`` (lower case), which ``df`` releases hold: the best first, then up to
        ``ties - 1`` more as close as it (the caller may let the rest of the query choose); or none."""
        vocabulary = self.vocabularies.get(field)
        if vocabulary is None or df > RARE_DF or not 3 <= len(word) <= MAX_SPELL_LENGTH or not _WORD.match(word):
            return []
        if df and len(word) < MIN_RARE_LENGTH:
            return []
        found = vocabulary.candidates(word, 1 if df else max_distance(word))
        if df:  # a word some release holds: only a slip inside it, towards a far more frequent word
            found = [c for c in found if -c[1] >= RARE_RATIO * df and interior_slip(word, c[2])]
        return [w for edits, _f, w in found if edits == found[0][0]][:ties] if found else []


def interior_slip(word: str, other: str) -> bool:
    """Whether ``other`` is ``word`` with one letter added, dropped or swapped with its neighbour, away from
    both ends (opiod → opioid): what a typing slip looks like, where an ending or a first letter that
    differs (maker/make, Lang/Long) is usually another word or another name."""
    if len(other) == len(word) + 1:
        word, other = other, word
    if len(word) == len(other) + 1:
        return any(word[:i] + word[i + 1:] == other for i in range(1, len(word) - 1))
    if len(word) == len(other):
        return any(word[i] == other[i + 1] and word[i + 1] == other[i] and word[:i] == other[:i]
                   and word[i + 2:] == other[i + 2:] for i in range(1, len(word) - 2))
    return False


def build(reader: Any, gen: Path | None = None) -> dict[str, Any]:
    """The vocabularies of a committed generation, summed over its segments; each segment's words are read
    once, when it is new (``archive/segments.py``), and kept in ``gen``."""
    fields: dict[str, Counter[str]] = {name: Counter() for name in FIELDS}
    for summary, _offset in segments.summaries(reader, "spelling", SPELLING_VERSION, _segment_words, gen):
        for name, words in summary.items():
            if name in fields:
                fields[name].update(words)
    min_df = MIN_DF if reader.doc_count() >= SMALL_ARCHIVE else 1
    data: dict[str, Any] = {}
    for name, df in fields.items():
        kept = [(w, n) for w, n in df.most_common(MAX_VOCABULARY) if n >= (min_df if name == "exact" else 1)]
        kept.sort(key=lambda item: (len(item[0]), item[0]))
        data[name] = {"words": [w for w, _n in kept], "df": [n for _w, n in kept]}
    return {"version": SPELLING_VERSION, "fields": data}


def _segment_words(segment: Any) -> dict[str, dict[str, int]]:
    """Each field's words in one segment, with the number of its documents (deleted ones too) holding them."""
    found: dict[str, dict[str, int]] = {}
    for name in FIELDS:
        if name not in segment.schema:
            continue
        words = found.setdefault(name, {})
        for term, info in segment.iter_field(name):
            word = term.decode("utf-8") if isinstance(term, bytes) else term
            if 3 <= len(word) <= MAX_SPELL_LENGTH and _WORD.match(word):
                words[word] = words.get(word, 0) + info.doc_frequency()
    return found


def save(gen: Path, data: dict[str, Any]) -> None:
    write_atomic(gen / SPELLING_FILE, json.dumps(data, ensure_ascii=False))
