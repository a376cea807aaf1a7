"""Each source format becomes clean drafts: titles, dates, bodies without boilerplate, reasons for skips."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from indexer.extract.titles import choose_title
from indexer.sources import SkipFile, parse_file
from indexer.sources.jsonfile import load_mapping
from indexer.sources.reading import decode

from .conftest import CORPUS, FIXTURES, SAMPLES, needs_shared


def parse_one(path: Path):
    items = parse_file(path, path.name, load_mapping(None))
    assert len(items) == 1
    return items[0]


def test_html_page_of_a_modern_site_gives_headline_date_tags_and_body_only():
    draft = parse_one(CORPUS / "web/brightline/2025-02-18-safety-recall.html")
    assert choose_title(draft) == "Brightline Robotics Issues Voluntary Software Update After Braking Fault"
    assert draft.meta_date.startswith("2025-02-18")
    assert draft.url == "https://newsroom.brightline.example/safety-recall"
    assert draft.tags == ["Safety", "Product news"]
    assert draft.paragraphs[0].startswith("TACOMA, Wash.")
    text = " ".join(draft.paragraphs)
    for boilerplate in ("Careers", "Share on X", "Recent news", "All rights reserved", "analytics"):
        assert boilerplate not in text


def test_html_page_of_an_old_table_site_in_cp1252_gives_subtitle_and_categories():
    draft = parse_one(CORPUS / "web/statehouse/release-2024-1107.html")
    assert choose_title(draft) == "Governor Whitcombe Signs Rural Broadband Act"
    assert draft.subtitle == "Statement from the Office of Governor Ada Whitcombe"
    assert draft.meta_date == "2024-11-07"
    assert draft.tags == ["Technology", "Rural affairs"]
    assert len(draft.paragraphs) == 3
    assert "About the Governor" not in " ".join(draft.paragraphs)


@needs_shared
def test_doj_page_gives_node_title_dc_date_components_and_no_navigation():
    draft = parse_one(SAMPLES / "doj-opa-html/release_00233.html")
    assert choose_title(draft) == "Leader of Guatemalan Drug Trafficking Organization Sentenced to Life in Prison"
    assert draft.meta_date.startswith("2018-02-22")
    assert draft.url == "https://www.justice.gov/opa/pr/leader-guatemalan-drug-trafficking-organization-sentenced-life-prison"
    assert "Drug Trafficking" in draft.tags
    assert draft.paragraphs[0].startswith("Earlier today, Eliu Elixander Lorenzana-Cordon")
    text = " ".join(draft.paragraphs)
    assert "Topic(s)" not in text and "Component(s)" not in text
    assert "Office of Public Affairs" not in draft.paragraphs[-1] or len(draft.paragraphs[-1]) > 100


def test_markdown_wire_copy_keeps_footer_links_out_of_the_body_and_takes_the_source_url():
    path = next((CORPUS / "wire/newsworthy").rglob("*.md"))
    draft = parse_one(path)
    assert choose_title(draft).startswith("Brightline Robotics")
    assert draft.url.startswith("https://example.org/releases/")
    assert not any("Original/Source" in p for p in draft.paragraphs)


def test_seed_format_reads_the_date_line_and_has_no_headline_line():
    draft = parse_one(CORPUS / "seed/000_6641e13d47637e34.txt")
    assert draft.meta_date == "2025-02-06"
    assert draft.paragraphs[0].startswith("GUANGZHOU, China, Feb. 6, 2025 /PRNewswire/")


@pytest.mark.parametrize("name,expected", [("utf16.txt", "Zürich"), ("cp1252.txt", "Amélie Durand")])
def test_encodings_are_detected(name: str, expected: str):
    draft = parse_one(FIXTURES / name)
    assert expected in choose_title(draft) + " ".join(draft.paragraphs)


@pytest.mark.parametrize("name,reason", [("binary.html", "binary"), ("empty.md", "empty")])
def test_unusable_files_are_skipped_with_a_reason(name: str, reason: str):
    with pytest.raises(SkipFile, match=reason):
        parse_file(FIXTURES / name, name, load_mapping(None))


def test_jsonl_keeps_good_records_and_names_each_bad_line():
    items = parse_file(FIXTURES / "mixed.jsonl", "mixed.jsonl", load_mapping(None))
    good = [i for i in items if not isinstance(i, SkipFile)]
    bad = [(i.source, str(i)) for i in items if isinstance(i, SkipFile)]
    assert [d.title for d in good] == ["Orchard Trust Buys Farmland"]
    assert good[0].source == "mixed.jsonl#L1"
    assert bad == [
        ("mixed.jsonl#L2", "not valid JSON (Expecting property name enclosed in double quotes: line 1 column 2 (char 1))"),
        ("mixed.jsonl#L3", "not a JSON object (a list)"),
        ("mixed.jsonl#L4", "record has no text"),
    ]


def test_json_field_mapping_can_be_overridden_by_a_config_file(tmp_path: Path):
    (tmp_path / "press-archive.toml").write_text('[json.fields]\ntitle = "meta.headline"\ntext = "copy"\n')
    (tmp_path / "r.json").write_text('{"meta": {"headline": "Mapped Title"}, "copy": "Body text.", "date": "2020-01-02"}')
    items = parse_file(tmp_path / "r.json", "r.json", load_mapping(tmp_path))
    assert items[0].title == "Mapped Title" and items[0].paragraphs == ["Body text."]


def test_bad_mapping_config_names_the_file_and_the_field(tmp_path: Path):
    (tmp_path / "press-archive.toml").write_text('[json.fields]\nheadline = "x"\n')
    with pytest.raises(ValueError, match=r"press-archive.toml: unknown field 'headline'"):
        load_mapping(tmp_path)


@needs_shared
def test_congress_jsonl_member_becomes_issuer_and_speaker():
    from indexer.pipeline import build_release

    items = parse_file(SAMPLES / "congress-press/sample.jsonl", "sample.jsonl", load_mapping(None))
    lee = next(d for d in items if not isinstance(d, SkipFile) and "lee.house.gov" in d.url and "alito" in d.url)
    release = build_release(lee)
    assert release.issuer == "Office of Congresswoman Barbara Lee"
    assert release.speakers[0].name == "Barbara Lee"
    assert release.date == "2005-10-30"


def test_a_members_release_names_them_by_their_sites_chamber_when_the_export_says_otherwise(tmp_path: Path):
    from indexer.pipeline import build_release

    record = {"url": "https://www.hale.senate.gov/news/rail", "title": "Hale Backs Rail Bill", "date": "2013-03-01",
              "member": {"name": "John Hale", "chamber": "House"},  # the export's chamber is wrong
              "text": "Hale Backs Rail Bill. I will vote for the rail bill because our towns need it."}
    (tmp_path / "m.jsonl").write_text(json.dumps(record) + "\n")
    [draft] = parse_file(tmp_path / "m.jsonl", "m.jsonl", load_mapping(None))
    release = build_release(draft)
    assert release.issuer == "Office of Senator John Hale"
    assert [(s.name, s.title) for s in release.speakers] == [("John Hale", "Senator")]


def test_decode_rejects_text_that_is_mostly_control_characters():
    with pytest.raises(SkipFile):
        decode(b"\x01\x02\x03\x04" * 100)


def test_a_record_with_a_title_and_url_but_no_text_is_kept_as_metadata_only(tmp_path: Path):
    (tmp_path / "e.jsonl").write_text(
        '{"title": "Senator Backs Rail Bill", "date": "2019-08-02", "url": "https://senate.example/rail", "text": null}\n')
    [draft] = parse_file(tmp_path / "e.jsonl", "e.jsonl", load_mapping(None))
    assert draft.metadata_only and draft.paragraphs == []
    assert choose_title(draft) == "Senator Backs Rail Bill"
