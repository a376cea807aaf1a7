"""The ``archive`` command. Core commands live here; ``index`` and ``serve`` are contributed by the
``indexer`` and ``web`` packages through the ``press_archive.commands`` entry-point group, so the core never
imports them.
"""

from __future__ import annotations

import difflib
import json
import sys
from datetime import date
from importlib.metadata import entry_points
from pathlib import Path
from typing import Any

import click

from archive.citations import FORMATS, cite
from archive.limits import CLI_SEARCH_SECONDS
from archive.search import SORTS, SearchRequest, facet_names, matching_releases, search
from archive.store import ArchiveError, IndexHome, NoIndex, Snapshot, default_index_path, outdated

index_option = click.option(
    "--index", "index_path", type=click.Path(path_type=Path), default=None,
    help="Index folder (default: $ARCHIVE_INDEX or var/index).",
)


def open_snapshot(index_path: Path | None) -> Snapshot:
    """The current generation of the index, for the whole command (a re-index publishing meanwhile does not
    change what the command reads)."""
    from archive.store import IndexReader

    home = IndexHome(index_path or default_index_path())
    if home.current() is None:
        raise NoIndex(f"no index in {home.path}; run `archive index` first")
    reader = IndexReader(home)
    snap = reader.snapshot()
    reader.close()  # the snapshot keeps its generation open until it is closed
    return snap


def emit_json(data: Any) -> None:
    click.echo(json.dumps(data, ensure_ascii=False, indent=2))


class ArchiveGroup(click.Group):
    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except ArchiveError as exc:
            raise click.ClickException(str(exc)) from None


@click.group(cls=ArchiveGroup)
@click.version_option(package_name="press-archive")
def main() -> None:
    """Press Archive: index folders of press releases and search them.

    Example: archive index corpus/ && archive search "water" --topic environment
    """


@main.command()
@index_option
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
def stats(index_path: Path | None, as_json: bool) -> None:
    """How many releases the index holds, by facet, and when it was last indexed.

    Example: archive stats --json
    """
    with open_snapshot(index_path) as snap:
        result = search(snap, SearchRequest(page_size=1, facet_limit=5, passages=False), seconds=CLI_SEARCH_SECONDS)
        data = {
            "releases": result.total,
            "folded": len(snap.tables.folded),
            "indexed_at": snap.manifest.get("indexed_at"),
            "sources": len(snap.manifest.get("sources", {})),
            "index": str(snap.path),
            "outdated": outdated(snap.manifest),
            "years": {b.label: b.count for b in result.histogram},
            "top": {f.name: {v.value: v.count for v in f.values} for f in result.facets},
        }
    if as_json:
        emit_json(data)
        return
    click.echo(f"{plural(data['releases'], 'release')} from {plural(data['sources'], 'file')}, indexed {data['indexed_at']}")
    if data["folded"]:
        click.echo(f"  ({data['releases'] + data['folded']:,} indexed: {data['folded']:,} folded as copies of others, "
                   f"listed under the release they copy)")
    if data["outdated"]:
        click.echo(f"warning: {data['outdated']}", err=True)
    click.echo("years: " + ", ".join(f"{k} ({v})" for k, v in data["years"].items()))
    for name, values in data["top"].items():
        if values:
            click.echo(f"top {name}: " + "; ".join(f"{k} ({v})" for k, v in values.items()))


@main.command()
@click.argument("release_id")
@index_option
@click.option("--json", "as_json", is_flag=True, help="Print the whole record as JSON.")
def show(release_id: str, index_path: Path | None, as_json: bool) -> None:
    """Show one release.

    Example: archive show newsroom-ai-route-planner-4ff005a3
    """
    with open_snapshot(index_path) as snap:
        release = snap.get(release_id)
    if release is None:
        raise click.ClickException(f"no release with id {release_id!r}")
    if as_json:
        emit_json(release.to_dict())
        return
    click.echo(release.title)
    if release.subtitle:
        click.echo(release.subtitle)
    click.echo(f"{release.date or 'undated'} · {release.issuer or 'unknown issuer'} · {release.source}")
    for s in release.speakers:
        click.echo(f"  speaker: {s.name}" + (f" ({s.title})" if s.title else ""))
    if release.topics:
        click.echo("  topics: " + "; ".join(release.topics))
    click.echo("")
    for n, paragraph in enumerate(release.paragraphs, start=1):
        click.echo(f"[p{n}] {paragraph}\n")


