"""Find a quote: which releases and paragraphs hold a passage pasted as found, even misquoted.

One call (:func:`find_quote`) for the CLI, the ``/quote`` page and ``/api/quote``, on one snapshot:

1. Candidates come from the index: the passage's rarest words (``exact`` field, as written) are looked up with
   the search evaluator, and each release scores the rarity (idf) of the words it holds. Releases holding too
   little of it are never compared; the best :data:`~archive.limits.MAX_QUOTE_CANDIDATES` are, the earliest
   first among equals (so copies of a text keep their first appearance).
2. Each candidate's paragraphs are aligned word by word with the passage (``archive/alignment.py``, RapidFuzz).
   Below :data:`MATCH_SCORE`, or with too little of the passage's weight found, a paragraph is no match: the
   answer is then "no match", never the nearest release.
3. Matches of the same text on several releases are one group, earliest first ("first said on …"); each match
   names the speaker whose quote in the release lies in the paragraph.

Costs are bounded by the caps of ``archive/limits.py`` and the search time budget (:class:`SearchTimeout`).
"""

from __future__ import annotations

import math
import re
import time
from bisect import bisect_right
from collections.abc import Iterable
from dataclasses import asdict, dataclass, field
from itertools import accumulate
from typing import Any

import numpy as np
from rapidfuzz import fuzz

from archive import limits
from archive.alignment import (
    Alignment,
    Words,
    align,
    differing_words,
    folded_words,
    fragments_of,
    marked_paragraph,
    marked_passage,
    without_apostrophes,
    words_of,
)
from archive.evaluate import documents_with
from archive.limits import (
    MAX_QUOTE_CANDIDATES,
    MAX_QUOTE_CHARS,
    MAX_QUOTE_GROUPS,
    MAX_QUOTE_WORDS,
    MAX_SPELL_LENGTH,
    MIN_QUOTE_WORDS,
    QUOTE_LOOKUP_WORDS,
    Deadline,
)
from archive.model import Release
from archive.query import tokens
from archive.search import snapshot_of
from archive.store import IndexReader, Snapshot
from archive.suggest import speller

MATCH_SCORE = 0.6  # Dice over words: 10 of 12 words the same in the same order scores 0.83
MIN_COVERAGE = 0.55  # share of the passage's weight (rare words weigh more) the paragraph must hold
MIN_CANDIDATE_SHARE = 0.3  # share of the looked-up words' rarity a release must hold to be compared
ENOUGH_OF_THE_BEST = 0.6  # a candidate holding less of the rare words' weight than this share of a close match's
CLOSE_MATCH = 0.9
SAME_TEXT = 92  # RapidFuzz ratio above which two matched stretches are copies of one text
_WEB_BUDGET = -1.0
_SEPARATOR = "\x00"  # between paragraphs searched together: the indexer removes it from release text


@dataclass
class QuoteMatch:
    """One release and paragraph holding the passage. ``marked`` and ``passage_marked`` are escaped HTML with
    ``<mark>`` (the stretch matched) and ``<mark class="differs">`` (words that differ); everything else is raw
    text from the release."""

    release_id: str
    title: str
    date: str
    issuer: str
    paragraph: int  # 1-based, as the release page numbers its paragraphs (#p3)
    score: float
    text: str
    quote: str  # the stretch of the paragraph matched, as the release gives it
    marked: str
    passage_marked: str
    yours: list[str] = field(default_factory=list)  # the passage's words the original does not have
    theirs: list[str] = field(default_factory=list)  # the original's words the passage dropped or changed
    speaker: str = ""
    speaker_title: str = ""
    url: str = ""


@dataclass
class QuoteGroup:
    """One text and every release found holding it, the earliest first."""

    matches: list[QuoteMatch]
    score: float
    more: int = 0  # releases that hold the same rare words but were not compared (the candidate cap)

    @property
    def first(self) -> QuoteMatch:
        return self.matches[0]


@dataclass
class QuoteResult:
    passage: str
    words: int
    groups: list[QuoteGroup]
    ignored: list[str] = field(default_factory=list)
    status: str = "no-match"  # "found", "no-match", "too-short"
    message: str = ""
    compared: int = 0  # releases compared word by word
    took_ms: float = 0.0

    @property
    def found(self) -> bool:
        return bool(self.groups)

    def to_dict(self) -> dict[str, Any]:
        data = asdict(self)
        for group, raw in zip(self.groups, data["groups"], strict=True):
            raw["first_said"] = group.first.date
        return data


_FIELD = re.compile(r"(?:^|\s)(?:title|speaker|issuer|topic|tag|source|wire|text|date):", re.I)
_OPERATOR = re.compile(r"(?:^|\s)(?:OR|NOT|AND)\s|\*(?:\s|$)")


