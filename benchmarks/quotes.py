"""The quote finder against misquotes, beside exact-phrase search, in one run on one index.

Draws quoted sentences (a speaker's quote as extraction found it) and paragraph passages at random from the
index, perturbs each at graded levels — exact; case and punctuation; 10–20 % of the words dropped; two words
replaced by a synonym or a typo; clauses swapped; cut to the middle 12 words — and adds passages that are not in
the archive (releases of ``wide-unlabelled``, parsed but never indexed). For each: is the right release **and**
paragraph in the first answer (the first group: one text and its copies), and did the not-in-archive passages
get "no match". Exact-phrase search (``"…"`` in the search box: its first 12 words, release only) is timed and
scored beside it on the same passages.

    nice -n 10 .venv/bin/python -m benchmarks.quotes --index /tmp/quotes-full [--passages 1000] [--outside 300]
"""

from __future__ import annotations

import argparse
import json
import random
import re
import statistics
import sys
import time
from pathlib import Path
from typing import Any

import numpy as np

from archive import quotes as quotes_module
from archive.alignment import words_of
from archive.limits import MAX_QUOTE_CANDIDATES
from archive.matching import clear_cache
from archive.quotes import find_quote
from archive.search import SearchRequest, search
from archive.store import IndexHome, IndexReader, Snapshot
from benchmarks.common import CACHE, save

LEVELS = ("exact", "case-punctuation", "words-dropped", "two-words-replaced", "clauses-reordered", "middle-12-words")
OUTSIDE = CACHE / "wide-unlabelled"  # ../shared/corpus/unpack .corpus-cache wide-unlabelled
MIN_WORDS, MAX_WORDS = 12, 60
# A small thesaurus of press-release words: a misquote swaps a word for one that means the same.
SYNONYMS = {
    "said": "stated", "important": "significant", "help": "assist", "people": "individuals", "today": "now",
    "new": "novel", "big": "large", "large": "big", "many": "numerous", "work": "labor", "working": "laboring",
    "continue": "keep", "ensure": "make sure", "support": "back", "protect": "safeguard", "community": "neighborhood",
    "communities": "neighborhoods", "critical": "crucial", "proud": "pleased", "pleased": "proud", "country": "nation",
    "nation": "country", "americans": "citizens", "families": "households", "children": "kids", "also": "too",
    "believe": "think", "think": "believe", "provide": "give", "provides": "gives", "government": "administration",
    "committed": "dedicated", "dedicated": "committed", "significant": "important", "major": "key", "key": "major",
    "company": "firm", "customers": "clients", "business": "company", "businesses": "companies", "safe": "secure",
    "first": "initial", "need": "require", "needs": "requires", "must": "have to", "will": "shall", "can": "may",
    "always": "forever", "every": "each", "crime": "offense", "crimes": "offenses", "fraud": "deception",
    "strong": "robust", "great": "wonderful", "excited": "thrilled", "announce": "share", "today's": "this day's",
    "efforts": "work", "victims": "casualties", "justice": "fairness", "law": "statute", "federal": "national",
}
_CLAUSE = re.compile(r",\s+|;\s+|\s+(?=(?:and|but|because|which|while|so)\s)")


def draw(snap: Snapshot, count: int, rng: random.Random) -> list[dict[str, Any]]:
    """``count`` passages of 12–60 words: half a speaker's quote found in a paragraph, half a paragraph
    (a stretch of one, when long), each from a different release picked at random."""
    drawn: list[dict[str, Any]] = []
    docs = list(range(snap.tables.size))
    rng.shuffle(docs)
    present = snap.tables.live | (snap.tables.leader != np.arange(snap.tables.size))
    for doc in docs:
        if len(drawn) >= count:
            break
        if not present[doc]:
            continue
        release = snap.release_at(doc)
        picked = _quote(release, rng) if len(drawn) % 2 == 0 else None
        picked = picked or _stretch(release, rng)
        if picked:
            n, text, kind = picked
            drawn.append({"id": release.id, "paragraph": n, "text": text, "kind": kind,
                          "original": release.paragraphs[n - 1]})
    return drawn


