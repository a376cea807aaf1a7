"""HTML: our reader beside trafilatura and htmldate (issue 14, item 8) — on the labels, page by page, and in cost.

1. Fields, on every labelled HTML release (``dev.json``, ``dev-wide.json`` and the held-out ``wide-extra.json``),
   scored with the rules of ``benchmarks/extraction.py`` (titles and issuers compared after ``norm_text``, dates
   exact, empty = null): title (ours vs trafilatura's), date (our ``best_date`` vs ``htmldate.find_date`` with
   ``original_date=True``, extensive search on and off, vs trafilatura's), issuer (ours vs trafilatura's
   ``sitename``). Ours is the real pipeline: each source folder indexed as a user would index it (folder
   profiles and all), then read back from the index.
2. Main text: no body is labelled, so each page's paragraphs are aligned word by word with trafilatura's text:
   the share of our characters trafilatura also has (precision) and of its characters we have (recall), and the
   longest runs only one side has, on the labelled pages and on random DOJ pages.
3. Cost per page, side by side in one run (the tools take turns per page, the first one rotating): ours
   (``parse_file`` + ``build_release``), trafilatura (``bare_extraction`` with metadata, default and ``fast``),
   htmldate (``find_date``, extensive search on and off); medians and ratios to ours.

    nice -n 10 .venv/bin/python -m benchmarks.html_libraries --cache .corpus-cache [--pages 200]

Needs the ``bench`` extra (``pip install -e '.[bench]'``). Writes ``benchmarks/results/html_libraries.json``.
"""

from __future__ import annotations

import argparse
import json
import random
import statistics
import sys
import tempfile
import time
from collections import defaultdict
from collections.abc import Callable
from importlib.metadata import version
from pathlib import Path
from typing import Any

from archive.store import IndexHome, IndexReader
from benchmarks.common import CACHE, ROOT, SHARED, save
from benchmarks.extraction import copy_labelled, label_key, norm_text
from indexer.build import run_index
from indexer.extract.dates import best_date
from indexer.pipeline import build_release
from indexer.sources import SkipFile, parse_file
from indexer.sources.reading import decode, read_bytes
from indexer.sources.registry import kind_of

try:
    import trafilatura
    from htmldate import find_date
except ImportError:  # pragma: no cover - the bench extra is optional
    sys.exit("needs the bench extra: .venv/bin/pip install -e '.[bench]' (trafilatura, htmldate)")

ROWS = (("title", "ours"), ("title", "trafilatura"),
        ("date", "ours"), ("date", "htmldate extensive"), ("date", "htmldate plain"), ("date", "trafilatura"),
        ("date (month)", "ours"), ("date (month)", "htmldate extensive"), ("date (month)", "htmldate plain"),
        ("date (month)", "trafilatura"),
        ("issuer", "ours"), ("issuer", "trafilatura sitename"))


# --- the tools, each from the file's bytes (reading and decoding included, as ours includes them) ----------------

def _html(path: Path) -> str:
    return decode(read_bytes(path))


def run_ours(path: Path) -> tuple[list[Any], float, float]:
    """Our releases of one page, with the milliseconds spent parsing and extracting (no folder profile: the
    profile only chooses among candidates the parse already found, at no cost per page)."""
    started = time.perf_counter()
    try:
        drafts = [d for d in parse_file(path, path.name, {}) if not isinstance(d, SkipFile)]
    except SkipFile:
        drafts = []
    parsed = time.perf_counter()
    releases = []
    for draft in drafts:
        try:
            releases.append(build_release(draft))
        except SkipFile:
            pass
    return releases, (parsed - started) * 1000, (time.perf_counter() - parsed) * 1000


def run_trafilatura(path: Path, fast: bool = False) -> dict[str, str]:
    doc = trafilatura.bare_extraction(_html(path), with_metadata=True, fast=fast)
    if doc is None:
        return {"title": "", "date": "", "sitename": "", "text": ""}
    return {"title": doc.title or "", "date": doc.date or "", "sitename": doc.sitename or "", "text": doc.text or ""}


def run_htmldate(path: Path, extensive: bool) -> str:
    return find_date(_html(path), original_date=True, extensive_search=extensive) or ""


# --- 1. fields on the labels --------------------------------------------------------------------------------------

