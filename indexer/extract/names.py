"""What a person's name looks like in English-language releases, and how titles wrap around it."""

from __future__ import annotations

import re
from functools import cache
from pathlib import Path

from indexer.extract.dateline import is_capitals_place

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
# Styles followed by a first name alone once the person is known ("Sir John Boyd" … "said Sir John").
FIRST_NAME_STYLES = {"sir", "dame", "lord", "lady"}
PARTICLES = {"de", "da", "del", "della", "van", "von", "der", "den", "la", "le", "du", "bin", "al", "el", "st", "di", "dos"}
SUFFIXES = {"jr", "sr", "ii", "iii", "iv"}
# Title words that are also common surnames: after a lone first name they end the name ("Madeleine Dean").
SURNAME_TITLES = {"dean", "bishop", "judge", "marshal", "mayor", "chancellor", "pastor"}
# Title words that are also common first names: before a surname no one else in the release has ("Dean Heller").
GIVEN_NAME_TITLES = {"dean"}
_INITIAL = re.compile(r"^[A-Z]\.?$|^(?:[A-Z]\.){1,3}[A-Z]\.?$")
_LOWER = "a-z\u00df-\u00f6\u00f8-\u00ff"
_PART = rf"(?:[OD]['\u2019])?(?:Mc|Mac)?[A-Z\u00c0-\u00de][{_LOWER}]+(?:[A-Z][{_LOWER}]+)?"
_NAME_TOKEN = re.compile(rf"^{_PART}(?:-{_PART})*$")


def bare(token: str) -> str:
    return token.strip(".,;:").lower()


_ROLE_PLURAL = re.compile(r"^[A-Z][a-z]{3,}(?:ists|ians|ers|ors|ists')$")


def is_title_token(token: str) -> bool:
    """A word of a title or role ("Minister", "Chief"); plural roles ("Geochemists") count too."""
    return bare(token) in title_words() or bare(token) in HONORIFICS or bool(_ROLE_PLURAL.match(token.strip(".,;:")))


def is_name_token(token: str) -> bool:
    """A word that can be part of a person's name (an initial, or a capitalised word that is no title)."""
    if _INITIAL.match(token):
        key = bare(token)  # "U.S." and "H.E." are no initials; "A." is
        return len(key) < 2 or not (key in not_name_words() or key in title_words() or key in HONORIFICS)
    word = token.rstrip(",")
    lowered = bare(word)
    if lowered in SUFFIXES:
        return False  # "Jr" ends a name; it is never one
    return (bool(_NAME_TOKEN.match(word)) and lowered not in not_name_words() and lowered not in title_words()
            and lowered not in HONORIFICS and not _ROLE_PLURAL.match(word))


def split_title_and_name(tokens: list[str]) -> tuple[list[str], list[str]]:
    """Split ``Assistant Attorney General for National Security John P. Carlin`` into title tokens and name
    tokens (``name_start`` decides where the name begins)."""
    start = name_start(tokens)
    end = len(tokens)
    while start < end and (bare(tokens[start]) in PARTICLES or _INITIAL.match(tokens[start]) and start == end - 1):
        start += 1
    return tokens[:start], tokens[start:]


def clean_name(tokens: list[str]) -> str:
    words = [t.rstrip(",") for t in tokens if bare(t) not in HONORIFICS]
    name = " ".join(words)
    name = re.sub(r"\s+(Jr|Sr)\b\.?", r", \1.", name)
    return name.strip(" ,")


def pick_person(tokens: list[str]) -> tuple[list[str], list[str], list[str]] | None:
    """Find the person in a phrase like ``Assistant Director in Charge David Bowdich of the FBI``.

    Returns (title tokens before, name tokens, tokens after). Of the runs of name-shaped words, the first
    that starts the phrase or follows a title word wins; failing that, the last run of two words or more.
    """
    runs: list[tuple[int, int]] = []
    i = 0
    while i < len(tokens):
        if not is_name_token(tokens[i]):
            i += 1
            continue
        j = i
        while j < len(tokens) and (is_name_token(tokens[j]) or (bare(tokens[j]) in PARTICLES and j + 1 < len(tokens) and is_name_token(tokens[j + 1]))):
            j += 1
        while j < len(tokens) and bare(tokens[j]) in SUFFIXES:
            j += 1
        if any(not _INITIAL.match(t) for t in tokens[i:j]) and not _INITIAL.match(tokens[j - 1]):
            runs.append((i, j))
        i = j
    if not runs:
        # "Congressman Bishop": a surname that is also a title word, standing last after a title.
        last = tokens[-1] if tokens else ""
        if len(tokens) >= 2 and is_title_token(tokens[-2]) and _NAME_TOKEN.match(last) and bare(last) not in not_name_words():
            return tokens[:-1], [last], []
        return None
    after_title = [r for r in runs if r[0] > 0 and (is_title_token(tokens[r[0] - 1]) or tokens[r[0] - 1].endswith(","))]
    longer = [r for r in runs if r[1] - r[0] >= 2]
    # A leading run followed by a title word is the title's object ("Public Safety Commissioner John Harrington"),
    # or the end of a headline when a dateline in capitals stands between ("… Pipeline Review WASHINGTON Senator").
    follows = runs[0][1]
    while (follows < len(tokens) - 1 and is_capitals_place(tokens[follows].rstrip(","))
           and not is_title_token(tokens[follows])):
        follows += 1
    leads_title = follows < len(tokens) and is_title_token(tokens[follows])
    if runs[0][0] == 0 and (runs[0][1] - runs[0][0] >= 2 or not after_title) and not (leads_title and after_title):
        chosen = runs[0]
    elif after_title:
        chosen = after_title[0]
    else:
        chosen = longer[-1] if longer else runs[0]
    start, end = chosen
    surname = _surname_title(tokens, start, end)
    end += surname  # "Congresswoman Madeleine Dean", "Rep. Sanford Bishop": the title word is the surname
    if end < len(tokens) and bare(tokens[end]) in not_name_words() and tokens[end][:1].isupper():
        return None  # "Riverland Interfaith Council": the words name an organisation, not a person
    if any(_is_org_word(t) and not _initial_before(tokens, i) for i, t in enumerate(tokens[start:end], start)):
        return None  # "British Museum Trustees"
    start = max(start, name_start(tokens[:end - surname]))
    if start > 0 and bare(tokens[start - 1]) in {"of", "for", "at"} and end - start >= 3:
        # "Head of Safety Jonas Mbeki": the first words belong to the title's object.
        keep = 3 if _INITIAL.match(tokens[end - 2]) else 2
        start = end - keep
    return tokens[:start], tokens[start:end], tokens[end:]


