"""A generated corpus of bad files: each is skipped with a clear reason or indexed safely, the run never
crashes or hangs, and nothing from it ever runs in a visitor's browser."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from xml.etree import ElementTree

import pytest

from archive.model import Release
from archive.store import IndexHome, IndexReader
from indexer.build import run_index
from indexer.sources import parts
from tests.stress.hostile_corpus import generate

from .conftest import ROOT, serve
from .test_browser import CHROMIUM

CLEAR_REASONS = ("empty file", "binary file", "no release text", "not valid JSON", "not a JSON object",
                 "record has no text", "not a valid gzip file", "too large", "cannot read", "took longer than",
                 "nesting too deep", "not a regular file", "link to a file outside the indexed folder",
                 "not extracted: its file used up", "sparse file", "its name reads the same",
                 "too many HTML elements")


@pytest.fixture(scope="module")
def hostile(tmp_path_factory) -> tuple[Path, IndexHome, dict]:
    folder = tmp_path_factory.mktemp("hostile") / "corpus"
    made = generate(folder, count=68, huge_mib=21)
    home = IndexHome(folder.parent / "index")
    summary = run_index([folder], home, jobs=2)
    return folder, home, {"made": made, **summary.to_dict()}


def test_every_bad_file_is_skipped_with_a_clear_reason_or_indexed(hostile):
    _folder, _home, summary = hostile
    assert summary["published"] and summary["releases"] > 0
    unclear = [s for s in summary["skipped"] if not s["reason"].startswith(CLEAR_REASONS)]
    assert unclear == []
    assert not any("could not be parsed" in s["reason"] for s in summary["skipped"])
    assert any(s["reason"].startswith("too large") for s in summary["skipped"])


def test_indexed_hostile_releases_are_readable_records(hostile):
    _folder, home, _summary = hostile
    reader = IndexReader(home)
    for release in reader.iter_releases():
        assert release.title is not None and release.paragraphs
        assert "\x00" not in release.title + "".join(release.paragraphs)
    reader.close()


def test_nothing_from_the_hostile_corpus_runs_in_the_browser(hostile):
    if CHROMIUM is None:
        pytest.skip("Debian's chromium is not installed (make test installs it)")
    sync_api = pytest.importorskip("playwright.sync_api")
    _folder, home, _summary = hostile
    site = serve(home)
    base = next(site)
    reader = IndexReader(home)
    ids = [r.id for r in reader.iter_releases()][:25]
    reader.close()
    try:
        with sync_api.sync_playwright() as p:
            browser = p.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox", "--disable-gpu",
                                        "--disable-background-networking", "--no-first-run"])
            page = browser.new_page()
            fired: list[str] = []
            page.on("dialog", lambda d: (fired.append(f"dialog {d.message}"), d.dismiss()))
            page.on("console", lambda m: fired.append(m.text) if "Content Security Policy" in m.text else None)
            page.add_init_script("window.alert = (m) => { document.title = 'ALERT ' + m; };")
            for url in [f"{base}/?q=alert", f"{base}/?q=script", f"{base}/feed.atom?q=alert"] + [f"{base}/releases/{i}" for i in ids]:
                page.goto(url)
                assert not page.title().startswith("ALERT"), url
                assert page.locator("x-injected, iframe[src*='evil'], img[onerror], [onload]").count() == 0, url
            browser.close()
    finally:
        site.close()
    assert [f for f in fired if f.startswith("dialog")] == []
    assert fired == [], "no inline script even tried to run (CSP reports would show it)"


# Each attack of the security probe (../shared/security/probe-2026-12-01.md), reproduced as it was tried.

SECRET = "TOPSECRET-OUTSIDE-THE-ROOT"


def index_json(folder: Path, home: IndexHome, **kwargs) -> tuple[dict, dict[str, Release]]:
    summary = run_index([folder], home, jobs=1, **kwargs).to_dict()
    reader = IndexReader(home)
    try:
        return summary, {r.id: r for r in reader.iter_releases()}
    finally:
        reader.close()


def skips(summary: dict) -> dict[str, str]:
    return {s["source"]: s["reason"] for s in summary["skipped"]}


def test_h1_links_out_of_the_indexed_folder_are_skipped_and_links_inside_it_are_read(tmp_path: Path):
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "secret.md").write_text(f"# Secret\n\n{SECRET} the payroll file.\n")
    folder = tmp_path / "hostile"
    (folder / "links").mkdir(parents=True)
    (folder / "real").mkdir()
    (folder / "real" / "inside.md").write_text("# Harbor Opens\n\nTESSALY, May 2, 2024 -- The harbor opened.\n")
    os.symlink("/etc/passwd", folder / "links" / "passwd.txt")
    os.symlink("/etc/passwd", folder / "links" / "passwd.md")
    os.symlink(outside / "secret.md", folder / "links" / "secret.md")
    os.symlink("../../outside/secret.md", folder / "links" / "relsecret.md")
    os.symlink("../real/inside.md", folder / "links" / "inside-link.md")
    summary, found = index_json(folder, IndexHome(tmp_path / "index"))
    reason = "link to a file outside the indexed folder (not followed)"
    assert {s: r for s, r in skips(summary).items() if "links/" in s} == {
        f"hostile/links/{name}": reason for name in ("passwd.md", "passwd.txt", "relsecret.md", "secret.md")}
    text = " ".join(" ".join([r.title, *r.paragraphs]) for r in found.values())
    assert SECRET not in text and "root:x:0" not in text
    assert sorted(r.source for r in found.values()) == ["hostile/links/inside-link.md", "hostile/real/inside.md"]
    # a link named on the command line is no way round it
    explicit = run_index([folder / "links" / "secret.md"], IndexHome(tmp_path / "explicit"), jobs=1)
    assert explicit.releases == 0 and explicit.skipped == [("secret.md", reason)]


def test_h1_a_link_swapped_in_after_the_scan_is_not_read(tmp_path: Path):
    """The time-of-check race: the scan saw a regular file, then it became a link to a secret. The worker
    opens each step below the root with O_NOFOLLOW, so it refuses the link instead of reading through it."""
    from indexer.parse import parse_job
    from indexer.plan import jobs_for
    from indexer.scan import scan

    (tmp_path / "secret.md").write_text(f"# Secret\n\n{SECRET}.\n")
    (tmp_path / "evil").mkdir()
    (tmp_path / "evil" / "page.md").write_text(f"# Secret\n\n{SECRET}.\n")
    folder = tmp_path / "hostile"
    (folder / "sub").mkdir(parents=True)
    (folder / "sub" / "page.md").write_text("# Notice\n\nThe clerk posted a notice.\n")
    (folder / "other.md").write_text("# Notice\n\nThe clerk posted a notice.\n")
    skipped: list = []
    files = {f.source: f for f in scan([folder], skipped)}
    (folder / "other.md").unlink()  # a file swapped for a link
    os.symlink(tmp_path / "secret.md", folder / "other.md")
    (folder / "sub").rename(folder / "real-sub")  # a folder in the path swapped for a link
    os.symlink(tmp_path / "evil", folder / "sub")
    for source in ("hostile/other.md", "hostile/sub/page.md"):
        (job,) = jobs_for(files[source], "")
        result = parse_job(job)
        assert result.releases == [] and result.error.startswith("cannot read: a link appeared in its path")
    assert skipped == []


def test_m4_huge_and_sparse_files_are_skipped_without_being_read(tmp_path: Path):
    """The probe's 4 GB sparse file cost 4 GB of memory (hashed whole before the size check); 1 GB here, and a
    150 MB file that is really written. The indexer process stays near its baseline (~50 MB)."""
    folder = tmp_path / "sparse"
    folder.mkdir()
    with open(folder / "huge.md", "wb") as fh:
        fh.truncate(1 << 30)
    with open(folder / "dense.md", "wb") as fh:  # over the limit and written: refused by its size, unread
        for _ in range(150):
            fh.write(b"x" * (1 << 20))
    (folder / "fine.md").write_text("# Notice\n\nThe clerk posted a notice.\n")
    # VmHWM, the peak of this process's own memory since it started (ru_maxrss would keep pytest's, across exec)
    script = ("import json, sys; from pathlib import Path; from archive.store import IndexHome; "
              "from indexer.build import run_index; "
              "s = run_index([Path(sys.argv[1])], IndexHome(sys.argv[2]), jobs=1); "
              "hwm = [l for l in open('/proc/self/status') if l.startswith('VmHWM:')][0].split()[1]; "
              "print(json.dumps({'skipped': s.skipped, 'releases': s.releases, 'peak_kib': int(hwm)}))")
    out = subprocess.run([sys.executable, "-c", script, str(folder), str(tmp_path / "index")], check=True,
                         capture_output=True, text=True, cwd=ROOT, timeout=300).stdout
    report = json.loads(out)
    assert report["peak_kib"] < 120 * 1024, f"peak memory {report['peak_kib'] // 1024} MB"
    assert report["releases"] == 1
    assert report["skipped"] == [
        ["sparse/dense.md", "too large (157,286,400 bytes; the limit is 20,971,520)"],
        ["sparse/huge.md", "sparse file (1,073,741,824 bytes, most of them never written): not text"]]


def test_l4_a_too_deep_record_skips_only_its_own_line(tmp_path: Path, monkeypatch):
    deep = '{"title": "Deep", "text": ' + "[" * 100_000 + "]" * 100_000 + "}"
    records = [json.dumps({"title": f"Harbor Notice {n}", "text": f"The harbor office issued notice {n}. " * 40})
               for n in range(1, 40)]
    folder = tmp_path / "json"
    folder.mkdir()
    (folder / "deep-obj.jsonl").write_text("\n".join([records[0], deep, records[1]]) + "\n")
    (folder / "export.jsonl").write_text("\n".join([*records[2:20], deep, *records[20:]]) + "\n")
    monkeypatch.setattr(parts, "PART_BYTES", 20_000)  # the export is read in parts, as a big one would be
    summary, found = index_json(folder, IndexHome(tmp_path / "index"))
    assert skips(summary) == {"json/deep-obj.jsonl#L2": "nesting too deep to parse",
                              "json/export.jsonl#L19": "nesting too deep to parse"}
    assert len(found) == 39


def test_a_page_of_a_hundred_thousand_nested_elements_is_skipped_before_it_is_parsed(tmp_path: Path):
    """Such a page cost 63 MB and 3.5 s in BeautifulSoup; the largest real page has ~3,200 elements."""
    folder = tmp_path / "pages"
    folder.mkdir()
    (folder / "deep.html").write_text("<html><body>" + "<div>" * 100_000 + "x" + "</div>" * 100_000 + "</body></html>")
    table = "".join(f"<tr><td>Row {n}</td><td>harbor</td></tr>" for n in range(3_000))
    (folder / "big.html").write_text(f"<html><body><h1>Harbor Dues Table</h1><p>The harbor office published "
                                     f"its dues.</p><table>{table}</table></body></html>")
    summary, found = index_json(folder, IndexHome(tmp_path / "index"))
    assert skips(summary) == {"pages/deep.html": "too many HTML elements: 100,002, over the 50,000 a page may "
                                                 "have (a press release has a few thousand)"}
    assert [r.title for r in found.values()] == ["Harbor Dues Table"]


def test_l5_names_differing_only_in_invalid_utf8_do_not_collide(tmp_path: Path):
    folder = tmp_path / "d"
    folder.mkdir()
    for raw in (b"\xff.md", b"\xfe.md", b"\xfd.md"):
        (folder / os.fsdecode(raw)).write_text(f"# Notice {raw[0]}\n\nThe clerk posted notice {raw[0]}.\n")
    summary, found = index_json(folder, IndexHome(tmp_path / "index"))
    assert summary["added"] == summary["releases"] == 3
    assert sorted(r.source for r in found.values()) == ["d/\\xfd.md", "d/\\xfe.md", "d/\\xff.md"]
    assert len(found) == 3, "three ids"


def export_version(version: int, count: int) -> str:
    return "\n".join(json.dumps({"title": f"Notice {n} version {version}", "date": "2024-01-02",
                                 "text": f"The harbor office issued notice {n}, version {version}. " * 10})
                     for n in range(count)) + "\n"


def test_l6_an_export_rewritten_during_the_run_is_indexed_as_one_version(tmp_path: Path, monkeypatch):
    """The probe rewrote a 6 MB export 1.2 s into the run: 512 old records and 988 new ones were published.
    Here it is rewritten right after its first part is parsed; the parts come from the run's own copy."""
    from indexer.sources import registry

    folder = tmp_path / "exports"
    folder.mkdir()
    path = folder / "export.jsonl"
    path.write_text(export_version(0, 60))
    monkeypatch.setattr(parts, "PART_BYTES", 5_000)
    home = IndexHome(tmp_path / "index")
    index_json(folder, home)
    path.write_text(export_version(1, 60))
    real_parse_part = registry.parse_part
    calls = []

    def rewritten_after_the_first_part(*args, **kwargs):
        calls.append(1)
        if len(calls) == 2:
            path.write_text(export_version(2, 30))
        return real_parse_part(*args, **kwargs)

    monkeypatch.setattr("indexer.parse.parse_part", rewritten_after_the_first_part)
    summary, found = index_json(folder, home)
    assert len(calls) > 2
    assert {r.title for r in found.values()} == {f"Notice {n} version 1" for n in range(60)}, "one version, whole"
    assert summary["skipped"] == [] and not (home.path / "snapshots").exists()
    summary, found = index_json(folder, home)
    assert {r.title for r in found.values()} == {f"Notice {n} version 2" for n in range(30)}