def label_sets(shared: Path, extra: tuple[Path, Path] | None) -> list[tuple[str, list[dict], Path]]:
    """(set name, its HTML labels, the corpus folder its docs are paths in)."""
    sets = [("dev", shared / "labels" / "dev.json", shared / "corpus" / "samples"),
            ("dev-wide", shared / "labels" / "dev-wide.json", shared / "corpus" / "samples-wide")]
    if extra:
        sets.append((extra[0].stem, extra[0], extra[1]))
    out = []
    for name, label_file, corpus in sets:
        labels = json.loads(label_file.read_text(encoding="utf-8"))
        out.append((name, [lb for lb in labels if kind_of(Path(lb["doc"])) in ("html", "htm")], corpus))
    return out


def indexed_releases(labels: list[dict], corpus: Path, workdir: Path) -> dict[str, dict]:
    """Our releases of the labelled sources, each source folder indexed as its own root (as ``extraction.py``
    does: whole sample folders; held-out labels copied out of the corpus, their folders alone)."""
    if corpus.name not in ("samples", "samples-wide"):
        corpus = copy_labelled(labels, corpus, workdir / "copy")
    folders = sorted({corpus / lb["doc"].split("/", 1)[0] for lb in labels})
    home = IndexHome(workdir / "index")
    run_index(folders, home, rebuild=True, jobs=1)
    reader = IndexReader(home)
    by_key = {key: r.to_dict() for r in reader.iter_releases() for key in label_key(r.to_dict())}
    reader.close()
    return by_key


def labelled_pages(sets: list[tuple[str, list[dict], Path]]) -> list[dict]:
    """One record per labelled page: the label, every tool's guess per field, and both main texts."""
    pages = []
    for name, labels, corpus in sets:
        with tempfile.TemporaryDirectory() as tmp:
            releases = indexed_releases(labels, corpus, Path(tmp))
            for label in labels:
                path = corpus / label["doc"]  # the labelled file itself (the index may have read a copy)
                ours = releases.get(label["doc"]) or {"title": "", "date": "", "issuer": "", "paragraphs": []}
                evidence = _date_evidence(path, label["doc"])
                traf = run_trafilatura(path)
                dates = {"ours": ours["date"], "htmldate extensive": run_htmldate(path, True),
                         "htmldate plain": run_htmldate(path, False), "trafilatura": traf["date"]}
                pages.append({
                    "set": name, "path": path, "source": label["source"], "doc": label["doc"],
                    "group": f"{name}/{label['source']}",
                    "label": {"title": label["title"], "date": label["date"], "issuer": label["issuer"]},
                    "guess": {"title": {"ours": ours["title"], "trafilatura": traf["title"]},
                              "date": dates, "date (month)": dates,
                              "issuer": {"ours": ours["issuer"], "trafilatura sitename": traf["sitename"]}},
                    "our_date_from": evidence, "indexed": label["doc"] in releases,
                    "body": overlap("\n".join([ours.get("subtitle", ""), *ours["paragraphs"]]), traf["text"],
                                    ours["title"]),
                })
    return pages


def _date_evidence(path: Path, doc: str) -> str:
    """Where our date came from (``metadata``, ``dateline``, ``path``): a date from the sample's file name is
    not one the page states."""
    try:
        drafts = [d for d in parse_file(path, doc, {}) if not isinstance(d, SkipFile)]
    except SkipFile:
        return ""
    return best_date(drafts[0].meta_date, drafts[0].paragraphs, doc)[1] if drafts else ""


def right(field: str, guess: str, label: str | None) -> bool:
    if field == "date":
        return (guess or None) == label
    if field == "date (month)":  # the month right, whatever the precision (htmldate always gives a day)
        return (guess or "")[:7] == (label or "")[:7]
    return norm_text(guess) == norm_text(label or "")


def field_scores(pages: list[dict]) -> dict[str, dict[str, float]]:
    """Accuracy per (field, tool) row and per group (set/source, held-out sources, all)."""
    hits: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    counts: dict[str, int] = defaultdict(int)
    for page in pages:
        groups = (page["group"], "all")
        for group in groups:
            counts[group] += 1
        for field, tool in ROWS:
            ok = right(field, page["guess"][field][tool], page["label"][field.split()[0]])
            for group in groups:
                hits[f"{field} | {tool}"][group] += ok
    return {row: {g: hits[row][g] / counts[g] for g in counts} | {"docs": dict(counts)} for row in hits}