def looks_like_quote(text: str) -> bool:
    """Whether a search box's text reads as a sentence someone pasted (offer the quote finder), not a query."""
    text = (text or "")[:MAX_QUOTE_CHARS]
    if _FIELD.search(text) or _OPERATOR.search(text):
        return False
    return len(words_of(text).words) >= max(MIN_QUOTE_WORDS, 6)


def _prepare(text: str) -> tuple[str, list[Words], list[str]]:
    """The passage read (capped), cut into fragments at ellipses, with notices of what was left out."""
    ignored: list[str] = []
    raw = (text or "").replace("\x00", " ")
    if len(raw) > MAX_QUOTE_CHARS:
        raw = raw[:MAX_QUOTE_CHARS].rsplit(" ", 1)[0]
        ignored.append(f"everything after the first {MAX_QUOTE_CHARS:,} characters")
    raw = " ".join(raw.split())
    fragments = fragments_of(raw)
    count = sum(len(f.words) for f in fragments)
    if count > MAX_QUOTE_WORDS:
        kept, left = [], MAX_QUOTE_WORDS
        for piece in fragments:
            if left <= 0:
                break
            if len(piece.words) > left:
                cut = piece.spans[left - 1][1]
                piece = Words(piece.text[:cut], piece.words[:left], piece.spans[:left])
            kept.append(piece)
            left -= len(piece.words)
        fragments = kept
        raw = raw[:raw.find(fragments[-1].text) + len(fragments[-1].text)] if fragments else raw
        ignored.append(f"the words after the first {MAX_QUOTE_WORDS}")
    return raw, fragments, ignored


def _frequencies(snap: Snapshot, words: list[str]) -> dict[str, int]:
    """How many releases hold each word (``exact``: as written). The generation's spelling vocabulary knows
    most words without a look-up in every segment, words of one or two letters count as in every release;
    Whoosh is asked only for the rest (numbers, words in one release or none)."""
    vocabulary = speller(snap).vocabularies.get("exact")
    found: dict[str, int] = {}
    for word in dict.fromkeys(words):
        if len(word) <= 2 and word.isalpha():  # of, to, in: the commonest words, never among the rare ones
            found[word] = snap.tables.size
            continue
        n = vocabulary.frequency(word) if vocabulary is not None and 3 <= len(word) <= MAX_SPELL_LENGTH else 0
        if n:
            found[word] = n
    rest = [w for w in dict.fromkeys(words) if w not in found]
    with snap.lock:
        found.update((w, snap.searcher.doc_frequency("exact", w)) for w in rest)
    return found


def _weights(size: int, words: list[str], df: dict[str, int]) -> list[float]:
    """A weight per passage word, its rarity in the archive (idf); a word the archive lacks weighs the median
    (a typo must not weigh as much as the rarest word)."""
    idf = {w: math.log(1 + max(1, size) / df[w]) for w in set(words) if df.get(w)}
    default = float(np.median(list(idf.values()))) if idf else 1.0
    return [idf.get(w, default) for w in words]


def _candidates(snap: Snapshot, passage: str, deadline: Deadline,
                df: dict[str, int] | None = None) -> tuple[np.ndarray, np.ndarray]:
    """Releases holding enough of the passage's rarest words, best first (earliest among equals), with that
    score; copies of a release are included (they are grouped later), deleted releases are not.

    Words are read rarest first (MaxScore): the commoner words have the longest posting lists, most of a
    lookup's cost. Reading stops once the words left could change neither which releases qualify nor which are
    among the first ``MAX_QUOTE_CANDIDATES``. Before that, once the words left weigh less than the
    ``MAX_QUOTE_CANDIDATES``-th best release holds, only the releases that could still reach it are looked up
    in the commoner words' postings (the rest can be neither compared nor counted as copies). A release is
    ranked by the words read, and kept when the words not read could still carry it over the share it needs."""
    tables = snap.tables
    terms = list(dict.fromkeys(tokens("exact", passage)))
    known = df or {}
    df = {**known, **_frequencies(snap, [t for t in terms if t not in known])}
    rare = sorted((t for t in terms if df[t]), key=lambda t: (df[t], t))[:QUOTE_LOOKUP_WORDS]
    if not rare:
        return np.zeros(0, dtype=np.int64), np.zeros(0)
    size = tables.size
    present = tables.live | (tables.leader != np.arange(size))
    idf = {term: math.log(1 + size / df[term]) for term in rare}
    needed = max(MIN_CANDIDATE_SHARE * sum(idf.values()), 1e-9)
    left = sum(idf.values())
    mass = np.zeros(size, dtype=np.float64)
    within = None  # the releases still worth looking up; None: all
    for term in rare:
        if left < needed and _decided(mass, left, needed):
            break
        deadline.check()
        left -= idf[term]
        docs = documents_with(snap.searcher, "exact", term, snap.lock, deadline, within)
        docs = docs[docs < size]
        mass[docs[present[docs]]] += idf[term]
        if left > 0 and (reach := _kth_best(mass, MAX_QUOTE_CANDIDATES)) > left:
            within = np.flatnonzero(mass + left >= reach)  # holding none of the words read, none gets there
    docs = np.flatnonzero((mass > 0) & (mass + left >= needed))
    days = tables.day[docs]
    undated = np.where(days > 0, days, np.iinfo(np.int64).max)
    order = np.lexsort((docs, undated, -mass[docs]))
    return docs[order], mass[docs[order]]