def _quote(release: Any, rng: random.Random) -> tuple[int, str, str] | None:
    quotes = [q.strip().strip('"\u201c\u201d') for s in release.speakers for q in s.quotes]
    rng.shuffle(quotes)
    for quote in quotes:
        if not MIN_WORDS <= len(quote.split()) <= MAX_WORDS:
            continue
        folded = " ".join(words_of(quote).words)
        for n, paragraph in enumerate(release.paragraphs, start=1):
            if folded and folded in " ".join(words_of(paragraph).words):
                return n, quote, "quote"
    return None


def _stretch(release: Any, rng: random.Random) -> tuple[int, str, str] | None:
    usable = [(n, p) for n, p in enumerate(release.paragraphs, start=1) if len(p.split()) >= MIN_WORDS]
    if not usable:
        return None
    n, paragraph = rng.choice(usable)
    words = paragraph.split()
    if len(words) <= MAX_WORDS:
        return n, paragraph, "paragraph"
    size = rng.randint(20, MAX_WORDS)
    start = rng.randint(0, len(words) - size)
    return n, " ".join(words[start:start + size]), "paragraph"


def perturb(text: str, level: str, rng: random.Random) -> str:
    words = text.split()
    if level == "exact":
        return text
    if level == "case-punctuation":
        out = text.lower() if rng.random() < 0.5 else text.upper()
        out = out.replace("\u201c", '"').replace("\u201d", '"').replace("\u2019", "'")
        out = re.sub(r"[,;:]", "", out) if rng.random() < 0.5 else re.sub(r"\.\s", ", ", out)
        return f"\u201c{out.strip(chr(34))}\u201d"
    if level == "words-dropped":
        drop = max(1, round(len(words) * rng.uniform(0.10, 0.20)))
        gone = set(rng.sample(range(len(words)), drop))
        return " ".join(w for i, w in enumerate(words) if i not in gone)
    if level == "two-words-replaced":
        slots = [i for i, w in enumerate(words) if len(re.sub(r"\W", "", w)) >= 4]
        for i in rng.sample(slots, min(2, len(slots))):
            words[i] = _replaced(words[i], rng)
        return " ".join(words)
    if level == "clauses-reordered":
        cuts = [m.start() for m in _CLAUSE.finditer(text) if len(text) * 0.2 < m.start() < len(text) * 0.8]
        if cuts:
            at = min(cuts, key=lambda c: abs(c - len(text) / 2))
            first, second = text[:at], _CLAUSE.sub("", text[at:], count=1)
        else:
            half = len(words) // 2
            first, second = " ".join(words[:half]), " ".join(words[half:])
        return f"{second.rstrip('.')}, {first[:1].lower()}{first[1:]}"
    if level == "middle-12-words":
        start = max(0, (len(words) - 12) // 2)
        return " ".join(words[start:start + 12])
    raise ValueError(level)


def _replaced(word: str, rng: random.Random) -> str:
    core = re.sub(r"\W", "", word).lower()
    if core in SYNONYMS and rng.random() < 0.6:
        return word.lower().replace(core, SYNONYMS[core])
    letters = list(word)
    i = rng.randrange(1, max(2, len(letters) - 1))
    if rng.random() < 0.5 and i + 1 < len(letters):
        letters[i], letters[i + 1] = letters[i + 1], letters[i]  # two letters swapped
    else:
        del letters[i]  # a letter dropped
    return "".join(letters)


def outside_passages(count: int, rng: random.Random) -> list[str]:
    """Passages of releases never indexed: ``wide-unlabelled``, parsed with the indexer's own readers."""
    from indexer.pipeline import build_release
    from indexer.sources import parse_file
    from indexer.sources.base import Draft

    files = sorted(p for p in OUTSIDE.rglob("*") if p.suffix.lower() in (".html", ".htm", ".md", ".txt"))
    rng.shuffle(files)
    passages: list[str] = []
    for path in files:
        if len(passages) >= count:
            break
        try:
            drafts = parse_file(path, str(path.relative_to(OUTSIDE)), {})
        except Exception:  # noqa: BLE001 - a file the indexer would skip
            continue
        for draft in drafts:
            if not isinstance(draft, Draft):
                continue
            try:
                release = build_release(draft)
            except Exception:  # noqa: BLE001
                continue
            picked = _stretch(release, rng)
            if picked:
                passages.append(picked[1])
            break
    return passages


def is_right(result: Any, item: dict[str, Any]) -> tuple[bool, bool]:
    """(the right release and paragraph are in the first group; or a paragraph there holds the original passage
    word for word — the same text on another release, or twice in one)."""
    if not result.groups:
        return False, False
    group = result.groups[0]
    strict = any(m.release_id == item["id"] and m.paragraph == item["paragraph"] for m in group.matches)
    wanted = " ".join(words_of(item["text"]).words)
    copy = any(wanted in " ".join(words_of(m.text).words) for m in group.matches)
    return strict, strict or copy


def phrase_search(snap: Snapshot, text: str, item_id: str | None) -> tuple[bool, bool, float]:
    """Exact-phrase search as the search box runs it: (right release first, anything found, ms)."""
    clear_cache()
    query = '"' + text.replace('"', " ").replace("\u201c", " ").replace("\u201d", " ") + '"'
    started = time.perf_counter()
    result = search(snap, SearchRequest(q=query, page_size=1, passages=False), seconds=None)
    took = (time.perf_counter() - started) * 1000
    top = result.hits[0] if result.hits else None
    right = bool(top and item_id and (top.id == item_id or item_id in top.copies))
    return right, bool(result.total), took


def repeated(snap: Snapshot, text: str) -> bool:
    """Whether the passage's first 12 words stand word for word in more releases than the finder compares."""
    query = '"' + " ".join(text.replace('"', " ").split()[:12]) + '"'
    found = search(snap, SearchRequest(q=query, page_size=1, passages=False), seconds=None).total
    return found > MAX_QUOTE_CANDIDATES


class Phases:
    """Where one ``find_quote`` call's time goes: the candidate look-up (``_candidates``: grows with the index),
    loading the candidates (``Snapshot.release_at``) and aligning their paragraphs (``_match``), timed by
    wrapping those three for the length of the call."""

    def __init__(self, snap: Snapshot) -> None:
        self.snap = snap
        self.ms: dict[str, float] = {"lookup": 0.0, "load": 0.0, "align": 0.0}

    def _timed(self, function: Any, phase: str) -> Any:
        def timed(*args: Any, **kwargs: Any) -> Any:
            started = time.perf_counter()
            try:
                return function(*args, **kwargs)
            finally:
                self.ms[phase] += (time.perf_counter() - started) * 1000
        return timed

    def __enter__(self) -> Phases:
        self._saved = quotes_module._candidates, quotes_module._match
        quotes_module._candidates = self._timed(quotes_module._candidates, "lookup")
        quotes_module._match = self._timed(quotes_module._match, "align")
        self.snap.release_at = self._timed(self.snap.release_at, "load")  # type: ignore[method-assign]
        return self

    def __exit__(self, *exc: object) -> None:
        quotes_module._candidates, quotes_module._match = self._saved
        del self.snap.release_at

    @staticmethod
    def summary(all_ms: list[float], phases: list[dict[str, float]]) -> dict[str, Any]:
        """Mean ms of each phase over all passages and over the slowest 5 %."""
        slowest = sorted(range(len(all_ms)), key=lambda i: -all_ms[i])[:max(1, len(all_ms) // 20)]
        return {group: {phase: round(statistics.mean(phases[i][phase] for i in chosen), 1) for phase in phases[0]}
                for group, chosen in (("all", range(len(phases))), ("slowest_5_percent", slowest))} if phases else {}


def percentile(values: list[float], p: float) -> float:
    values = sorted(values)
    return round(values[min(len(values) - 1, int(p * len(values)))], 1) if values else 0.0


def run(snap: Snapshot, passages: int, outside: int, seed: int, verbose: bool, baseline: bool = True,
        items_file: Path | None = None) -> dict[str, Any]:
    rng = random.Random(seed)
    if items_file and items_file.exists():
        items = json.loads(items_file.read_text(encoding="utf-8"))[:passages]
    else:
        items = draw(snap, passages, rng)
        if items_file:
            items_file.write_text(json.dumps(items), encoding="utf-8")
    # Text repeated on more releases than the finder compares (wire disclaimers, a department's standard
    # paragraph): its answer lists the earliest copies and counts the rest, so the drawn release may be uncounted.
    for item in items:
        item["repeated"] = repeated(snap, item["text"])
    report: dict[str, Any] = {"releases": snap.tables.size, "passages": len(items), "levels": {},
                              "repeated_passages": sum(i["repeated"] for i in items)}
    all_ms: list[float] = []
    phases: list[dict[str, float]] = []  # per passage, in the order of all_ms
    for level in LEVELS:
        right = copies = base_right = unique_right = 0
        times, base_times, misses = [], [], []
        level_rng = random.Random(f"{seed}-{level}")
        for item in items:
            text = perturb(item["text"], level, level_rng)
            with Phases(snap) as phase:
                started = time.perf_counter()
                result = find_quote(snap, text, seconds=None)
                times.append((time.perf_counter() - started) * 1000)
            phases.append(phase.ms)
            strict, copy = is_right(result, item)
            right += strict
            copies += copy
            unique_right += strict and not item["repeated"]
            if not copy and len(misses) < 5:
                misses.append({"id": item["id"], "paragraph": item["paragraph"], "passage": text,
                               "got": [(m.release_id, m.paragraph, m.score) for m in
                                       (result.groups[0].matches[:2] if result.groups else [])]})
            if baseline:
                ok, _any, took = phrase_search(snap, text, item["id"])
                base_right += ok
                base_times.append(took)
        all_ms += times
        n = len(items)
        report["levels"][level] = {
            "right_release_and_paragraph": round(100 * right / n, 1),
            "or_a_copy_of_the_paragraph": round(100 * copies / n, 1),
            "right_when_not_repeated": round(100 * unique_right / max(1, n - report["repeated_passages"]), 1),
            "p50_ms": percentile(times, 0.5), "p95_ms": percentile(times, 0.95),
            "phrase_search_right_release": round(100 * base_right / n, 1),
            "phrase_search_p50_ms": percentile(base_times, 0.5), "phrase_search_p95_ms": percentile(base_times, 0.95),
            "misses": misses,
        }
        print(f"{level:20s} quote finder {100 * right / n:5.1f} % (copy-aware {100 * copies / n:5.1f} %, "
              f"text on <= {MAX_QUOTE_CANDIDATES} releases {report['levels'][level]['right_when_not_repeated']:5.1f} %) "
              f"p50 {percentile(times, .5):6.1f} p95 {percentile(times, .95):6.1f} ms | phrase search "
              f"{100 * base_right / n:5.1f} % p50 {percentile(base_times, .5):6.1f} p95 {percentile(base_times, .95):6.1f} ms",
              flush=True)
        if verbose:
            for miss in misses:
                print("   miss:", json.dumps(miss, ensure_ascii=False)[:400])
    texts = outside_passages(outside, random.Random(seed + 1))
    false_matches, base_false, times = [], 0, []
    for text in texts:
        with Phases(snap) as phase:
            started = time.perf_counter()
            result = find_quote(snap, text, seconds=None)
            times.append((time.perf_counter() - started) * 1000)
        phases.append(phase.ms)
        if result.groups:
            m = result.groups[0].first
            false_matches.append({"passage": text, "release": m.release_id, "score": m.score, "quote": m.quote})
        if baseline:
            _ok, found, _took = phrase_search(snap, text, None)
            base_false += found
    all_ms += times
    report["not_in_archive"] = {
        "passages": len(texts), "no_match": round(100 * (1 - len(false_matches) / max(1, len(texts))), 1),
        "phrase_search_no_match": round(100 * (1 - base_false / max(1, len(texts))), 1),
        "p50_ms": percentile(times, 0.5), "p95_ms": percentile(times, 0.95), "false_matches": false_matches[:20],
    }
    print(f"not in archive       no match {report['not_in_archive']['no_match']} % of {len(texts)} "
          f"(phrase search {report['not_in_archive']['phrase_search_no_match']} %)", flush=True)
    for fm in false_matches[:10]:
        print("   false match:", json.dumps(fm, ensure_ascii=False)[:400])
    perturbed = [report["levels"][lv]["right_release_and_paragraph"] for lv in LEVELS[1:]]
    unique = [report["levels"][lv]["right_when_not_repeated"] for lv in LEVELS[1:]]
    copy_aware = [report["levels"][lv]["or_a_copy_of_the_paragraph"] for lv in LEVELS[1:]]
    report["summary"] = {
        "exact": report["levels"]["exact"]["right_release_and_paragraph"],
        "perturbed_mean": round(statistics.mean(perturbed), 1), "worst_level": min(perturbed),
        "repeated_passages": report["repeated_passages"],
        "exact_not_repeated": report["levels"]["exact"]["right_when_not_repeated"],
        "perturbed_mean_not_repeated": round(statistics.mean(unique), 1), "worst_level_not_repeated": min(unique),
        "exact_copy_aware": report["levels"]["exact"]["or_a_copy_of_the_paragraph"],
        "perturbed_mean_copy_aware": round(statistics.mean(copy_aware), 1), "worst_level_copy_aware": min(copy_aware),
        "not_in_archive_no_match": report["not_in_archive"]["no_match"],
        "p50_ms": percentile(all_ms, 0.5), "p95_ms": percentile(all_ms, 0.95),
        "phases_ms": Phases.summary(all_ms, phases),
    }
    print("summary:", json.dumps(report["summary"]))
    return report


def compare_minhash(snap: Snapshot, size: int, passages: int, seed: int) -> dict[str, Any]:
    """Candidate retrieval two ways on a sub-archive of ``size`` releases: the passage's rarest words through the
    index (what the finder does), or a MinHash LSH Ensemble (``datasketch``, containment of word pairs) over every
    paragraph. Recall = the source release among the candidates the finder would compare."""
    from datasketch import MinHash, MinHashLSHEnsemble

    from archive.alignment import folded_words
    from archive.limits import MAX_QUOTE_CANDIDATES, NO_DEADLINE
    from archive.quotes import _candidates

    def pairs(words: list[str]) -> set[bytes]:
        return {f"{a} {b}".encode() for a, b in zip(words, words[1:], strict=False)} or {w.encode() for w in words}

    rng = random.Random(seed)
    items = draw(snap, passages, rng)
    ids = {item["id"] for item in items}
    present = np.flatnonzero(snap.tables.live | (snap.tables.leader != np.arange(snap.tables.size)))
    chosen = {int(d) for d in rng.sample(list(present), min(size, len(present)))}
    chosen |= {snap.document_number(i) for i in ids}
    started = time.perf_counter()
    entries, sets = [], []
    for doc in sorted(chosen):
        for n, paragraph in enumerate(snap.release_at(doc).paragraphs, start=1):
            words = folded_words(paragraph)
            if len(words) >= 5:
                entries.append((doc, n))
                sets.append(pairs(words))
    hashes = MinHash.bulk(sets, num_perm=128)
    ensemble = MinHashLSHEnsemble(threshold=0.5, num_perm=128, num_part=16)
    ensemble.index((key, h, len(s)) for key, h, s in zip(entries, hashes, sets, strict=True))
    build_s = time.perf_counter() - started
    import pickle

    index_mib = len(pickle.dumps(ensemble)) / 2**20
    subset = np.zeros(snap.tables.size, dtype=bool)
    subset[list(chosen)] = True
    report: dict[str, Any] = {"releases": len(chosen), "paragraphs": len(entries), "build_s": round(build_s, 1),
                              "index_mib": round(index_mib, 1), "levels": {}}
    for level in LEVELS:
        level_rng = random.Random(f"{seed}-{level}")
        found = {"minhash": 0, "rare-words": 0}
        times: dict[str, list[float]] = {"minhash": [], "rare-words": []}
        sizes = []
        for item in items:
            text = perturb(item["text"], level, level_rng)
            doc = snap.document_number(item["id"])
            t = time.perf_counter()
            words = folded_words(text)
            query = MinHash(num_perm=128)
            shingles = pairs(words)
            query.update_batch(list(shingles))
            hits = {d for d, _n in ensemble.query(query, len(shingles))}
            times["minhash"].append((time.perf_counter() - t) * 1000)
            found["minhash"] += doc in hits
            sizes.append(len(hits))
            t = time.perf_counter()
            docs, _mass = _candidates(snap, text, NO_DEADLINE)
            docs = docs[subset[docs]][:MAX_QUOTE_CANDIDATES]
            times["rare-words"].append((time.perf_counter() - t) * 1000)
            found["rare-words"] += doc in set(docs.tolist())
        report["levels"][level] = {
            way: {"recall": round(100 * found[way] / len(items), 1), "p50_ms": percentile(times[way], 0.5),
                  "p95_ms": percentile(times[way], 0.95)} for way in found}
        report["levels"][level]["minhash"]["median_candidates"] = int(statistics.median(sizes)) if sizes else 0
        print(f"{level:20s} recall: MinHash {report['levels'][level]['minhash']['recall']:5.1f} % "
              f"(median {report['levels'][level]['minhash']['median_candidates']} candidates, "
              f"p95 {report['levels'][level]['minhash']['p95_ms']} ms) | rare words "
              f"{report['levels'][level]['rare-words']['recall']:5.1f} % (p95 {report['levels'][level]['rare-words']['p95_ms']} ms)",
              flush=True)
    print(f"MinHash LSH Ensemble over {len(entries):,} paragraphs of {len(chosen):,} releases: built in {build_s:.1f} s, "
          f"{index_mib:.1f} MiB pickled")
    return report


def speaker_pages(index: Path, per_source: int, screenshots: bool) -> dict[str, Any]:
    """The speaker table's build time, and the page of the ``per_source`` most quoted people of each source
    (the first folder of their releases' paths) rendered through the app: median and p95 of 3 renders each, for
    people with 100+ releases apart. With ``screenshots``, each page in Chromium to test-artifacts/speakers/."""
    from archive.speakers import SpeakerTable, person_docs
    from web import create_app

    app = create_app({"INDEX_PATH": str(index)})
    client = app.test_client()
    reader = app.extensions["archive_reader"]
    with reader.snapshot() as snap:
        started = time.perf_counter()
        table = SpeakerTable.build(snap.searcher.reader(), snap.tables, snap.lock)
        build_s = time.perf_counter() - started
        if SpeakerTable.load(snap.path) is None:  # an index written before speaker pages: as a commit would now
            table.save(snap.path)
        by_source: dict[str, list[tuple[int, Any, int]]] = {}
        for person in sorted(table.people, key=lambda p: -p.quotes)[:2000]:
            docs = person_docs(snap, person)
            if not len(docs):
                continue
            source = snap.release_at(int(docs[0])).source.split("/", 1)[0]
            picked = by_source.setdefault(source, [])
            if len(picked) < per_source:
                picked.append((person.quotes, person, len(docs)))
    client.get("/speakers")  # the table is read once per generation, as a server would
    rows, big, times = [], [], []
    for source, people in sorted(by_source.items()):
        for quotes, person, releases in people:
            took = []
            for _ in range(3):
                t = time.perf_counter()
                response = client.get(f"/speakers/{person.slug}")
                took.append((time.perf_counter() - t) * 1000)
                assert response.status_code == 200, person.slug
            ms = statistics.median(took)
            times.append(ms)
            if releases >= 100:
                big.append(ms)
            rows.append({"source": source, "slug": person.slug, "name": person.shown, "releases": releases,
                         "quotes": quotes, "titles": len(person.titles), "median_ms": round(ms, 1)})
            print(f"{source:20s} {person.shown[:34]:34s} {releases:5d} releases {quotes:5d} quotes {ms:7.1f} ms",
                  flush=True)
    report = {"table_build_s": round(build_s, 1), "people": len(table.people), "pages": rows,
              "p50_ms": percentile(times, 0.5), "p95_ms": percentile(times, 0.95),
              "hundred_plus": {"pages": len(big), "p50_ms": percentile(big, 0.5), "p95_ms": percentile(big, 0.95),
                               "max_ms": round(max(big), 1) if big else 0.0}}
    print(json.dumps({k: v for k, v in report.items() if k != "pages"}))
    if screenshots:
        _screenshots(app, [r["slug"] for r in rows])
    return report


def _screenshots(app: Any, slugs: list[str]) -> None:
    import shutil
    import threading

    from playwright.sync_api import sync_playwright
    from waitress.server import create_server

    out = Path(__file__).resolve().parents[1] / "test-artifacts" / "speakers"
    out.mkdir(parents=True, exist_ok=True)
    server = create_server(app, host="127.0.0.1", port=0, threads=4)
    threading.Thread(target=server.run, daemon=True).start()
    base = f"http://127.0.0.1:{server.effective_port}"
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=shutil.which("chromium"), args=["--no-sandbox", "--disable-gpu"])
        page = browser.new_page(viewport={"width": 1280, "height": 1000})
        for slug in slugs:
            page.goto(f"{base}/speakers/{slug}")
            page.screenshot(path=str(out / f"{slug}.png"))
        browser.close()
    server.close()
    print(f"{len(slugs)} screenshots in {out}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--index", required=True, type=Path)
    parser.add_argument("--passages", type=int, default=1000)
    parser.add_argument("--outside", type=int, default=300)
    parser.add_argument("--seed", type=int, default=17)
    parser.add_argument("--verbose", action="store_true")
    parser.add_argument("--skip-baseline", action="store_true", help="Leave exact-phrase search out (for tuning)")
    parser.add_argument("--items", type=Path, default=None, metavar="FILE",
                        help="Passages drawn once and kept here; later runs (a bigger index holding the same first "
                             "releases) use the same ones")
    parser.add_argument("--minhash", type=int, default=0, metavar="RELEASES",
                        help="Instead: compare candidate retrieval with a MinHash LSH Ensemble over this many releases "
                             "(needs `pip install datasketch`)")
    parser.add_argument("--speaker-pages", type=int, default=0, metavar="PEOPLE",
                        help="Instead: time the pages of this many most quoted people of each source")
    parser.add_argument("--screenshots", action="store_true", help="with --speaker-pages: screenshots of them")
    args = parser.parse_args()
    if args.speaker_pages:
        print("saved", save("quotes-speakers", speaker_pages(args.index, args.speaker_pages, args.screenshots)))
        return
    if args.minhash:
        reader = IndexReader(IndexHome(args.index))
        with reader.snapshot() as snap:
            report = compare_minhash(snap, args.minhash, args.passages, args.seed)
        reader.close()
        print("saved", save("quotes-minhash", report))
        return
    if not OUTSIDE.is_dir():
        sys.exit(f"{OUTSIDE} is absent: the not-in-archive passages come from there")
    reader = IndexReader(IndexHome(args.index))
    with reader.snapshot() as snap:
        report = run(snap, args.passages, args.outside, args.seed, args.verbose, not args.skip_baseline, args.items)
    reader.close()
    print("saved", save("quotes", report))


if __name__ == "__main__":
    main()