# --- 2. main text -------------------------------------------------------------------------------------------------

def overlap(ours: str, theirs: str, title: str = "") -> dict[str, Any]:
    """Our text beside trafilatura's, word by word: the share of our characters it also has (precision of ours
    against it), of its characters we have (recall), and the longest runs only one side has. A word counts as
    shared when a run of ``SHINGLE`` words around it stands in the other text too, wherever: a block the two
    put in different places (a quote box, a contact block) is not counted as missing. Our ``title`` is not
    body text, but a headline trafilatura keeps in its text is one we have."""
    a, b = norm_text(ours).split(), norm_text(theirs).split()
    covered_a, covered_b = _covered(a, [b]), _covered(b, [a, norm_text(title).split()])
    chars_a, chars_b = sum(map(len, a)), sum(map(len, b))
    shared_a = sum(len(w) for w, c in zip(a, covered_a, strict=True) if c)
    shared_b = sum(len(w) for w, c in zip(b, covered_b, strict=True) if c)
    return {"precision": shared_a / chars_a if chars_a else float(not chars_b),
            "recall": shared_b / chars_b if chars_b else 1.0,
            "words_ours": len(a), "words_trafilatura": len(b),
            "paragraphs_ours": _lines(ours), "paragraphs_trafilatura": _lines(theirs),
            "only_ours": _longest(a, covered_a), "only_trafilatura": _longest(b, covered_b)}


SHINGLE = 8


def _lines(text: str) -> int:
    return sum(1 for line in text.splitlines() if line.strip(" |"))


def _covered(words: list[str], others: list[list[str]]) -> list[bool]:
    """Which of ``words`` stand in a run of ``SHINGLE`` words (fewer when a text is shorter) of one of ``others``."""
    covered = [False] * len(words)
    for other in others:
        n = min(SHINGLE, len(words), len(other))
        if not n:
            continue
        grams = {tuple(other[i:i + n]) for i in range(len(other) - n + 1)}
        for i in range(len(words) - n + 1):
            if tuple(words[i:i + n]) in grams:
                covered[i:i + n] = [True] * n
    return covered


def _longest(words: list[str], covered: list[bool], keep: int = 3) -> list[str]:
    """The longest runs of words the other text lacks, in page order."""
    runs, start = [], None
    for i, c in enumerate([*covered, True]):
        if not c and start is None:
            start = i
        elif c and start is not None:
            runs.append((start, words[start:i]))
            start = None
    runs = sorted(sorted((r for r in runs if len(r[1]) >= 3), key=lambda r: len(r[1]), reverse=True)[:keep])
    runs = [r for _, r in runs]
    return [f"({len(r)} words) " + " ".join(r)[:220] for r in runs]


def body_summary(rows: list[dict]) -> dict[str, dict[str, float]]:
    by_group: dict[str, list[dict]] = defaultdict(list)
    for row in rows:
        by_group[row["group"]].append(row["body"])
    out = {}
    for group, bodies in sorted(by_group.items()):
        out[group] = {"pages": len(bodies),
                      "precision median": statistics.median(b["precision"] for b in bodies),
                      "recall median": statistics.median(b["recall"] for b in bodies),
                      "paragraphs median, ours": statistics.median(b["paragraphs_ours"] for b in bodies),
                      "paragraphs median, trafilatura": statistics.median(b["paragraphs_trafilatura"] for b in bodies),
                      "pages < 0.8 either way": sum(min(b["precision"], b["recall"]) < 0.8 for b in bodies),
                      "ours empty": sum(b["words_ours"] == 0 for b in bodies),
                      "trafilatura empty": sum(b["words_trafilatura"] == 0 for b in bodies)}
    return out


# --- 3. cost ------------------------------------------------------------------------------------------------------

def cost_pages(cache: Path, labelled: list[dict], pages: int, seed: int) -> list[tuple[str, Path]]:
    """Random DOJ pages of the corpus, and every labelled page of the wide HTML sources."""
    chosen = [("doj-opa-html (random)", p) for p in random_pages(cache / "doj-opa-html", pages, seed)]
    return chosen + [(f"{p['source']} (labelled)", p["path"]) for p in labelled if p["source"] != "doj-opa-html"]


def random_pages(folder: Path, count: int, seed: int) -> list[Path]:
    pages = sorted(p for p in folder.rglob("*.htm*") if p.is_file()) if folder.is_dir() else []
    return random.Random(seed).sample(pages, min(count, len(pages)))


