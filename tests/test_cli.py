"""The ``archive`` command end to end, as a user or a cron job runs it."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from .conftest import CORPUS, FIXTURES, ROOT


def archive(*args: str, index: Path, cwd: Path = ROOT) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "ARCHIVE_INDEX": str(index)}
    return subprocess.run([sys.executable, "-m", "archive.cli", *args], capture_output=True, text=True, env=env,
                          cwd=cwd, timeout=300)


@pytest.fixture(scope="module")
def index(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("cli") / "index"
    result = archive("index", str(CORPUS), "--json", index=path)
    assert result.returncode == 0, result.stderr
    summary = json.loads(result.stdout)
    assert summary["added"] == 32 and summary["skipped"] == [] and summary["published"]
    return path


def test_index_prints_a_summary_and_a_second_run_reports_everything_unchanged(index: Path):
    result = archive("index", str(CORPUS), index=index)
    assert result.returncode == 0
    assert "32 releases in the index: 0 added, 0 updated, 32 unchanged, 0 removed; 0 skipped" in result.stdout


def test_skips_are_listed_with_their_reasons_and_the_run_still_succeeds(tmp_path: Path):
    result = archive("index", str(FIXTURES), "--json", index=tmp_path / "index")
    assert result.returncode == 0, result.stderr
    skipped = {s["source"]: s["reason"] for s in json.loads(result.stdout)["skipped"]}
    assert skipped["fixtures/binary.html"] == "binary file (not text)"
    assert skipped["fixtures/empty.md"] == "empty file"
    assert skipped["fixtures/mixed.jsonl#L2"].startswith("not valid JSON")
    assert skipped["fixtures/mixed.jsonl#L3"] == "not a JSON object (a list)"
    assert skipped["fixtures/mixed.jsonl#L4"] == "record has no text"


def test_skips_are_listed_by_file_and_line_whichever_worker_finished_first(tmp_path: Path):
    folder = tmp_path / "drop"
    folder.mkdir()
    for n in range(1, 13):
        (folder / f"release{n}.md").write_text("")
    lines = ['{"title": "Fine", "text": "The clerk posted a notice."}'] + ['{"title": "No text"}'] * 11
    (folder / "export.jsonl").write_text("\n".join(lines) + "\n")
    result = archive("index", str(folder), "--json", index=tmp_path / "index")
    assert result.returncode == 0, result.stderr
    sources = [s["source"] for s in json.loads(result.stdout)["skipped"]]
    assert sources == [f"drop/export.jsonl#L{n}" for n in range(2, 13)] + [f"drop/release{n}.md" for n in range(1, 13)]


def test_nothing_readable_is_an_error(tmp_path: Path):
    result = archive("index", str(tmp_path / "missing"), index=tmp_path / "index")
    assert result.returncode == 1
    assert "nothing could be read" in result.stderr and "Traceback" not in result.stderr


def test_stats_show_search_and_export(index: Path):
    stats = json.loads(archive("stats", "--json", index=index).stdout)
    assert stats["releases"] == 32 and stats["years"] == {"2023": 5, "2024": 11, "2025": 11, "2026": 5}
    exported = [json.loads(line) for line in archive("export", index=index).stdout.splitlines()]
    assert len(exported) == 32
    assert set(exported[0]) >= {"id", "title", "subtitle", "date", "dateline", "wire", "issuer", "speakers", "topics",
                                "tags", "url", "source", "language", "paragraphs", "word_count", "content_hash"}
    record = next(r for r in exported if r["title"].startswith("Governor Whitcombe Signs"))
    shown = archive("show", record["id"], index=index)
    assert shown.returncode == 0 and "[p1] RIVERTON" in shown.stdout
    found = json.loads(archive("search", "broadband", "--speaker", "Tobias Fenn", "--json", index=index).stdout)
    assert {h["id"] for h in found["hits"]} == {r["id"] for r in exported if "broadband" in " ".join(r["paragraphs"]).lower()
                                               and any(s["name"] == "Tobias Fenn" for s in r["speakers"])}
    text = archive("search", "water", "--sort", "newest", "--from", "2025", index=index).stdout
    wet = [r for r in exported if r["date"] >= "2025" and re.search(r"\bwater", r["title"] + " ".join(r["paragraphs"]), re.I)]
    assert text.startswith(f"{len(wet)} releases") and "topic:" in text


def test_unknown_release_and_missing_index_are_plain_errors(index: Path, tmp_path: Path):
    result = archive("show", "no-such-id", index=index)
    assert result.returncode == 1 and "no release with id 'no-such-id'" in result.stderr
    result = archive("stats", index=tmp_path / "empty")
    assert result.returncode == 1 and "run `archive index` first" in result.stderr


def test_every_command_is_documented_with_an_example(index: Path):
    from archive.cli import main

    for name, command in main.commands.items():
        assert command.help and "Example:" in command.help, name


def test_an_index_from_another_version_is_flagged_until_it_is_rebuilt(tmp_path: Path):
    path = tmp_path / "index"
    assert archive("index", str(CORPUS / "seed"), index=path).returncode == 0
    manifest_path = path / (path / "CURRENT").read_text().strip() / "manifest.json"
    manifest = json.loads(manifest_path.read_text())
    manifest["extractor_version"] = 1
    manifest_path.write_text(json.dumps(manifest))
    stale = archive("stats", index=path)
    assert stale.returncode == 0 and "built by another version" in stale.stderr and "archive index" in stale.stderr
    assert json.loads(archive("stats", "--json", index=path).stdout)["outdated"]
    from web import create_app

    page = create_app({"INDEX_PATH": str(path)}).test_client().get("/?q=kunming").get_data(as_text=True)
    assert "index needs rebuilding" in page and "archive index" in page
    rebuilt = archive("index", str(CORPUS / "seed"), "--json", index=path)
    assert json.loads(rebuilt.stdout)["added"] >= 1, "a new version rebuilds rather than keeping old documents"
    fresh = archive("stats", index=path)
    assert fresh.returncode == 0 and "another version" not in fresh.stderr


def test_counts_read_as_english_and_a_page_past_the_end_says_so(index: Path):
    one = archive("search", "wetland", index=index)
    assert one.returncode == 0 and one.stdout.startswith("1 release (")
    past = archive("search", "water", "--page", "999", index=index)
    assert past.returncode == 1 and "there is no page 999" in past.stderr and "fit on 1 page of 10" in past.stderr


def test_a_speaker_or_topic_that_does_not_exist_gets_the_closest_values(index: Path):
    result = archive("search", "--speaker", "Tobias Fen", "--topic", "helth", index=index)
    assert result.returncode == 0 and result.stdout.startswith("0 releases")
    assert "no speaker is called 'Tobias Fen'; did you mean 'Tobias Fenn'?" in result.stdout
    assert "no topic is called 'helth'; did you mean 'health'?" in result.stdout
    typed_in_lower_case = json.loads(archive("search", "--speaker", "tobias fenn", "--json", index=index).stdout)
    assert typed_in_lower_case["total"] == 5


def test_dates_are_read_as_people_type_them_and_a_reversed_range_is_put_right(index: Path):
    iso = json.loads(archive("search", "--from", "2025-03", "--to", "2025-06", "--json", index=index).stdout)
    typed = archive("search", "--from", "March 2025", "--to", "06/30/2025", "--json", index=index)
    assert typed.returncode == 0 and json.loads(typed.stdout)["total"] == iso["total"] > 0
    reversed_range = archive("search", "--from", "June 2025", "--to", "2025-03", "--json", index=index)
    assert json.loads(reversed_range.stdout)["total"] == iso["total"]
    assert "the dates were the wrong way round; searching from 2025-03 to 2025-06" in reversed_range.stderr
    bad = archive("search", "--from", "someday", index=index)
    assert bad.returncode == 2 and "'--from'" in bad.stderr and "Traceback" not in bad.stderr


def test_export_takes_the_search_options(index: Path):
    found = json.loads(archive("search", "--topic", "politics", "--from", "2025", "--limit", "100", "--json",
                               index=index).stdout)
    exported = [json.loads(line) for line in
                archive("export", "--topic", "politics", "--from", "2025", index=index).stdout.splitlines()]
    assert [r["id"] for r in exported] == [h["id"] for h in found["hits"]] and 0 < len(exported) < 32
    assert all("politics" in r["topics"] and r["date"] >= "2025" for r in exported)


def test_help_examples_name_releases_that_exist_in_the_demo_corpus(index: Path):
    from archive.cli import main

    ids = {i for command in main.commands.values() for i in re.findall(r"\b[a-z0-9-]+-[0-9a-f]{8}\b", command.help or "")}
    assert ids, "the examples show real ids"
    for release_id in ids:
        assert archive("show", release_id, index=index).returncode == 0, release_id


def test_folded_copies_are_explained_in_every_count(tmp_path: Path):
    folder = tmp_path / "wire"
    folder.mkdir()
    for name in ("a", "b", "c"):
        (folder / f"{name}.md").write_text("# Harbor Opens New Pier\n\nTESSALY, May 2, 2024 /Wire/ -- The harbor opened.\n")
    (folder / "d.md").write_text("# Lighthouse Relit\n\nTESSALY, May 9, 2024 /Wire/ -- The lighthouse shines.\n")
    indexed = archive("index", str(folder), index=tmp_path / "index")
    assert indexed.stdout.startswith("4 releases in the index (2 of them folded as copies of others: searches show 2)")
    stats = archive("stats", index=tmp_path / "index").stdout
    assert stats.startswith("2 releases from 4 files") and "2 folded as copies of others" in stats
    assert archive("search", index=tmp_path / "index").stdout.startswith("2 releases")


def test_ctrl_c_during_index_prints_one_line_and_no_worker_tracebacks(tmp_path: Path):
    """Ctrl-C at a terminal reaches every process of the run: only the command itself may answer it."""
    import signal
    import time

    pages = sorted((CORPUS / "web").rglob("*.html"))
    folder = tmp_path / "many"
    folder.mkdir()
    for n in range(400):
        page = pages[n % len(pages)].read_bytes()
        (folder / f"r{n}.html").write_bytes(page.replace(b"</title>", f" {n}</title>".encode()))
    env = {**os.environ, "ARCHIVE_INDEX": str(tmp_path / "index")}
    run = subprocess.Popen([sys.executable, "-m", "archive.cli", "index", str(folder), "--jobs", "2"], env=env,
                           cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, start_new_session=True)

    def group() -> list[str]:
        found = []
        for pid in filter(str.isdigit, os.listdir("/proc")):
            try:
                stat = Path(f"/proc/{pid}/stat").read_text()
            except OSError:
                continue
            if stat.rsplit(") ", 1)[1].split()[2] == str(run.pid):
                found.append(pid)
        return found

    deadline = time.monotonic() + 120
    while len(group()) < 5 and run.poll() is None and time.monotonic() < deadline:  # the workers are parsing
        time.sleep(0.1)
    time.sleep(1)
    os.killpg(run.pid, signal.SIGINT)
    try:
        _out, err = run.communicate(timeout=120)
    except subprocess.TimeoutExpired:
        os.killpg(run.pid, signal.SIGKILL)
        raise AssertionError("the run hung after Ctrl-C") from None
    assert run.returncode == 130, err
    assert "Traceback" not in err and "KeyboardInterrupt" not in err
    assert err.strip() == "interrupted: the index is unchanged (the last complete run is still searchable)"


def test_serve_on_a_busy_port_says_so_in_one_line(index: Path):
    import socket

    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        result = archive("serve", "--port", str(port), index=index)
    assert result.returncode == 1 and "Traceback" not in result.stderr
    assert result.stderr.strip().splitlines() == [
        f"Error: port {port} on 127.0.0.1 is already in use (another archive serve, or another program): choose "
        f"another with --port {port + 1} (make demo PORT={port + 1})"]
    assert "Press Archive on" not in result.stdout, "no address is announced that nobody listens on"
