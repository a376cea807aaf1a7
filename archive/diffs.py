"""Word-level differences between two versions of a release, paragraph by paragraph.

Paragraphs are matched first (unchanged, added, removed, or changed), then each changed pair is compared
word by word. Words are compared with diff-match-patch over words encoded as characters, then its semantic
clean-up merges the small coincidental equalities (a lone "the" between two rewritten clauses) that make a
diff hard to read. ``difflib`` is kept as the measured alternative (``benchmarks/diffs.py``: same changes
found; diff-match-patch gives fewer, longer hunks a reader can follow, and is faster on long paragraphs).

Cost is bounded: a release has at most 1,000 paragraphs (``indexer/sanitize.py``), a paragraph pair is
compared word by word only up to :data:`MAX_WORDS` words each (beyond, it is shown removed and added whole),
and diff-match-patch works under a time limit.
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass, field
from typing import Any

from archive.model import Release

MAX_WORDS = 5000  # per paragraph, for a word-by-word comparison
DMP_SECONDS = 0.5  # diff-match-patch's own time limit per paragraph pair
_TOKEN = re.compile(r"\s+|\w+(?:['’.-]\w+)*|[^\w\s]")
EQUAL, INSERT, DELETE = "equal", "insert", "delete"


@dataclass
class ParagraphDiff:
    """One paragraph of the comparison: ``same``, ``added``, ``removed`` or ``changed``; ``parts`` are
    ``(op, text)`` with op ``equal``, ``insert`` or ``delete``. ``old``/``new`` number the paragraph in each
    version (None where it has none)."""

    kind: str
    parts: list[tuple[str, str]]
    old: int | None = None
    new: int | None = None


@dataclass
class ReleaseDiff:
    title: list[tuple[str, str]]
    paragraphs: list[ParagraphDiff] = field(default_factory=list)

    @property
    def changed(self) -> int:
        """Paragraphs that differ (added, removed or changed)."""
        return sum(1 for p in self.paragraphs if p.kind != "same")

    def to_dict(self) -> dict[str, Any]:
        return {
            "title": [list(part) for part in self.title],
            "paragraphs": [{"kind": p.kind, "old": p.old, "new": p.new, "parts": [list(x) for x in p.parts]}
                           for p in self.paragraphs],
            "changed_paragraphs": self.changed,
        }


def tokens(text: str) -> list[str]:
    return _TOKEN.findall(text)


def _merge(parts: list[tuple[str, str]]) -> list[tuple[str, str]]:
    """Adjacent parts of one kind joined; white space alone between two changes goes with them."""
    out: list[tuple[str, str]] = []
    for op, text in parts:
        if not text:
            continue
        if out and out[-1][0] == op:
            out[-1] = (op, out[-1][1] + text)
        else:
            out.append((op, text))
    return out


def _difflib_words(old: list[str], new: list[str]) -> list[tuple[str, str]]:
    parts: list[tuple[str, str]] = []
    matcher = difflib.SequenceMatcher(None, old, new, autojunk=False)
    for op, i1, i2, j1, j2 in matcher.get_opcodes():
        if op == "equal":
            parts.append((EQUAL, "".join(old[i1:i2])))
        else:
            parts.append((DELETE, "".join(old[i1:i2])))
            parts.append((INSERT, "".join(new[j1:j2])))
    return parts


def _dmp_words(old: list[str], new: list[str]) -> list[tuple[str, str]]:
    from diff_match_patch import diff_match_patch

    codes: dict[str, str] = {}
    vocabulary: list[str] = []

    def encode(words: list[str]) -> str:
        out = []
        for word in words:
            if word not in codes:
                codes[word] = chr(0xE000 + len(vocabulary)) if len(vocabulary) < 6400 else chr(0xF0000 + len(vocabulary))
                vocabulary.append(word)
            out.append(codes[word])
        return "".join(out)

    dmp = diff_match_patch()
    dmp.Diff_Timeout = DMP_SECONDS
    diffs = dmp.diff_main(encode(old), encode(new), False)
    dmp.diff_cleanupSemantic(diffs)
    index = {code: word for word, code in codes.items()}
    ops = {0: EQUAL, 1: INSERT, -1: DELETE}
    return [(ops[op], "".join(index[c] for c in chars)) for op, chars in diffs]


def word_diff(old: str, new: str, engine: str = "dmp") -> list[tuple[str, str]]:
    """``old`` → ``new`` as ``(op, text)`` parts, word by word."""
    a, b = tokens(old), tokens(new)
    if len(a) > MAX_WORDS or len(b) > MAX_WORDS:
        return _merge([(DELETE, old), (INSERT, new)])
    if a == b:
        return [(EQUAL, old)] if old else []
    parts = _dmp_words(a, b) if engine == "dmp" else _difflib_words(a, b)
    return _merge(parts)


def _similar(a: str, b: str) -> bool:
    matcher = difflib.SequenceMatcher(None, a.split(), b.split(), autojunk=False)
    return matcher.quick_ratio() >= 0.5 and matcher.ratio() >= 0.4


def _pair(old: list[str], new: list[str]) -> list[tuple[int | None, int | None]]:
    """Within a block of changed paragraphs, pair each old one with the next similar new one, in order; the
    rest are removed or added."""
    pairs: list[tuple[int | None, int | None]] = []
    j = 0
    for i, paragraph in enumerate(old):
        match = next((k for k in range(j, len(new)) if _similar(paragraph, new[k])), None)
        if match is None:
            pairs.append((i, None))
            continue
        pairs.extend((None, k) for k in range(j, match))
        pairs.append((i, match))
        j = match + 1
    pairs.extend((None, k) for k in range(j, len(new)))
    return pairs


def diff_paragraphs(old: list[str], new: list[str], engine: str = "dmp") -> list[ParagraphDiff]:
    out: list[ParagraphDiff] = []
    matcher = difflib.SequenceMatcher(None, old, new, autojunk=False)
    for op, i1, i2, j1, j2 in matcher.get_opcodes():
        if op == "equal":
            out.extend(ParagraphDiff("same", [(EQUAL, old[i1 + k])], i1 + k + 1, j1 + k + 1) for k in range(i2 - i1))
            continue
        for a, b in _pair(old[i1:i2], new[j1:j2]):
            if a is None and b is not None:
                out.append(ParagraphDiff("added", [(INSERT, new[j1 + b])], None, j1 + b + 1))
            elif b is None and a is not None:
                out.append(ParagraphDiff("removed", [(DELETE, old[i1 + a])], i1 + a + 1, None))
            elif a is not None and b is not None:
                out.append(ParagraphDiff("changed", word_diff(old[i1 + a], new[j1 + b], engine), i1 + a + 1, j1 + b + 1))
    return out


def diff_releases(old: Release, new: Release, engine: str = "dmp") -> ReleaseDiff:
    """What changed from ``old`` to ``new``: the headline and every paragraph."""
    return ReleaseDiff(word_diff(old.title, new.title, engine), diff_paragraphs(old.paragraphs, new.paragraphs, engine))