def plural(count: int, word: str) -> str:
    """``1 release``, ``2 releases``, ``12,662 releases``."""
    return f"{count:,} {word}{'' if count == 1 else 's'}"


def search_options(command: Any) -> Any:
    """The options that choose releases, shared by ``search`` and ``export``."""
    options = [
        click.argument("query", required=False, default=""),
        click.option("--speaker", multiple=True, help="Only releases quoting this speaker (repeat for OR)."),
        click.option("--topic", multiple=True, help="Only releases on this topic (repeat for OR)."),
        click.option("--issuer", multiple=True, help="Only releases by this issuer (repeat for OR)."),
        click.option("--tag", multiple=True, help="Only releases with this source tag (repeat for OR)."),
        click.option("--wire", multiple=True, help="Only releases from this wire (repeat for OR)."),
        click.option("--status", multiple=True, type=click.Choice(["published", "updated", "withdrawn", "superseded"]),
                     help="Only releases of this status (withdrawn ones are left out otherwise)."),
        click.option("--all-versions", is_flag=True, help="Search earlier versions of releases too."),
        click.option("--from", "date_from", default="", callback=_typed_date,
                     help="Earliest date, as you would write it: 2016, 2016-03-15, 03/15/2016, March 2016, last month."),
        click.option("--to", "date_to", default="", callback=_typed_date, help="Latest date, written the same ways."),
        click.option("--sort", type=click.Choice(SORTS), default="relevance", show_default=True),
    ]
    for option in reversed(options):
        command = option(command)
    return command


def _typed_date(ctx: click.Context, param: click.Parameter, value: str) -> str:
    from archive.dates import DateError, parse_date

    if not value.strip():
        return ""
    try:
        return parse_date(value)
    except DateError as exc:
        raise click.BadParameter(str(exc)) from None


def _request(reader: Snapshot, query: str, facets: dict[str, tuple[str, ...]], date_from: str, date_to: str,
             sort: str, **more: Any) -> SearchRequest:
    """The search the options ask for; a reversed date range is put right, with a note."""
    from archive.dates import in_order

    date_from, date_to, swapped = in_order(date_from, date_to)
    if swapped:
        click.echo(f"note: the dates were the wrong way round; searching from {date_from} to {date_to}", err=True)
    filters = {}
    for name, values in facets.items():
        table = reader.tables.tables.get(name)
        if values:  # typed in any case: the archive's own spelling of the value, where it has one
            filters[name] = [(table.spelling(v) if table is not None else None) or v for v in values]
    return SearchRequest(q=query, filters=filters, date_from=date_from, date_to=date_to, sort=sort, **more)


def unknown_values(reader: Snapshot, filters: dict[str, list[str]]) -> list[str]:
    """A hint for each filter value no release carries, with the closest values that exist."""
    hints = []
    for name, values in filters.items():
        table = reader.tables.tables.get(name)
        if table is None:
            continue
        for value in values:
            if table.spelling(value) is not None:
                continue
            by_case = {v.casefold(): v for v in table.values}
            close = [by_case[c] for c in difflib.get_close_matches(value.casefold(), list(by_case), n=3, cutoff=0.6)]
            hint = f"no {name} is called {value!r}"
            hints.append(hint + (f"; did you mean {' or '.join(repr(c) for c in close)}?" if close else
                                 f"; `archive stats` lists the most frequent {name} values"))
    return hints


