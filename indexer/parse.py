"""What a parsing worker does with one job: read, hash, and (if the hash changed) parse and extract.

It hands back a :class:`Parsed`: the releases already analysed and pickled (``Packed``), so the one writer
only pools postings.
"""

from __future__ import annotations

import hashlib
import pickle
import signal
import threading
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, NamedTuple

from archive.model import Release
from archive.schema import analysed_document, record_from_stored
from indexer.pipeline import build_release
from indexer.plan import Job
from indexer.sources import SkipFile, parse_file
from indexer.sources.jsonfile import load_mapping

PER_FILE_SECONDS = 30  # of CPU time: a busy or suspended machine is not a pathological file


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
    error: str = ""  # why the whole file (part) is unusable
    releases: list[Packed] = field(default_factory=list)
    skipped: list[tuple[str, str]] = field(default_factory=list)


class _TooSlow(Exception):
    pass


def _too_slow(signum: int, frame: Any) -> None:
    raise _TooSlow()


def parse_job(job: Job) -> Parsed:
    """Runs in a worker process: read, hash, and (if the hash changed) parse and extract one file or part."""
    path, source = Path(job.path), job.source
    result = Parsed(source, f"{source}{job.part.name}" if job.part else source, job.index, job.parts, job.size,
                    hash=job.hash)
    if not job.hash:
        try:
            result.hash = hashlib.sha1(path.read_bytes()).hexdigest()
        except OSError as exc:
            result.error = f"cannot read: {exc.strerror or exc}"
            return result
    if result.hash == job.old_hash:
        result.same = True
        return result
    alarm = threading.current_thread() is threading.main_thread()
    if alarm:  # a pathological file must not hang the run: reading it, and each release in it, get PER_FILE_SECONDS
        signal.signal(signal.SIGPROF, _too_slow)
        signal.setitimer(signal.ITIMER_PROF, PER_FILE_SECONDS)
    try:
        mapping = load_mapping(Path(job.root))
        wire_hint = wire_from_path(source)
        for item in parse_file(path, source, mapping, job.part):
            if isinstance(item, SkipFile):
                result.skipped.append((item.source or source, str(item)))
                continue
            if alarm:  # an export of thousands of records is not one slow file: the clock restarts per record
                signal.setitimer(signal.ITIMER_PROF, PER_FILE_SECONDS)
            try:
                release = build_release(item, wire_hint)
                result.releases.append(Packed(release.id, release.content_hash, packed(release)))
            except SkipFile as exc:
                result.skipped.append((item.source, str(exc)))
            except _TooSlow:
                result.skipped.append((item.source, f"took longer than {PER_FILE_SECONDS} s to extract"))
    except SkipFile as exc:
        result.error = str(exc)
    except RecursionError:
        result.error = "nesting too deep to parse"
    except _TooSlow:
        result.error = f"took longer than {PER_FILE_SECONDS} s to parse"
        result.releases = []
    except Exception as exc:  # one bad file must never stop the run; say what happened
        result.error = f"could not be parsed ({type(exc).__name__}: {exc})"
    finally:
        if alarm:
            signal.setitimer(signal.ITIMER_PROF, 0)
    return result


def wire_from_path(source: str) -> str:
    """For ``<source>/<wire>/<YYYY>/…`` trees, the wire folder's name."""
    parts = source.split("/")
    for i, part in enumerate(parts[:-1]):
        if part.isdigit() and len(part) == 4 and i >= 1 and not parts[i - 1].isdigit():
            return parts[i - 1] if i >= 2 else ""
    return ""


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
