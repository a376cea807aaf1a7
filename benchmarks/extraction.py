"""Extraction quality against the hand-checked labels (../shared/labels/dev.json and dev-wide.json).

Indexes each labelled source folder as a user would (one folder, one path given to the indexer) into a
temporary index, exports the releases, and scores date, title and issuer accuracy, speaker precision /
recall / F1 and topic micro-F1, per source and overall for each label set, exactly as the labels' README
defines them.

    .venv/bin/python benchmarks/extraction.py [--shared ../shared] [--json out.json] [--show-errors]
"""

from __future__ import annotations

import argparse
import json
import random
import statistics
import string
import sys
import tempfile
import time
import unicodedata
from collections import defaultdict
from pathlib import Path

from archive.people import same_person
from archive.store import IndexHome, IndexReader
from indexer.build import run_index


def norm_text(value: str) -> str:
    value = unicodedata.normalize("NFKC", value or "").lower()
    value = value.translate(str.maketrans("", "", string.punctuation + "\u2019\u2018\u201c\u201d\u2013\u2014"))
    return " ".join(value.split())


def score(labels: list[dict], releases: dict[str, dict]) -> tuple[dict, list[str]]:
    stats: dict[str, dict[str, float]] = defaultdict(lambda: defaultdict(float))
    errors: list[str] = []
    for label in labels:
        release = releases.get(label["doc"])
        for group in (label["source"], "overall"):
            s = stats[group]
            s["docs"] += 1
            if release is None:
                s["missing"] += 1
                continue
            s["date"] += (release["date"] or None) == label["date"]
            s["title"] += norm_text(release["title"]) == norm_text(label["title"])
            s["issuer"] += norm_text(release["issuer"]) == norm_text(label["issuer"])
            predicted = [sp["name"] for sp in release["speakers"]]
            gold = [sp["name"] for sp in label["speakers"]]
            allowed = gold + [sp["name"] for sp in label.get("optional_speakers", [])]
            s["sp_pred"] += len(predicted)
            s["sp_correct"] += sum(any(same_person(p, a) for a in allowed) for p in predicted)
            s["sp_gold"] += len(gold)
            s["sp_found"] += sum(any(same_person(p, g) for p in predicted) for g in gold)
            pt, gt = set(release["topics"]), set(label["topics"])
            s["tp_tp"] += len(pt & gt)
            s["tp_pred"] += len(pt)
            s["tp_gold"] += len(gt)
        if release is None:
            errors.append(f"{label['doc']}: not indexed")
            continue
        if (release["date"] or None) != label["date"]:
            errors.append(f"DATE {label['doc']}: {release['date']!r} != {label['date']!r}")
        if norm_text(release["title"]) != norm_text(label["title"]):
            errors.append(f"TITLE {label['doc']}: {release['title']!r} != {label['title']!r}")
        if norm_text(release["issuer"]) != norm_text(label["issuer"]):
            errors.append(f"ISSUER {label['doc']}: {release['issuer']!r} != {label['issuer']!r}")
        predicted = [sp["name"] for sp in release["speakers"]]
        allowed = [sp["name"] for sp in label["speakers"] + label.get("optional_speakers", [])]
        wrong = [p for p in predicted if not any(same_person(p, a) for a in allowed)]
        missed = [g["name"] for g in label["speakers"] if not any(same_person(p, g["name"]) for p in predicted)]
        if wrong or missed:
            errors.append(f"SPEAKERS {label['doc']}: extra {wrong} missed {missed}")
        if set(release["topics"]) != set(label["topics"]):
            errors.append(f"TOPICS {label['doc']}: {release['topics']} != {label['topics']}")
    table = {}
    for group, s in stats.items():
        n = max(s["docs"], 1)
        p = s["sp_correct"] / s["sp_pred"] if s["sp_pred"] else 1.0
        r = s["sp_found"] / s["sp_gold"] if s["sp_gold"] else 1.0
        tp_p = s["tp_tp"] / s["tp_pred"] if s["tp_pred"] else 0.0
        tp_r = s["tp_tp"] / s["tp_gold"] if s["tp_gold"] else 0.0
        table[group] = {
            "docs": int(s["docs"]), "missing": int(s["missing"]),
            "date": s["date"] / n, "title": s["title"] / n, "issuer": s["issuer"] / n,
            "speaker_precision": p, "speaker_recall": r, "speaker_f1": 2 * p * r / (p + r) if p + r else 0.0,
            "topic_f1": 2 * tp_p * tp_r / (tp_p + tp_r) if tp_p + tp_r else 0.0,
        }
    return table, errors


