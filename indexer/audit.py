"""``archive audit``: where extraction is weak on your sources, per indexed folder, without any labels.

For each folder (the indexed root, or each of its subfolders of one source): releases with no issuer, titles
many releases share, titles that look generic or cut, speaker values that do not look like people, people
split across several values, releases skipped or kept as metadata only — each with counts and examples.
"""

from __future__ import annotations

import json
import re
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from typing import Any

import click

from archive.people import group_people, person_key, same_person
from archive.store import ArchiveError, IndexHome, IndexReader, default_index_path, read_manifest
from indexer.extract.names import GIVEN_NAME_TITLES, PARTICLES, SUFFIXES, is_name_token, is_title_token
from indexer.extract.organisations import looks_like_organisation
from indexer.extract.titles import is_generic, looks_cut
from indexer.folders import folder_of, subfolder_sizes

SHARED_TITLE = 3  # a title on this many releases of a folder is reported as shared


def looks_like_person(name: str) -> bool:
    """Up to five words, each a name word, an initial or a particle; no title or organisation word (a surname
    alone counts: "said Attorney General Holder" names a person)."""
    tokens = [t.strip("\"'\u201c\u201d()") for t in name.replace(",", " ").split()]
    tokens = [t for t in tokens if t and t.strip(".").lower() not in SUFFIXES]
    if not 1 <= len(tokens) <= 5 or looks_like_organisation(name):
        return False
    if len(tokens) == 1:
        return is_name_token(tokens[0])
    # A surname may be a title word ("Bishop"); a title word before the surname is a glued title.
    # A title word may also be a first name ("Dean Heller").
    first_name = tokens[0].strip(".").lower() in GIVEN_NAME_TITLES
    return (all(is_name_token(t) or t.strip(".").lower() in PARTICLES or i == len(tokens) - 1 or (i == 0 and first_name)
                for i, t in enumerate(tokens))
            and not any(is_title_token(t) for t in tokens[int(first_name):-1]))


@dataclass
class FolderAudit:
    releases: int = 0
    metadata_only: list[str] = field(default_factory=list)
    no_issuer: list[str] = field(default_factory=list)
    titles: Counter[str] = field(default_factory=Counter)
    weak_titles: list[tuple[str, str]] = field(default_factory=list)
    speakers: Counter[str] = field(default_factory=Counter)
    skipped: Counter[str] = field(default_factory=Counter)
    skipped_examples: list[str] = field(default_factory=list)

    def report(self, examples: int) -> dict[str, Any]:
        mentions = sum(self.speakers.values()) or 1
        not_people = Counter({v: n for v, n in self.speakers.items() if not looks_like_person(v)})
        split = split_people(self.speakers)
        shared = {t: n for t, n in self.titles.most_common() if n >= SHARED_TITLE}
        return {
            "releases": self.releases,
            "no_issuer": {"count": len(self.no_issuer), "examples": self.no_issuer[:examples]},
            "shared_titles": {"count": sum(shared.values()), "examples": [[t, n] for t, n in list(shared.items())[:examples]]},
            "weak_titles": {"count": len(self.weak_titles), "examples": [list(x) for x in self.weak_titles[:examples]]},
            "speaker_mentions": sum(self.speakers.values()),
            "not_people": {"count": sum(not_people.values()), "share": round(sum(not_people.values()) / mentions, 4),
                           "examples": [[v, n] for v, n in not_people.most_common(examples)]},
            "surname_only": {"count": sum(n for v, n in self.speakers.items() if len(v.split()) == 1)},
            "split_people": {"count": sum(n for _, _, n in split), "share": round(sum(n for _, _, n in split) / mentions, 4),
                             "examples": [[v, main, n] for v, main, n in split[:examples]]},
            "metadata_only": {"count": len(self.metadata_only), "examples": self.metadata_only[:examples]},
            "skipped": {"count": sum(self.skipped.values()), "reasons": dict(self.skipped.most_common(examples)),
                        "examples": self.skipped_examples[:examples]},
        }


