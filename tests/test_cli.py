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