@main.command("search")
@search_options
@index_option
@click.option("--page", type=click.IntRange(min=1), default=1, show_default=True)
@click.option("--limit", type=click.IntRange(1, 100), default=10, show_default=True, help="Results per page.")
@click.option("--json", "as_json", is_flag=True, help="Print the whole result as JSON.")
def search_command(query: str, index_path: Path | None, speaker: tuple[str, ...], topic: tuple[str, ...],
                   issuer: tuple[str, ...], tag: tuple[str, ...], wire: tuple[str, ...], status: tuple[str, ...],
                   all_versions: bool, date_from: str, date_to: str, sort: str, page: int, limit: int,
                   as_json: bool) -> None:
    """Search the archive: words, "phrases", OR, NOT, -word, word*, field:value, date:2024-03.

    Example: archive search 'robot* date:2025..2026' --issuer "Brightline Robotics" --from 'March 2025' --sort newest
    """
    facets = dict(zip(facet_names(), (speaker, topic, issuer, tag, wire, status), strict=True))
    with open_snapshot(index_path) as snap:
        request = _request(snap, query, facets, date_from, date_to, sort, page=page, page_size=limit,
                           all_versions=all_versions)
        result = search(snap, request, seconds=CLI_SEARCH_SECONDS)
        hints = unknown_values(snap, request.filters) if not result.total else []
    if result.total and page > result.pages:
        raise click.ClickException(f"there is no page {page:,}: the {plural(result.total, 'release')} found fit on "
                                   f"{plural(result.pages, 'page')} of {limit}")
    if as_json:
        emit_json(result.to_dict())
        return
    click.echo(f"{plural(result.total, 'release')} ({result.took_ms} ms), page {result.page} of {result.pages}")
    if result.ignored:
        click.echo("ignored: " + "; ".join(result.ignored))
    for hint in hints:
        click.echo(hint)
    if result.did_you_mean:
        click.echo(f"did you mean: {result.did_you_mean}")
    for hit in result.hits:
        click.echo(f"\n{hit.date or 'undated'}  {hit.title}\n  {hit.id} · {hit.issuer}")
        if hit.speakers:
            click.echo("  speakers: " + "; ".join(hit.speakers))
    click.echo("")
    for facet in result.facets:
        if facet.values:
            click.echo(f"{facet.name}: " + "; ".join(f"{v.value} ({v.count})" for v in facet.values))


@main.command()
@search_options
@index_option
@click.option("--format", "fmt", type=click.Choice(["jsonl"]), default="jsonl", show_default=True)
def export(query: str, index_path: Path | None, speaker: tuple[str, ...], topic: tuple[str, ...],
           issuer: tuple[str, ...], tag: tuple[str, ...], wire: tuple[str, ...], status: tuple[str, ...],
           all_versions: bool, date_from: str, date_to: str, sort: str, fmt: str) -> None:
    """The releases a search finds (every release without one), one JSON object a line, with all their fields.

    Takes the options of `archive search`.

    Example: archive export --topic politics --from 2025 > politics.jsonl
    """
    facets = dict(zip(facet_names(), (speaker, topic, issuer, tag, wire, status), strict=True))
    out = sys.stdout
    with open_snapshot(index_path) as snap:
        request = _request(snap, query, facets, date_from, date_to, sort, passages=False, all_versions=all_versions)
        chosen = bool(query or request.filters or request.date_from or request.date_to or all_versions)
        releases = matching_releases(snap, request) if chosen else snap.iter_releases()
        for release in releases:
            out.write(release.to_json() + "\n")
        if chosen:
            for hint in unknown_values(snap, request.filters):
                click.echo(hint, err=True)


@main.command("cite")
@click.argument("release_id")
@index_option
@click.option("--style", "fmt", type=click.Choice(FORMATS), default="apa", show_default=True)
@click.option("--paragraph", type=click.IntRange(min=1), default=None, help="Cite one paragraph (a pinpoint citation).")
@click.option("--base-url", envvar="ARCHIVE_BASE_URL", default=None,
              help="The archive's public address, as given to `archive serve --base-url` ($ARCHIVE_BASE_URL); "
                   "without it the citation names only the original URL.")
def cite_command(release_id: str, index_path: Path | None, fmt: str, paragraph: int | None, base_url: str | None) -> None:
    """Cite a release in APA, MLA, Chicago, BibTeX, RIS or CSL-JSON.

    Example: ARCHIVE_BASE_URL=https://archive.example.org archive cite newsroom-ai-route-planner-4ff005a3 --style mla --paragraph 3
    """
    from archive.citations import all_styles
    from archive.urls import base_url as checked_base_url

    try:
        base = checked_base_url(base_url) if base_url else None
    except ValueError as exc:
        raise click.BadParameter(str(exc), param_hint="--base-url") from None
    with open_snapshot(index_path) as snap:
        release = snap.get(release_id)
    if release is None:
        raise click.ClickException(f"no release with id {release_id!r}")
    permalink = f"{base}/releases/{release.id}" if base else None
    if not base:
        click.echo("note: no --base-url or $ARCHIVE_BASE_URL: the citation does not say where it is archived", err=True)
    try:
        text = cite(release, fmt, permalink, accessed=date.today(), paragraph=paragraph)
    except ValueError as exc:
        raise click.ClickException(str(exc)) from None
    if fmt in ("apa", "mla", "chicago") and paragraph:
        text += all_styles(release, permalink, date.today(), paragraph)[fmt].citation + "\n"
    click.echo(text, nl=False)


