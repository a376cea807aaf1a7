"""When two written names are one person: the one rule extraction, facets, the audit and the benchmark share.

Two names are the same person when their surnames match and their first names match, or one of them gives
only an initial that matches the other's first name ("L. Lynch" = "Loretta Lynch" = "Loretta E. Lynch").
Honorifics, middle names and generational suffixes are ignored, accents and case too; "Jane Smith" and "John
Smith" stay two people.
"""

from __future__ import annotations

import re
import unicodedata
from collections import defaultdict

HONORIFICS = frozenset({"mr", "mrs", "ms", "miss", "dr", "prof", "sir", "dame", "hon", "rev", "esq", "madam", "mx",
                        "lord", "lady", "baroness", "baron"})
# Particles belong to the surname ("Beth Van Duyne" is Van Duyne, not a first name Van).
# "Al" is not one: "Al Green" is a first name and a surname far more often than a bare "Al Nahyan".
PARTICLES = frozenset({"van", "von", "de", "da", "del", "della", "der", "den", "di", "du", "la", "le", "bin", "el",
                       "dos", "st"})
SUFFIXES = frozenset({"jr", "sr", "ii", "iii", "iv"})


def _tokens(name: str) -> list[str]:
    folded = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode("ascii").lower()
    folded = re.sub(r"[\"\u201c\u201d][^\"\u201c\u201d]{1,20}[\"\u201c\u201d]", " ", folded)  # a quoted nickname
    if folded.startswith("h.e. "):
        folded = folded[5:]
    words = [w.strip(".,;:'\"()") for w in folded.replace(",", " ").replace(".", ". ").split()]
    words = [w for w in words if w and w not in HONORIFICS and w not in SUFFIXES]
    while len(words) > 1 and words[0] in PARTICLES:  # a surname with its particle and no first name
        words = words[1:]
    return words


def person_key(name: str) -> tuple[str, str]:
    """``(first name, surname)``, lower case and unaccented; the first name is "" for a surname alone and a
    single letter for an initial."""
    tokens = _tokens(name)
    if not tokens:
        return ("", "")
    if len(tokens) == 1:
        return ("", tokens[0])
    return (tokens[0], tokens[-1])


def _compatible(a: str, b: str) -> bool:
    return not a or not b or a == b or (len(a) == 1 and b.startswith(a)) or (len(b) == 1 and a.startswith(b))


def same_person(a: str, b: str) -> bool:
    (first_a, last_a), (first_b, last_b) = person_key(a), person_key(b)
    return bool(last_a) and last_a == last_b and _compatible(first_a, first_b)


def group_people(names: list[str], weights: list[int] | None = None,
                 contexts: list[dict[int, int]] | None = None) -> list[list[int]]:
    """Indexes of ``names`` grouped by person. Full first names form the groups; an initial or a bare surname
    joins the heaviest group it is compatible with (by ``weights``, e.g. releases), so that "J. Smith" never
    fuses a Jane and a John Smith.

    With ``contexts`` (per name, how many of its releases each issuer gave), a bare surname or an initial that
    fits several people joins only one that speaks for the same issuers, the one sharing most of its releases:
    across an archive "Lee" in a church's releases is not the congresswoman of another issuer; when none
    shares one it stays itself. One that fits a single person joins them ("Grassley" in a colleague's release).
    """
    weights = weights or [1] * len(names)
    by_surname: dict[str, list[int]] = defaultdict(list)
    for i, name in enumerate(names):
        by_surname[person_key(name)[1] or name.lower()].append(i)
    groups: list[list[int]] = []
    for members in by_surname.values():
        full: dict[str, list[int]] = {}
        partial: list[int] = []
        for i in members:
            first = person_key(names[i])[0]
            (full.setdefault(first, []) if len(first) > 1 else partial).append(i)
        issuers = {k: {c for j in group for c in contexts[j]} for k, group in full.items()} if contexts else {}
        for i in partial:
            first = person_key(names[i])[0]
            fits = [k for k in full if _compatible(first, k)]
            shared = {k: sum(n for c, n in contexts[i].items() if c in issuers[k]) for k in fits} if contexts else {}
            if contexts is not None and len([k for k in fits if len(k) > 1]) > 1:
                fits = [k for k in fits if shared[k]]
            if fits:
                best = max(fits, key=lambda k: (shared.get(k, 0), sum(weights[j] for j in full[k])))
            else:
                best = first
            full.setdefault(best, []).append(i)
            if contexts is not None:
                issuers.setdefault(best, set()).update(contexts[i])
        groups.extend(full.values())
    return groups
