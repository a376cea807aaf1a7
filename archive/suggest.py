"""Did you mean: the query with its misspelt words replaced, offered when it finds more releases.

Works on the words the grammar found (``ParsedQuery.words``: typed, not negated, with their place in the
text), so operators, phrases, fields and dates stay as they were typed. Each word is looked up in the
vocabulary of its own field (``archive/spelling.py``): ``speaker:sesions`` is corrected from the speakers'
words, a bare word from the words of titles and texts. At most ``MAX_SPELL_WORDS`` words are checked.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from archive.limits import MAX_SPELL_LENGTH, MAX_SPELL_TRIES, MAX_SPELL_WORDS, Deadline
from archive.query import ParsedQuery
from archive.spelling import Speller
from archive.store import Snapshot

_VOCABULARY = {None: "exact", "title": "exact", "text": "exact", "speaker": "speaker", "issuer": "issuer",
               "topic": "topic", "tag": "tag", "wire": "wire"}


def speller(snap: Snapshot) -> Speller:
    return snap.cached("speller", lambda s: Speller.load(s.path))


def _same_case(typed: str, word: str) -> str:
    if typed.isupper() and len(typed) > 1:
        return word.upper()
    if typed[:1].isupper():
        return word[:1].upper() + word[1:]
    return word


@dataclass
class Fix:
    start: int
    end: int
    choices: list[str]  # equally close spellings, most frequent first
    absent: bool  # the typed word is in no release


def corrections(snap: Snapshot, parsed: ParsedQuery) -> list[Fix]:
    """How each word of the query that looks misspelt could be spelt."""
    spell = speller(snap)
    found = []
    for word in parsed.words[:MAX_SPELL_WORDS]:
        field = _VOCABULARY.get(word.field)
        lowered = word.text.lower()
        if field is None or word.prefix or not 3 <= len(lowered) <= MAX_SPELL_LENGTH:
            continue
        vocabulary = spell.vocabularies.get(field)
        df = vocabulary.frequency(lowered) if vocabulary is not None else 0
        if not df:  # not among the words held twice or more: held once, or not at all?
            with snap.lock:
                df = snap.searcher.doc_frequency(field, lowered)
        better = spell.correct(field, lowered, df, ties=3)
        if better:
            found.append(Fix(word.start, word.end, [_same_case(word.text, b) for b in better], not df))
    return found


def _spelt(text: str, fixes: list[Fix], chosen: list[str]) -> str:
    for fix, word in sorted(zip(fixes, chosen, strict=True), key=lambda pair: -pair[0].start):
        text = text[:fix.start] + word + text[fix.end:]
    return text


def did_you_mean(snap: Snapshot, parsed: ParsedQuery, total: int, deadline: Deadline,
                 count: Callable[[str], int]) -> str:
    """The respelt query, or "". ``count`` gives the hits a query text gets with the same filters.

    Where a word has several equally close spellings, the rest of the query chooses (``Eric Holdr``: the one
    with which the query finds most, Holder rather than hold), within ``MAX_SPELL_TRIES`` counts. The
    respelling is offered when it finds more than the query did, or when every word it changes is in no
    release at all (stemming may find releases for a misspelt word, ``enforcment``, yet the spelling is
    still wrong) and it finds something."""
    if parsed.whoosh is None or not parsed.words:
        return ""
    fixes = corrections(snap, parsed)
    if not fixes:
        return ""
    chosen = [fix.choices[0] for fix in fixes]
    tries = 0
    found = None
    for i, fix in enumerate(fixes):
        if len(fix.choices) < 2 or len(parsed.words) < 2 or tries + len(fix.choices) > MAX_SPELL_TRIES:
            continue
        counts = []
        for choice in fix.choices:
            deadline.check()
            counts.append(count(_spelt(parsed.text, fixes, chosen[:i] + [choice] + chosen[i + 1:])))
            tries += 1
        best = max(range(len(counts)), key=lambda k: (counts[k], -k))
        chosen[i] = fix.choices[best]
        found = counts[best]
    text = _spelt(parsed.text, fixes, chosen)
    deadline.check()
    found = count(text) if found is None else found
    if found > total or (found and all(fix.absent for fix in fixes)):
        return text
    return ""