def label_key(release: dict) -> list[str]:
    """The label ``doc`` names this release may go by."""
    source = release["source"].split("samples/", 1)[-1]
    keys = [source]
    if "congress-press" in source and release.get("url"):
        keys.append(f"congress-press#url={release['url']}")
    return keys


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--shared", type=Path, default=Path(__file__).resolve().parents[1].parent / "shared")
    parser.add_argument("--json", type=Path, help="Write the scores as JSON here.")
    parser.add_argument("--show-errors", action="store_true", help="List every mismatch.")
    parser.add_argument("--extra", type=Path, nargs=2, metavar=("LABELS", "CORPUS"),
                        help="Also score a label file of your own (same format) whose docs are paths under CORPUS, "
                             "e.g. held-out labels of ../shared/corpus wide-unlabelled releases.")
    parser.add_argument("--full", type=Path, nargs=2, metavar=("INDEX", "CORPUS"),
                        help="Also print the audit's figures for a full-corpus index (per source: speaker values that "
                             "are not people, mentions split off a person's value, releases with no issuer) and how "
                             "often DOJ and Congress titles and dates match the sources' own metadata.")
    parser.add_argument("--cost", type=Path, metavar="CORPUS",
                        help="Also time parsing against extraction per release on 200 random files of each source "
                             "folder under CORPUS (the unpacked corpus, e.g. .corpus-cache).")
    args = parser.parse_args()
    results: dict[str, dict] = {}
    sets = [(name, args.shared / "labels" / f"{name}.json", args.shared / "corpus" / folder) for name, folder in LABEL_SETS]
    if args.extra:
        sets.append((args.extra[0].stem, args.extra[0], args.extra[1]))
    for name, label_file, folder in sets:
        labels = json.loads(label_file.read_text(encoding="utf-8"))
        if folder.name not in ("samples", "samples-wide"):
            folder = copy_labelled(labels, folder, Path(tempfile.mkdtemp()))
        by_key, elapsed = index_samples(folder)
        for label in labels:
            if "#url=" in label["doc"]:
                label["doc"] = "congress-press#url=" + label["doc"].split("#url=", 1)[1]
        table, errors = score(labels, by_key)
        results[name] = table
        print(f"\n{name}.json ({len(labels)} labels; {len(by_key)} sample keys indexed in {elapsed:.1f} s)")
        print_table(table)
        if args.show_errors:
            print("\n".join(errors))
    if args.cost:
        print(f"\n{'per release':<20}{'parse ms':>12}{'extract ms':>12}")
        for folder in sorted(p for p in args.cost.iterdir() if p.is_dir()):
            parse_ms, extract_ms = cost(folder)
            print(f"{folder.name:<20}{parse_ms:>12.2f}{extract_ms:>12.2f}")
    if args.full:
        results["full"] = full_corpus(*args.full)
    if args.json:
        args.json.write_text(json.dumps(results, indent=2), encoding="utf-8")
    return 0


def full_corpus(index: Path, corpus: Path) -> dict:
    """The audit's figures per source of a full-corpus index, and title/date agreement with the metadata DOJ
    pages (``h1#node-title``, ``dc:date``) and Congress records (``title``, ``date``) carry themselves."""
    from bs4 import BeautifulSoup

    from archive.store import read_manifest
    from indexer.audit import audit

    home = IndexHome(index)
    reader = IndexReader(home)
    try:
        reports = {name: folder.report(3) for name, folder in audit(reader, read_manifest(home.current())).items()}
        agree: dict[str, list[int]] = defaultdict(lambda: [0, 0, 0])
        for release in reader.iter_releases():
            source = release.source
            if source.startswith("doj-opa-html/"):
                soup = BeautifulSoup((corpus / source).read_bytes(), "lxml")
                h1, stamp = soup.find("h1", id="node-title"), soup.find(attrs={"property": "dc:date"})
                title = h1.get_text(" ", strip=True) if h1 else ""
                date = str(stamp.get("content", ""))[:10] if stamp else ""
            elif source.startswith("congress-press/") and "#L" in source:
                path, line = source.rsplit("#L", 1)
                with open(corpus / path, encoding="utf-8") as fh:
                    record = json.loads(next(x for i, x in enumerate(fh, 1) if i == int(line)))
                title, date = record.get("title") or "", (record.get("date") or "")[:10]
            else:
                continue
            row = agree[source.split("/", 1)[0]]
            row[0] += 1
            row[1] += norm_text(title) == norm_text(release.title)
            row[2] += bool(date) and release.date == date
    finally:
        reader.close()
    print(f"\n{'folder':<36}{'releases':>9}{'not people':>11}{'split':>8}{'no issuer':>10}{'shared titles':>14}")
    for name, r in reports.items():
        print(f"{name:<36}{r['releases']:>9,}{r['not_people']['share']:>11.2%}{r['split_people']['share']:>8.2%}"
              f"{r['no_issuer']['count']:>10,}{r['shared_titles']['count']:>14,}")
    # The bars are per source (the top folder): the folders under one source summed.
    sources: dict[str, list[int]] = defaultdict(lambda: [0, 0, 0, 0])
    for name, r in reports.items():
        row = sources[name.split("/", 1)[0]]
        row[0] += r["releases"]
        row[1] += r["speaker_mentions"]
        row[2] += r["not_people"]["count"]
        row[3] += r["split_people"]["count"]
    for source, (n, mentions, not_people, split) in sources.items():
        print(f"{source} (all its folders): {n:,} releases, {mentions:,} speaker mentions, not people "
              f"{not_people / max(1, mentions):.2%}, split {split / max(1, mentions):.2%}")
    for source, (n, titles, dates) in agree.items():
        print(f"{source}: title matches its metadata {titles / n:.3f}, date {dates / n:.3f} ({n:,} releases)")
    return {"audit": reports, "sources": {s: dict(zip(("releases", "mentions", "not_people", "split"), row, strict=True))
                                          for s, row in sources.items()}, "metadata": {s: {"releases": n, "title": t / n, "date": d / n} for s, (n, t, d) in agree.items()}}


