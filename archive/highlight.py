"""Passages with the matched words marked, a phrase as one mark. Release text is escaped; only ``<mark>`` is
markup."""

from __future__ import annotations

import html
import re
from collections.abc import Sequence
from functools import lru_cache
from typing import Protocol

from whoosh.lang.porter import stem as _porter_stem

WINDOW = 260
_WORD = re.compile(r"\w+")


class PhraseLike(Protocol):
    words: tuple[str, ...]  # lower-cased, as typed
    prefix: bool  # the last word stands for the words it begins


@lru_cache(maxsize=200_000)
def stem(word: str) -> str:
    return _porter_stem(word)


@lru_cache(maxsize=1024)
def _candidates(terms: frozenset[str]) -> re.Pattern[str]:
    """Words that may match: starting with a term, or with a stem's ``i`` ending read as ``y`` (happi/happy)."""
    prefixes = set(terms) | {t[:-1] + "y" for t in terms if t.endswith("i")}
    alternatives = "|".join(sorted((re.escape(p) for p in prefixes if p), key=len, reverse=True))
    return re.compile(rf"\b(?:{alternatives})\w*", re.IGNORECASE)


def _matches(text: str, terms: set[str]) -> list[tuple[int, int]]:
    spans = []
    frozen = frozenset(terms)
    for m in _candidates(frozen).finditer(text):
        word = m.group(0).lower()
        if word in terms or stem(word) in terms:
            spans.append((m.start(), m.end()))
    return spans


def _same_word(typed: str, word: str) -> bool:
    return word == typed or stem(word) == stem(typed)


def _phrase_matches(text: str, phrases: Sequence[PhraseLike]) -> list[tuple[int, int]]:
    """Where a phrase stands in ``text`` word for word (inflected forms included, as the search matched them)."""
    if not phrases:
        return []
    words = [(m.start(), m.end(), m.group(0).lower()) for m in _WORD.finditer(text)]
    spans = []
    for phrase in phrases:
        n = len(phrase.words)
        if not n:
            continue
        for i in range(len(words) - n + 1):
            if all(_same_word(phrase.words[k], words[i + k][2]) for k in range(n - 1 if phrase.prefix else n)) and (
                    not phrase.prefix or words[i + n - 1][2].startswith(phrase.words[-1])):
                spans.append((words[i][0], words[i + n - 1][1]))
    return spans


def _spans(text: str, terms: set[str], phrases: Sequence[PhraseLike]) -> list[tuple[int, int]]:
    """Word and phrase matches, in order, a word inside a phrase's span not marked again."""
    whole = _phrase_matches(text, phrases)
    found = sorted(set(whole) | {(s, e) for s, e in (_matches(text, terms) if terms else [])
                                 if not any(ps <= s and e <= pe for ps, pe in whole)})
    out: list[tuple[int, int]] = []
    for start, end in found:  # overlapping phrases: one mark
        if out and start < out[-1][1]:
            out[-1] = (out[-1][0], max(end, out[-1][1]))
        else:
            out.append((start, end))
    return out


def mark(text: str, spans: list[tuple[int, int]]) -> str:
    out, pos = [], 0
    for start, end in spans:
        out.append(html.escape(text[pos:start]))
        out.append(f"<mark>{html.escape(text[start:end])}</mark>")
        pos = end
    out.append(html.escape(text[pos:]))
    return "".join(out)


def passages(paragraphs: list[str], terms: set[str], limit: int = 3,
             phrases: Sequence[PhraseLike] = ()) -> list[str]:
    """The best 1–3 passages for a hit: paragraphs with the most distinct matched words and phrases, trimmed."""
    if not terms and not phrases:
        first = paragraphs[0] if paragraphs else ""
        return [html.escape(_trim(first, 0))] if first else []
    scored = []
    for i, paragraph in enumerate(paragraphs):
        spans = _spans(paragraph, terms, phrases)
        if spans:
            distinct = len({paragraph[s:e].lower() for s, e in spans})
            scored.append((distinct, len(spans), -i, paragraph, spans))
    scored.sort(reverse=True)
    result = []
    for _d, _n, _i, paragraph, spans in scored[:limit]:
        start = max(0, spans[0][0] - 80)
        if start:
            start = paragraph.rfind(" ", 0, start) + 1
        end = min(len(paragraph), start + WINDOW)
        if end < len(paragraph):
            end = paragraph.rfind(" ", start, end) if paragraph.rfind(" ", start, end) > start else end
        window = [(s - start, e - start) for s, e in spans if s >= start and e <= end]
        text = mark(paragraph[start:end], window)
        result.append(("\u2026" if start else "") + text + ("\u2026" if end < len(paragraph) else ""))
    if not result and paragraphs:
        result.append(html.escape(_trim(paragraphs[0], 0)))
    return result


def _trim(text: str, start: int) -> str:
    if len(text) <= WINDOW:
        return text
    cut = text.rfind(" ", start, start + WINDOW)
    return text[start:cut if cut > start else start + WINDOW] + "\u2026"
