"""Denial of service: hostile requests against a real ``archive serve`` while ordinary visitors search.

Issue 15's bar: 20 hostile requests of each kind (long unknown-word queries, thousands of filter values,
leading wildcards, term ranges, huge pages) sent while 20 clients search normally; every hostile request
answers within 2 s, the normal clients' p95 stays within 3x their idle p95, the server stays under 1 GB,
and the normal clients see 0 errors. This measures all four, kind by kind, on loopback only, bounded in count
and time (each request has a timeout; the whole attack has a deadline), and stops the server it started.

    nice -n 10 .venv/bin/python -m benchmarks.abuse --index var/index [--clients 20] [--hostile 20]
        [--timeout 30] [--deadline 900] [--kinds unknown_words,filter_values,...]
"""

from __future__ import annotations

import argparse
import http.client
import json
import random
import socket
import statistics
import string
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from pathlib import Path
from urllib.parse import urlencode

from benchmarks.common import ROOT, save

WORDS = ["fraud", "health", "senate", "water", "police", "energy", "school", "court", "tax", "veterans", "climate",
         "bank", "hospital", "farm", "housing", "election", "drug", "grant", "safety", "opioid"]
BAR = {"hostile_seconds": 2.0, "p95_ratio": 3.0, "peak_mib": 1024}


def _unknown_words(rng: random.Random, count: int) -> str:
    return " ".join("".join(rng.choices(string.ascii_lowercase, k=7)) for _ in range(count))


def hostile_kinds(rng: random.Random, words: int) -> dict[str, Callable[[int], str]]:
    """Each kind: request number → path. The shapes the security probe used (H2, H3, M6, and the largest pages)."""
    wildcards = ["*a*", "*e* OR *a* OR *i* OR *o* OR *u*", " OR ".join(f"{c}*" for c in string.ascii_lowercase), "*ion"]
    ranges = ["[a TO z]", "title:[a TO m]", "[aa TO zz] OR [b TO y]", "[0 TO 9]"]
    return {
        "unknown_words": lambda i: "/?" + urlencode({"q": _unknown_words(rng, words)}),
        # 5,000 values (the probe's 230 KB URL) meet Waitress's header limit; 1,000 (18 KB) reach the app's caps.
        "filter_values": lambda i: ("/" if i % 2 else "/api/search") + "?" + urlencode(
            [(("speaker", "topic", "issuer", "tag", "wire")[n % 5], f"Name {n}") for n in range(5000 if i % 4 < 2 else 1000)]),
        "leading_wildcards": lambda i: ("/?" if i % 2 else "/api/search?") + urlencode({"q": wildcards[i % len(wildcards)]}),
        "term_ranges": lambda i: ("/?" if i % 2 else "/api/search?") + urlencode({"q": ranges[i % len(ranges)]}),
        "huge_pages": lambda i: ["/?" + urlencode({"size": 100, "facets": 500}),
                                 "/api/search?" + urlencode({"size": 100, "facets": 500, "q": "the"}),
                                 "/?" + urlencode({"page": 10000, "size": 100}),
                                 "/feed.atom?" + urlencode({"q": "a*"})][i % 4],
    }


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def fetch(port: int, path: str, timeout: float) -> tuple[int, float, int]:
    """(status, seconds, bytes); status 0 for a timeout or a broken connection."""
    started = time.perf_counter()
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    try:
        conn.request("GET", path)
        response = conn.getresponse()
        size = len(response.read())
        return response.status, time.perf_counter() - started, size
    except (OSError, http.client.HTTPException):
        return 0, time.perf_counter() - started, 0
    finally:
        conn.close()


