"""What the pages of one folder share: its site chrome and the organisation that issues them.

One page alone cannot tell its headline from the site's name when both sit in ``<title>``, nor name its issuer
when it never says who it is. A folder of one site can: the same "title" on forty pages is chrome, and the
organisation that thirty of forty releases name (with its acronym or short form) is the one issuing them. The
indexer reads a sample of each folder (``indexer/folders.py``) and hands the profile to extraction; a user can
also state the issuer in a ``press-archive.toml``.
"""

from __future__ import annotations

import hashlib
import json
import re
import statistics
from collections import Counter, defaultdict
from dataclasses import dataclass, field

from indexer.extract.issuer import is_wire_service, site_identity
from indexer.extract.organisations import aliases_of, organisation_mentions
from indexer.extract.wire import spelled_wire, wire_from_path
from indexer.sources.base import Draft
from indexer.text import norm

MIN_PAGES = 4  # below this, nothing is "shared" by the folder
CHROME_SHARE = 0.25  # a title candidate on this share of the sample (and on 3 pages at least) is chrome
ISSUER_SHARE = 0.5  # an organisation named by this share of the sample issues the folder's releases


@dataclass(frozen=True)
class FolderProfile:
    chrome_titles: frozenset[str] = frozenset()
    issuer: str = ""  # agreed across the folder's releases
    stated_issuer: str = ""  # set by the user in press-archive.toml: wins over everything
    aliases: tuple[str, ...] = field(default=())
    wires: tuple[tuple[str, str], ...] = field(default=())  # a wire folder's slug and how the sample writes it

    def digest(self) -> str:
        """Changes when what the profile would change in a release changes (files are then parsed again)."""
        payload = json.dumps([sorted(self.chrome_titles), self.issuer, self.stated_issuer, *self.wires],
                             ensure_ascii=False)
        return hashlib.sha1(payload.encode("utf-8")).hexdigest()[:12]

    def wire_spelling(self, slug: str) -> str:
        """How the folder's releases write the wire its folder names ``slug``; "" when the sample never does."""
        return dict(self.wires).get(slug, "")


def build_profile(drafts: list[Draft], stated_issuer: str = "") -> FolderProfile:
    """The profile of a folder from a sample of its drafts."""
    wires = _wire_spellings(drafts)
    if len(drafts) < MIN_PAGES:
        return FolderProfile(stated_issuer=stated_issuer, wires=wires)
    issuer, aliases = _agreed_issuer(drafts)
    return FolderProfile(_chrome(drafts), issuer, stated_issuer, aliases, wires)


def _wire_spellings(drafts: list[Draft]) -> tuple[tuple[str, str], ...]:
    """Each wire folder's slug among the drafts with the spelling their prose gives it, read across the whole
    sample: every release of the folder is then cited alike, also those that never write the name."""
    texts: dict[str, list[str]] = defaultdict(list)
    for draft in drafts:
        if slug := wire_from_path(draft.source):
            texts[slug].extend(draft.paragraphs)
    spelled = ((slug, spelled_wire(slug, paragraphs)) for slug, paragraphs in sorted(texts.items()))
    return tuple((slug, name) for slug, name in spelled if name != slug)


def _chrome(drafts: list[Draft]) -> frozenset[str]:
    from indexer.extract.titles import title_parts

    seen: Counter[str] = Counter()
    for draft in drafts:
        keys = set()
        for where, text in draft.titles:
            keys.add(norm(text))
            if where == "title":
                keys.update(norm(p) for p in title_parts(text))
        seen.update(k for k in keys if k)
    floor = max(3, CHROME_SHARE * len(drafts))
    return frozenset(k for k, n in seen.items() if n >= floor)


def _agreed_issuer(drafts: list[Draft]) -> tuple[str, tuple[str, ...]]:
    """The organisation most of the sampled releases name (by itself, its acronym or short form), written in
    its fullest form, or "" when no organisation is shared by half of them (a wire's folder)."""
    from indexer.extract.titles import choose_title

    identities = [[n for n in site_identity(draft, choose_title(draft)) if not is_wire_service(n)] for draft in drafts]
    shared: Counter[str] = Counter()
    places: dict[str, list[int]] = defaultdict(list)  # where each name stands in the pages' lists
    for names in identities:
        keys = list(dict.fromkeys(norm(n) for n in names))
        shared.update(keys)
        for place, key in enumerate(keys):
            places[key].append(place)
    agreed = [key for key, count in shared.items() if count >= ISSUER_SHARE * len(drafts)]
    if agreed:  # the pages name their site alike: that is the issuer
        # Pages often name their site twice ("… | Department of Justice" and "© The United States Department of
        # Justice"): the name they give first (site_identity orders by explicitness) wins, not the one a sample
        # happens to hold once more.
        key = min(agreed, key=lambda k: (statistics.median(places[k]), -shared[k], k))
        return max((n for names in identities for n in names if norm(n) == key), key=len), ()
    mentions: list[set[str]] = []
    forms: Counter[str] = Counter()
    for draft in drafts:
        names = {name for name in organisation_mentions(draft.paragraphs[:40]) if not is_wire_service(name)}
        mentions.append(names)
        forms.update(names)
    texts = [" ".join(draft.paragraphs[:40]) for draft in drafts]
    normed = [{norm(n) for n in names} for names in mentions]
    best, best_df, best_aliases = "", 0, ()
    for name in forms:
        aliases = aliases_of(name)
        keys = {norm(a) for a in (name, *aliases)}
        df = sum(1 for names, text in zip(normed, texts, strict=True)
                 if not names.isdisjoint(keys) or any(_says(text, a) for a in aliases))
        if df > best_df or (df == best_df and len(name) > len(best)):
            best, best_df, best_aliases = name, df, aliases
    if best_df < ISSUER_SHARE * len(drafts):
        return "", ()
    return best, best_aliases


def _says(text: str, alias: str) -> bool:
    return alias in text and re.search(rf"(?<![\w-]){re.escape(alias)}(?![\w-])", text) is not None