def _surname_title(tokens: list[str], start: int, end: int) -> bool:
    """Whether a title word that is also a surname, after a lone first name that follows a title (or starts the
    phrase), ends the phrase: then it is the person's surname ("Rep. Sanford Bishop"), not a title."""
    if end >= len(tokens) or bare(tokens[end]) not in SURNAME_TITLES or not _NAME_TOKEN.match(tokens[end].rstrip(",")):
        return False
    rest = [bare(t) for t in tokens[end + 1:]]
    first = [t for t in tokens[start:end] if not _INITIAL.match(t)]
    titled = start == 0 or is_title_token(tokens[start - 1])
    return len(first) == 1 and titled and all(t in SUFFIXES for t in rest)


def _initial_before(tokens: list[str], i: int) -> bool:
    """"Thomas D. Church": after a middle initial, an organisation's word is a surname."""
    return i >= 2 and bool(_INITIAL.match(tokens[i - 1])) and is_name_token(tokens[i - 2])


def _is_org_word(token: str) -> bool:
    from indexer.extract.organisations import organisation_words

    return bare(token) in organisation_words()


def split_attribution(text: str) -> tuple[str, str]:
    """``(name, title)`` from a quotation's attribution line, whichever way round it is written:
    "Pauline Frost, Minister of Health", "Minister of Health and Social Services Pauline Frost",
    "Council of Yukon First Nations Grand Chief Peter Johnston"."""
    text = re.sub(r"^[\u2014\u2013-]+\s*", "", text).strip(" .")
    if "," in text:
        head, tail = (p.strip() for p in text.split(",", 1))
        head_tokens = head.split()
        if 2 <= len(head_tokens) <= 5 and all(is_name_token(t) or bare(t) in PARTICLES or bare(t) in SUFFIXES
                                               for t in head_tokens if bare(t) not in HONORIFICS):
            return clean_name(head_tokens), tail
        text = f"{tail} {head}" if len(tail.split()) <= 4 and all(is_name_token(t) for t in tail.split()) else text
    tokens = text.split()
    start = name_start(tokens)
    name = tokens[start:]
    if len(name) < 2 and not (name and start > 0 and is_title_token(tokens[start - 1])):
        return "", ""
    title = " ".join(t for t in tokens[:start] if bare(t) not in HONORIFICS)
    return clean_name(name), title


def name_start(tokens: list[str]) -> int:
    """Where the name begins in "title words + name" ("Minister of Economic Development Ranj Pillai").

    The name is the run of name-shaped words at the end. A run of three or fewer that follows a title word
    (or starts the phrase) is the name whole; a longer run, or one after "of"/"for"/"and", holds the end of
    the title's object too ("… for National Security John P. Carlin"), so the name is its last two words
    and any initials or particles between them.
    """
    end = len(tokens)
    while end and bare(tokens[end - 1]) in SUFFIXES:
        end -= 1
    start = end
    while start > 0:
        token = tokens[start - 1]
        if not (is_name_token(token) or (bare(token) in PARTICLES and start < end)) or (
                _is_org_word(token) and not _initial_before(tokens, start - 1)):
            break
        start -= 1
    before = bare(tokens[start - 1]) if start > 0 else ""
    if end - start <= 3 and (start == 0 or is_title_token(tokens[start - 1]) or before in HONORIFICS):
        return start
    keep = end - 1  # the surname
    while keep > start and (keep == end - 1 or _INITIAL.match(tokens[keep]) or bare(tokens[keep]) in PARTICLES):
        keep -= 1
    while keep > start and _INITIAL.match(tokens[keep - 1]):  # "J. Michael Thompson"
        keep -= 1
    return max(keep, start)