def p95(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[max(0, int(len(ordered) * 0.95) - 1)] if ordered else 0.0


class Visitors:
    """N clients searching normally (pages and API, with a topic now and then) until stopped."""

    def __init__(self, port: int, clients: int, topics: list[str], seed: int = 7) -> None:
        self.port, self.clients, self.topics = port, clients, topics
        self.samples: list[tuple[float, float, int]] = []  # (finished at, seconds, status)
        self._stop = threading.Event()
        self._rng = random.Random(seed)
        self._threads: list[threading.Thread] = []

    def path(self, rng: random.Random) -> str:
        params = [("q", rng.choice(WORDS))]
        if self.topics and rng.random() < 0.3:
            params.append(("topic", rng.choice(self.topics)))
        return ("/?" if rng.random() < 0.7 else "/api/search?") + urlencode(params)

    def _run(self, seed: int) -> None:
        rng = random.Random(seed)
        while not self._stop.is_set():
            status, seconds, _ = fetch(self.port, self.path(rng), timeout=60)
            self.samples.append((time.monotonic(), seconds, status))

    def start(self) -> None:
        self._stop.clear()
        self._threads = [threading.Thread(target=self._run, args=(self._rng.random(),), daemon=True)
                         for _ in range(self.clients)]
        for t in self._threads:
            t.start()

    def stop(self) -> None:
        self._stop.set()
        for t in self._threads:
            t.join()

    def between(self, start: float, end: float) -> list[tuple[float, float, int]]:
        return [s for s in self.samples if start <= s[0] <= end]


def peak_rss_mib(pid: int) -> float:
    """The server's peak resident memory so far (the kernel's high-water mark, VmHWM)."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return round(int(line.split()[1]) / 1024, 1)
    return 0.0


def attack(port: int, kind: str, make_path: Callable[[int], str], count: int, timeout: float, deadline: float,
           parallel: int) -> list[dict]:
    results: list[dict] = []
    lock = threading.Lock()
    todo = list(range(count))

    def worker() -> None:
        while time.monotonic() < deadline:
            with lock:
                if not todo:
                    return
                i = todo.pop(0)
            path = make_path(i)
            status, seconds, size = fetch(port, path, timeout)
            with lock:
                results.append({"status": status, "seconds": round(seconds, 3), "bytes": size, "url_bytes": len(path)})

    threads = [threading.Thread(target=worker) for _ in range(parallel)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return results


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--index", type=Path, required=True)
    parser.add_argument("--clients", type=int, default=20, help="Normal visitors searching all along.")
    parser.add_argument("--hostile", type=int, default=20, help="Hostile requests of each kind.")
    parser.add_argument("--parallel", type=int, default=4, help="Hostile requests in flight at once.")
    parser.add_argument("--words", type=int, default=50, help="Unknown words in one query.")
    parser.add_argument("--timeout", type=float, default=30, help="Seconds before a hostile request counts as lost.")
    parser.add_argument("--deadline", type=float, default=900, help="Seconds for the whole attack phase.")
    parser.add_argument("--idle-seconds", type=float, default=20)
    parser.add_argument("--threads", type=int, default=8, help="Waitress threads of the server.")
    parser.add_argument("--kinds", default="", help="Comma-separated subset of the hostile kinds.")
    args = parser.parse_args()

    kinds = hostile_kinds(random.Random(15), args.words)
    chosen = [k for k in kinds if not args.kinds or k in args.kinds.split(",")]
    port = free_port()
    log = open(Path("/tmp") / f"abuse-server-{port}.log", "w")  # noqa: SIM115 - closed with the server
    server = subprocess.Popen([sys.executable, "-m", "archive.cli", "serve", "--index", str(args.index), "--port",
                               str(port), "--threads", str(args.threads)], cwd=ROOT, stdout=log, stderr=subprocess.STDOUT)
    try:
        for _ in range(150):
            if fetch(port, "/api/search?size=1", 2)[0] == 200:
                break
            time.sleep(0.2)
        else:
            sys.exit(f"the server did not answer; see {log.name}")
        facets = json.loads(http_get(port, "/api/search?size=1&facets=20"))["facets"]
        topics = [v["value"] for f in facets if f["name"] == "topic" for v in f["values"]]
        visitors = Visitors(port, args.clients, topics)

        visitors.start()  # warm-up, then idle
        time.sleep(3)
        idle_start = time.monotonic()
        time.sleep(args.idle_seconds)
        idle_end = time.monotonic()
        idle = [s[1] for s in visitors.between(idle_start, idle_end)]
        idle_p95 = p95(idle)
        print(f"idle: {len(idle)} normal requests, p95 {idle_p95 * 1000:.0f} ms")

        deadline = time.monotonic() + args.deadline
        report: dict = {"index": str(args.index), "clients": args.clients, "hostile_each": args.hostile,
                        "idle": {"requests": len(idle), "p95_ms": round(idle_p95 * 1000, 1)}, "kinds": {}, "bar": BAR}
        for kind in chosen:
            start = time.monotonic()
            results = attack(port, kind, kinds[kind], args.hostile, args.timeout, deadline, args.parallel)
            end = time.monotonic()
            normal = visitors.between(start, end)
            seconds = [r["seconds"] for r in results]
            entry = {
                "sent": len(results), "statuses": _counts(r["status"] for r in results),
                "median_s": round(statistics.median(seconds), 3) if seconds else None,
                "max_s": round(max(seconds), 3) if seconds else None,
                "over_2s": sum(s > BAR["hostile_seconds"] for s in seconds),
                "lost": sum(r["status"] == 0 for r in results),
                "max_response_bytes": max((r["bytes"] for r in results), default=0),
                "url_bytes": max((r["url_bytes"] for r in results), default=0),
                "normal_requests": len(normal),
                "normal_p95_ms": round(p95([s[1] for s in normal]) * 1000, 1),
                "normal_p95_ratio": round(p95([s[1] for s in normal]) / idle_p95, 2) if idle_p95 else None,
                "normal_errors": sum(s[2] != 200 for s in normal),
                "server_peak_mib": peak_rss_mib(server.pid),
            }
            entry["recovery_s"] = recover(port)
            report["kinds"][kind] = entry
            print(f"{kind:18} sent {entry['sent']:3}  statuses {entry['statuses']}  hostile median {entry['median_s']} s "
                  f"max {entry['max_s']} s  over 2 s: {entry['over_2s']}  | normal p95 {entry['normal_p95_ms']} ms "
                  f"({entry['normal_p95_ratio']}x idle), errors {entry['normal_errors']}  | peak {entry['server_peak_mib']} MiB"
                  f"  | recovered in {entry['recovery_s']} s")
        visitors.stop()
        all_normal = visitors.between(idle_end, time.monotonic())
        report["normal_errors"] = sum(s[2] != 200 for s in all_normal)
        report["server_peak_mib"] = peak_rss_mib(server.pid)
        report["meets_bar"] = {
            "every_hostile_under_2s": all(k["over_2s"] == 0 and k["lost"] == 0 and k["sent"] == args.hostile
                                          for k in report["kinds"].values()),
            "normal_p95_within_3x": all((k["normal_p95_ratio"] or 0) <= BAR["p95_ratio"] for k in report["kinds"].values()),
            "server_under_1gb": report["server_peak_mib"] < BAR["peak_mib"],
            "no_normal_errors": report["normal_errors"] == 0,
        }
        print(f"server peak {report['server_peak_mib']} MiB, normal-client errors {report['normal_errors']}; "
              f"bar: {report['meets_bar']}")
        print(f"saved {save('abuse', report)}")
        return 0
    finally:
        server.terminate()
        try:
            server.wait(timeout=20)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()
        log.close()


def recover(port: int, limit: float = 180) -> float:
    """Seconds until the server answers a small search within 1 s again: work abandoned by timed-out hostile
    requests goes on inside the server, and would otherwise be charged to the next kind."""
    started = time.monotonic()
    while time.monotonic() - started < limit:
        status, seconds, _ = fetch(port, "/api/search?size=1&q=water", timeout=limit)
        if status == 200 and seconds < 1:
            break
        time.sleep(0.5)
    return round(time.monotonic() - started, 1)


def http_get(port: int, path: str) -> bytes:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    try:
        conn.request("GET", path)
        return conn.getresponse().read()
    finally:
        conn.close()


def _counts(values) -> dict[str, int]:  # type: ignore[no-untyped-def]
    out: dict[str, int] = {}
    for v in values:
        out[str(v)] = out.get(str(v), 0) + 1
    return out


if __name__ == "__main__":
    sys.exit(main())
