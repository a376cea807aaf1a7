"""Word-level alignment of a passage someone pasted with a paragraph of a release, for the quote finder.

A quote is rarely pasted as the release gives it: curly quotes for straight ones, other punctuation and case,
words dropped, changed or reordered, cut at either end, an ellipsis for a cut in the middle. So both texts are
compared as sequences of folded words (case, accents and apostrophes dropped: the DOJ pages lost their
apostrophes, "Justice's" reads "Justices" there), with RapidFuzz doing the work on the word sequences: the
best window of the paragraph for each fragment of the passage (``fuzz.partial_ratio_alignment``), then the
word-by-word alignment inside it (``Levenshtein.opcodes``). A run of passage words left unmatched is aligned
again on its own, so swapped clauses still match; a word two letters away from the original's counts as a typo.

The score is a Dice coefficient over words: twice the words matched over the passage's words plus the words
of the paragraph's matched stretch, so words dropped, added or changed on either side all lower it.
"""

from __future__ import annotations

import html
import re
import unicodedata
from dataclasses import dataclass, field

from rapidfuzz import fuzz
from rapidfuzz.distance import OSA, Levenshtein

TYPO_WEIGHT = 0.6  # a mistyped word counts this much of a word matched exactly
# A number written with thousands separators is one word ("$15,215" and "15215" compare equal).
_WORD = re.compile(r"\d{1,3}(?:,\d{3})+(?!\d)|[^\W_]+(?:['\u2019\u2018\u02bc][^\W_]+)*")
_APOSTROPHES = "'\u2019\u2018\u02bc"
# An ellipsis marks a cut: "…", "...", ". . .", "[…]" or "[...]".
_ELLIPSIS = re.compile(r"\[\s*(?:\u2026|\.\s?\.\s?\.)\s*\]|\u2026|\.\s?\.\s?\.")


def without_apostrophes(text: str) -> str:
    """``text`` without apostrophes: ``str.replace`` per mark present, ten times faster than ``str.translate``
    on non-ASCII text (a long paragraph with one curly quote took milliseconds)."""
    for mark in _APOSTROPHES:
        if mark in text:
            text = text.replace(mark, "")
    return text


def fold(word: str) -> str:
    """A word as compared: lower case, without apostrophes or accents."""
    return _unaccented(without_apostrophes(word).casefold().replace(",", ""))


def _unaccented(word: str) -> str:
    if word.isascii():
        return word
    return unicodedata.normalize("NFKD", word).encode("ascii", "ignore").decode("ascii") or word


_PLAIN_WORD = re.compile(r"\d{1,3}(?:,\d{3})+(?!\d)|[^\W_]+")


def folded_words(text: str) -> list[str]:
    """The folded words of ``words_of(text)`` without their offsets, several times faster: what a paragraph
    is compared with before the best one is marked up."""
    text = without_apostrophes(text).casefold()
    words = _PLAIN_WORD.findall(text)
    if "," in text:
        words = [w.replace(",", "") for w in words]
    return words if text.isascii() else [_unaccented(w) for w in words]


@dataclass
class Words:
    """A text's folded words and where each stands in it (character offsets)."""

    text: str
    words: list[str]
    spans: list[tuple[int, int]]


def words_of(text: str) -> Words:
    words, spans = [], []
    for m in _WORD.finditer(text):
        words.append(fold(m.group(0)))
        spans.append((m.start(), m.end()))
    return Words(text, words, spans)


def fragments_of(text: str) -> list[Words]:
    """The passage cut at each ellipsis, each piece aligned on its own (the words between are not asked for)."""
    pieces = [words_of(piece) for piece in _ELLIPSIS.split(text)]
    return [p for p in pieces if p.words]


@dataclass
class Alignment:
    """How a passage (all its fragments, numbered as one sequence) lines up with one paragraph."""

    score: float  # Dice coefficient over words, 0–1
    coverage: float  # share of the passage's weight (rare words weigh more) found in the paragraph
    pairs: list[tuple[int, int, bool]]  # (passage word, paragraph word, exactly the same word), by passage word
    stretches: list[tuple[int, int]] = field(default_factory=list)  # paragraph words matched, [start, end)

    @property
    def matched_paragraph_words(self) -> set[int]:
        return {j for _i, j, _same in self.pairs}

    @property
    def exact_passage_words(self) -> set[int]:
        return {i for i, _j, same in self.pairs if same}


def _typo(a: str, b: str) -> bool:
    """Whether ``b`` is ``a`` mistyped: a letter wrong, missing, extra or two swapped (two slips in a long word;
    in a three-letter word only a swap, or "the" would match "she")."""
    shorter = min(len(a), len(b))
    if shorter < 3 or a.isdigit() or b.isdigit():
        return False
    if shorter == 3:
        return len(a) == len(b) and sorted(a) == sorted(b)
    return OSA.distance(a, b, score_cutoff=2) <= (1 if shorter < 7 else 2)


