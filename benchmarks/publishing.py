"""The site while new index generations are published again and again: exports stream, none is mixed.

Used by ``benchmarks.web --during-reindex``. A churn folder of ``CHURN`` releases is rewritten every round
(each title and text name the round) and indexed incrementally into the served index, so a generation is
published every few seconds. Meanwhile exports stream: each must hold the churn releases of exactly one round
(a mixed export would hold two), every id once and every line whole. Normal clients search all along.
"""

from __future__ import annotations

import http.client
import json
import re
import subprocess
import sys
import threading
import time
from pathlib import Path
from urllib.parse import urlencode

from benchmarks.common import ROOT

CHURN = 200
MARKER = "churnmarker"
EXPORT_QUERY = f"{MARKER} OR fraud"  # the churn releases and a few thousand real ones: a long stream
_ROUND = re.compile(r"^Churn release \d+ round (\d+)$")


def write_churn(folder: Path, round_no: int) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    for k in range(CHURN):
        (folder / f"churn-{k:03d}.md").write_text(
            f"# Churn release {k:03d} round {round_no}\n\nSPRINGFIELD, May 2, 2024 -- The {MARKER} office said "
            f"round {round_no} brought news number {k}.\n", encoding="utf-8")


def index(folder: Path, work: Path) -> int:
    return subprocess.run([sys.executable, "-m", "archive.cli", "index", str(folder), "--index", str(work)],
                          cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL).returncode


class Exports:
    """Streams ``/export.jsonl`` until stopped, checking each export whole."""

    def __init__(self, port: int) -> None:
        self.port = port
        self.done = self.mixed = self.errors = 0
        self.samples: list[str] = []
        self.rows: list[int] = []

    def run(self, stop: threading.Event) -> None:
        while not stop.is_set():
            self.one()

    def one(self) -> None:
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=300)
        try:
            conn.request("GET", "/export.jsonl?" + urlencode({"q": EXPORT_QUERY}))
            response = conn.getresponse()
            body = response.read().decode("utf-8")
            if response.status != 200:
                self._error(f"status {response.status}")
                return
            ids, rounds, churn = set(), set(), 0
            lines = body.splitlines()
            for line in lines:
                row = json.loads(line)
                if row["id"] in ids:
                    self._error(f"id twice: {row['id']}")
                    return
                ids.add(row["id"])
                m = _ROUND.match(row.get("title", ""))
                if m:
                    churn += 1
                    rounds.add(int(m.group(1)))
            self.done += 1
            self.rows.append(len(lines))
            if len(rounds) > 1 or churn != CHURN:
                self.mixed += 1
                self.samples.append(f"rounds {sorted(rounds)}, {churn} churn rows")
        except (OSError, http.client.HTTPException, ValueError, KeyError) as exc:
            self._error(f"{type(exc).__name__}: {exc}")
        finally:
            conn.close()

    def _error(self, text: str) -> None:
        self.errors += 1
        self.samples.append(text)


def publish_rounds(port: int, work: Path, churn: Path, seconds: float, load: object, paths: list[str],
                   clients: int) -> dict:
    """Rounds of churn until ``seconds`` pass, with ``clients`` searching and two exports streaming."""
    stop = threading.Event()
    exports = [Exports(port) for _ in range(2)]
    streamers = [threading.Thread(target=e.run, args=(stop,)) for e in exports]
    results: list[dict] = []

    def searching() -> None:
        while not stop.is_set():
            results.append(load(port, paths, clients, clients * 20))  # type: ignore[operator]

    searcher = threading.Thread(target=searching)
    for t in [*streamers, searcher]:
        t.start()
    started, rounds, failed, generations = time.monotonic(), 0, 0, set()
    try:
        while time.monotonic() - started < seconds:
            rounds += 1
            write_churn(churn, rounds + 1)
            failed += index(churn, work) != 0
            generations.add((work / "CURRENT").read_text().strip())
    finally:
        stop.set()
        for t in [*streamers, searcher]:
            t.join()
    latencies_p95 = sorted(r["p95_ms"] for r in results)
    return {
        "seconds": round(time.monotonic() - started), "rounds": rounds, "failed_rounds": failed,
        "generations_published": len(generations),
        "exports": sum(e.done for e in exports), "export_rows_median": sorted(sum((e.rows for e in exports), []))[
            len(sum((e.rows for e in exports), [])) // 2] if any(e.rows for e in exports) else 0,
        "mixed_exports": sum(e.mixed for e in exports), "export_errors": sum(e.errors for e in exports),
        "export_samples": sum((e.samples for e in exports), [])[:5],
        "search_batches": len(results), "search_requests": sum(r["requests"] for r in results),
        "search_errors": sum(r["errors"] for r in results),
        "search_error_samples": sum((r["error_samples"] for r in results), [])[:5],
        "search_p95_ms_median_of_batches": latencies_p95[len(latencies_p95) // 2] if latencies_p95 else None,
    }
