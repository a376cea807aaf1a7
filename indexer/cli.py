"""``archive index``: the re-index command, a thin layer over ``indexer.build.run_index``."""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path

import click

from archive.store import ArchiveError, IndexHome, IndexReader, default_index_path
from indexer.build import Summary, run_index
from indexer.sanitize import visible


class _Bar:
    """A one-line progress bar on a terminal; silent when output goes to a file or a pipe."""

    def __init__(self) -> None:
        self.enabled = sys.stderr.isatty()
        self.started = time.monotonic()
        self.last = 0.0

    def __call__(self, done: int, total: int) -> None:
        now = time.monotonic()
        if not self.enabled or (now - self.last < 0.2 and done < total):
            return
        self.last = now
        rate = done / max(now - self.started, 1e-6)
        width = 30
        filled = int(width * done / max(total, 1))
        eta = (total - done) / rate if rate else 0
        unit, scale = ("MB", 2**20) if total >= 2**20 else ("KB", 2**10)
        sys.stderr.write(f"\r[{'#' * filled}{'.' * (width - filled)}] {done / scale:,.0f}/{total / scale:,.0f} {unit} read"
                         f"  {rate / scale:,.0f} {unit}/s  ETA {eta:,.0f}s ")
        if done >= total:
            sys.stderr.write("\n")
        sys.stderr.flush()


def _plural(count: int, word: str) -> str:
    return f"{count:,} {word}{'' if count == 1 else 's'}"


def folded_copies(home: IndexHome) -> int:
    """How many releases of the published index are folded into another as copies (searches count them once)."""
    if home.current() is None:  # nothing published yet
        return 0
    reader = IndexReader(home)
    try:
        with reader.snapshot() as snap:
            return len(snap.tables.folded)
    except ArchiveError:
        return 0
    finally:
        reader.close()


def _quiet_workers() -> None:
    """Start multiprocessing's fork server with Ctrl-C ignored, so the parsing workers it forks ignore it too.

    A terminal sends SIGINT to every process of the run; each worker would print a KeyboardInterrupt traceback
    before this command's one-line "interrupted" message. Ignored signals survive exec and fork, so only this
    process sees Ctrl-C, stops, and closes the pool (which ends the workers quietly).
    """
    import multiprocessing.forkserver
    import signal

    if sys.platform == "darwin" or not hasattr(multiprocessing.forkserver, "ensure_running"):
        return  # macOS spawns its workers; they are started by the pool and see Ctrl-C as before
    previous = signal.signal(signal.SIGINT, signal.SIG_IGN)
    try:
        multiprocessing.forkserver.ensure_running()
    finally:
        signal.signal(signal.SIGINT, previous)


def print_summary(summary: Summary, folded: int = 0) -> None:
    copies = (f" ({folded:,} of them folded as copies of others: searches show {summary.releases - folded:,})"
              if folded else "")
    click.echo(
        f"{_plural(summary.releases, 'release')} in the index{copies}: {summary.added:,} added, {summary.updated:,} updated, "
        f"{summary.unchanged:,} unchanged, {summary.removed:,} removed; {len(summary.skipped):,} skipped "
        f"({summary.files:,} files, {summary.seconds:.1f} s)"
    )
    if summary.withdrawn or summary.restored or summary.versions:
        click.echo(f"versions: {summary.versions:,} earlier versions kept, {summary.withdrawn:,} releases withdrawn "
                   f"(kept; --prune deletes them), {summary.restored:,} restored")
    if summary.skipped:
        click.echo("skipped:")
        for source, reason in summary.skipped[:50]:  # a file name must not forge a line (``visible``)
            click.echo(f"  {visible(source)}: {visible(reason)}")
        if len(summary.skipped) > 50:
            click.echo(f"  … and {len(summary.skipped) - 50:,} more (use --json for all)")


@click.command()
@click.argument("paths", nargs=-1, type=click.Path(path_type=Path))
@click.option("--index", "index_path", type=click.Path(path_type=Path), default=None,
              help="Index folder (default: $ARCHIVE_INDEX or var/index).")
@click.option("--rebuild", is_flag=True, help="Build a fresh index beside the old one, then swap it in.")
@click.option("--jobs", type=click.IntRange(min=1), default=None, help="Parsing processes (default: all cores).")
@click.option("--prune", is_flag=True, help="Delete withdrawn releases (and their earlier versions) for real.")
@click.option("--json", "as_json", is_flag=True, help="Print the summary as JSON.")
def index_command(paths: tuple[Path, ...], index_path: Path | None, rebuild: bool, jobs: int | None, prune: bool,
                  as_json: bool) -> None:
    """Index (or re-index) folders and files of press releases: HTML, text, Markdown, JSON, JSONL.

    Unchanged files are not parsed again. A changed release keeps its earlier versions; a release whose file
    or record disappeared is kept as withdrawn (--prune deletes those). Safe to interrupt.

    Example: archive index corpus/ ~/releases --index var/index
    """
    home = IndexHome(index_path or default_index_path())
    targets = list(paths) or [Path("corpus")]
    _quiet_workers()
    try:
        summary = run_index(targets, home, rebuild=rebuild, jobs=jobs, progress=_Bar(), prune=prune)
    except ArchiveError as exc:
        raise click.ClickException(str(exc)) from None
    except KeyboardInterrupt:
        click.echo("interrupted: the index is unchanged (the last complete run is still searchable)", err=True)
        sys.exit(130)
    except OSError as exc:
        raise click.ClickException(f"could not write the index in {home.path}: {exc}") from None
    folded = folded_copies(home)
    if as_json:
        click.echo(json.dumps({**summary.to_dict(), "folded": folded}, ensure_ascii=False, indent=2))
    else:
        print_summary(summary, folded)
    if summary.files == 0 and summary.releases == 0:
        raise click.ClickException("nothing could be read: no supported files (" + ", ".join(visible(str(t)) for t in targets) + ")")