def _kth_best(mass: np.ndarray, k: int) -> float:
    """The ``k``-th highest score so far (0 with fewer than ``k`` releases scored): the final ``k``-th best is
    at least this, since scores only grow."""
    held = mass[mass > 0]
    return float(np.partition(held, len(held) - k)[len(held) - k]) if len(held) >= k else 0.0


def _decided(mass: np.ndarray, left: float, needed: float) -> bool:
    """Whether words weighing ``left`` more could no longer change the releases compared: none holding no word
    read so far can qualify, and the first ``MAX_QUOTE_CANDIDATES`` stand apart from the next."""
    held = mass[mass + left >= needed]
    if len(held) <= MAX_QUOTE_CANDIDATES:
        return True
    top = np.partition(held, len(held) - MAX_QUOTE_CANDIDATES - 1)[-MAX_QUOTE_CANDIDATES - 1:]
    return float(top[0]) + left < float(top[1:].min())


def _speaker(release: Release, paragraph: Words, quote: str) -> tuple[str, str]:
    """The speaker whose quote (as extraction found it) lies in this paragraph, preferring the quote that holds
    the stretch matched; ("", "") when the paragraph quotes no one the release names."""
    text = " ".join(paragraph.words)
    stretch = " ".join(words_of(quote).words)
    best, best_score = None, 0.0
    for speaker in release.speakers:
        for said in speaker.quotes:
            folded = " ".join(words_of(said).words)
            if len(folded) < 12:
                continue
            in_paragraph = fuzz.partial_ratio(folded, text)
            if in_paragraph < 90:
                continue
            score = in_paragraph + fuzz.partial_ratio(stretch, folded) / 100
            if score > best_score:
                best, best_score = speaker, score
    return (best.name, best.title) if best else ("", "")


def _paragraphs_holding(paragraphs: list[str], words: list[str]) -> Iterable[int]:
    """The paragraphs (0-based, in order) holding one of ``words`` as letters anywhere, case and apostrophes
    aside; all of them when ``words`` is empty. One search through the whole release rather than a check of
    each paragraph: the candidates compared are the longest releases, with hundreds of paragraphs."""
    if not words:
        return range(len(paragraphs))
    lowered = without_apostrophes(_SEPARATOR.join(paragraphs).casefold())
    ends = list(accumulate(len(p) + 1 for p in lowered.split(_SEPARATOR)))  # where each paragraph's text ends, +1
    if len(ends) != len(paragraphs):  # the separator inside a paragraph (sanitised releases have none)
        return [i for i, text in enumerate(paragraphs) if any(w in without_apostrophes(text.casefold()) for w in words)]
    held: set[int] = set()
    for word in words:
        at = lowered.find(word)
        while at >= 0:
            n = bisect_right(ends, at)
            held.add(n)
            at = lowered.find(word, ends[n]) if n + 1 < len(ends) else -1  # on to the next paragraph
    return sorted(held)


def _match(release: Release, fragments: list[Words], weights: list[float], passage_words: list[str],
           seen: dict[str, Alignment | None]) -> QuoteMatch | None:
    """The release's paragraph that best holds the passage, if it is close enough. ``seen`` keeps each paragraph
    text's alignment for the call: boilerplate and copies repeat the same paragraph on many releases."""
    wanted = set(passage_words)
    # The passage's four weightiest words: a paragraph holding none of them (as letters anywhere) is skipped
    # before its words are read.
    telling = [w for _w, w in sorted(zip(weights, passage_words, strict=True), reverse=True)[:4] if len(w) > 3]
    best: tuple[int, Alignment] | None = None
    for index in _paragraphs_holding(release.paragraphs, telling):
        n, text = index + 1, release.paragraphs[index]
        if text in seen:
            found = seen[text]
        else:
            words = folded_words(text)
            enough = len(wanted.intersection(words)) >= 0.3 * len(wanted)
            found = seen[text] = align([f.words for f in fragments], words, weights) if enough else None
        if found is not None and (best is None or found.score > best[1].score):
            best = (n, found)
    if best is None or best[1].score < MATCH_SCORE or best[1].coverage < MIN_COVERAGE:
        return None
    n, found = best
    paragraph = words_of(release.paragraphs[n - 1])
    first, last = found.stretches[0][0], found.stretches[-1][1] - 1
    quote = paragraph.text[paragraph.spans[first][0]:paragraph.spans[last][1]]
    yours, theirs = differing_words(passage_words, paragraph, found)
    speaker, title = _speaker(release, paragraph, quote)
    return QuoteMatch(
        release_id=release.id, title=release.title, date=release.date, issuer=release.issuer, paragraph=n,
        score=round(found.score, 3), text=paragraph.text, quote=quote, marked=marked_paragraph(paragraph, found),
        passage_marked=marked_passage(fragments, found), yours=yours, theirs=theirs, speaker=speaker,
        speaker_title=title, url=release.url,
    )


