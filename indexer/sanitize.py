"""Release hygiene: what a release may carry once extracted, whichever file or format it came from.

Applied by the parsing worker to every ``Release`` that ``build_release`` returns, so no source can skip it:

- **Characters.** C0 and C1 control characters (tab, line ends and the like become spaces), lone surrogates,
  Unicode noncharacters (U+FFFE, U+FFFF, U+FDD0–U+FDEF …) — none of which XML 1.0 allows, so one of them made
  the Atom feed unreadable for every subscriber — and invisible format characters: bidirectional overrides,
  embeddings and isolates, zero-width joiners and spaces, word joiners, the byte-order mark, soft hyphens and
  tag characters, which let a title or a facet value display as something it is not (``evil\u202eexe.txt``)
  or two values look identical. Removed from every text field.
- **Lengths** (``CAPS``): a title over 300 characters is cut at a word and ends with an ellipsis; so are
  subtitles, issuers, datelines, speaker names and titles, tags and quotes past their caps; at most 50 tags
  and 100 speakers with 20 quotes each are kept. Past ``MAX_PARAGRAPHS`` the remaining paragraphs are joined
  into the last one: the text stays searchable, the page stays a page (20,000 paragraphs made 20,000
  ``<option>`` elements).
- **URLs.** Only absolute ``http(s)`` URLs with a host are kept (no ``javascript:``, ``data:``, ``vbscript:``
  or ``java\tscript:``); one holding a control character or white space other than a plain space, or longer
  than 2,000 characters, is dropped; spaces and ``{ } \\ " < > ` |`` and ``^`` are percent-encoded, so a URL
  cannot close a BibTeX brace, start a RIS line or an HTML attribute. A release whose URL is dropped takes its
  id from its source path, like any release without a URL.
"""

from __future__ import annotations

import dataclasses
import re

from archive.ids import release_id
from archive.model import Release, Speaker
from archive.urls import safe_url

_SPACE_LIKE = "\t\n\x0b\x0c\r\x1c\x1d\x1e\x1f\x85\u2028\u2029"
# Format characters (category Cf) that display nothing, plus controls, surrogates and noncharacters. The visible
# Cf marks that prefix numbers in Arabic, Syriac and Kaithi (U+0600–0605, 06DD, 070F, 0890–0891, 08E2, 110BD,
# 110CD) are kept; tests/test_sanitize.py checks this list against Python's Unicode database.
_INVISIBLE = (
    "\x00-\x08\x0e-\x1b\x7f-\x84\x86-\x9f\u00ad\u061c\u180e\u200b-\u200f\u202a-\u202e\u2060-\u2064"
    "\u2066-\u206f\ufeff\ufff9-\ufffb\ud800-\udfff\ufdd0-\ufdef\ufffe\uffff"
    "\U00013430-\U00013438\U0001bca0-\U0001bca3\U0001d173-\U0001d17a\U000e0001\U000e0020-\U000e007f"
    + "".join(f"{chr(plane * 0x10000 + 0xFFFE)}{chr(plane * 0x10000 + 0xFFFF)}" for plane in range(1, 17))
)
_BAD = re.compile(f"[{_INVISIBLE}{_SPACE_LIKE}]")
_INVISIBLE_RUN = re.compile(f"[{_INVISIBLE}]+")
_SPACE_RUN = re.compile(f"[ {_SPACE_LIKE}]+")
_UNPRINTABLE = re.compile(f"[{_INVISIBLE}{_SPACE_LIKE}]")

CAPS = {"title": 300, "subtitle": 400, "issuer": 200, "dateline": 120, "wire": 120, "site": 200,
        "language": 10, "tag": 80, "speaker": 100, "speaker_title": 200, "quote": 2000}
MAX_TAGS = 50
MAX_SPEAKERS = 100
MAX_QUOTES = 20
MAX_PARAGRAPHS = 1000


def clean_text(text: str) -> str:
    """``text`` without invisible or control characters; control line and tab characters become spaces."""
    if not _BAD.search(text):
        return text
    text = _INVISIBLE_RUN.sub("", text)
    return _SPACE_RUN.sub(" ", text).strip()


def capped(text: str, limit: int) -> str:
    """``text`` cut at a word boundary to at most ``limit`` characters, ending with an ellipsis when cut."""
    if len(text) <= limit:
        return text
    cut = text[: limit - 1]
    at_word = cut.rsplit(" ", 1)[0]
    return (at_word if len(at_word) >= limit // 2 else cut).rstrip(" ,;:-") + "\u2026"


def visible(text: str) -> str:
    """``text`` for a terminal or a log: control, invisible and undecodable characters shown as escapes
    (``\\x0a``, ``\\u202e``), so a file name cannot forge a line of output or hide what it says."""
    return _UNPRINTABLE.sub(lambda m: f"\\x{ord(m[0]):02x}" if ord(m[0]) < 0x100 else f"\\u{ord(m[0]):04x}", text)


def _field(text: str, cap: str) -> str:
    return capped(clean_text(text), CAPS[cap])


def _speaker(speaker: Speaker) -> Speaker:
    quotes = [capped(q, CAPS["quote"]) for q in (clean_text(q) for q in speaker.quotes) if q]
    return Speaker(_field(speaker.name, "speaker"), _field(speaker.title, "speaker_title"), quotes[:MAX_QUOTES])


def _paragraphs(paragraphs: list[str]) -> list[str]:
    kept = [p for p in (clean_text(p) for p in paragraphs) if p]
    if len(kept) > MAX_PARAGRAPHS:
        kept[MAX_PARAGRAPHS - 1:] = [" ".join(kept[MAX_PARAGRAPHS - 1:])]
    return kept


def sanitize_release(release: Release) -> Release:
    """The release with every text field cleaned and capped and its URL checked; its id, word count and
    content hash follow from what is kept."""
    url = safe_url(release.url) if release.url else ""
    tags = [t for t in (_field(t, "tag") for t in release.tags) if t]
    speakers = [s for s in (_speaker(s) for s in release.speakers[:MAX_SPEAKERS]) if s.name]
    cleaned = dataclasses.replace(
        release,
        id=release.id if url == release.url else release_id(url=url, source=release.source),
        title=_field(release.title, "title"),
        subtitle=_field(release.subtitle, "subtitle"),
        paragraphs=_paragraphs(release.paragraphs),
        dateline=_field(release.dateline, "dateline"),
        wire=_field(release.wire, "wire"),
        issuer=_field(release.issuer, "issuer"),
        speakers=speakers,
        topics=[clean_text(t) for t in release.topics],
        tags=list(dict.fromkeys(tags))[:MAX_TAGS],
        url=url,
        site=_field(release.site, "site"),
        language=_field(release.language, "language"),
        date=clean_text(release.date),
        word_count=0,
        content_hash="",
    )
    return cleaned
