"""What a parsing worker does with one job: read, hash, and (if the hash changed) parse and extract.

It hands back a :class:`Parsed`: the releases already analysed and pickled (``Packed``), so the one writer
only pools postings.
"""

from __future__ import annotations

import pickle
import signal
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, NamedTuple

from archive.model import Release
from archive.schema import analysed_document, record_from_stored
from indexer.extract.folder import FolderProfile
from indexer.extract.wire import wire_from_path
from indexer.pipeline import build_release
from indexer.plan import Job
from indexer.sanitize import sanitize_release
from indexer.sources.base import Draft, SkipFile
from indexer.sources.jsonfile import load_mapping
from indexer.sources.reading import Changed, open_inside, read_whole
from indexer.sources.registry import parse_data, parse_part

PER_FILE_SECONDS = 30  # of CPU time for a file, or for each MB of a bigger one (a part of an export is ~1 MB)
PER_RECORD_SECONDS = 2  # of CPU time for one release's extraction, within its file's time (real ones take < 0.3 s)
BUDGET_BYTES = 1 << 20


class Packed(NamedTuple):
    """One release as a worker hands it back: its id, content hash and analysed document (``packed()``)."""

    id: str
    content_hash: str
    document: bytes


@dataclass(slots=True)
class Parsed:
    """The result of one job: the releases of a file (or of one part of an export) and what was skipped."""

    source: str
    name: str  # the source, or ``source#L<a>-L<b>`` for a part
    index: int  # which part, of ``parts``
    parts: int
    size: int  # bytes the job read (for progress)
    hash: str = ""  # of the whole file
    same: bool = False  # the hash is the one last indexed: nothing was parsed
    changed: bool = False  # the file was rewritten while it was read: this is not one version of it
    error: str = ""  # why the whole file (part) is unusable
    releases: list[Packed] = field(default_factory=list)
    skipped: list[tuple[str, str]] = field(default_factory=list)
    slowest: tuple[float, str] = (0.0, "")  # CPU seconds of the slowest release to extract, and its source
    profile: str = ""  # digest of the folder profile the releases were read with


class _TooSlow(BaseException):
    """Raised by SIGPROF when a job's or a record's CPU time is up; not an Exception, so that no ``except
    Exception`` (an extractor's own, or ours around one record) can swallow it."""


def _too_slow(signum: int, frame: Any) -> None:
    raise _TooSlow()


class _Clock:
    """CPU time for a job: ``seconds`` in all, each release's extraction at most ``PER_RECORD_SECONDS`` of
    it. Counting CPU time, a busy or suspended machine drops nothing; counting the whole job, a file of a
    thousand slow records costs its budget, not a thousand times a record's (SIGPROF raises ``_TooSlow``)."""

    def __init__(self, seconds: float) -> None:
        self.seconds = seconds
        self.deadline = time.process_time() + seconds
        self.armed = threading.current_thread() is threading.main_thread()  # signals reach the main thread only
        if self.armed:
            signal.signal(signal.SIGPROF, _too_slow)

    def left(self) -> float:
        return self.deadline - time.process_time()

    def arm(self, seconds: float) -> None:
        if self.armed:
            signal.setitimer(signal.ITIMER_PROF, max(seconds, 0.001))

    def stop(self) -> None:
        if self.armed:
            signal.setitimer(signal.ITIMER_PROF, 0)


def parse_job(job: Job) -> Parsed:
    """Runs in a worker process: read, hash, and (if the hash changed) parse and extract one file or part."""
    source = job.source
    result = Parsed(source, f"{source}{job.part.name}" if job.part else source, job.index, job.parts, job.size,
                    hash=job.hash, profile=job.profile.digest() if job.profile else "")
    clock = _Clock(PER_FILE_SECONDS * max(1.0, job.size / BUDGET_BYTES))
    clock.arm(clock.seconds)
    try:
        mapping = load_mapping(Path(job.config))
        with open_inside(job.top, job.rel) as fh:
            if job.part is not None:
                drafts = parse_part(fh, job.part, source, mapping)
            else:
                whole = read_whole(fh, job.rel)
                result.hash = whole.hash
                if whole.hash == job.old_hash:
                    result.same = True
                    return result
                drafts = parse_data(whole.data, job.rel, source, mapping)
        clock.stop()
        _extract(drafts, wire_from_path(source), clock, result, job.profile)
    except Changed as exc:
        result.changed, result.error = True, str(exc)
    except SkipFile as exc:
        result.error = str(exc)
    except RecursionError:
        result.error = "nesting too deep to parse"
    except _TooSlow:
        result.error = f"took longer than {clock.seconds:.0f} s to parse"
        result.releases = []
    except Exception as exc:  # one bad file must never stop the run; say what happened
        result.error = f"could not be parsed ({type(exc).__name__}: {exc})"
    finally:
        clock.stop()
    return result


def _extract(drafts: list[Draft | SkipFile], wire_hint: str, clock: _Clock, result: Parsed,
             profile: FolderProfile | None = None) -> None:
    """Each draft to a clean release (``sanitize``), or to the reason it was skipped, by its name."""
    for item in drafts:
        if isinstance(item, SkipFile):
            result.skipped.append((item.source or result.source, str(item)))
            continue
        left = clock.left()
        if left <= 0:
            result.skipped.append((item.source, f"not extracted: its file used up its {clock.seconds:.0f} s of CPU time"))
            continue
        limit = min(PER_RECORD_SECONDS, left)
        started = time.process_time()
        try:
            clock.arm(limit)
            try:
                release = sanitize_release(build_release(item, wire_hint, profile))
            finally:
                clock.stop()
            if not release.paragraphs and not item.metadata_only:
                raise SkipFile("no release text")
            result.releases.append(Packed(release.id, release.content_hash, packed(release)))
        except SkipFile as exc:
            result.skipped.append((item.source, str(exc)))
        except RecursionError:
            result.skipped.append((item.source, "nesting too deep to extract"))
        except Exception as exc:  # one bad record must not cost the others of its file; say what happened
            result.skipped.append((item.source, f"could not be parsed ({type(exc).__name__}: {exc})"))
        except _TooSlow:
            why = (f"took longer than {PER_RECORD_SECONDS} s to extract" if limit == PER_RECORD_SECONDS
                   else f"not extracted: its file used up its {clock.seconds:.0f} s of CPU time")
            result.skipped.append((item.source, why))
        cost = time.process_time() - started
        if cost > result.slowest[0]:
            result.slowest = (round(cost, 3), item.source)


def packed(release: Release) -> bytes:
    """The analysed document a worker hands back, pickled on its own: a result then holds compact bytes, not
    the Python objects of every posting of every release (a 2,000-record export's result shrinks ~5x, and
    several are in flight), and the writer unpacks one document at a time — unchanged ones never."""
    return pickle.dumps(analysed_document(release), protocol=pickle.HIGHEST_PROTOCOL)


def unpacked(document: bytes, rid: str) -> dict[str, Any]:
    """The analysed document of ``packed()`` under the id ``rid``."""
    fields = pickle.loads(document)
    if rid != fields["id"]:
        # Rare: two files claim one canonical URL; the document again under its own id.
        release = record_from_stored(fields)
        release.id = rid
        fields = analysed_document(release)
    return fields
