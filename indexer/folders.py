"""Folder profiles at index time: which files make a folder, a sample of them read, what the user stated.

A folder is the indexed root, or each folder right under it (``releases/<source>/…``): where users keep one
site's or one organisation's releases together. A profile is computed from up to ``SAMPLE`` files spread
over the folder and reused while those files are unchanged; when it changes, the folder's files are parsed
again, so every release of a folder is read with the same profile.
"""

from __future__ import annotations

import hashlib
import heapq
import tomllib
from collections import defaultdict
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from indexer.extract.folder import FolderProfile, build_profile
from indexer.sources import SkipFile
from indexer.sources.base import Draft
from indexer.sources.jsonfile import CONFIG_NAME, load_mapping
from indexer.sources.reading import open_inside, read_whole
from indexer.sources.registry import parse_data

SAMPLE = 40  # files read per folder to learn its profile
GROUP_MIN = 20  # a subfolder with fewer files joins its root's folder
SAMPLE_SECONDS = 2  # of CPU time to read one sampled file
MAX_SAMPLE_BYTES = 2 * 1024 * 1024  # a bigger file (a large export) is not read for the sample


def folder_of(source: str, sizes: dict[str, int] | None = None) -> str:
    """The folder a source belongs to: the root's subfolder that holds it when that holds ``GROUP_MIN`` files
    or more (``sizes``: files per subfolder), else the root."""
    parts = source.split("/")
    if len(parts) > 2 and (sizes is None or sizes.get("/".join(parts[:2]), 0) >= GROUP_MIN):
        return "/".join(parts[:2])
    return parts[0]


def subfolder_sizes(sources: Iterable[str]) -> dict[str, int]:
    sizes: dict[str, int] = defaultdict(int)
    for source in sources:
        parts = source.split("/")
        if len(parts) > 2:
            sizes["/".join(parts[:2])] += 1
    return sizes


def stated_issuer(directory: Path, stop: Path) -> str:
    """``issuer`` set in the nearest ``press-archive.toml`` from ``directory`` up to ``stop``."""
    for folder in (directory, *directory.parents):
        config = folder / CONFIG_NAME
        if config.is_file() and not config.is_symlink():
            try:
                data = tomllib.loads(config.read_text(encoding="utf-8"))
            except (tomllib.TOMLDecodeError, UnicodeDecodeError, OSError) as exc:
                raise ValueError(f"{config}: not valid TOML: {exc}") from None
            value = data.get("issuer", data.get("defaults", {}).get("issuer", ""))
            if not isinstance(value, str):
                raise ValueError(f"{config}: `issuer` must be a string")
            if value.strip():
                return value.strip()
        if folder == stop or stop not in folder.parents:
            break
    return ""


def profiles(files: Iterable[Any], known: dict[str, Any]) -> tuple[dict[str, FolderProfile], dict[str, Any]]:
    """The profile of every source among ``files`` (``SourceFile``s), and what to keep in the manifest.

    ``known`` is the manifest's record from the last run: a folder whose sampled files are unchanged keeps
    its profile without reading anything.
    """
    files = list(files)
    sizes = subfolder_sizes(f.source for f in files)
    groups: dict[str, list[Any]] = defaultdict(list)
    for f in files:
        groups[folder_of(f.source, sizes)].append(f)
    found: dict[str, FolderProfile] = {}
    record: dict[str, Any] = {}
    for key, members in groups.items():
        members.sort(key=lambda f: f.source)
        sample = sorted(heapq.nsmallest(SAMPLE, members, key=_sample_rank), key=lambda f: f.source)
        first = members[0]
        directory = first.root / key
        issuer = stated_issuer(directory if directory.is_dir() else first.path.parent, Path(first.top))
        signature = hashlib.sha1(repr([(f.source, f.size, f.mtime_ns) for f in sample] + [issuer]).encode(
            "utf-8", "surrogateescape")).hexdigest()
        old = known.get(key)
        if old and old.get("signature") == signature:
            profile = FolderProfile(frozenset(old["chrome"]), old["issuer"], old["stated_issuer"], tuple(old["aliases"]),
                                    tuple((slug, name) for slug, name in old.get("wires", [])))
        else:
            profile = build_profile(list(_drafts(sample)), issuer)
        for f in members:
            found[f.source] = profile
        record[key] = {"signature": signature, "chrome": sorted(profile.chrome_titles), "issuer": profile.issuer,
                       "stated_issuer": profile.stated_issuer, "aliases": list(profile.aliases),
                       "wires": [list(pair) for pair in profile.wires]}
    return found, record


def _sample_rank(f: Any) -> bytes:
    """A file's place in its folder's sample: a hash of its name, so that the sample is spread over the folder
    and stays the same when other files come and go (taking every n-th file, one deletion moved the whole
    sample, changed the profile and re-read the folder: 12,646 DOJ releases for 0.2 % of the corpus deleted)."""
    return hashlib.sha1(f.source.encode("utf-8", "surrogateescape")).digest()


def _drafts(sample: list[Any]) -> Iterable[Draft]:
    """Drafts of the sampled files, read the way workers read them (inside the root, never through a link
    out of it) and each under a CPU budget: a hostile file costs the sample nothing but its budget."""
    from indexer.parse import _Clock, _TooSlow  # the workers' clock

    for f in sample:
        if f.size > MAX_SAMPLE_BYTES:
            continue
        clock = _Clock(SAMPLE_SECONDS)
        try:
            clock.arm(SAMPLE_SECONDS)
            with open_inside(str(f.top), f.rel) as fh:
                items = parse_data(read_whole(fh, f.rel).data, f.rel, f.source, load_mapping(None))
        except (_TooSlow, SkipFile, ValueError, RecursionError, OSError):
            continue
        except Exception:  # a file the workers will report on; the sample does without it
            continue
        finally:
            clock.stop()
        yield from [d for d in items if isinstance(d, Draft)][:5]