def skipped_pages(paths: list[Path]) -> dict[str, Any]:
    """The pages our reader finds no release text on, and what trafilatura finds there: the case a body
    fallback would serve."""
    found = []
    for path in paths:
        releases, _, _ = run_ours(path)
        if releases:
            continue
        try:
            text = run_trafilatura(path)["text"]
        except SkipFile as exc:  # unreadable for everyone (empty, too large)
            text = f"[unreadable: {exc}]"
        found.append({"doc": str(path), "trafilatura_words": len(text.split()), "trafilatura_text": text[:300]})
    return {"pages": len(paths), "ours_no_text": len(found),
            "trafilatura_has_text": sum(f["trafilatura_words"] > 20 for f in found), "examples": found}


def measure_cost(targets: list[tuple[str, Path]]) -> tuple[dict[str, dict[str, float]], list[dict]]:
    """Milliseconds per page of each tool, the tools taking turns on each page (the first one rotating), so a
    noisy neighbour slows them alike. Also aligns the main texts of the pages no label covers."""
    times: dict[str, dict[str, list[float]]] = defaultdict(lambda: defaultdict(list))
    bodies, out = [], {}

    def ours(path: Path) -> None:
        releases, parse_ms, extract_ms = run_ours(path)
        out["ours"] = "\n".join(p for r in releases for p in [r.subtitle, *r.paragraphs])
        out["title"] = " ".join(r.title for r in releases)
        out["ours: parse"], out["ours: extract"] = parse_ms, extract_ms

    def traf(path: Path) -> None:
        out["trafilatura"] = run_trafilatura(path)["text"]

    tools: dict[str, Callable[[Path], Any]] = {
        "ours": ours, "trafilatura": traf, "trafilatura fast": lambda p: run_trafilatura(p, fast=True),
        "htmldate extensive": lambda p: run_htmldate(p, True), "htmldate plain": lambda p: run_htmldate(p, False)}
    names = list(tools)
    for _, path in targets[:3]:  # warm caches and lazy imports once, untimed
        for name in names:
            tools[name](path)
    for n, (group, path) in enumerate(targets):
        for name in names[n % len(names):] + names[:n % len(names)]:
            started = time.perf_counter()
            tools[name](path)
            times[group][name].append((time.perf_counter() - started) * 1000)
        for part in ("ours: parse", "ours: extract"):
            times[group][part].append(out[part])
        if "random" in group:
            bodies.append({"group": group, "doc": str(path), "body": overlap(out["ours"], out["trafilatura"], out["title"])})
    medians = {}
    for group in list(times) + ["all"]:
        series = times[group] if group != "all" else {
            name: [t for g in times.values() for t in g[name]] for name in names + ["ours: parse", "ours: extract"]}
        row = {name: statistics.median(series[name]) for name in series}
        row |= {f"{name} / ours": row[name] / row["ours"] for name in names if name != "ours"}
        medians[group] = {"pages": len(series["ours"]), **row}
    return medians, bodies


# --- report -------------------------------------------------------------------------------------------------------

def print_fields(scores: dict[str, dict[str, float]]) -> None:
    groups = sorted(g for g in next(iter(scores.values()))["docs"] if g != "all") + ["all"]
    docs = next(iter(scores.values()))["docs"]
    print(f"{'field | tool':<36}" + "".join(f"{g.split('/')[-1][:16]:>17}" for g in groups))
    print(f"{'(set, pages)':<36}" + "".join(f"{g.split('/')[0][:10] + ', ' + str(docs[g]):>17}" for g in groups))
    for row, values in scores.items():
        print(f"{row:<36}" + "".join(f"{values[g]:>17.2f}" for g in groups))


