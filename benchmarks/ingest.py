"""Full ingest of the real corpus, end to end, beside two baselines on the same records in the same run.

1. end to end: ``run_index`` over the unpacked corpus (read, parse, extract on all cores, one writer, commit);
2. raw Whoosh: the same records and schema written by one plain Whoosh writer, no parsing at all;
3. tantivy (PyPI ``tantivy``, a benchmark-only extra): the same records, one indexing thread.

The ratio end-to-end / raw Whoosh says how well parsing and extraction hide behind the writer (target ≥ 0.8).

    .venv/bin/python -m benchmarks.ingest [--skip-tantivy]

With ``--base-code`` (another checkout: ``git archive <rev> | tar -x -C /tmp/base-code``), the end-to-end ingest
of this checkout and of that one run side by side instead, each a fresh index in a process of its own, in
alternating order for ``--rounds`` rounds, on the corpus or ``--subset`` files of it: the medians and the ratio
of their rates say whether extraction got slower.

    nice -n 5 .venv/bin/python -m benchmarks.ingest --base-code /tmp/base-code --subset 3000 --rounds 3
"""

from __future__ import annotations

import argparse
import gc
import json
import shutil
import statistics
import tempfile
import time
from pathlib import Path

from whoosh import index as whoosh_index

from archive.model import Release
from archive.schema import build_schema, to_document
from archive.store import IndexHome, IndexReader
from benchmarks.common import TreeMemory, corpus_paths, folder_size_mib, save
from indexer.build import run_index


def end_to_end(paths: list[Path], workdir: Path) -> tuple[dict, list[dict]]:
    home = IndexHome(workdir / "e2e")
    started = time.perf_counter()
    with TreeMemory() as memory:
        summary = run_index(paths, home, rebuild=True)
    seconds = time.perf_counter() - started
    reader = IndexReader(home)
    records = [r.to_dict() for r in reader.iter_releases()]
    reader.close()
    return {"releases": summary.releases, "seconds": round(seconds, 1), "rate": round(summary.releases / seconds, 1),
            "skipped": len(summary.skipped), "index_mib": folder_size_mib(home.path),
            "peak_rss_mib": memory.peak_mib}, records


def raw_whoosh(records: list[dict], workdir: Path) -> dict:
    gen = workdir / "raw"
    gen.mkdir()
    releases = [Release.from_dict(r) for r in records]
    started = time.perf_counter()
    # A plain Whoosh writer (one segment, the pool spilling past 256 MB): no workers, tables or manifest.
    writer = whoosh_index.create_in(str(gen), build_schema()).writer(limitmb=256)
    for release in releases:
        writer.add_document(**to_document(release))
    writer.commit()
    seconds = time.perf_counter() - started
    return {"releases": len(releases), "seconds": round(seconds, 1), "rate": round(len(releases) / seconds, 1),
            "index_mib": folder_size_mib(gen)}


def tantivy_baseline(records: list[dict], workdir: Path) -> dict:
    import tantivy

    builder = tantivy.SchemaBuilder()
    builder.add_text_field("id", stored=True, tokenizer_name="raw")
    builder.add_text_field("title", stored=False, tokenizer_name="en_stem")
    builder.add_text_field("text", stored=False, tokenizer_name="en_stem")
    for facet in ("speaker", "topic", "issuer", "tag", "wire"):
        builder.add_text_field(facet, stored=False, tokenizer_name="raw")
    builder.add_integer_field("day", fast=True, indexed=True)
    builder.add_bytes_field("record", stored=True)
    schema = builder.build()
    path = workdir / "tantivy"
    path.mkdir()
    index = tantivy.Index(schema, path=str(path))
    started = time.perf_counter()
    writer = index.writer(heap_size=256 * 2**20, num_threads=1)
    for r in records:
        doc = tantivy.Document()
        doc.add_text("id", r["id"])
        doc.add_text("title", r["title"])
        doc.add_text("text", "\n\n".join(r["paragraphs"]))
        for s in r["speakers"]:
            doc.add_text("speaker", s["name"])
        for t in r["topics"]:
            doc.add_text("topic", t)
        doc.add_text("issuer", r["issuer"])
        for t in r["tags"]:
            doc.add_text("tag", t)
        doc.add_text("wire", r["wire"])
        doc.add_integer("day", int(r["date"].replace("-", "").ljust(8, "0")) if r["date"] else 0)
        doc.add_bytes("record", json.dumps(r).encode())
        writer.add_document(doc)
    writer.commit()
    writer.wait_merging_threads()
    seconds = time.perf_counter() - started
    return {"releases": len(records), "seconds": round(seconds, 1), "rate": round(len(records) / seconds, 1),
            "index_mib": folder_size_mib(path)}


