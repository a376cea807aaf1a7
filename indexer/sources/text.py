"""Plain-text and Markdown releases: front matter, headline candidates, letterhead, body paragraphs, and the
link footer kept out of the body.

Handles the seed format (`` date YYYY-MM-DD`` before the dateline on the first line), Markdown wires
(``# Title``, body, then a ``---`` footer of links), static-site posts (YAML front matter, the headline in it
or in the body's own first heading) and plain text whose first lines are a letterhead or page chrome before
the headline.
"""

from __future__ import annotations

import datetime
import html
import re
from typing import Any

import yaml

from indexer.sources.base import Draft, SkipFile
from indexer.text import clean_space

_SEED_DATE = re.compile(r"^\s*date\s+(\d{4}-\d{2}-\d{2})\b\s*")
_MD_LINK = re.compile(r"!?\[([^\]]*)\]\(([^)\s]*)[^)]*\)")
_MD_EMPHASIS = re.compile(r"(\*\*|__|(?<!\w)\*(?!\s)|(?<!\w)_(?!\s))")
_RULE = re.compile(r"^\s*(-{3,}|\*{3,}|_{3,})\s*$")
_SOURCE_LINK = re.compile(r"\[(?:original|source|permalink)[^\]]*\]\((https?://[^)\s]+)\)", re.I)
_FRONT_MATTER = re.compile(r"\A\ufeff?---[ \t]*\n(.{0,32768}?)\n(?:---|\.\.\.)[ \t]*(?:\n|\Z)", re.S)
_HEADING = re.compile(r"^(#{1,3})\s+(.*)$")
MAX_TITLE = 400


def parse_text(text: str, source: str, markdown: bool) -> Draft:
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    draft = Draft(source=source, format="markdown" if markdown else "text")
    text = _front_matter(text, draft)
    body, footer = _split_footer(text)
    if footer and not draft.url:
        link = _SOURCE_LINK.search(footer)
        if link:
            draft.url = link.group(1)
    lines = body.split("\n")
    seed = _SEED_DATE.match(lines[0]) if lines else None
    if seed:
        draft.meta_date = seed.group(1)
        lines[0] = lines[0][seed.end():]
    blocks = _blocks(lines)
    kept, top = _strip_masthead(blocks, draft)
    heading = _HEADING.match(blocks[top]) if top < len(blocks) else None
    if heading:
        # The body's own headline is the one published; a front-matter title is the site's filing label.
        draft.titles.insert(0, ("heading", _inline(heading.group(2))))
        blocks.pop(top)
    elif top < len(blocks) and not seed and not draft.titles and _looks_like_headline(blocks[top], blocks[top + 1:]):
        draft.titles.append(("first line", _inline(blocks.pop(top).lstrip("#").strip())))
    if top < len(blocks) and blocks[top].startswith("## "):
        draft.subtitle = _inline(blocks.pop(top)[3:])
    blocks = kept + blocks[top:]
    draft.paragraphs = [p for p in (_inline(b.lstrip("#>").strip()) for b in blocks) if p]
    if not draft.paragraphs:
        raise SkipFile("no release text (only a headline or nothing at all)")
    return draft


def _front_matter(text: str, draft: Draft) -> str:
    """Read a static site's YAML front matter into the draft; the text after it is the body.

    Only plain values are taken (a string, a date, a list of strings): the block is someone else's YAML,
    so nested or aliased structures are ignored rather than expanded.
    """
    m = _FRONT_MATTER.match(text)
    if not m:
        return text
    try:
        data = yaml.safe_load(m.group(1))
    except yaml.YAMLError:
        data = None
    if isinstance(data, dict):
        title = _scalar(data.get("title"))
        if title:
            draft.titles.append(("front matter", _inline(title)))
        draft.subtitle = _scalar(data.get("subtitle")) or ""
        draft.meta_date = _scalar(data.get("date")) or ""
        draft.url = next((u for u in (_scalar(data.get(k)) for k in ("canonical_url", "url", "permalink"))
                          if u and u.startswith(("http://", "https://"))), "")
        for key in ("tags", "categories", "keywords", "policy_areas"):
            draft.tags.extend(_strings(data.get(key)))
        draft.language = (_scalar(data.get("lang")) or _scalar(data.get("language")) or "")[:2].lower()
        issuer = _scalar(data.get("issuer")) or _scalar(data.get("organization")) or _scalar(data.get("publisher"))
        if issuer:
            draft.site_names.append(("front matter", issuer))
    return text[m.end():]


