"""The query language as a grammar: query text → a small tree, parsed once, every problem named.

    query    := clause*                   clauses are ANDed ("AND" between two clauses changes nothing)
    clause   := negation ("OR" negation)*   OR binds tighter than the implicit AND: a OR b c = (a OR b) AND c
    negation := ("NOT" | "-")* ("+")? primary
    primary  := "(" query ")" | FIELD ":" value | "date:" DATES | "\"" phrase "\"" | word | word "*"
    value    := word | "\"" phrase "\"" | "(" query ")"

A phrase matches the inflected forms of its words (``"hate crime"`` finds "hate crimes"); ``exact:"…"`` (or
``exact:word``) matches the words as typed; a ``*`` ending a phrase's last word stands for the words it begins.

Operators are upper case (``and``, ``or`` and ``not`` are words). Quotes protect everything inside them;
``field:value`` is read only outside quotes, and only for the fields of :data:`FIELDS` — another name is
reported and its value searched as words. Words keep ``&``, ``+``, ``#`` and a ``(k)`` inside them (AT&T,
C++, 401(k)). Malformed input never raises: unmatched quotes and parentheses, lone operators, fields with
nothing after them and bad dates are dropped and named in ``ignored``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from archive.limits import MAX_QUERY_TERMS

FIELDS = ("title", "speaker", "issuer", "topic", "tag", "source", "wire", "text", "status", "exact")
MAX_DEPTH = 20  # parentheses nested deeper than this are read as if absent
DATE_HELP = "use 2024, 2024-03, 2024-03-15 or 2024-01-01..2024-03-31"


@dataclass
class Word:
    """A word as typed (``field`` None: title and text), with where it stands in the query text."""

    text: str
    field: str | None
    start: int
    end: int
    prefix: bool = False  # typed with a trailing *


@dataclass
class Phrase:
    text: str
    field: str | None
    start: int
    end: int


@dataclass
class Dates:
    low: int  # day numbers YYYYMMDD, inclusive
    high: int


@dataclass
class Not:
    child: Node


@dataclass
class And:
    children: list[Node]


@dataclass
class Or:
    children: list[Node]


Node = Word | Phrase | Dates | Not | And | Or


@dataclass
class Tree:
    root: Node | None
    ignored: list[str] = field(default_factory=list)


def day_bounds(value: str) -> tuple[int, int] | None:
    """``2024`` / ``2024-03`` / ``2024-03-15`` as the first and last day number it covers."""
    if not re.fullmatch(r"\d{4}(?:-\d{1,2}(?:-\d{1,2})?)?", value):
        return None
    numbers = [int(p) for p in value.split("-")]
    if not 1000 <= numbers[0] <= 9999:
        return None
    if len(numbers) == 1:
        return numbers[0] * 10000, numbers[0] * 10000 + 1299
    if not 1 <= numbers[1] <= 12:
        return None
    base = numbers[0] * 10000 + numbers[1] * 100
    if len(numbers) == 2:
        return base, base + 99
    if not 1 <= numbers[2] <= 31:
        return None
    return base + numbers[2], base + numbers[2]


def date_range(value: str, ignored: list[str]) -> Dates | None:
    """``date:`` values: one date, ``A..B``, ``A..`` or ``..B``; a reversed range is swapped and said so."""
    low_text, dots, high_text = value.partition("..")
    if not dots:
        high_text = low_text
    low = day_bounds(low_text) if low_text else (10000101, 0)
    high = day_bounds(high_text) if high_text else (0, 99991299)
    if low is None or high is None or not (low_text or high_text):
        ignored.append(f"date:{value} (not a date; {DATE_HELP})")
        return None
    if low[0] > high[1]:
        ignored.append(f"date:{value} was read as date:{high_text}..{low_text}")
        low, high = high, low
    return Dates(low[0], high[1])


# One token at a time; a word keeps &, +, #, : and a short parenthesised suffix such as 401(k).
_WORD = r'(?:\w+(?:\(\w{1,3}\))+|[^\s"()])+'
_TOKEN = re.compile(rf"""
    (?P<space>\s+)
  | (?P<open>\()
  | (?P<close>\))
  | (?P<field>[A-Za-z_]\w*):
  | (?P<word>{_WORD})