def test_l6_a_file_that_keeps_changing_while_read_keeps_its_indexed_version(tmp_path: Path, monkeypatch):
    from indexer import parse

    folder = tmp_path / "wire"
    folder.mkdir()
    page = folder / "notice.md"
    page.write_text("# Harbor Notice\n\nThe harbor office issued a notice, version 0.\n")
    home = IndexHome(tmp_path / "index")
    index_json(folder, home)
    page.write_text("# Harbor Notice\n\nThe harbor office issued a notice, version 1.\n")
    real_open = parse.open_inside

    class Growing:
        """The file as a reader sees it while someone appends to it."""

        def __init__(self, fh):
            self.fh = fh

        def read(self, n=-1):
            with open(page, "a") as out:
                out.write("More text.\n")
            return self.fh.read(n)

        def __getattr__(self, name):
            return getattr(self.fh, name)

        def __enter__(self):
            return self

        def __exit__(self, *exc):
            self.fh.close()

    monkeypatch.setattr(parse, "open_inside", lambda *args: Growing(real_open(*args)))
    for rebuild in (False, True):
        summary, found = index_json(folder, home, rebuild=rebuild)
        assert [r.paragraphs for r in found.values()] == [["The harbor office issued a notice, version 0."]]
        assert skips(summary) == {"wire/notice.md": "changed while it was being indexed: the version indexed "
                                                    "before is kept until the next run"}
    monkeypatch.undo()
    summary, found = index_json(folder, home)
    assert summary["updated"] == 1 and "version 1." in " ".join(next(iter(found.values())).paragraphs)


