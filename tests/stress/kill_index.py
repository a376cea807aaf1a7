"""SIGKILL ``archive index`` at chosen phases and check that the archive never loses or garbles a release.

Each round starts an indexing run over the real corpus plus a small "churn" folder that the round edits (every
churn release gets a new version, new churn releases appear, one churn file is deleted — its release is
withdrawn — and the one deleted the round before comes back), and kills it with SIGKILL:

- ``random`` rounds after a random delay — on a ``--rebuild`` of 1–3 sources these land in parsing and writing;
- phase rounds poll what the run has written and kill it as soon as it reaches ``committing`` (Whoosh commit
  and facet tables), ``writing the manifest`` or ``publishing`` (manifest on disk, ``CURRENT`` not yet swapped),
  plus a random jitter of up to ``--jitter`` seconds, so the kills land inside those short windows.

After each kill it checks:
- the index opens and answers a search;
- every release it held before the run is still there, current or withdrawn, present once and readable (no
  half-written record) — a rebuild of fewer sources withdraws the others' releases, it never drops them;
- every earlier version it held is still there once, readable, and marked superseded; no stray version;
- the ledger and the index agree (each current id and each withdrawn id has one entry, withdrawn ones are
  marked so and listed in no file);
- the churn releases are all of one round — all before or all after the run (a consistent subset, never a mix),
  and each churn release's versions are of strictly increasing rounds (no version repeated or mixed);
- the killed run's lock does not block the next run, which completes and reports.

    .venv/bin/python -m tests.stress.kill_index [--rounds 24] [--index /tmp/kill-index] [--seed 1]
        [--sources ../shared/corpus/samples]   (a smaller corpus than the full one: shorter rounds)
"""

from __future__ import annotations

import argparse
import json
import os
import random
import re
import shutil
import signal
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path

from archive.facets import SUPERSEDED_CODE, WITHDRAWN_CODE
from archive.search import SearchRequest, search
from archive.store import IndexHome, IndexReader
from archive.versions import version_doc_id
from benchmarks.common import ROOT, corpus_paths

PHASES = ("committing", "writing the manifest", "publishing")
_VERSION = re.compile(r"churn version (\d+)")


def _one_doc(reader, key: str, code: int | None = None):  # type: ignore[no-untyped-def]
    docs = list(reader.searcher.document_numbers(id=key))
    assert len(docs) == 1, f"{key} is in the index {len(docs)} times"
    if code is not None:
        assert reader.tables.status[docs[0]] == code, f"{key} has status {reader.tables.status[docs[0]]}, not {code}"
    release = reader.get(key)
    assert release is not None and (release.title or release.paragraphs), f"{key} is not readable"
    return release


def versions_of(reader) -> tuple[set[str], set[str]]:  # type: ignore[no-untyped-def]
    """The withdrawn ids and the keys of earlier versions, each checked against the index."""
    ledger = reader.ledger
    current = {rid for entry in reader.manifest["sources"].values() for rid in entry.get("ids", {})}
    missing = current - set(ledger.releases)
    assert not missing, f"{len(missing)} current releases have no history, e.g. {sorted(missing)[:3]}"
    withdrawn = {rid for rid, h in ledger.releases.items() if h.withdrawn}
    assert not withdrawn & current, f"withdrawn and current at once: {sorted(withdrawn & current)[:3]}"
    keys = set()
    for rid, history in ledger.releases.items():
        if rid in withdrawn:
            _one_doc(reader, rid, WITHDRAWN_CODE)
        rounds = []
        for n in range(1, history.count):
            key = version_doc_id(rid, n)
            keys.add(key)
            old = _one_doc(reader, key, SUPERSEDED_CODE)
            rounds.extend(int(v) for v in _VERSION.findall(" ".join(old.paragraphs)))
        if rid in current and "churn" in rid and rounds:
            latest = reader.get(rid)
            rounds.extend(int(v) for v in _VERSION.findall(" ".join(latest.paragraphs)))
            assert rounds == sorted(set(rounds)), f"{rid}: versions of rounds {rounds} (repeated or mixed)"
    tables = reader.tables
    stray = int((tables.alive & (tables.status == SUPERSEDED_CODE)).sum()) - len(keys)
    assert stray == 0, f"{stray} earlier versions the ledger does not list"
    return withdrawn, keys


def snapshot(home: IndexHome) -> tuple[set[str], set[int], set[str]]:
    """Every id the published index holds (current or withdrawn), checked one by one, the churn versions it
    shows, and the keys of the earlier versions it keeps."""
    reader = IndexReader(home).snapshot()
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
            assert release is not None and (release.title or release.paragraphs), f"{rid} is not readable"
        versions = set()
        for source, entry in manifest["sources"].items():
            if "churn/" in source:
                for rid in entry.get("ids", {}):
                    release = reader.get(rid)
                    assert release is not None, f"churn release {rid} is not readable"
                    versions.update(int(v) for v in _VERSION.findall(" ".join(release.paragraphs)))
        assert search(reader, SearchRequest(q="justice")).total >= 0
        withdrawn, keys = versions_of(reader)
        return set(ids) | withdrawn, versions, keys
    finally:
        reader.close()