def _window(needle: list[str], hay: list[str]) -> tuple[int, int]:
    if len(needle) >= len(hay):
        return 0, len(hay)
    found = fuzz.partial_ratio_alignment(needle, hay, processor=None)
    return found.dest_start, found.dest_end


Pair = tuple[int, int, bool]  # (passage word, paragraph word, exactly the same word)


def _pairs(needle: list[str], offset: int, hay: list[str], taken: set[int], region: tuple[int, int]) -> list[Pair]:
    """Passage words ``offset…`` matched to paragraph words of ``region``: within the best window, padded for
    words the passage dropped."""
    base, stop = region
    lo, hi = _window(needle, hay[base:stop])
    pad = max(3, len(needle) // 3)
    lo, hi = max(base, base + lo - pad), min(stop, base + hi + pad)
    found: list[Pair] = []
    for op in Levenshtein.opcodes(needle, hay[lo:hi]):
        if op.tag == "equal":
            found.extend((offset + op.src_start + k, lo + op.dest_start + k, True)
                         for k in range(op.src_end - op.src_start))
        elif op.tag == "replace":
            for a, b in zip(range(op.src_start, op.src_end), range(op.dest_start, op.dest_end), strict=False):
                if _typo(needle[a], hay[lo + b]):
                    found.append((offset + a, lo + b, False))
    return [p for p in found if p[1] not in taken]


def _anchored(pairs: list[Pair]) -> list[Pair]:
    """The pairs whose neighbour in the passage is matched next to them in the paragraph (at most two of the
    paragraph's words between, as when the passage dropped them): a lone word matched out of its place (a "the"
    a sentence earlier) would pin the stretch, or a moved clause, to the wrong spot."""
    at = {i: j for i, j, _same in pairs}

    def near(i: int, j: int) -> bool:
        before, after = at.get(i - 1), at.get(i + 1)
        return (before is not None and 1 <= j - before <= 3) or (after is not None and 1 <= after - j <= 3)

    kept = [p for p in pairs if near(p[0], p[1])]
    return kept or pairs


def _largest_block(pairs: list[Pair]) -> list[Pair]:
    """The longest run of pairs that follow each other in both texts."""
    best: list[Pair] = []
    run: list[Pair] = []
    for pair in sorted(pairs):
        if run and (pair[0] != run[-1][0] + 1 or pair[1] != run[-1][1] + 1):
            run = []
        run.append(pair)
        if len(run) > len(best):
            best = list(run)
    return best


def _local_score(pairs: list[Pair], length: int) -> float:
    if not pairs:
        return 0.0
    span = max(j for _i, j, _s in pairs) - min(j for _i, j, _s in pairs) + 1
    return 2 * sum(1.0 if same else TYPO_WEIGHT for _i, _j, same in pairs) / (length + span)


def _extended(pairs: list[Pair], words: list[str], offset: int, hay: list[str], taken: set[int]) -> list[Pair]:
    """Blocks of matched words grown by the same (or mistyped) words on either side: Levenshtein may have paired
    such a word with one further away, where an alignment costs as much."""
    by_passage = {i: j for i, j, _s in pairs}
    used = taken | set(by_passage.values())
    grown = list(pairs)
    todo = [(i, j) for i, j, _same in pairs]
    while todo:
        i, j = todo.pop()
        for di in (-1, 1):
            a, b = i + di, j + di
            if not (offset <= a < offset + len(words)) or a in by_passage or not (0 <= b < len(hay)) or b in used:
                continue
            same = words[a - offset] == hay[b]
            if same or _typo(words[a - offset], hay[b]):
                by_passage[a] = b
                used.add(b)
                grown.append((a, b, same))
                todo.append((a, b))
    return grown


def _unmatched_runs(start: int, end: int, matched: set[int], shortest: int) -> list[tuple[int, int]]:
    runs, run_start = [], None
    for i in range(start, end + 1):
        if i < end and i not in matched:
            run_start = i if run_start is None else run_start
        elif run_start is not None:
            if i - run_start >= shortest:
                runs.append((run_start, i))
            run_start = None
    return runs


def _fragment(words: list[str], offset: int, paragraph: list[str], taken: set[int]) -> list[Pair]:
    """One fragment's pairs: aligned as a whole, then each run of words left out (a clause moved) aligned again
    on its own near what matched. Tried twice — from that first alignment, and from its longest block alone
    (a short block may have been pinned where its words first appear) — and the closer of the two is kept."""
    first = _anchored(_pairs(words, offset, paragraph, taken, (0, len(paragraph))))
    if not first:
        return []
    tries = [_completed(start, words, offset, paragraph, taken) for start in (first, _largest_block(first))]
    return max(tries, key=lambda found: _local_score(found, len(words)))


def _completed(found: list[Pair], words: list[str], offset: int, paragraph: list[str], taken: set[int]) -> list[Pair]:
    found = _extended(found, words, offset, paragraph, taken)
    matched = {i for i, _j, _s in found}
    used = taken | {j for _i, j, _s in found}
    near = (max(0, min(j for _i, j, _s in found) - len(words)), min(len(paragraph), max(j for _i, j, _s in found) + len(words) + 1))
    for run_start, run_end in _unmatched_runs(offset, offset + len(words), matched, 2):
        extra = _pairs(words[run_start - offset:run_end - offset], run_start, paragraph, used, near)
        if sum(1 for p in extra if p[2]) >= 0.6 * (run_end - run_start):
            found = found + extra
            used |= {j for _i, j, _s in extra}
    return _extended(found, words, offset, paragraph, taken)


def align(fragments: list[list[str]], paragraph: list[str], weights: list[float]) -> Alignment | None:
    """Align the passage (its fragments' words, ``weights`` one per word of them all) with a paragraph's words;
    None when not one word lines up."""
    total = sum(len(f) for f in fragments)
    if not total or not paragraph:
        return None
    pairs: list[Pair] = []
    stretches: list[tuple[int, int]] = []
    offset = 0
    for words in fragments:
        found = _fragment(words, offset, paragraph, {j for _i, j, _s in pairs})
        if found:
            pairs.extend(found)
            stretches.append((min(j for _i, j, _s in found), max(j for _i, j, _s in found) + 1))
        offset += len(words)
    if not pairs:
        return None
    stretches = _union(stretches)
    span = sum(end - start for start, end in stretches)
    matched = sum(1.0 if same else TYPO_WEIGHT for _i, _j, same in pairs)
    weight = sum(weights) or 1.0
    found_weight = sum(weights[i] * (1.0 if same else TYPO_WEIGHT) for i, _j, same in pairs)
    return Alignment(2 * matched / (total + span), found_weight / weight, sorted(pairs), stretches)


def _union(intervals: list[tuple[int, int]]) -> list[tuple[int, int]]:
    merged: list[tuple[int, int]] = []
    for start, end in sorted(intervals):
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(merged[-1][1], end))
        else:
            merged.append((start, end))
    return merged


