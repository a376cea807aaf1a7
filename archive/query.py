"""A query's tree (``archive/grammar.py``) compiled once into Whoosh query objects, with what the search needs
besides: the words typed (for did-you-mean), the indexed forms to highlight, facet clauses to count as filters,
and everything that was ignored, in words.

Words are analysed by the schema's own analyzers: a bare word looks in title and text (stemmed), a quoted
phrase matches word for word in title or text, inflected forms included (as a bare word does); ``exact:`` asks
for the words as typed (the ``exact`` field: title and text, unstemmed); a field word looks in its field. A query that
had text but nothing left to search (``the``, ``[a TO z]``) matches nothing and says why — it never turns
into "every release".
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cache
from typing import Any

from whoosh import query

from archive.grammar import And, Dates, Node, Not, Or, Phrase, Word, day_bounds, parse_tree  # noqa: F401
from archive.limits import MAX_EXPANSION, MAX_PHRASE_EXPANSION, MAX_PHRASE_WORDS, MAX_QUERY_CHARS, MIN_PREFIX
from archive.schema import FACET_FIELDS, build_schema

LABEL_FIELDS = {"speaker", "issuer", "topic", "tag", "wire", "source", "status"}
Resolve = Callable[[str, str], "str | None"]  # (facet, value typed) → the facet's own spelling, or None
Expand = Callable[[str, str], list[str]]  # (field, prefix) → the indexed words starting with it (up to just past a cap)
TEXT_FIELDS = ("title", "text", "exact")


@dataclass(frozen=True)
class PhraseMark:
    """A phrase searched for, as typed, for passages to mark whole: its words and whether the last is a prefix."""

    words: tuple[str, ...]
    prefix: bool = False


@dataclass
class ParsedQuery:
    text: str  # the query text read (cut to MAX_QUERY_CHARS)
    whoosh: Any | None  # None: no text query (browse everything, or nothing to search: see ``nothing``)
    ignored: list[str] = field(default_factory=list)
    facet_filters: dict[str, list[str]] = field(default_factory=dict)
    words: list[Word] = field(default_factory=list)  # words searched for (not negated), as typed
    highlight: set[str] = field(default_factory=set)  # indexed forms (stems, exact words) to mark in passages
    phrases: list[PhraseMark] = field(default_factory=list)  # phrases to mark whole in passages
    nothing: bool = False  # there was text, but not one searchable word in it: no hits
    fields: set[str] = field(default_factory=set)  # the fields the query names (``status:`` lifts the default)

    @property
    def is_empty(self) -> bool:
        """No text query at all: every release (filtered by facets and dates) is a hit."""
        return self.whoosh is None and not self.nothing

    def terms(self) -> set[str]:
        return self.highlight


@cache
def _analyzers() -> dict[str, Any]:
    return {name: f.analyzer for name, f in build_schema().items() if getattr(f, "analyzer", None) is not None}


def tokens(fieldname: str, text: str) -> list[str]:
    """``text`` as the index holds it in ``fieldname``: lower-cased, stop words dropped, stemmed where the
    field is stemmed."""
    return [t.text for t in _analyzers()[fieldname](text)]


class _Compiler:
    def __init__(self, ignored: list[str], expand: Expand | None) -> None:
        self.ignored = ignored
        self.expand = expand
        self.dropped: list[str] = []  # words that analyse to nothing (stop words, single letters)
        self.words: list[Word] = []
        self.highlight: set[str] = set()
        self.phrases: list[PhraseMark] = []

    def node(self, node: Node, positive: bool = True) -> Any | None:
        if isinstance(node, Word):
            return self.word(node, positive)
        if isinstance(node, Phrase):
            return self.phrase(node, positive)
        if isinstance(node, Dates):
            return query.NumericRange("day", node.low, node.high)
        if isinstance(node, Not):
            child = self.node(node.child, not positive)
            return query.Not(child) if child is not None else None
        parts = [q for q in (self.node(c, positive) for c in node.children) if q is not None]
        if not parts:
            return None
        if len(parts) == 1:
            return parts[0]
        return query.And(parts) if isinstance(node, And) else query.Or(parts)

    def word(self, word: Word, positive: bool) -> Any | None:
        if "*" in word.text:
            self.ignored.append(f"{word.text}* (a * works only at the end of a word, after {MIN_PREFIX} letters or more)")
            return None
        if word.prefix:
            return self.prefix(word, positive)
        fields = [word.field] if word.field else ["title", "text"]
        found = tokens(fields[-1], word.text)
        if not found:
            self.dropped.append(word.text)
            return None
        if positive:
            self.words.append(word)
            if fields[-1] in TEXT_FIELDS:
                self.highlight.update(found)
        if fields[-1] in LABEL_FIELDS or len(found) == 1:
            each = [self._all_of(f, found) for f in fields]
        else:  # e-mail, covid-19: the pieces of one typed word, in order
            each = [query.Phrase(f, found) for f in fields]
        return each[0] if len(each) == 1 else query.Or(each)

    def prefix(self, word: Word, positive: bool) -> Any | None:
        stem = word.text.lower()
        fields = [word.field] if word.field else ["title", "text"]
        if len(stem) < MIN_PREFIX or not stem[0].isalnum():
            self.ignored.append(f"{word.text}* (a * works only at the end of a word, after {MIN_PREFIX} letters or more)")
            return None
        if self.expand is not None and max(len(self.expand(f, stem)) for f in fields) > MAX_EXPANSION:
            self.ignored.append(f"{word.text}* (more than {MAX_EXPANSION} words start with “{stem}”; type more letters)")
            return None
        if positive:
            self.highlight.add(stem)
        each = [query.Prefix(f, stem) for f in fields]
        return each[0] if len(each) == 1 else query.Or(each)

    def phrase(self, phrase: Phrase, positive: bool) -> Any | None:
        """Word for word, in title or text, inflected forms included; ``exact:`` as typed; in a label field
        all its words. A ``*`` ending the last word stands for the words it begins (as typed)."""
        text = phrase.text.rstrip()
        star = text.endswith("*")
        if "*" in text.rstrip("*"):
            self.ignored.append(f"the * inside “{text[:60]}” (a * works only at the end of a phrase's last word)")
        text = text.replace("*", " ")
        if phrase.field in LABEL_FIELDS:  # short labels: all the words is as good as the phrase, and far cheaper
            found = tokens(phrase.field, text)[:MAX_PHRASE_WORDS]
            if not found:
                self.dropped.append(f'"{phrase.text}"')
                return None
            return self._all_of(phrase.field, found)
        if star:
            return self.prefixed_phrase(phrase, text, positive)
        fields = [phrase.field] if phrase.field else ["title", "text"]
        found = tokens(fields[-1], text)
        if not found and phrase.field is None:  # only stop words ("to be or not to be"): as typed
            fields, found = ["exact"], tokens("exact", text)
        found = self._capped(found, text)
        if not found:
            self.dropped.append(f'"{phrase.text}"')
            return None
        if positive:
            self.phrases.append(PhraseMark(tuple(_typed_words(text))))
        each = [query.Term(f, found[0]) if len(found) == 1 else query.Phrase(f, found) for f in fields]
        return each[0] if len(each) == 1 else query.Or(each)

    def prefixed_phrase(self, phrase: Phrase, text: str, positive: bool) -> Any | None:
        """``"hate crime*"``: one phrase per indexed word the last word begins (``MAX_PHRASE_EXPANSION`` at most),
        in ``exact`` unless the phrase names title or text."""
        fieldname = phrase.field or "exact"
        typed = _typed_words(text)
        last = typed[-1] if typed else ""
        if len(last) < MIN_PREFIX or self.expand is None:
            self.ignored.append(f"the * of “{phrase.text[:60]}” (a * works only after {MIN_PREFIX} letters or more)")
            return self.phrase(Phrase(text, phrase.field, phrase.start, phrase.end), positive)
        words = self.expand(fieldname, last)
        if len(words) > MAX_PHRASE_EXPANSION:
            self.ignored.append(f"the * of “{phrase.text[:60]}” (more than {MAX_PHRASE_EXPANSION} words start with "
                                f"“{last}”; searched the phrase as typed)")
            return self.phrase(Phrase(text, phrase.field, phrase.start, phrase.end), positive)
        before = self._capped(tokens(fieldname, " ".join(typed[:-1])), text)[:MAX_PHRASE_WORDS - 1]
        if positive:
            self.phrases.append(PhraseMark(tuple(typed), prefix=True))
        if not words:
            return query.NullQuery
        each = [query.Phrase(fieldname, [*before, w]) if before else query.Term(fieldname, w) for w in words]
        return each[0] if len(each) == 1 else query.Or(each)

    def _capped(self, found: list[str], text: str) -> list[str]:
        if len(found) > MAX_PHRASE_WORDS:
            self.ignored.append(f"the words of “{text[:60]}” after the first {MAX_PHRASE_WORDS}")
        return found[:MAX_PHRASE_WORDS]

    @staticmethod
    def _all_of(fieldname: str, found: list[str]) -> Any:
        terms = [query.Term(fieldname, t) for t in dict.fromkeys(found)]
        return terms[0] if len(terms) == 1 else query.And(terms)


def _facet_clauses(root: Node | None, resolve: Resolve | None) -> tuple[Node | None, dict[str, list[str]]]:
    """Take ``topic:"crime, law and justice"`` out of a query whose clauses are all ANDed when it names a facet
    value exactly: it then filters like a facet click (NumPy over the facet tables) instead of making Whoosh
    match and score tens of thousands of label fields."""
    if root is None or resolve is None or isinstance(root, (Or, Not)):
        return root, {}
    clauses = root.children if isinstance(root, And) else [root]
    filters: dict[str, list[str]] = {}
    rest: list[Node] = []
    for clause in clauses:
        if isinstance(clause, (Word, Phrase)) and clause.field in FACET_FIELDS and not getattr(clause, "prefix", False):
            value = resolve(clause.field, clause.text)
            if value is not None:
                filters.setdefault(clause.field, []).append(value)
                continue
        rest.append(clause)
    if any(len(values) > 1 for values in filters.values()):
        return root, {}  # two values of one field ANDed: leave that to the full-text match
    new_root = rest[0] if len(rest) == 1 else And(rest) if rest else None
    return new_root, filters


def _typed_words(text: str) -> list[str]:
    """A phrase's words as typed, lower-cased, for marking it in passages."""
    return [w.lower() for w in re.findall(r"\w+", text)][:MAX_PHRASE_WORDS]