def churn(folder: Path, version: int, rng: random.Random) -> None:
    """Give every churn release a new version, add one or two new ones, and delete one file (its release is
    withdrawn; the next round writes it again, so it comes back as a new version)."""
    folder.mkdir(parents=True, exist_ok=True)
    count = max(int(p.stem.split("-")[1]) + 1 for p in folder.glob("churn-*.txt")) if any(folder.iterdir()) else 0
    count += rng.randint(1, 2)
    gone = version % count if version and count >= 3 else -1
    for n in range(count):
        if n == gone:
            (folder / f"churn-{n:03d}.txt").unlink(missing_ok=True)
            continue
        (folder / f"churn-{n:03d}.txt").write_text(
            f"Harbor Town Clerk Posts Notice {n}\n\n"
            f"HARBOR TOWN, ME (March 3, 2025) – The clerk posted notice {n}, churn version {version}. "
            f'"The notice stands until the next meeting," said Clerk Ada Whitcombe.\n', encoding="utf-8")


def phase(home: IndexHome, started: float) -> str:
    """Where a run stands, read from what it has written so far."""
    current = home.current()
    newest = max(home.generations(), default=None)
    try:
        if newest is not None and newest == current and newest.stat().st_mtime >= started:
            return "published"  # swapped in; the process has not exited yet
        if newest is None or newest == current or newest.stat().st_mtime < started:
            return "scanning or parsing"
        names = {p.name: p.stat().st_mtime for p in newest.iterdir()}
    except FileNotFoundError:
        return "scanning or parsing"
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


def kill_at_phase(proc: subprocess.Popen[bytes], home: IndexHome, started: float, target: str,
                  jitter: float, limit: float) -> str:
    """Poll until the run reaches ``target`` (or a later phase), then SIGKILL it; returns the phase hit."""
    order = ("scanning or parsing", "writing", *PHASES, "published")
    deadline = time.time() + limit
    while proc.poll() is None and time.time() < deadline:
        where = phase(home, started)
        if order.index(where) >= order.index(target):
            time.sleep(jitter)
            where = phase(home, started)
            if proc.poll() is None:
                os.killpg(proc.pid, signal.SIGKILL)
                return where
            break
        time.sleep(0.002)
    if proc.poll() is None:
        os.killpg(proc.pid, signal.SIGKILL)
        return phase(home, started)
    return "finished"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rounds", type=int, default=24)
    parser.add_argument("--index", type=Path, default=Path("/tmp/kill-index"))
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--max-delay", type=float, default=60.0, help="Longest random delay of a random round.")
    parser.add_argument("--jitter", type=float, default=0.05, help="Longest wait after a phase is reached.")
    parser.add_argument("--sources", type=Path, nargs="*", help="Folders to index instead of the full corpus.")
    args = parser.parse_args()
    rng = random.Random(args.seed)
    paths = [str(p) for p in args.sources] if args.sources else [str(p) for p in corpus_paths()]
    shutil.rmtree(args.index, ignore_errors=True)
    folder = args.index.parent / f"{args.index.name}-churn" / "churn"
    shutil.rmtree(folder.parent, ignore_errors=True)
    churn(folder, 0, rng)
    home = IndexHome(args.index)
    run([*paths, str(folder)], args.index).wait()
    held, versions, keys = snapshot(home)
    results = []
    for n in range(1, args.rounds + 1):
        kind = "random" if n % 4 == 1 else PHASES[(n // 4 + n) % len(PHASES)]
        rebuild = kind == "random"
        targets = ([*paths[: rng.randint(1, len(paths))]] if rebuild else [*paths]) + [str(folder)]
        churn(folder, n, rng)
        started = time.time()
        proc = run(targets + (["--rebuild"] if rebuild else []), args.index)
        if kind == "random":
            time.sleep(rng.uniform(0.5, args.max_delay))
            where = "finished" if proc.poll() is not None else phase(home, started)
            if where != "finished":
                os.killpg(proc.pid, signal.SIGKILL)
        else:
            where = kill_at_phase(proc, home, started, kind, rng.uniform(0, args.jitter), 900)
        proc.wait()
        try:
            now, seen, now_keys = snapshot(home)
            broken = ""
        except AssertionError as exc:
            now, seen, now_keys, broken = set(), set(), set(), str(exc)
        published = n in seen
        lost = (held - now) | (keys - now_keys)
        consistent = seen in ({n}, versions)
        ok = not lost and consistent and not broken
        results.append({"round": n, "aim": kind, "rebuild": rebuild, "sources": len(targets) - 1, "phase": where,
                        "killed": where != "finished", "published": published, "before": len(held),
                        "after": len(now), "lost": len(lost), "versions_kept": len(now_keys),
                        "churn_versions": sorted(seen), "broken": broken, "ok": ok})
        print(json.dumps(results[-1]), flush=True)
        if ok:
            held, versions, keys = now, seen, now_keys
    churn(folder, args.rounds + 1, rng)
    final = run([*paths, str(folder)], args.index)
    out, _err = final.communicate()
    summary = json.loads(out or b"{}")
    total, seen, final_keys = snapshot(home)
    killed = [r for r in results if r["killed"]]
    survived = sum(r["ok"] for r in killed)
    phases = Counter(r["phase"] for r in results)
    print(f"kills survived {survived}/{len(killed)}; phases {dict(phases)}; final run exit {final.returncode}, "
          f"{summary.get('releases')} releases, {len(total)} verified (current and withdrawn), "
          f"{len(final_keys)} earlier versions verified, churn version {sorted(seen)}")
    return 0 if survived == len(killed) and final.returncode == 0 and seen == {args.rounds + 1} else 1


if __name__ == "__main__":
    sys.exit(main())