LABEL_SETS = (("dev", "samples"), ("dev-wide", "samples-wide"))
COLUMNS = ["docs", "date", "title", "issuer", "speaker_precision", "speaker_recall", "speaker_f1", "topic_f1"]


def copy_labelled(labels: list[dict], corpus: Path, dest: Path) -> Path:
    """The labelled files of ``corpus`` alone, in their folders, so that they are indexed as their source's
    folder would be (a temporary copy: the corpus itself is read-only)."""
    for label in labels:
        target = dest / label["doc"]
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes((corpus / label["doc"]).read_bytes())
    return dest


def index_samples(samples: Path) -> tuple[dict[str, dict], float]:
    """Every release of each source folder under ``samples``, each folder indexed as its own root (as a user
    indexes a folder of one source), keyed by the label ``doc`` names it may go by."""
    folders = sorted(p for p in samples.iterdir() if p.is_dir())
    with tempfile.TemporaryDirectory() as tmp:
        home = IndexHome(Path(tmp) / "index")
        started = time.perf_counter()
        summary = run_index(folders, home, rebuild=True)
        for source, reason in summary.skipped:
            print(f"skipped {source}: {reason}", file=sys.stderr)
        elapsed = time.perf_counter() - started
        reader = IndexReader(home)
        by_key: dict[str, dict] = {}
        for release in reader.iter_releases():
            data = release.to_dict()
            for key in label_key(data):
                by_key[key] = data
        reader.close()
    return by_key, elapsed


def print_table(table: dict[str, dict]) -> None:
    print(f"{'source':<24}" + "".join(f"{c.replace('speaker_', 'sp_'):>10}" for c in COLUMNS))
    for group in sorted(table, key=lambda g: (g == "overall", g)):
        row = table[group]
        print(f"{group:<24}" + "".join(f"{row[c]:>10.3f}" if isinstance(row[c], float) else f"{row[c]:>10}"
                                       for c in COLUMNS))


def cost(folder: Path, files: int = 200) -> tuple[float, float]:
    """Median milliseconds per release of parsing (reading the file into drafts) and of extraction
    (dates, dateline, issuer, speakers, topics: ``build_release``), on the same random files."""
    from indexer.pipeline import build_release
    from indexer.sources import SkipFile, parse_file
    from indexer.sources.jsonfile import load_mapping

    paths = sorted(p for p in folder.rglob("*") if p.is_file())
    parse, extract = [], []
    for path in random.Random(1).sample(paths, min(files, len(paths))):
        started = time.perf_counter()
        drafts = [d for d in parse_file(path, path.name, load_mapping(None)) if not isinstance(d, SkipFile)]
        if not drafts:
            continue
        parse.append((time.perf_counter() - started) * 1000 / len(drafts))
        started = time.perf_counter()
        for draft in drafts:
            try:
                build_release(draft)
            except SkipFile:
                pass
        extract.append((time.perf_counter() - started) * 1000 / len(drafts))
    return statistics.median(parse), statistics.median(extract)


if __name__ == "__main__":
    sys.exit(main())