""", re.VERBOSE)
_WORD_ONLY = re.compile(_WORD)


@dataclass
class _Token:
    kind: str  # word, phrase, open, close, field, sign
    text: str
    start: int
    end: int


def _tokens(text: str, ignored: list[str]) -> list[_Token]:
    """Lex the query. Quotes are paired first, so a lone quote is dropped (and named) rather than swallowing
    the rest of the query."""
    quotes = [m.start() for m in re.finditer('"', text)]
    lone = quotes[-1] if len(quotes) % 2 else -1
    if lone >= 0:
        ignored.append("an unmatched quote")
    out: list[_Token] = []
    pos, term_start = 0, True
    while pos < len(text):
        if text[pos] == '"':
            if pos != lone:
                end = text.index('"', pos + 1)  # its partner: quotes pair in order, the lone one is last
                out.append(_Token("phrase", text[pos + 1:end], pos, end + 1))
                pos = end
            pos, term_start = pos + 1, False
            continue
        if term_start and text[pos] in "-+" and pos + 1 < len(text) and not text[pos + 1].isspace():
            out.append(_Token("sign", text[pos], pos, pos + 1))
            pos += 1
            continue
        m = _TOKEN.match(text, pos)
        kind = m.lastgroup if m else None
        if m is None or kind is None:
            pos += 1
            continue
        if kind == "field" and not term_start:  # a colon inside a word (after a phrase or a parenthesis)
            m = _WORD_ONLY.match(text, pos)
            kind = "word"
        if kind == "field" and (m.end() >= len(text) or text[m.end()].isspace() or text[m.end()] == ")"):
            ignored.append(f"{m.group(0)} with nothing after it")
        elif kind != "space":
            out.append(_Token(kind, m.group(0).rstrip(":") if kind == "field" else m.group(0), pos, m.end()))
        term_start = kind in ("space", "open")
        pos = m.end()
    return out


class _Parser:
    def __init__(self, tokens: list[_Token], ignored: list[str]) -> None:
        self.tokens = tokens
        self.i = 0
        self.ignored = ignored
        self.depth = 0
        self.skipped = 0  # parentheses opened past MAX_DEPTH, whose closing ones are dropped too
        self.leaves = 0

    def peek(self) -> _Token | None:
        return self.tokens[self.i] if self.i < len(self.tokens) else None

    def is_op(self, name: str) -> bool:
        token = self.peek()
        return token is not None and token.kind == "word" and token.text == name

    def followed_by_clause(self) -> bool:
        """Whether the token after the current one can start a clause (so an operator there is not lone)."""
        nxt = self.tokens[self.i + 1] if self.i + 1 < len(self.tokens) else None
        return nxt is not None and nxt.kind != "close" and not (nxt.kind == "word" and nxt.text in ("AND", "OR"))

    def query(self, fieldname: str | None = None, closing: bool = False) -> Node | None:
        clauses: list[Node] = []
        while (token := self.peek()) is not None:
            if token.kind == "close":
                if self.skipped:
                    self.skipped -= 1
                elif closing:
                    break
                else:
                    self.ignored.append("an unmatched parenthesis")
                self.i += 1
                continue
            if self.is_op("AND") or self.is_op("OR"):
                if not (token.text == "AND" and clauses and self.followed_by_clause()):
                    self.ignored.append(f"a lone {token.text}")
                self.i += 1
                continue
            clause = self.clause(fieldname)
            if clause is not None:
                clauses.append(clause)
        return clauses[0] if len(clauses) == 1 else And(clauses) if clauses else None

    def clause(self, fieldname: str | None) -> Node | None:
        parts = [self.negation(fieldname)]
        while self.is_op("OR") and self.followed_by_clause():
            self.i += 1
            parts.append(self.negation(fieldname))
        kept = [p for p in parts if p is not None]
        return kept[0] if len(kept) == 1 else Or(kept) if kept else None

    def negation(self, fieldname: str | None) -> Node | None:
        negated, sign = False, ""
        while (token := self.peek()) is not None and (self.is_op("NOT") or token.kind == "sign"):
            self.i += 1
            sign = token.text
            if token.text in ("NOT", "-"):
                negated = not negated
        token = self.peek()
        if token is None or token.kind == "close":
            self.ignored.append(f"a lone {sign}")
            return None
        node = self.primary(fieldname)
        return Not(node) if negated and node is not None else node

    def primary(self, fieldname: str | None) -> Node | None:
        token = self.tokens[self.i]
        self.i += 1
        if token.kind == "open":
            return self.group(fieldname)
        if token.kind == "close":
            self.ignored.append("an unmatched parenthesis")
            return None
        if token.kind == "field":
            return self.fielded(token)
        if not self.count_leaf():
            return None
        if token.kind == "phrase":
            return Phrase(token.text, fieldname, token.start, token.end)
        prefix = token.text.endswith("*")
        return Word(token.text.rstrip("*") if prefix else token.text, fieldname, token.start,
                    token.end - (1 if prefix else 0), prefix)

    def group(self, fieldname: str | None) -> Node | None:
        if self.depth >= MAX_DEPTH:  # read on as if this parenthesis (and its partner) were absent
            if f"parentheses nested more than {MAX_DEPTH} deep" not in self.ignored:
                self.ignored.append(f"parentheses nested more than {MAX_DEPTH} deep")
            self.skipped += 1
            return None
        self.depth += 1
        inner = self.query(fieldname, closing=True)
        self.depth -= 1
        if self.peek() is not None and self.peek().kind == "close":  # type: ignore[union-attr]
            self.i += 1
        else:
            self.ignored.append("an unmatched parenthesis")
        return inner

    def fielded(self, token: _Token) -> Node | None:
        name = token.text.lower()
        value = self.peek()
        if value is None or value.kind not in ("word", "phrase", "open"):
            self.ignored.append(f"{token.text}: with nothing after it")
            return None
        if name == "date":
            self.i += 1
            if value.kind != "word":
                self.ignored.append(f"date: followed by {value.text!r} (not a date; {DATE_HELP})")
                return self.group(None) if value.kind == "open" else None
            return date_range(value.text, self.ignored) if self.count_leaf() else None
        if name not in FIELDS:
            shown = value.text if value.kind == "word" else f'"{value.text}"' if value.kind == "phrase" else "(…)"
            self.ignored.append(f"{token.text}: (not a field; searched {shown} as words; fields are "
                                f"{', '.join(f for f in FIELDS if f != 'text')} and date)")
            name = None  # type: ignore[assignment]
        return self.primary(name)

    def count_leaf(self) -> bool:
        self.leaves += 1
        if self.leaves == MAX_QUERY_TERMS + 1:
            self.ignored.append(f"everything after the first {MAX_QUERY_TERMS} words and phrases")
        return self.leaves <= MAX_QUERY_TERMS


def parse_tree(text: str) -> Tree:
    """The tree of ``text`` (already cut to its maximum length), with what was ignored."""
    ignored: list[str] = []
    tokens = _tokens(text, ignored)
    root = _Parser(tokens, ignored).query()
    return Tree(root, ignored)