def print_bodies(summary: dict[str, dict[str, float]], worst: list[dict]) -> None:
    print(f"\n{'main text vs trafilatura':<36}{'pages':>6}{'P med':>8}{'R med':>8}{'<0.8':>6}{'ours 0':>8}{'traf 0':>8}"
          f"{'paras ours':>12}{'paras traf':>12}")
    for group, s in summary.items():
        print(f"{group:<36}{s['pages']:>6}{s['precision median']:>8.3f}{s['recall median']:>8.3f}"
              f"{s['pages < 0.8 either way']:>6}{s['ours empty']:>8}{s['trafilatura empty']:>8}"
              f"{s['paragraphs median, ours']:>12}{s['paragraphs median, trafilatura']:>12}")
    print("\npages where the two main texts differ most (P = share of ours trafilatura has, R = of its, ours has):")
    for row in worst:
        b = row["body"]
        print(f"- {row['doc']}: P {b['precision']:.2f} R {b['recall']:.2f} "
              f"({b['words_ours']} vs {b['words_trafilatura']} words)")
        for side in ("only_ours", "only_trafilatura"):
            for run in b[side]:
                print(f"    {side}: {run}")


def print_cost(medians: dict[str, dict[str, float]]) -> None:
    names = ["ours", "ours: parse", "ours: extract", "trafilatura", "trafilatura fast", "htmldate extensive",
             "htmldate plain"]
    print(f"\n{'cost, median ms per page':<34}{'pages':>6}" + "".join(f"{n.replace('htmldate ', 'hd ')[:13]:>14}"
                                                                   for n in names))
    for group, row in medians.items():
        print(f"{group:<34}{row['pages']:>6}" + "".join(f"{row[n]:>14.2f}" for n in names))
        print(f"{'  ratio to ours':<40}" + "".join(f"{row[n + ' / ours']:>14.2f}" if n + " / ours" in row else " " * 14
                                                  for n in names))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--shared", type=Path, default=SHARED)
    parser.add_argument("--cache", type=Path, default=CACHE, help="The unpacked corpus (.corpus-cache).")
    parser.add_argument("--extra", type=Path, nargs=2, metavar=("LABELS", "CORPUS"),
                        help="Held-out labels and the corpus their docs are paths in (default: ../labels/"
                             "wide-extra.json and CACHE/wide-unlabelled, when both exist).")
    parser.add_argument("--pages", type=int, default=200, help="Random DOJ pages to time (default 200).")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--worst", type=int, default=5, help="How many most-different pages to list.")
    parser.add_argument("--skips", type=int, default=0, metavar="N",
                        help="Also look for pages our reader finds no text on, among every HTML page of "
                             "CACHE/wide-unlabelled and N random DOJ pages, and at what trafilatura finds there.")
    args = parser.parse_args()
    extra = args.extra
    if extra is None and (ROOT.parent / "labels" / "wide-extra.json").is_file() and (args.cache / "wide-unlabelled").is_dir():
        extra = (ROOT.parent / "labels" / "wide-extra.json", args.cache / "wide-unlabelled")
    sets = label_sets(args.shared, extra)
    pages = labelled_pages(sets)
    scores = field_scores(pages)
    print_fields(scores)
    from_path = [p["doc"] for p in pages if p["our_date_from"] == "path"]
    print(f"\nour dates read from the file's path (not the page): {len(from_path)} of {len(pages)}")
    medians, doj_bodies = measure_cost(cost_pages(args.cache, pages, args.pages, args.seed))
    rows = [{"group": p["source"] + " (labelled)", "doc": p["doc"], "body": p["body"]} for p in pages] + doj_bodies
    summary = body_summary(rows)
    worst = sorted(rows, key=lambda r: min(r["body"]["precision"], r["body"]["recall"]))[:args.worst]
    print_bodies(summary, worst)
    print_cost(medians)
    skips = None
    if args.skips:
        wide = sorted(p for p in (args.cache / "wide-unlabelled").rglob("*.htm*") if p.is_file())
        skips = skipped_pages(wide + random_pages(args.cache / "doj-opa-html", args.skips, args.seed + 1))
        print(f"\nno release text found by ours: {skips['ours_no_text']} of {skips['pages']} pages; "
              f"trafilatura finds over 20 words on {skips['trafilatura_has_text']} of them")
        for found in skips["examples"]:
            print(f"- {found['doc']}: trafilatura {found['trafilatura_words']} words {found['trafilatura_text'][:100]!r}")
    for page in pages:
        page["path"] = str(page["path"])
    out = save("html_libraries", {
        "versions": {name: version(name) for name in ("trafilatura", "htmldate", "lxml")},
        "fields": scores, "our_dates_from_path": from_path, "body": summary, "worst_bodies": worst,
        "cost_ms": medians, "skips": skips, "pages": pages, "doj_bodies": doj_bodies})
    print(f"\nwrote {out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