def test_a_record_that_breaks_extraction_skips_only_itself(tmp_path: Path, monkeypatch):
    from indexer import parse

    real_build = parse.build_release

    def fragile(draft, wire_hint="", profile=None):
        if draft.source.endswith("#L2"):
            raise ValueError("an extractor bug")
        return real_build(draft, wire_hint, profile)

    monkeypatch.setattr(parse, "build_release", fragile)
    folder = tmp_path / "json"
    folder.mkdir()
    (folder / "export.jsonl").write_text("\n".join(json.dumps({"title": f"Notice {n}", "text": "The clerk posted it."})
                                                   for n in range(3)) + "\n")
    summary, found = index_json(folder, IndexHome(tmp_path / "index"))
    assert skips(summary) == {"json/export.jsonl#L2": "could not be parsed (ValueError: an extractor bug)"}
    assert sorted(r.title for r in found.values()) == ["Notice 0", "Notice 2"]


def test_i2_file_names_cannot_forge_lines_of_the_index_output(tmp_path: Path):
    from click.testing import CliRunner

    from indexer.cli import index_command

    folder = tmp_path / "names"
    folder.mkdir()
    (folder / "x\nfake: 999 releases indexed OK.md").write_text("")
    (folder / "evil\u202etxt.md").write_text("")
    result = CliRunner().invoke(index_command, [str(folder), "--index", str(tmp_path / "index")])
    lines = result.output.splitlines()
    assert not any(line.startswith("fake") for line in lines), result.output
    assert "  names/x\\x0afake: 999 releases indexed OK.md: empty file" in lines
    assert "  names/evil\\u202etxt.md: empty file" in lines


