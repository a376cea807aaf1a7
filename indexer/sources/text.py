"""Plain-text and Markdown wire copy: headline, body paragraphs, and the link footer kept out of the body.

Handles the seed format (`` date YYYY-MM-DD`` before the dateline on the first line), Markdown wires
(``# Title``, body, then a ``---`` footer of links) and plain text whose first short line is the headline.
"""

from __future__ import annotations

import html
import re

from indexer.sources.base import Draft, SkipFile
from indexer.text import clean_space

_SEED_DATE = re.compile(r"^\s*date\s+(\d{4}-\d{2}-\d{2})\b\s*")
_MD_LINK = re.compile(r"!?\[([^\]]*)\]\(([^)\s]*)[^)]*\)")
_MD_EMPHASIS = re.compile(r"(\*\*|__|(?<!\w)\*(?!\s)|(?<!\w)_(?!\s))")
_RULE = re.compile(r"^\s*(-{3,}|\*{3,}|_{3,})\s*$")
_SOURCE_LINK = re.compile(r"\[(?:original|source)[^\]]*\]\((https?://[^)\s]+)\)", re.I)


def parse_text(text: str, source: str, markdown: bool) -> Draft:
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    draft = Draft(source=source, format="markdown" if markdown else "text")
    body, footer = _split_footer(text)
    if footer:
        link = _SOURCE_LINK.search(footer)
        if link:
            draft.url = link.group(1)
    lines = body.split("\n")
    seed = _SEED_DATE.match(lines[0]) if lines else None
    if seed:
        draft.meta_date = seed.group(1)
        lines[0] = lines[0][seed.end():]
    blocks = _blocks(lines)
    if blocks and blocks[0].startswith("# "):
        draft.title = _inline(blocks.pop(0)[2:])
    elif blocks and not seed and _looks_like_headline(blocks[0], blocks[1:]):
        draft.title = _inline(blocks.pop(0).lstrip("#").strip())
    if blocks and blocks[0].startswith("## "):
        draft.subtitle = _inline(blocks.pop(0)[3:])
    draft.paragraphs = [p for p in (_inline(b.lstrip("#>").strip()) for b in blocks) if p]
    if not draft.paragraphs:
        raise SkipFile("no release text (only a headline or nothing at all)")
    return draft


def _split_footer(text: str) -> tuple[str, str]:
    """Split off what follows the last horizontal rule when it is mostly links (the wire's footer)."""
    lines = text.split("\n")
    for i in range(len(lines) - 1, -1, -1):
        if _RULE.match(lines[i]):
            footer = "\n".join(lines[i + 1:])
            words = _MD_LINK.sub("", footer).split()
            if len(words) < 60 or footer.count("](") >= 2:
                return "\n".join(lines[:i]), footer
            break
    return text, ""


def _blocks(lines: list[str]) -> list[str]:
    blocks: list[str] = []
    current: list[str] = []
    for line in lines:
        if not line.strip() or _RULE.match(line):
            if current:
                blocks.append(" ".join(current))
                current = []
            continue
        if line.lstrip().startswith("#") and current:
            blocks.append(" ".join(current))
            current = []
        current.append(line.strip())
        if line.lstrip().startswith("#"):
            blocks.append(" ".join(current))
            current = []
    if current:
        blocks.append(" ".join(current))
    return [b for b in blocks if b.strip()]


def _looks_like_headline(first: str, rest: list[str]) -> bool:
    return bool(rest) and len(first) < 250 and not first.rstrip().endswith((".", ",", ";", ":"))


def _inline(text: str) -> str:
    text = _MD_LINK.sub(lambda m: m.group(1), text)
    text = _MD_EMPHASIS.sub("", text)
    return clean_space(html.unescape(text.replace("\\", "")))


def split_sentences_title(paragraphs: list[str]) -> str:
    """A stand-in headline for copy that has none: its first sentence, cut at a word boundary."""
    first = paragraphs[0] if paragraphs else ""
    sentence = re.split(r"(?<=[.!?])\s+(?=[A-Z])", first, maxsplit=1)[0]
    if len(sentence) > 140:
        sentence = sentence[:140].rsplit(" ", 1)[0] + "\u2026"
    return sentence
