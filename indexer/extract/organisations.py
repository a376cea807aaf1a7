"""How releases name organisations: full names, their acronyms and short forms.

An organisation is a run of capitalised words holding an organisation word ("National Council on Disability",
"Government of Yukon", "University of California, Santa Cruz"); its aliases are the acronym of those words
("NCD", "UCSC"), the short form that abbreviates the part before a comma ("UC Santa Cruz"), and any acronym the
text pairs with it in parentheses.
"""

from __future__ import annotations

import re
from functools import cache

from indexer.extract.names import DATA
from indexer.text import norm

_CONNECTORS = {"of", "on", "for", "and", "the", "&", "de", "du", "des", "la", "le", "in", "at"}
_WORD = r"(?:[A-Z][\w'\u2019.&-]*|[A-Z]{2,}\b)"
_LINK = r"(?:\s+(?:of|on|for|and|the|&|de|du|des|la|le|in|at))*\s+"
_RUN = re.compile(rf"{_WORD}(?:{_LINK}{_WORD}){{0,7}}(?:,\s+{_WORD}(?:\s+{_WORD})?(?=[\s,.;)]))?")
_PAIRED = re.compile(r"((?:[A-Z][\w'\u2019.&-]*\s+(?:(?:of|on|for|and|the|&)\s+)*){1,7}[A-Z][\w'\u2019.&-]*)\s+\(([A-Z][A-Za-z&]{1,9})\)")
_LEADING = re.compile(r"^(?:(?:The|A|An|At|In|On|For|With|As|And|But|By|From|Today|Yesterday|This|That|Our|Its|Their|His|Her|"
                      r"When|While|Under|Through|Since|After|Before|Both|Each|Every|Former|Current|New)\s+)+", re.I)


@cache
def organisation_words() -> frozenset[str]:
    lines = (DATA / "organisation_words.txt").read_text(encoding="utf-8").splitlines()
    return frozenset(w.strip().lower() for w in lines if w.strip() and not w.startswith("#"))


def looks_like_organisation(name: str) -> bool:
    words = [w.strip(".,()").lower() for w in name.split()]
    return any(w in organisation_words() for w in words)


# A contact block's label: words followed by a link or an address ("Company Website: https://…", "Media Contact
# jane@…"), often glued to it once the page became text ("Company Websitehttps://…").
_GLUED_LINK = re.compile(r"(?<=[A-Za-z])(?=https?://)")
_LABEL_OF_LINK = re.compile(r"\s*:?\s*(?:https?://|www\.|[\w.+-]+@[\w-]+\.)")


def organisation_mentions(paragraphs: list[str]) -> set[str]:
    """Every organisation named in the paragraphs, as written (a leading "the" dropped); a contact block's
    labels are not names."""
    found: set[str] = set()
    for paragraph in paragraphs:
        paragraph = _GLUED_LINK.sub(" ", paragraph[:5000])
        for m in _RUN.finditer(paragraph):
            if _LABEL_OF_LINK.match(paragraph, m.end()):
                continue
            for name in _variants(m.group(0)):
                if looks_like_organisation(name):
                    found.add(name)
        for m in _PAIRED.finditer(paragraph):
            name = _LEADING.sub("", m.group(1)).strip()
            if len(name.split()) >= 2:
                found.add(name)
    return found


def _variants(run: str) -> list[str]:
    """A run of capitalised words and the organisation names it holds: the run cut at a comma, and trimmed
    of sentence-initial words and trailing connectors."""
    run = _LEADING.sub("", run.strip(" ,.")).strip()
    names = [run]
    if "," in run:
        names.append(run.split(",", 1)[0].strip())
    out = []
    for name in names:
        words = name.split()
        while words and words[-1].lower() in _CONNECTORS:
            words.pop()
        if len(words) >= 2 or (words and words[0].isupper() and len(words[0]) >= 3):
            out.append(" ".join(words).rstrip(".,"))
    return out


def acronym(name: str) -> str:
    letters = [w[0] for w in re.split(r"[\s,]+", name) if w and w.lower() not in _CONNECTORS and w[0].isalpha()]
    return "".join(letters).upper()


def aliases_of(name: str) -> tuple[str, ...]:
    """Other ways a release refers to ``name``: its acronym (three letters or more), the short form with the
    part before a comma abbreviated ("UC Santa Cruz"), and without a leading "The"."""
    aliases: list[str] = []
    bare = re.sub(r"^The\s+", "", name)
    if bare != name:
        aliases.append(bare)
    short = acronym(bare)
    if len(short) >= 3 and len(bare.split()) >= 3:
        aliases.append(short)
    if "," in bare:
        head, tail = (p.strip() for p in bare.split(",", 1))
        if len(acronym(head)) >= 2 and tail:
            aliases.append(f"{acronym(head)} {tail}")
    return tuple(dict.fromkeys(a for a in aliases if norm(a) != norm(name)))


def expand_acronym(name: str, paragraphs: list[str]) -> str:
    """A bare acronym as the issuer ("AGO") in the full form the release pairs with it
    ("Attorney General's Office (AGO)"); the acronym itself when the release never spells it out."""
    if not re.fullmatch(r"[A-Z][A-Z&]{1,7}", name):
        return name
    pattern = re.compile(rf"((?:[A-Z][\w'\u2019.&-]*\s+(?:(?:of|on|for|and|the|&)\s+)*){{1,7}}?[A-Z][\w'\u2019.&-]*)\s+\({name}\)")
    for paragraph in paragraphs[:40]:
        m = pattern.search(paragraph)
        if m:
            full = _LEADING.sub("", m.group(1)).strip()
            if acronym(full).replace("&", "").endswith(name.replace("&", "")) and len(full.split()) >= 2:
                return full
    return name
