"""SIGKILL ``archive index`` at random moments and check that the archive never loses or garbles a release.

Each round starts an indexing run (incremental or ``--rebuild``) over the real corpus, kills it with SIGKILL
after a random delay (so kills land while parsing, writing, committing or swapping), then checks:
- the index opens and answers a search;
- every release it held before the run is still there and readable (no half-written record);
- no id appears twice, and every id the manifest lists resolves to exactly one document;
- the writer lock left by the killed process does not block the next run, which completes and reports.

    .venv/bin/python -m tests.stress.kill_index [--kills 20] [--index /tmp/kill-index] [--seed 1]
"""

from __future__ import annotations

import argparse
import json
import os
import random
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

from archive.search import SearchRequest, search
from archive.store import IndexHome, IndexReader
from benchmarks.common import ROOT, corpus_paths


def snapshot(home: IndexHome) -> set[str]:
    """Every id the published index holds, checked one by one: present once, readable, with a title."""
    reader = IndexReader(home)
    try:
        manifest = reader.manifest
        ids = [rid for entry in manifest["sources"].values() for rid in entry.get("ids", {})]
        assert len(ids) == len(set(ids)), "an id is listed twice in the manifest"
        searcher = reader.searcher
        for rid in ids:
            docs = list(searcher.document_numbers(id=rid))
            assert len(docs) == 1, f"{rid} is in the index {len(docs)} times"
        for rid in random.Random(len(ids)).sample(ids, min(300, len(ids))):
            release = reader.get(rid)
            assert release is not None and release.title and release.paragraphs, f"{rid} is not readable"
        assert search(reader, SearchRequest(q="justice")).total >= 0
        return set(ids)
    finally:
        reader.close()


def phase(home: IndexHome, started: float) -> str:
    """Where a run stands, read from what it has written so far."""
    current = home.current()
    newest = max(home.generations(), default=None)
    if newest is None or newest == current or newest.stat().st_mtime < started:
        return "scanning or parsing"
    names = {p.name: p.stat().st_mtime for p in newest.iterdir()}
    if names.get("manifest.json", 0) >= started:
        return "publishing"
    if names.get("facets.npz", 0) >= started:
        return "writing the manifest"
    # Whoosh writes _MAIN_0.toc when it creates an index; a commit writes the next generation's TOC.
    if any(n.endswith(".toc") and n != "_MAIN_0.toc" and t >= started for n, t in names.items()):
        return "committing"
    return "writing"


def run(args: list[str], index: Path) -> subprocess.Popen[bytes]:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    return subprocess.Popen([sys.executable, "-m", "archive.cli", "index", *args, "--index", str(index), "--json"],
                            env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, start_new_session=True)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--kills", type=int, default=20)
    parser.add_argument("--index", type=Path, default=Path("/tmp/kill-index"))
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--max-delay", type=float, default=120.0)
    args = parser.parse_args()
    rng = random.Random(args.seed)
    paths = [str(p) for p in corpus_paths()]
    shutil.rmtree(args.index, ignore_errors=True)
    home = IndexHome(args.index)
    first = run([paths[0]], args.index)  # start from one source; later runs add the others
    first.wait()
    held = snapshot(home)
    results = []
    for n in range(args.kills):
        mode = rng.choice(["incremental", "rebuild"])
        targets = paths[: rng.randint(1, len(paths))]
        started = time.time()
        proc = run(targets + (["--rebuild"] if mode == "rebuild" else []), args.index)
        delay = rng.uniform(0.5, args.max_delay)
        time.sleep(delay)
        finished = proc.poll() is not None
        where = "finished" if finished else phase(home, started)
        if not finished:
            os.killpg(proc.pid, signal.SIGKILL)
        proc.wait()
        now = snapshot(home)
        lost = held - now if mode == "incremental" or not finished else set()
        ok = not lost
        results.append({"round": n + 1, "mode": mode, "sources": len(targets), "delay_s": round(delay, 1), "phase": where,
                        "killed": not finished, "before": len(held), "after": len(now), "lost": len(lost), "ok": ok})
        print(json.dumps(results[-1]), flush=True)
        held = now if not lost else held
    final = run(paths, args.index)
    out, err = final.communicate()
    summary = json.loads(out or b"{}")
    total = snapshot(home)
    survived = sum(r["ok"] for r in results if r["killed"])
    killed = sum(r["killed"] for r in results)
    phases: dict[str, int] = {}
    for r in results:
        phases[r["phase"]] = phases.get(r["phase"], 0) + 1
    print(f"kills survived {survived}/{killed}; phases {phases}; final run exit {final.returncode}, "
          f"{summary.get('releases')} releases, {len(total)} verified")
    return 0 if survived == killed and final.returncode == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
