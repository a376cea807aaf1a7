"""``archive changes``: recent updates, withdrawals and restorations, as ``/changes`` lists them."""

from __future__ import annotations

from pathlib import Path

import click

from archive.changes import MAX_PAGE, list_changes
from archive.grammar import day_bounds
from archive.versions import EVENTS


def _date(value: str, name: str) -> str:
    if value and day_bounds(value) is None:
        raise click.BadParameter("use a date like 2024, 2024-03 or 2024-03-15", param_hint=name)
    return value


@click.command("changes")
@click.option("--index", "index_path", type=click.Path(path_type=Path), default=None,
              help="Index folder (default: $ARCHIVE_INDEX or var/index).")
@click.option("--since", default="", help="Earliest change: YYYY, YYYY-MM or YYYY-MM-DD.")
@click.option("--until", default="", help="Latest change: YYYY, YYYY-MM or YYYY-MM-DD.")
@click.option("--issuer", multiple=True, help="Only releases by this issuer (repeat for OR).")
@click.option("--speaker", multiple=True, help="Only releases quoting this speaker (repeat for OR).")
@click.option("--kind", "kinds", multiple=True, type=click.Choice(EVENTS), help="Only these kinds of change.")
@click.option("--limit", type=click.IntRange(1, MAX_PAGE), default=50, show_default=True)
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
def changes_command(index_path: Path | None, since: str, until: str, issuer: tuple[str, ...], speaker: tuple[str, ...],
                    kinds: tuple[str, ...], limit: int, as_json: bool) -> None:
    """Releases updated, withdrawn or restored, newest first.

    Example: archive changes --since 2026-11-01 --kind withdrawn --json
    """
    from archive.cli import emit_json, open_snapshot

    with open_snapshot(index_path) as snap:
        found = list_changes(snap, _date(since, "--since"), _date(until, "--until"), list(issuer), list(speaker),
                             tuple(kinds) or EVENTS, limit=limit)
    if as_json:
        emit_json({"total": found.total, "truncated": found.truncated, "changes": [e.to_dict() for e in found.entries]})
        return
    click.echo(f"{found.total:,} changes" + (f", the newest {len(found.entries)} shown" if found.total > len(found.entries) else ""))
    for e in found.entries:
        what = {"updated": f"updated to version {e.version}", "withdrawn": "withdrawn",
                "restored": "restored"}[e.kind]
        click.echo(f"{e.date[:10]}  {what}: {e.title}\n  {e.id} · {e.issuer or 'unknown issuer'}"
                   + (f"\n  formerly titled: {e.previous_title}" if e.previous_title else ""))
