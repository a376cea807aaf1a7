"""The query language: words ANDed, "phrases", OR / NOT / -word, parentheses, word*, field:value, dates.

Malformed input never raises: what cannot be used is dropped and named in ``ignored``, so the page can
say "ignored: an unmatched quote".
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from whoosh import qparser, query

from archive.schema import build_schema

MAX_QUERY = 1000
FIELDS = ("title", "speaker", "issuer", "topic", "tag", "source", "wire", "text")
_DATE = re.compile(r"\bdate:(\d{4}(?:-\d{1,2}(?:-\d{1,2})?)?)(?:\.\.(\d{4}(?:-\d{1,2}(?:-\d{1,2})?)?))?(?=\s|\)|$)")
_EMPTY_FIELD = re.compile(r"\b(\w+):(?=\s|\)|$)")
# Fields the index keeps for itself: typed by hand they reach Whoosh's number parsing and raise.
_INTERNAL_FIELD = re.compile(r"(?<![\w-])(day|id|record|f_\w+):")
_BOOL_EDGE = re.compile(r"^\s*(?:AND|OR|NOT)\b\s*|\s*\b(?:AND|OR|NOT)\s*$")


@dataclass
class ParsedQuery:
    whoosh: Any
    text: str
    ignored: list[str] = field(default_factory=list)
    facet_filters: dict[str, list[str]] = field(default_factory=dict)

    @property
    def is_empty(self) -> bool:
        return isinstance(self.whoosh, query.Every)

    def terms(self) -> set[str]:
        """The indexed forms (stems) of the words the query looks for in the text, for highlighting."""
        found: set[str] = set()
        try:
            for fieldname, text in self.whoosh.iter_all_terms():
                if fieldname in ("text", "title", "exact") and isinstance(text, (str, bytes)):
                    found.add(text.decode("utf-8") if isinstance(text, bytes) else text)
        except Exception:
            pass
        return found


_PARSER: qparser.QueryParser | None = None


def _parser() -> qparser.QueryParser:
    global _PARSER
    if _PARSER is None:
        schema = build_schema()
        parser = qparser.MultifieldParser(["title", "text"], schema, group=qparser.AndGroup)
        parser.add_plugin(qparser.PlusMinusPlugin())
        parser.remove_plugin_class(qparser.BoostPlugin)
        _PARSER = parser
    return _PARSER


def day_bounds(value: str) -> tuple[int, int] | None:
    """``2024`` / ``2024-03`` / ``2024-03-15`` as the first and last day number it covers."""
    parts = value.split("-")
    try:
        numbers = [int(p) for p in parts]
    except ValueError:
        return None
    if not numbers or not 1000 <= numbers[0] <= 9999:
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


# A quoted phrase with no field in front: matched word for word (no stemming) in title and text.
_EXACT_PHRASE = re.compile(r'(^|[\s(+-])"([^"]+)"')
_FIELD_VALUE = re.compile(r'(?<![\w-])(speaker|topic|issuer|tag|wire):(?:"([^"]+)"|([^\s()"]+))')
_NOT_CONJUNCTIVE = re.compile(r'\b(?:OR|NOT)\b|(?:^|\s)-\S|[()]')


def split_facet_clauses(text: str, resolve: Any) -> tuple[str, dict[str, list[str]]]:
    """Take ``topic:"crime, law and justice"`` out of a query whose clauses are all ANDed when it names a
    facet value exactly: it then filters like a facet click (NumPy over the facet tables) instead of making
    Whoosh match and score tens of thousands of label fields. ``resolve(field, value)`` returns the facet's
    own spelling of the value, or None."""
    if not resolve or _NOT_CONJUNCTIVE.search(_FIELD_VALUE.sub(" ", text)):
        return text, {}
    filters: dict[str, list[str]] = {}

    def take(m: re.Match[str]) -> str:
        value = resolve(m.group(1), m.group(2) or m.group(3))
        if value is None:
            return m.group(0)
        filters.setdefault(m.group(1), []).append(value)
        return " "

    rest = _FIELD_VALUE.sub(take, text)
    if any(len(values) > 1 for values in filters.values()):
        return text, {}  # two values of one field ANDed: leave that to the full-text match
    return rest.strip(), filters


def parse_query(text: str, resolve: Any = None) -> ParsedQuery:
    ignored: list[str] = []
    raw = text or ""
    if len(raw) > MAX_QUERY:
        raw = raw[:MAX_QUERY]
        ignored.append(f"everything after the first {MAX_QUERY} characters")
    raw = raw.replace("\x00", " ")
    for m in list(_INTERNAL_FIELD.finditer(raw)):
        ignored.append(f"{m.group(1)}: (not a field to search; try {', '.join(FIELDS[:4])}, date)")
    raw = _INTERNAL_FIELD.sub(" ", raw)
    raw, facet_filters = split_facet_clauses(raw, resolve) if resolve else (raw, {})
    raw = _EXACT_PHRASE.sub(lambda m: f'{m.group(1)}exact:"{m.group(2)}"', raw) if raw.count('"') % 2 == 0 else raw

    def date_sub(m: re.Match[str]) -> str:
        start, end = day_bounds(m.group(1)), day_bounds(m.group(2) or m.group(1))
        if start is None or end is None:
            ignored.append(m.group(0))
            return " "
        return f" day:[{start[0]} TO {end[1]}] "

    raw = _DATE.sub(date_sub, raw)
    if raw.count('"') % 2:
        i = raw.rfind('"')
        raw = raw[:i] + " " + raw[i + 1:]
        ignored.append("an unmatched quote")
    depth, kept = 0, []
    for ch in raw:
        if ch == "(":
            depth += 1
        elif ch == ")":
            if depth == 0:
                ignored.append("an unmatched parenthesis")
                continue
            depth -= 1
        kept.append(ch)
    raw = "".join(kept)
    if depth:
        raw += ")" * depth
    for m in list(_EMPTY_FIELD.finditer(raw)):
        ignored.append(f"{m.group(0)} with nothing after it")
    raw = _EMPTY_FIELD.sub(" ", raw)
    while _BOOL_EDGE.search(raw):
        ignored.append(f"a lone {_BOOL_EDGE.search(raw).group(0).strip()}")  # type: ignore[union-attr]
        raw = _BOOL_EDGE.sub(" ", raw, count=1)
    raw = raw.strip()
    if not raw:
        return ParsedQuery(query.Every(), "", ignored, facet_filters)
    try:
        parsed = _parser().parse(raw)
    except Exception:  # Whoosh's parser has corners that raise; the user still gets a search
        words = [w for w in re.findall(r"\w+", raw) if w not in ("AND", "OR", "NOT")]
        ignored.append("the query's syntax (searched for its words instead)")
        try:
            parsed = _parser().parse(" ".join(words)) if words else query.Every()
        except Exception:
            parsed = query.Every()
    if parsed is query.NullQuery or isinstance(parsed, type(query.NullQuery)):
        return ParsedQuery(query.Every(), raw, ignored, facet_filters)
    return ParsedQuery(_label_phrases_as_terms(parsed), raw, ignored, facet_filters)


_LABEL_FIELDS = {"topic", "issuer", "tag", "wire", "speaker"}


def _label_phrases_as_terms(q: Any) -> Any:
    """``topic:"crime, law and justice"``: in the short label fields a phrase is as good as all its words,
    and Whoosh's position matching over tens of thousands of releases costs seconds."""
    if isinstance(q, query.Phrase) and q.fieldname in _LABEL_FIELDS:
        return query.And([query.Term(q.fieldname, w) for w in q.words])
    if isinstance(q, query.compound.BinaryQuery):
        return q.__class__(_label_phrases_as_terms(q.a), _label_phrases_as_terms(q.b))
    if isinstance(q, query.compound.CompoundQuery):
        return q.__class__([_label_phrases_as_terms(sub) for sub in q.subqueries], boost=q.boost)
    if isinstance(q, query.Not):
        return query.Not(_label_phrases_as_terms(q.query))
    return q