def _scalar(value: Any) -> str:
    if isinstance(value, (datetime.date, datetime.datetime)):
        return value.isoformat()
    if isinstance(value, (str, int, float)) and not isinstance(value, bool):
        return clean_space(str(value))[:2000]
    return ""


def _strings(value: Any) -> list[str]:
    if isinstance(value, str):
        return [t for t in (clean_space(x) for x in value.split(",")) if t]
    if isinstance(value, list):
        return [s for s in (_scalar(v) for v in value[:50]) if s]
    return []


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
    # A closing "[Source](…)" link line is provenance, not body.
    while lines and not lines[-1].strip():
        lines.pop()
    if lines and _SOURCE_LINK.fullmatch(lines[-1].strip()):
        return "\n".join(lines[:-1]), lines[-1]
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


_RELEASE_LABEL = re.compile(
    r"^(?:joint\s+)?(?:media|press|news)\s+(?:release|statement|advisory)s?\b|^for\s+immediate\s+release\b|"
    r"^(?:statement|media\s+statement|embargoed\b.*|for\s+release\b.*|news)$", re.I)
_AUTHORISED = re.compile(r"^authori[sz]ed\s+by\b", re.I)
_DATE_ONLY = re.compile(
    r"^(?:(?:mon|tue|wed|thu|fri|sat|sun)[a-z]*,?\s+)?(?:\d{1,2}\s+[a-z]{3,9}\.?,?\s+\d{4}|[a-z]{3,9}\.?\s+\d{1,2},?\s+\d{4}|"
    r"\d{4}-\d{2}-\d{2}|\d{1,2}/\d{1,2}/\d{2,4})$", re.I)
_SHARE = re.compile(r"\b(?:share|print|email|tweet)$", re.I)


def is_chrome_line(block: str) -> bool:
    """A line that stands above a release without being its headline: a "MEDIA RELEASE" label, a date,
    an "Authorised by" imprint, letter-spaced letterhead, or a page's label-name-date-share strip."""
    text = _inline(block.lstrip("#").strip())
    if not text:
        return True
    words = text.split()
    if len(words) >= 6 and sum(len(w) == 1 for w in words) >= 0.6 * len(words):
        return True  # "T h e H o n . D a v i d …": letter-spaced letterhead
    if _RELEASE_LABEL.match(text) and (len(words) <= 4 or _SHARE.search(text) or re.search(r"\d{4}", text)):
        return True
    return bool(_AUTHORISED.match(text) or _DATE_ONLY.match(text.strip(" .")))


_OFFICE = re.compile(r"^(?:the\s+)?(?:hon\.?|honourable|honorable|senator|sen\.|dr\.?|mr\.?|ms\.?|mrs\.?)\s+\S.*"
                     r"\b(?:mp|mla|mpp|mhr|minister|senator|member|shadow|treasurer|premier|secretary|leader|spokesperson)\b",
                     re.I)


def is_letterhead(block: str) -> bool:
    """A masthead naming the office-holder who issues the release ("THE HON JANE ROE MP MINISTER FOR X")."""
    text = _inline(block.lstrip("#").strip())
    return len(text) < 200 and not text.endswith(".") and bool(_OFFICE.match(text)) and (
        text.isupper() or not re.search(r"\b(?:said|says|announced|today)\b", text))


def _strip_masthead(blocks: list[str], draft: Draft) -> tuple[list[str], int]:
    """Find where the release starts below its letterhead and chrome lines.

    Returns the date lines seen on the way (kept: they are the release's dateline) and the index of the
    first block of the release proper; letterhead lines go to ``draft.letterhead``, labels are dropped.
    """
    kept: list[str] = []
    top = 0
    while top < len(blocks) - 1:
        block = blocks[top]
        if is_letterhead(block):
            draft.letterhead.append(_inline(block))
        elif _DATE_ONLY.match(_inline(block).strip(" .")):
            kept.append(block)
        elif not is_chrome_line(block):
            break
        top += 1
    return kept, top


def _looks_like_headline(first: str, rest: list[str]) -> bool:
    return bool(rest) and len(first) < 250 and not first.rstrip().endswith((".", ",", ";", ":"))


def _inline(text: str) -> str:
    text = _MD_LINK.sub(lambda m: m.group(1), text)
    text = _MD_EMPHASIS.sub("", text)
    return clean_space(html.unescape(text.replace("\\", "")))
