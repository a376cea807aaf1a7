"""Requests/s and latency of the site under a bounded loopback load, idle and while a re-index runs.

Starts ``archive serve`` (Waitress) on a free loopback port over a copy of an existing index, then sends a
fixed number of requests from N concurrent clients (keep-alive connections): a mix of faceted searches, API
searches, release pages and feeds. With ``--during-reindex``, for ``--minutes`` a churn folder is rewritten and
indexed into the served copy round after round (a new generation each), while the clients search and exports
stream (``benchmarks/publishing.py``): errors, mixed exports and the generations picked up without a restart.

    .venv/bin/python -m benchmarks.web --index var/full [--clients 50] [--requests 3000] [--during-reindex]
                                       [--minutes 10]
"""

from __future__ import annotations

import argparse
import http.client
import json
import random
import shutil
import socket
import statistics
import subprocess
import sys
import threading
import time
from pathlib import Path
from urllib.parse import quote, urlencode

from benchmarks.common import ROOT, save
from benchmarks.publishing import index as index_churn
from benchmarks.publishing import publish_rounds, write_churn

WORDS = ["fraud", "health", "bitcoin", "senate", "water", "police", "energy", "school", "court", "tax", "opioid",
         "veterans", "climate", "immigration", "bank", "crypto", "hospital", "farm", "housing", "election"]
TOPICS = ["crime, law and justice", "economy, business and finance", "politics", "health", "science and technology"]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def paths_for(rng: random.Random, ids: list[str]) -> list[str]:
    out = []
    for _ in range(400):
        kind = rng.random()
        if kind < 0.45:
            params = [("q", rng.choice(WORDS))] + ([("topic", rng.choice(TOPICS))] if rng.random() < 0.5 else [])
            out.append("/?" + urlencode(params))
        elif kind < 0.65:
            out.append("/api/search?" + urlencode([("q", rng.choice(WORDS)), ("sort", "newest")]))
        elif kind < 0.9:
            out.append("/releases/" + quote(rng.choice(ids)))
        else:
            out.append("/feed.atom?" + urlencode([("q", rng.choice(WORDS))]))
    return out


def client(port: int, paths: list[str], count: int, latencies: list[float], errors: list[str]) -> None:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    for i in range(count):
        path = paths[i % len(paths)]
        started = time.perf_counter()
        try:
            conn.request("GET", path)
            response = conn.getresponse()
            response.read()
            if response.status != 200:
                errors.append(f"{response.status} {path}")
        except (OSError, http.client.HTTPException) as exc:
            errors.append(f"{type(exc).__name__} {path}")
            conn.close()
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        latencies.append((time.perf_counter() - started) * 1000)
    conn.close()


def load(port: int, paths: list[str], clients: int, requests: int) -> dict:
    latencies: list[float] = []
    errors: list[str] = []
    per_client = max(1, requests // clients)
    threads = [threading.Thread(target=client, args=(port, paths[i::clients] or paths, per_client, latencies, errors))
               for i in range(clients)]
    started = time.perf_counter()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    seconds = time.perf_counter() - started
    ordered = sorted(latencies)
    return {"requests": len(latencies), "seconds": round(seconds, 1), "rps": round(len(latencies) / seconds, 1),
            "median_ms": round(statistics.median(ordered), 1), "p95_ms": round(ordered[int(len(ordered) * 0.95) - 1], 1),
            "errors": len(errors), "error_samples": errors[:5]}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--index", type=Path, default=Path("var/full"))
    parser.add_argument("--clients", type=int, default=50)
    parser.add_argument("--requests", type=int, default=3000)
    parser.add_argument("--during-reindex", action="store_true",
                        help="Also measure while generations are published again and again, exports streaming.")
    parser.add_argument("--minutes", type=float, default=10, help="How long --during-reindex publishes.")
    args = parser.parse_args()
    work = Path("/tmp/web-bench-index")
    shutil.rmtree(work, ignore_errors=True)
    shutil.copytree(args.index, work, symlinks=True)
    churn = Path("/tmp/web-bench-churn")
    shutil.rmtree(churn, ignore_errors=True)
    if args.during_reindex:  # the churn releases are in the index before the idle measure
        write_churn(churn, 1)
        if index_churn(churn, work) != 0:
            sys.exit("indexing the churn folder failed")
    port = free_port()
    # The server's output goes to a file: a pipe nobody reads fills up and blocks the server's logging.
    log = open(Path("/tmp") / "web-bench-server.log", "w")  # noqa: SIM115 - closed with the server
    server = subprocess.Popen([sys.executable, "-m", "archive.cli", "serve", "--index", str(work), "--port", str(port),
                               "--threads", "16"], cwd=ROOT, stdout=log, stderr=subprocess.STDOUT)
    try:
        for _ in range(100):
            try:
                with socket.create_connection(("127.0.0.1", port), timeout=1):
                    break
            except OSError:
                time.sleep(0.2)
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        conn.request("GET", "/api/search?size=100&sort=newest")
        data = json.loads(conn.getresponse().read())
        ids = [h["id"] for h in data["hits"]]
        generation_before = (work / "CURRENT").read_text().strip()
        paths = paths_for(random.Random(7), ids)
        load(port, paths[:100], 10, 200)  # warm-up, not reported
        idle = load(port, paths, args.clients, args.requests)
        report = {"clients": args.clients, "idle": idle}
        print(f"idle:   {idle['rps']} req/s, median {idle['median_ms']} ms, p95 {idle['p95_ms']} ms, {idle['errors']} errors")
        if args.during_reindex:
            busy = publish_rounds(port, work, churn, args.minutes * 60, load, paths, args.clients)
            report["during_reindex"] = busy
            ratio = busy["search_p95_ms_median_of_batches"] / idle["p95_ms"] if idle["p95_ms"] else None
            report["p95_ratio"] = round(ratio, 2) if ratio else None
            report["generation_before"] = generation_before
            report["generation_after"] = (work / "CURRENT").read_text().strip()
            print(json.dumps(busy, indent=1))
            print(f"generation {generation_before} -> {report['generation_after']}, served without restart; "
                  f"search p95 {report['p95_ratio']}x idle")
        print(f"saved {save('web', report)}")
        return 0
    finally:
        server.terminate()
        server.wait()
        log.close()
        shutil.rmtree(work, ignore_errors=True)
        shutil.rmtree(churn, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