def marked_paragraph(paragraph: Words, alignment: Alignment) -> str:
    """The paragraph as escaped HTML: the stretch matched in ``<mark>``, and inside it the original's words the
    passage dropped or changed in ``<mark class="differs">``."""
    matched = {j for _i, j, same in alignment.pairs if same}
    out, pos = [], 0
    for start, end in alignment.stretches:
        first, last = paragraph.spans[start][0], paragraph.spans[end - 1][1]
        out.append(html.escape(paragraph.text[pos:first]))
        out.append("<mark>")
        cursor = first
        for j in range(start, end):
            a, b = paragraph.spans[j]
            if j not in matched:
                out.append(html.escape(paragraph.text[cursor:a]))
                out.append(f'<mark class="differs">{html.escape(paragraph.text[a:b])}</mark>')
                cursor = b
        out.append(html.escape(paragraph.text[cursor:last]) + "</mark>")
        pos = last
    out.append(html.escape(paragraph.text[pos:]))
    return "".join(out)


def marked_passage(fragments: list[Words], alignment: Alignment | None) -> str:
    """The passage as escaped HTML with the words the original does not have in ``<mark class="differs">``."""
    exact = alignment.exact_passage_words if alignment else set()
    out, n = [], 0
    for k, piece in enumerate(fragments):
        pos = 0
        for a, b in piece.spans:
            out.append(html.escape(piece.text[pos:a]))
            word = html.escape(piece.text[a:b])
            out.append(word if n in exact or alignment is None else f'<mark class="differs">{word}</mark>')
            pos, n = b, n + 1
        out.append(html.escape(piece.text[pos:].rstrip() if k < len(fragments) - 1 else piece.text[pos:]))
        if k < len(fragments) - 1:
            out.append(" \u2026 ")
    return "".join(out).strip()


def differing_words(passage: list[str], paragraph: Words, alignment: Alignment) -> tuple[list[str], list[str]]:
    """(the passage's words the original lacks, the original's words in the matched stretch the passage lacks)."""
    exact_passage = alignment.exact_passage_words
    exact_paragraph = {j for _i, j, same in alignment.pairs if same}
    yours = [w for i, w in enumerate(passage) if i not in exact_passage]
    theirs = [paragraph.text[slice(*paragraph.spans[j])] for start, end in alignment.stretches
              for j in range(start, end) if j not in exact_paragraph]
    return yours, theirs
