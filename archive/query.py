"""A query's tree (``archive/grammar.py``) compiled once into Whoosh query objects, with what the search needs
besides: the words typed (for did-you-mean), the indexed forms to highlight, facet clauses to count as filters,
and everything that was ignored, in words.

Words are analysed by the schema's own analyzers: a bare word looks in title and text (stemmed), a quoted
phrase matches word for word in ``exact`` (title and text, unstemmed), a field word in its field. A query that
had text but nothing left to search (``the``, ``[a TO z]``) matches nothing and says why — it never turns
into "every release".
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cache
from typing import Any

from whoosh import query

from archive.grammar import And, Dates, Node, Not, Or, Phrase, Word, day_bounds, parse_tree  # noqa: F401
from archive.limits import MAX_EXPANSION, MAX_PHRASE_WORDS, MAX_QUERY_CHARS, MIN_PREFIX
from archive.schema import FACET_FIELDS, build_schema

LABEL_FIELDS = {"speaker", "issuer", "topic", "tag", "wire", "source", "status"}
Resolve = Callable[[str, str], "str | None"]  # (facet, value typed) → the facet's own spelling, or None
Expand = Callable[[str, str], int]  # (field, prefix) → how many indexed words start with it (up to a cap)


@dataclass
class ParsedQuery:
    text: str  # the query text read (cut to MAX_QUERY_CHARS)
    whoosh: Any | None  # None: no text query (browse everything, or nothing to search: see ``nothing``)
    ignored: list[str] = field(default_factory=list)
    facet_filters: dict[str, list[str]] = field(default_factory=dict)
    words: list[Word] = field(default_factory=list)  # words searched for (not negated), as typed
    highlight: set[str] = field(default_factory=set)  # indexed forms (stems, exact words) to mark in passages
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
            if fields[-1] in ("title", "text"):
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
        if self.expand is not None and max(self.expand(f, stem) for f in fields) > MAX_EXPANSION:
            self.ignored.append(f"{word.text}* (more than {MAX_EXPANSION} words start with “{stem}”; type more letters)")
            return None
        if positive:
            self.highlight.add(stem)
        each = [query.Prefix(f, stem) for f in fields]
        return each[0] if len(each) == 1 else query.Or(each)

    def phrase(self, phrase: Phrase, positive: bool) -> Any | None:
        fieldname = phrase.field or "exact"
        found = tokens(fieldname, phrase.text)
        if len(found) > MAX_PHRASE_WORDS:
            self.ignored.append(f"the words of “{phrase.text[:60]}” after the first {MAX_PHRASE_WORDS}")
            found = found[:MAX_PHRASE_WORDS]
        if not found:
            self.dropped.append(f'"{phrase.text}"')
            return None
        if positive and fieldname in ("exact", "title", "text"):
            self.highlight.update(found)
        if fieldname in LABEL_FIELDS:  # short labels: all the words is as good as the phrase, and far cheaper
            return self._all_of(fieldname, found)
        return query.Term(fieldname, found[0]) if len(found) == 1 else query.Phrase(fieldname, found)

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
    parsed = ParsedQuery(raw, compiled, ignored, filters, compiler.words, compiler.highlight,
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