def split_people(speakers: Counter[str]) -> list[tuple[str, str, int]]:
    """Mentions that went to another value than their person's main one, as ``(value, main value, mentions)``:
    variants the person rule cannot merge ("Security John P. Carlin" beside "John P. Carlin")."""
    values = list(speakers)
    main_of: dict[str, str] = {}
    for group in group_people(values, [speakers[v] for v in values]):
        main = max((values[i] for i in group), key=lambda v: speakers[v])
        for i in group:
            main_of[values[i]] = main
    mains = sorted(set(main_of.values()), key=lambda v: -speakers[v])
    by_surname: dict[str, list[str]] = defaultdict(list)
    for value in mains:
        by_surname[person_key(value)[1]].append(value)
    split = []
    for value in mains:
        words = value.split()
        for cut in (1, 2):
            rest = " ".join(words[cut:])
            if len(person_key(rest)[0]) < 2:
                continue  # what is left must start with a first name ("Security John P. Carlin" → "John P. Carlin")
            other = next((m for m in by_surname.get(person_key(rest)[1], []) if m != value
                          and same_person(rest, m) and speakers[m] >= speakers[value]), None)
            if other:
                split.append((value, other, speakers[value]))
                break
    return sorted(split, key=lambda x: -x[2])


def audit(reader: IndexReader, manifest: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """Figures per folder for an index; ``manifest`` gives what was skipped."""
    sources = manifest.get("sources", {})
    sizes = subfolder_sizes(s.split("#", 1)[0] for s in sources)
    folders: dict[str, FolderAudit] = defaultdict(FolderAudit)
    for release in reader.iter_releases():
        folder = folders[folder_of(release.source.split("#", 1)[0], sizes)]
        folder.releases += 1
        if not release.paragraphs:
            folder.metadata_only.append(release.id)
        if not release.issuer:
            folder.no_issuer.append(release.id)
        folder.titles[release.title] += 1
        if is_generic(release.title) or looks_cut(release.title):
            folder.weak_titles.append((release.id, release.title))
        folder.speakers.update(s.name for s in release.speakers)
    for source, entry in sources.items():
        for skipped_source, reason in entry.get("skipped", []):
            folder = folders[folder_of(source, sizes)]
            folder.skipped[re.sub(r"\(.*", "", reason).strip()] += 1
            folder.skipped_examples.append(f"{skipped_source}: {reason}")
    return {name: folders[name] for name in sorted(folders)}  # type: ignore[return-value]


def _print(reports: dict[str, dict[str, Any]]) -> None:
    for name, r in reports.items():
        click.echo(f"\n{name}: {r['releases']:,} releases")
        rows = [("no issuer", r["no_issuer"]["count"], r["no_issuer"]["examples"]),
                ("titles shared by several releases", r["shared_titles"]["count"], r["shared_titles"]["examples"]),
                ("titles that look generic or cut", r["weak_titles"]["count"], r["weak_titles"]["examples"]),
                (f"speaker values that are not people ({r['not_people']['share']:.2%} of "
                 f"{r['speaker_mentions']:,} mentions)", r["not_people"]["count"], r["not_people"]["examples"]),
                ("speaker values that are a surname alone", r["surname_only"]["count"], []),
                (f"mentions split off a person's main value ({r['split_people']['share']:.2%})",
                 r["split_people"]["count"], r["split_people"]["examples"]),
                ("metadata only (no text)", r["metadata_only"]["count"], r["metadata_only"]["examples"]),
                ("skipped", r["skipped"]["count"], r["skipped"]["examples"])]
        for label, count, examples in rows:
            click.echo(f"  {label}: {count:,}")
            for example in examples:
                click.echo(f"      {' | '.join(str(x) for x in example) if isinstance(example, list) else example}")


@click.command("audit")
@click.option("--index", "index_path", type=click.Path(), default=None, help="Index folder (default: $ARCHIVE_INDEX or var/index).")
@click.option("--examples", type=click.IntRange(0, 100), default=5, show_default=True, help="Examples shown per figure.")
@click.option("--json", "as_json", is_flag=True, help="Print the figures as JSON.")
def audit_command(index_path: str | None, examples: int, as_json: bool) -> None:
    """Where extraction is weak on your sources: per indexed folder, releases with no issuer, shared or weak
    titles, speaker values that are not people, people split across values, skipped and metadata-only releases.

    Example: archive audit --index var/index --examples 10
    """
    home = IndexHome(index_path or default_index_path())
    try:
        reader = IndexReader(home)
    except ArchiveError as exc:
        raise click.ClickException(str(exc)) from None
    try:
        reports = {name: folder.report(examples) for name, folder in audit(reader, read_manifest(home.current())).items()}
    finally:
        reader.close()
    if as_json:
        click.echo(json.dumps(reports, ensure_ascii=False, indent=2))
    else:
        _print(reports)
