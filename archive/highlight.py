"""Passages with the matched words marked. Release text is escaped; only ``<mark>`` is markup."""

from __future__ import annotations

import html
import re
from functools import lru_cache

from whoosh.lang.porter import stem as _porter_stem

WINDOW = 260


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


def mark(text: str, spans: list[tuple[int, int]]) -> str:
    out, pos = [], 0
    for start, end in spans:
        out.append(html.escape(text[pos:start]))
        out.append(f"<mark>{html.escape(text[start:end])}</mark>")
        pos = end
    out.append(html.escape(text[pos:]))
    return "".join(out)


def passages(paragraphs: list[str], terms: set[str], limit: int = 3) -> list[str]:
    """The best 1–3 passages for a hit: paragraphs with the most distinct matched words, trimmed."""
    if not terms:
        first = paragraphs[0] if paragraphs else ""
        return [html.escape(_trim(first, 0))] if first else []
    scored = []
    for i, paragraph in enumerate(paragraphs):
        spans = _matches(paragraph, terms)
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
