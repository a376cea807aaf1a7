"""Small text helpers shared by the sources and the extractors."""

from __future__ import annotations

import re
import unicodedata

_SPACE = re.compile(r"[ \t\r\f\v\u00a0\u2000-\u200b\u202f\u205f\u3000]+")


def clean_space(text: str) -> str:
    """Collapse runs of white space (including non-breaking spaces) and trim."""
    return _SPACE.sub(" ", text.replace("\n", " ")).strip()


def norm(text: str) -> str:
    """A name or title as compared, not shown: case, accents, punctuation and a leading "The" ignored."""
    text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii").lower()
    words = re.sub(r"[^a-z0-9]+", " ", text.replace("'", "")).split()
    if words and words[0] == "the":
        words = words[1:]
    return " ".join(words)


_SPLIT = re.compile(r"(?<=[.!?\"\u201d])\s+(?=[\"\u201c]?[A-Z0-9])")
_ABBREVIATION = re.compile(
    r"(?:\b[A-Z]|\b(?i:Mr|Mrs|Ms|Dr|Prof|Sr|Jr|St|Gen|Sen|Rep|Gov|Lt|Col|Capt|Sgt|Rev|Hon|No|Nos|Inc|Corp|Co|Ltd|"
    r"Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sep|Sept|Oct|Nov|Dec|Mt|Ft|vs|Vol|Dept|Univ|Assn|Bros|approx|Ph\.D|U\.S|U\.N|D\.C|a\.m|p\.m))\.$"
)


def split_sentences(text: str) -> list[str]:
    """Sentences, without breaking after initials ("Thomas E. Perez") or common abbreviations ("U.S.").

    Only the end of the sentence so far is tested for an abbreviation, so a run of thousands of "U.S." costs
    what its length does.
    """
    sentences: list[list[str]] = []
    for piece in _SPLIT.split(text):
        if sentences and _ABBREVIATION.search(sentences[-1][-1][-12:]):
            sentences[-1].append(piece)
        else:
            sentences.append([piece])
    return [s for s in (" ".join(parts).strip() for parts in sentences) if s]