def test_hostile_urls_control_characters_and_huge_fields_are_cleaned_at_index_time(tmp_path: Path):
    """M1 (javascript:/data: URLs), M2 (BibTeX/RIS injection through the URL), L1 (control characters break
    the Atom feed), L7 (unbounded titles and paragraph counts), I1 (bidi overrides)."""
    from web import create_app

    body = "The harbor office issued a notice about dredging the channel."
    records = {
        "js": {"url": "javascript:alert('JSONURL')"},
        "data": {"url": "data:text/html,<script>alert(1)</script>"},
        "tab": {"url": "java\tscript:alert(1)"},
        "bibtex": {"url": "https://example.com/a}, note = {INJECTED-BIBTEX}, x = {\nTY  - JOUR\nAU  - INJECTED RIS AUTHOR\nER  - "},
        "brace": {"url": "https://example.com/b}race\\input{/etc/passwd}"},
        "control": {"title": "Control chars \u0001\u0002\u0008\u000b\u001b\ufffe\uffff in title"},
        "bidi": {"title": "Invoice evil\u202egpj.exe", "issuer": "Acme\u200d Corp\u2060"},
        "long": {"title": "Harbor " * 20_000},
        "many": {"text": [f"Paragraph {n} of the notice." for n in range(20_000)]},
        "surrogate": {"title": "Lone \ud800 surrogate"},  # json.loads gives a str that UTF-8 cannot encode
    }
    folder = tmp_path / "json"
    folder.mkdir()
    (folder / "attacks.jsonl").write_text("\n".join(
        json.dumps({"title": f"Notice {key}", "date": "2024-01-02", "text": body, **fields})
        for key, fields in records.items()) + "\n")
    home = IndexHome(tmp_path / "index")
    summary, found = index_json(folder, home)
    assert summary["releases"] == len(records) and summary["skipped"] == []
    by_line = {r.source.rsplit("#L", 1)[1]: r for r in found.values()}
    kept = {key: by_line[str(n)] for n, key in enumerate(records, start=1)}
    assert {key: r.url for key, r in kept.items() if r.url} == {
        "brace": "https://example.com/b%7Drace%5Cinput%7B/etc/passwd%7D"}
    assert kept["control"].title == "Control chars in title"
    assert kept["surrogate"].title == "Lone surrogate"
    assert kept["bidi"].title == "Invoice evilgpj.exe" and kept["bidi"].issuer == "Acme Corp"
    assert len(kept["long"].title) <= 300 and kept["long"].title.endswith("Harbor\u2026")
    assert len(kept["many"].paragraphs) == 1000 and kept["many"].paragraphs[-1].endswith("Paragraph 19999 of the notice.")
    assert kept["js"].id.startswith("attacks-"), "a dropped URL gives the id of a release without one"
    client = create_app({"INDEX_PATH": str(home.path)}).test_client()
    ElementTree.fromstring(client.get("/feed.atom").data)  # parses: no character XML forbids
    for release in kept.values():
        bib = client.get(f"/releases/{release.id}/cite.bib").get_data(as_text=True)
        ris = client.get(f"/releases/{release.id}/cite.ris").get_data(as_text=True)
        assert "INJECTED" not in bib + ris and "\\input" not in bib and bib.count("@") == 1
        page = client.get(f"/releases/{release.id}").get_data(as_text=True)
        assert "javascript:" not in page and "data:text" not in page
