"""`archive audit` shows a user where extraction is weak on their own sources, without labels."""

from __future__ import annotations

import json
from collections import Counter

from click.testing import CliRunner

from indexer.audit import audit_command, looks_like_person, split_people


def test_people_and_not_people():
    assert looks_like_person("John P. Carlin") and looks_like_person("Sanford D. Bishop, Jr.")
    assert looks_like_person('Earl L. "Buddy" Carter')
    assert looks_like_person("Dean Heller") and not looks_like_person("Dean Attorney Holder")
    for value in ("U.S. Postal", "Occupational Safety Administration", "Rear Adm",
                  "Attorney General Holder"):
        assert not looks_like_person(value), value


def test_a_title_glued_to_a_name_is_reported_as_a_split_person():
    speakers = Counter({"John P. Carlin": 14, "Security John P. Carlin": 148, "Steve King": 9, "Angus S. King": 3})
    assert split_people(speakers) == []  # the glued variant is the more frequent one: nothing to attach it to
    speakers["John P. Carlin"] = 200
    assert split_people(speakers) == [("Security John P. Carlin", "John P. Carlin", 148)]


def test_audit_of_a_folder_names_its_weak_spots(tmp_path):
    folder = tmp_path / "newsroom"
    folder.mkdir()
    for n in range(4):
        (folder / f"r{n}.txt").write_text(
            "Press Release\n\nPRESS RELEASE\n\nThe committee met today. "
            f"The Overdose Prevention Office said the figures rose by {n} percent.\n", encoding="utf-8")
    (folder / "e.jsonl").write_text('{"title": "Rail Bill Backed", "url": "https://example.org/rail", "text": null}\n')
    from archive.store import IndexHome
    from indexer.build import run_index

    run_index([folder], IndexHome(tmp_path / "ix"))
    result = CliRunner().invoke(audit_command, ["--index", str(tmp_path / "ix"), "--json"])
    assert result.exit_code == 0, result.output
    report = json.loads(result.output)["newsroom"]
    assert report["releases"] == 5
    assert report["metadata_only"]["count"] == 1
    assert report["no_issuer"]["count"] == 0  # the office every release names issues them all
    assert report["shared_titles"]["examples"] == [["The committee met today.", 4]]
    assert report["speaker_mentions"] == 0  # an office is no speaker