def _named_fields(node: Node | None) -> set[str]:
    if isinstance(node, (Word, Phrase)):
        return {node.field} if node.field else set()
    if isinstance(node, Not):
        return _named_fields(node.child)
    if isinstance(node, (And, Or)):
        return set().union(*(_named_fields(c) for c in node.children))
    return set()


def parse_query(text: str, resolve: Resolve | None = None, expand: Expand | None = None) -> ParsedQuery:
    """Parse and compile ``text``. ``resolve`` finds facet values named exactly (to filter by them);
    ``expand`` counts the words a ``word*`` stands for in the index (to refuse one that stands for too many)."""
    raw = (text or "").replace("\x00", " ")
    ignored: list[str] = []
    if len(raw) > MAX_QUERY_CHARS:
        raw = raw[:MAX_QUERY_CHARS]
        ignored.append(f"everything after the first {MAX_QUERY_CHARS} characters")
    if not raw.strip():
        return ParsedQuery(raw, None, ignored)
    tree = parse_tree(raw)
    ignored += tree.ignored
    root, filters = _facet_clauses(tree.root, resolve)
    compiler = _Compiler(ignored, expand)
    compiled = compiler.node(root) if root is not None else None
    parsed = ParsedQuery(raw, compiled, ignored, filters, compiler.words, compiler.highlight, compiler.phrases,
                         fields=_named_fields(tree.root))
    if compiled is None and not filters:
        parsed.nothing = True
        if compiler.dropped:
            shown = ", ".join(f"“{w}”" for w in dict.fromkeys(compiler.dropped[:5]))
            ignored.append(f"{shown}: too common or too short to search for (put words in quotes to find them "
                           "exactly); nothing was searched")
        else:
            ignored.append("nothing was searched: the query has no words to look for")
    return parsed