def side_by_side(base_code: Path, subset: int | None, rounds: int) -> dict:
    """Fresh ingests by this checkout and by ``base_code`` in turn (the order alternates), on the same files."""
    from benchmarks.common import ROOT
    from benchmarks.versions import index_run, subset_copy

    work = Path(tempfile.mkdtemp(prefix="ingest-side-"))
    try:
        roots = subset_copy(corpus_paths(), work / "corpus", subset)
        runs: dict[str, list[dict]] = {"ours": [], "base": []}
        for n in range(rounds):
            order = [("ours", ROOT), ("base", base_code)]
            for side, code in order if n % 2 == 0 else order[::-1]:
                index = work / f"{side}-{n}"
                run = index_run(code, index, roots)
                runs[side].append(run)
                print(f"round {n + 1} {side:4s} {run['releases']:,} releases in {run['wall']:.1f} s", flush=True)
                shutil.rmtree(index, ignore_errors=True)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    medians = {side: statistics.median(r["wall"] for r in rs) for side, rs in runs.items()}
    releases = {side: rs[0]["releases"] for side, rs in runs.items()}
    rates = {side: releases[side] / medians[side] for side in runs}
    per_round = [round((b["wall"] / b["releases"]) / (o["wall"] / o["releases"]), 3)
                 for o, b in zip(runs["ours"], runs["base"], strict=True)]
    return {"files": subset, "rounds": rounds, "releases": releases,
            "median_seconds": {k: round(v, 1) for k, v in medians.items()},
            "rate": {k: round(v, 1) for k, v in rates.items()},
            "ours_rate_over_base": round(rates["ours"] / rates["base"], 3), "per_round_ratio": per_round}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--skip-tantivy", action="store_true")
    parser.add_argument("--workdir", type=Path, default=None, help="Scratch folder (default: a temporary one).")
    parser.add_argument("--base-code", type=Path, help="Another checkout: compare end-to-end ingest side by side.")
    parser.add_argument("--subset", type=int, default=None, help="With --base-code: this many files of the corpus.")
    parser.add_argument("--rounds", type=int, default=3, help="With --base-code: runs of each side.")
    args = parser.parse_args()
    if args.base_code:
        report = side_by_side(args.base_code.resolve(), args.subset, args.rounds)
        print(json.dumps(report, indent=2))
        print(f"saved {save('ingest-side-by-side', report)}")
        return 0
    paths = corpus_paths()
    workdir = args.workdir or Path(tempfile.mkdtemp(prefix="ingest-bench-"))
    try:
        e2e, records = end_to_end(paths, workdir)
        gc.collect()
        raw = raw_whoosh(records, workdir)
        tv = None if args.skip_tantivy else tantivy_baseline(records, workdir)
    finally:
        if args.workdir is None:
            shutil.rmtree(workdir, ignore_errors=True)
    report = {"end_to_end": e2e, "raw_whoosh": raw, "tantivy": tv,
              "ratio_e2e_to_raw_whoosh": round(e2e["rate"] / raw["rate"], 2),
              "ratio_tantivy_to_e2e": round(tv["rate"] / e2e["rate"], 1) if tv else None}
    print(f"{'':<14}{'releases':>10}{'seconds':>10}{'per s':>10}{'index MiB':>11}")
    for name, row in (("end to end", e2e), ("raw Whoosh", raw), ("tantivy 1 thr", tv)):
        if row:
            print(f"{name:<14}{row['releases']:>10,}{row['seconds']:>10}{row['rate']:>10}{row['index_mib']:>11}")
    print(f"end-to-end / raw Whoosh = {report['ratio_e2e_to_raw_whoosh']}; peak memory (indexer + workers) {e2e['peak_rss_mib']} MiB; "
          f"{e2e['skipped']} skipped")
    print(f"saved {save('ingest', report)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