def _date_key(match: QuoteMatch) -> tuple[bool, str, str]:
    return (not match.date, match.date, match.release_id)


def _group(matches: list[QuoteMatch]) -> list[QuoteGroup]:
    """Copies of one text (the stretches matched read the same) grouped, earliest first."""
    groups: list[tuple[str, list[QuoteMatch]]] = []
    for match in sorted(matches, key=lambda m: (-m.score, _date_key(m))):
        key = " ".join(words_of(match.quote).words)
        for other_key, members in groups:
            if fuzz.ratio(key, other_key) >= SAME_TEXT:
                members.append(match)
                break
        else:
            groups.append((key, [match]))
    result = [QuoteGroup(sorted(members, key=_date_key), max(m.score for m in members)) for _k, members in groups]
    result.sort(key=lambda g: (-g.score, _date_key(g.first)))
    return result


def find_quote(source: Snapshot | IndexReader, text: str, *, seconds: float | None = _WEB_BUDGET,
               limit: int = MAX_QUOTE_GROUPS) -> QuoteResult:
    """The releases and paragraphs holding ``text`` (a passage of 5–80 words), best first, copies grouped.
    Raises :class:`archive.limits.SearchTimeout` past ``seconds`` (None: no limit; default: the web's budget)."""
    started = time.perf_counter()
    deadline = Deadline(limits.SEARCH_SECONDS if seconds == _WEB_BUDGET else seconds)
    passage, fragments, ignored = _prepare(text)
    passage_words = [w for f in fragments for w in f.words]
    result = QuoteResult(passage, len(passage_words), [], ignored)
    if len(passage_words) < MIN_QUOTE_WORDS:
        result.status = "too-short"
        result.message = (f"A quote needs at least {MIN_QUOTE_WORDS} words to be found reliably; "
                          "search for fewer words with the search box.")
        return _done(result, started)
    with snapshot_of(source) as snap:
        df = _frequencies(snap, passage_words + tokens("exact", passage))
        weights = _weights(snap.tables.size, passage_words, df)
        docs, mass = _candidates(snap, passage, deadline, df)
        matches: list[QuoteMatch] = []
        evidence: dict[str, float] = {}
        seen: dict[str, Alignment | None] = {}
        strongest = 0.0  # the rare words' weight held by the best close match so far
        pruned = False
        for doc, held in zip(docs[:MAX_QUOTE_CANDIDATES], mass, strict=False):
            deadline.check()
            if held < ENOUGH_OF_THE_BEST * strongest:
                pruned = True  # lacking this much of what a close match holds, no paragraph passes MIN_COVERAGE
                break
            result.compared += 1
            found = _match(snap.release_at(int(doc)), fragments, weights, passage_words, seen)
            if found is not None:
                matches.append(found)
                evidence[found.release_id] = float(held)
                if found.score >= CLOSE_MATCH:
                    strongest = max(strongest, float(held))
        groups = _group(matches)[:max(1, min(limit, MAX_QUOTE_GROUPS))]
        if not pruned and len(docs) > result.compared:
            # Releases past the cap holding as much of the rare words as a group's last member may be copies.
            cut = float(mass[result.compared - 1])
            left = int(np.count_nonzero(mass[result.compared:] >= cut))
            for group in groups:
                if min(evidence[m.release_id] for m in group.matches) <= cut:
                    group.more = left
    result.groups = groups
    if groups:
        result.status = "found"
    else:
        result.message = ("No release in the archive holds this passage, or anything close enough to it. "
                          "Check the words, or search for its rarest ones.")
    return _done(result, started)


def _done(result: QuoteResult, started: float) -> QuoteResult:
    result.took_ms = round((time.perf_counter() - started) * 1000, 2)
    return result
