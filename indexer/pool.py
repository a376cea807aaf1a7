"""Run the jobs on every core and hand their results to the writer in an order it can apply."""

from __future__ import annotations

import ctypes
import gc
import multiprocessing
import sys
import threading
import zlib
from collections.abc import Callable, Iterator
from functools import cache

from indexer.parse import Parsed, parse_job
from indexer.plan import Job

CHUNK = 8  # files a worker parses per task, when they are small (one release each)
TASK_BYTES = 1 << 20  # what a task reads at most, unless one file is bigger: a part of an export goes alone
TRIM_BYTES = 768 << 10  # after a task this big, a worker hands its freed memory back to the system


def tasks(jobs: list[Job]) -> Iterator[list[Job]]:
    """Consecutive jobs in tasks of up to ``CHUNK`` files and about ``TASK_BYTES``: small files travel
    together (fewer round trips to a worker), a big file or a part of an export alone, so that what a task
    hands back stays small."""
    task: list[Job] = []
    weight = 0
    for job in jobs:
        if task and (len(task) == CHUNK or weight + job.size > TASK_BYTES):
            yield task
            task, weight = [], 0
        task.append(job)
        weight += job.size
    if task:
        yield task


def _parse_task(numbered: tuple[int, list[Job]]) -> tuple[int, list[Parsed]]:
    n, task = numbered
    parsed = [parse_job(job) for job in task]
    if sum(job.size for job in task) >= TRIM_BYTES:
        _give_back_memory()
    return n, parsed


def _give_back_memory() -> None:
    """A big file leaves a worker's heap fragmented (parse trees hold cycles; the C allocator keeps what was
    freed): collect the cycles and ask glibc to return free pages, so a long run on big or hostile files stays
    within its memory bound (measured with ``tests.stress.hostile_corpus``: peak 354–406 → 300–323 MB)."""
    gc.collect()
    trim = _malloc_trim()
    if trim is not None:
        trim(0)


@cache
def _malloc_trim() -> Callable[[int], int] | None:
    """glibc's ``malloc_trim`` from the running process's own symbols (None elsewhere: macOS, musl)."""
    try:
        return ctypes.CDLL(None).malloc_trim
    except (OSError, AttributeError):
        return None


class FileOrder:
    """The parts of an export finish in any order; they leave here in file order, so records get the ids
    (a repeated URL's suffix counts the ones before it) they get when the file is read whole.

    Each result travels with a tag (the task it came in) that leaves with it."""

    def __init__(self) -> None:
        self._early: dict[tuple[str, int], tuple[Parsed, int]] = {}
        self._next: dict[str, int] = {}

    def push(self, result: Parsed, tag: int = 0) -> Iterator[tuple[Parsed, int]]:
        """The results that can be applied now that ``result`` has arrived, in order."""
        source = result.source
        self._early[(source, result.index)] = (result, tag)
        n = self._next.get(source, 0)
        while (source, n) in self._early:
            yield self._early.pop((source, n))
            n += 1
        self._next[source] = n


def results(jobs: list[Job], workers: int) -> Iterator[Parsed]:
    """Parse results, in an order that keeps both sides busy and memory flat.

    Jobs are interleaved by a hash of their path: HTML pages are parse-heavy (the workers are the bottleneck),
    Markdown and JSON writer-heavy (the writer is); mixed, neither waits for long. At most two tasks per
    worker are in flight — handed out and not yet applied, parts waiting for an earlier part included — so
    a writer that falls behind, or one slow part, does not let finished results pile up in memory.
    """
    jobs = sorted(jobs, key=lambda job: zlib.crc32(job.source.encode("utf-8", "surrogateescape")))
    if workers <= 1 or len(jobs) < 8:
        yield from map(parse_job, jobs)
        return
    window = threading.BoundedSemaphore(workers * 2)
    stopped = threading.Event()

    def feed() -> Iterator[tuple[int, list[Job]]]:
        for numbered in enumerate(tasks(jobs)):
            while not window.acquire(timeout=0.1):
                if stopped.is_set():  # the run failed: let the pool's feeder thread end, or closing it hangs
                    return
            yield numbered

    ctx = multiprocessing.get_context("forkserver" if sys.platform != "darwin" else "spawn")
    with ctx.Pool(workers) as pool:
        try:
            order, unapplied = FileOrder(), {}
            for n, parsed in pool.imap_unordered(_parse_task, feed()):
                unapplied[n] = len(parsed)
                for result in parsed:
                    for ready, task in order.push(result, n):
                        yield ready
                        unapplied[task] -= 1
                        if not unapplied[task]:
                            del unapplied[task]
                            window.release()
        finally:
            stopped.set()