@main.command("quote")
@click.argument("passage")
@index_option
@click.option("--limit", type=click.IntRange(1, 10), default=5, show_default=True, help="Texts shown.")
@click.option("--base-url", envvar="ARCHIVE_BASE_URL", default=None,
              help="The archive's public address ($ARCHIVE_BASE_URL), for the permalink in the citation.")
@click.option("--json", "as_json", is_flag=True, help="Print the whole result as JSON.")
def quote_command(passage: str, index_path: Path | None, limit: int, base_url: str | None, as_json: bool) -> None:
    """Find who said a passage, where and when: 5-80 words as found, even misquoted or cut.

    Exits with status 1 when no release holds it. Example: archive quote "we will not rest until every family has clean water"
    """
    from archive.citations import all_styles
    from archive.quotes import find_quote
    from archive.urls import base_url as checked_base_url

    try:
        base = checked_base_url(base_url) if base_url else None
    except ValueError as exc:
        raise click.BadParameter(str(exc), param_hint="--base-url") from None
    with open_snapshot(index_path) as snap:
        result = find_quote(snap, passage, seconds=CLI_SEARCH_SECONDS, limit=limit)
        best = result.groups[0].first if result.groups else None
        release = snap.get(best.release_id) if best else None
    if as_json:
        emit_json(result.to_dict())
    else:
        _print_quote(result)
        if best and release:
            permalink = f"{base}/releases/{release.id}" if base else None
            note = all_styles(release, permalink, date.today(), best.paragraph)["chicago"].citation
            click.echo(f"\ncite (Chicago note): {note}" + (f"\n  {permalink}#p{best.paragraph}" if permalink else ""))
    if not result.groups:
        sys.exit(1)


def _print_quote(result: Any) -> None:
    for notice in result.ignored:
        click.echo(f"ignored: {notice}")
    if not result.groups:
        click.echo(f"No match. {result.message}")
        return
    click.echo(f"{len(result.groups)} text{'s' if len(result.groups) > 1 else ''} found ({result.took_ms} ms)")
    for n, group in enumerate(result.groups, start=1):
        m = group.first
        said = "first said" if len(group.matches) > 1 else "said"
        who = f" by {m.speaker}" + (f" ({m.speaker_title})" if m.speaker_title else "") if m.speaker else ""
        click.echo(f"\n{n}. {said} {m.date or 'undated'}{who}, {round(m.score * 100)}% the same")
        click.echo(f"   {m.title}\n   {m.release_id} paragraph {m.paragraph}" + (f" · {m.issuer}" if m.issuer else ""))
        click.echo(f"   \u201c{m.quote}\u201d")
        differs = [f"{whose} \u201c{' '.join(words)}\u201d" for whose, words in
                   (("the release has", m.theirs), ("the passage has", m.yours)) if words]
        if differs:
            click.echo("   differs: " + "; ".join(differs))
        for copy in group.matches[1:]:
            click.echo(f"   also {copy.date or 'undated'}: {copy.release_id} paragraph {copy.paragraph}")
        if group.more:
            click.echo(f"   and {group.more} more releases with the same rare words, not compared")


def _changes_command() -> click.Command:
    from archive.changes_cli import changes_command

    return changes_command


def _load_plugins() -> None:
    for ep in entry_points(group="press_archive.commands"):
        try:
            command = ep.load()
        except ImportError as exc:  # a package of the project that is not installed
            click.echo(f"warning: command {ep.name!r} unavailable: {exc}", err=True)
            continue
        main.add_command(command, ep.name)


_load_plugins()
main.add_command(_changes_command(), "changes")

if __name__ == "__main__":
    main()
