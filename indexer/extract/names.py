"""What a person's name looks like in English-language releases, and how titles wrap around it."""

from __future__ import annotations

import re
from functools import cache
from pathlib import Path

DATA = Path(__file__).with_name("data")


@cache
def _words(name: str) -> frozenset[str]:
    lines = (DATA / name).read_text(encoding="utf-8").splitlines()
    return frozenset(w.strip().lower() for w in lines if w.strip() and not w.startswith("#"))


def title_words() -> frozenset[str]:
    return _words("title_words.txt")


def not_name_words() -> frozenset[str]:
    return _words("not_name_words.txt")


def chinese_surnames() -> frozenset[str]:
    return _words("chinese_surnames.txt")


HONORIFICS = {"mr", "mrs", "ms", "miss", "dr", "prof", "sir", "dame", "hon", "rev", "esq", "madam", "mx"}
PARTICLES = {"de", "da", "del", "della", "van", "von", "der", "den", "la", "le", "du", "bin", "al", "el", "st", "di", "dos"}
SUFFIXES = {"jr", "sr", "ii", "iii", "iv"}
_INITIAL = re.compile(r"^[A-Z]\.?$|^[A-Z]\.[A-Z]\.?$")
_NAME_TOKEN = re.compile(r"^(?:[A-Z][a-z]+|Mc[A-Z][a-z]+|Mac[A-Z][a-z]+|O['\u2019][A-Z][a-z]+|[A-Z][a-z]*['\u2019][A-Z][a-z]+|[A-Z][a-z]+(?:-[A-Z][a-z]+)+|D['\u2019][A-Z][a-z]+|[A-Z][a-z]+[A-Z][a-z]+)$")


def bare(token: str) -> str:
    return token.strip(".,;:").lower()


def is_title_token(token: str) -> bool:
    return bare(token) in title_words() or bare(token) in HONORIFICS


def is_name_token(token: str) -> bool:
    if _INITIAL.match(token):
        return True
    word = token.rstrip(",")
    return bool(_NAME_TOKEN.match(word)) and bare(word) not in not_name_words() and bare(word) not in title_words()


def split_title_and_name(tokens: list[str]) -> tuple[list[str], list[str]]:
    """Split ``Assistant Attorney General Jane E. Doe`` into title tokens and name tokens."""
    end = len(tokens)
    while end and (bare(tokens[end - 1]) in SUFFIXES):
        end -= 1
    start = end
    while start > 0:
        token = tokens[start - 1]
        if is_name_token(token) or (bare(token) in PARTICLES and start < end):
            start -= 1
        else:
            break
    while start < end and (bare(tokens[start]) in PARTICLES or _INITIAL.match(tokens[start]) and start == end - 1):
        start += 1
    return tokens[:start], tokens[start:len(tokens)]


def clean_name(tokens: list[str]) -> str:
    words = [t.rstrip(",") for t in tokens if bare(t) not in HONORIFICS]
    name = " ".join(words)
    name = re.sub(r"\s+(Jr|Sr)\b\.?", r", \1.", name)
    return name.strip(" ,")


def name_key(name: str) -> tuple[str, str]:
    """(first name or initial, surname) lower-cased, middle names and suffixes ignored."""
    tokens = [bare(t) for t in name.replace(",", " ").split() if bare(t) not in SUFFIXES and bare(t) not in HONORIFICS]
    tokens = [t for t in tokens if t]
    if not tokens:
        return ("", "")
    if len(tokens) == 1:
        return ("", tokens[0])
    return (tokens[0][:1], tokens[-1])
