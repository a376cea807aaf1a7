"""Citations in every format, for releases from each kind of source; BibTeX and RIS parsed back by real parsers."""

from __future__ import annotations

import json
import re
from datetime import date

import bibtexparser
import pytest
import rispy

from archive.citations import all_styles, cite, csl_item, sentence_case
from archive.model import Release

from .conftest import needs_shared

PERMALINK = "https://archive.example/releases/x-1"
ACCESSED = date(2026, 11, 26)
MONTHS = ["January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
          "November", "December"]


def us_quotes(text: str) -> str:
    """US style, as the citation styles print it: a comma after a closing quotation mark goes inside it."""
    return text.replace("”,", ",”")


def apa_fields(release: Release) -> str:
    """The APA 7 reference built by hand from the release's fields, to compare with citeproc's."""
    y, m, d = (int(p) for p in release.date.split("-"))
    container = release.wire or release.site
    if container and container.lower() in release.issuer.lower():
        container = ""
    # An issuer that ends in a full stop ("Inc.") takes no second one; APA's style capitalises the wire's first
    # letter (a wire known only by its folder, "citybiz", is cited as "Citybiz").
    author = release.issuer if release.issuer.endswith(".") else f"{release.issuer}."
    title = us_quotes(sentence_case(release.title, release.text))
    parts = [f"{author} ({y}, {MONTHS[m - 1]} {d}). {title} [Press release]."]
    if container:
        parts.append(f"{container[:1].upper()}{container[1:]}.")
    parts.append(release.url or PERMALINK)
    return " ".join(parts)


def releases_from_every_source(records: list[dict], each: int = 1) -> list[Release]:
    """Every ``each``-th dated release with an issuer of each format, by id: a parallel build numbers
    documents in the order its workers finish, so the index's order would draw different releases each run."""
    chosen: dict[str, list[Release]] = {}
    for record in sorted(records, key=lambda r: r["id"]):
        if record["date"].count("-") == 2 and record["issuer"]:
            chosen.setdefault(record["format"], []).append(Release.from_dict(record))
    return [release for kind in chosen.values() for release in kind[::each]]


def check_release(release: Release) -> None:
    styles = all_styles(release, PERMALINK, ACCESSED)
    assert styles["apa"].bibliography == apa_fields(release)
    assert release.issuer in styles["mla"].bibliography and styles["mla"].bibliography.endswith(" Press release.")
    # Chicago title-cases headlines; the words are the release's own.
    assert us_quotes(release.title).lower() in styles["chicago"].bibliography.lower()
    assert us_quotes(release.title).lower() in styles["chicago"].citation.lower()

    entry = bibtexparser.parse_string(cite(release, "bibtex", PERMALINK, ACCESSED)).entries[0]
    assert entry.entry_type == "misc"
    assert entry["author"] == "{" + release.issuer.replace("&", r"\&") + "}", "corporate author stays one name"
    assert entry["year"] == release.date[:4]
    assert entry["url"] == (release.url or PERMALINK)
    assert entry["type"] == "Press release"

    record = rispy.loads(cite(release, "ris", PERMALINK, ACCESSED))[0]
    assert record["type_of_reference"] == "ELEC"
    assert record["title"] == release.title
    assert record["authors"] == [release.issuer]
    assert record["year"] == release.date[:4]
    assert record["urls"] == [release.url or PERMALINK]

    item = json.loads(cite(release, "csl-json", PERMALINK, ACCESSED))[0]
    assert item["type"] == "webpage" and item["genre"] == "Press release"
    assert item["author"] == [{"literal": release.issuer}]
    assert item["archive_location"] == PERMALINK
    assert item["accessed"] == {"date-parts": [[2026, 11, 26]]}


def test_every_format_for_each_kind_of_demo_release(demo_records):
    releases = releases_from_every_source(demo_records)
    assert {r.format for r in releases} == {"html", "markdown", "text", "json"}
    for release in releases:
        check_release(release)


@needs_shared
def test_every_format_for_releases_from_all_three_real_sources(sample_records):
    releases = releases_from_every_source(sample_records, each=12)
    assert {r.format for r in releases} == {"html", "markdown", "json"} and len(releases) >= 30
    for release in releases:
        check_release(release)


def test_apa_reads_issuer_date_title_genre_wire_url():
    release = Release(id="r", title="Harbor Opens", source="x.md", paragraphs=["A.", "B."], date="2024-03-15",
                      issuer="Port of Tessaly", wire="PRNewswire", url="https://example.com/harbor")
    apa = all_styles(release, PERMALINK, ACCESSED)["apa"].bibliography
    assert apa == "Port of Tessaly. (2024, March 15). Harbor opens [Press release]. PRNewswire. https://example.com/harbor"


def test_pinpoint_citation_of_one_paragraph():
    release = Release(id="r", title="Harbor Opens", source="x.md", paragraphs=["A."] * 9, date="2024-03-15",
                      issuer="Port of Tessaly")
    styles = all_styles(release, PERMALINK, ACCESSED, paragraph=7)
    assert styles["apa"].citation == "(Port of Tessaly, 2024, para. 7)"
    assert csl_item(release, PERMALINK, ACCESSED, paragraph=7)["archive_location"] == PERMALINK + "#p7"
    with pytest.raises(ValueError, match="paragraph 10 does not exist; this release has 9"):
        cite(release, "apa", PERMALINK, ACCESSED, paragraph=10)


def test_bibtex_escapes_what_latex_would_misread():
    release = Release(id="r", title="50% Off & {Free} #1_offer", source="x", paragraphs=["A."], date="2024",
                      issuer="Smith & Sons")
    text = cite(release, "bibtex", PERMALINK, ACCESSED)
    assert r"50\% Off \& \{Free\} \#1\_offer" in text
    assert bibtexparser.parse_string(text).entries[0]["author"] == r"{Smith \& Sons}"


def test_release_page_has_citation_box_downloads_and_zotero_metadata(live_server, demo_records):
    import urllib.request

    record = next(r for r in demo_records if r["title"].startswith("Governor Whitcombe Signs"))
    url = f"{live_server}/releases/{record['id']}"
    body = urllib.request.urlopen(url + "?paragraph=2", timeout=10).read().decode()
    assert "(Office of Governor Ada Whitcombe, 2024, para. 2)" in body
    assert "Office of Governor Ada Whitcombe. (2024, November 7). Governor Whitcombe signs Rural Broadband Act [Press release]." in body
    ld = json.loads(re.search(r'<script type="application/ld\+json">(.*?)</script>', body, re.S).group(1))
    assert ld["@type"] == "NewsArticle" and ld["genre"] == "Press release" and ld["datePublished"] == "2024-11-07"
    bib = urllib.request.urlopen(url + "/cite.bib", timeout=10).read().decode()
    assert bibtexparser.parse_string(bib).entries[0]["title"] == "Governor Whitcombe Signs Rural Broadband Act"
    ris = rispy.loads(urllib.request.urlopen(url + "/cite.ris", timeout=10).read().decode())
    assert ris[0]["title"] == "Governor Whitcombe Signs Rural Broadband Act"
    api = json.loads(urllib.request.urlopen(f"{live_server}/api/releases/{record['id']}/cite?paragraph=3", timeout=10).read())
    assert api["styles"]["apa"]["citation"] == "(Office of Governor Ada Whitcombe, 2024, para. 3)"
    assert api["permalink"].endswith(f"/releases/{record['id']}#p3")


def test_cli_cites_in_every_format(tmp_path, demo_records):
    import subprocess
    import sys

    from .conftest import CORPUS, ROOT

    env = {"ARCHIVE_INDEX": str(tmp_path / "ix"), "PATH": "/usr/bin:/bin", "PYTHONPATH": str(ROOT)}
    subprocess.run([sys.executable, "-m", "archive.cli", "index", str(CORPUS)], env=env, check=True, capture_output=True)
    record = next(r for r in demo_records if r["title"].startswith("Governor Whitcombe Signs"))
    for style in ("apa", "mla", "chicago", "bibtex", "ris", "csl-json"):
        out = subprocess.run([sys.executable, "-m", "archive.cli", "cite", record["id"], "--style", style],
                             env=env, capture_output=True, text=True, check=True).stdout
        title = "Governor Whitcombe signs Rural Broadband Act" if style == "apa" else "Governor Whitcombe Signs Rural Broadband Act"
        assert title in out, style  # APA gives titles in sentence case


# The probe's hostile URLs and titles (probe-2026-12-01, M1 and M2): each must leave exactly one record.
INJECTING_URL = ("https://example.com/a}, note = {INJECTED-BIBTEX}, x = {\nTY  - JOUR\nAU  - INJECTED RIS AUTHOR\n"
                 "ER  - \nTY  - ELEC")
BRACE_URL = "https://example.com/b}race\\input{/etc/passwd}"
INJECTING_TITLE = "Evil}, note = {INJECTED}, x = {\\input{/etc/passwd}\r\nTY  - JOUR\nAU  - FORGED\u2028ER  -"
BIBTEX_FIELDS = {"title", "author", "year", "month", "date", "type", "url", "urldate", "note"}


def hostile(title: str = "Harbor Opens", url: str = "") -> Release:
    return Release(id="r", title=title, source="x.md", paragraphs=["A."], date="2024-03-15",
                   issuer="Port of Tessaly", url=url)


def one_bibtex_entry(text: str):
    library = bibtexparser.parse_string(text)
    assert len(library.entries) == 1 and not library.failed_blocks, text
    entry = library.entries[0]
    assert set(entry.fields_dict) == BIBTEX_FIELDS, text
    return entry


def one_ris_record(text: str) -> dict:
    records = rispy.loads(text)
    assert len(records) == 1, text
    assert "INJECTED" not in str(records)
    return records[0]


@pytest.mark.parametrize("url", ["javascript:alert(document.domain)//https://example.com/x", "data:text/html,<script>x</script>",
                                 "java\tscript:alert(1)", "vbscript:msgbox(1)", "//example.com/no-scheme", INJECTING_URL,
                                 "https://example.com/\u202egpj.exe"])
def test_only_http_urls_are_cited(url):
    release = hostile(url=url)
    assert csl_item(release, PERMALINK, ACCESSED)["URL"] == PERMALINK
    for fmt in ("bibtex", "ris", "csl-json", "apa", "mla", "chicago"):
        text = cite(release, fmt, PERMALINK, ACCESSED)
        assert "script" not in text.lower() and "data:" not in text and "INJECTED" not in text, fmt


def test_a_url_that_closes_the_bibtex_brace_stays_inside_its_field():
    release = hostile(url=BRACE_URL)
    entry = one_bibtex_entry(cite(release, "bibtex", PERMALINK, ACCESSED))
    assert entry["url"] == "https://example.com/b%7Drace%5Cinput%7B/etc/passwd%7D"
    record = one_ris_record(cite(release, "ris", PERMALINK, ACCESSED))
    assert record["urls"] == ["https://example.com/b%7Drace%5Cinput%7B/etc/passwd%7D"]


def test_the_probes_newline_url_forges_no_bibtex_field_and_no_ris_record():
    release = hostile(url=INJECTING_URL)
    entry = one_bibtex_entry(cite(release, "bibtex", PERMALINK, ACCESSED))
    assert entry["url"] == PERMALINK and "INJECTED" not in entry["note"]
    record = one_ris_record(cite(release, "ris", PERMALINK, ACCESSED))
    assert record["urls"] == [PERMALINK] and record["authors"] == ["Port of Tessaly"]


def test_a_hostile_title_is_one_escaped_bibtex_value_and_one_ris_line():
    release = hostile(title=INJECTING_TITLE)
    text = cite(release, "bibtex", PERMALINK, ACCESSED)
    entry = one_bibtex_entry(text)
    assert entry["title"] == (r"Evil\}, note = \{INJECTED\}, x = \{\textbackslash{}input\{/etc/passwd\} TY - JOUR"
                              r" AU - FORGED ER -")
    assert entry["note"] == f"Press release. Archived at {PERMALINK}"
    records = rispy.loads(cite(release, "ris", PERMALINK, ACCESSED))
    assert len(records) == 1
    assert records[0]["title"] == "Evil}, note = {INJECTED}, x = {\\input{/etc/passwd} TY - JOUR AU - FORGED ER -"
    assert records[0]["authors"] == ["Port of Tessaly"]


def test_without_a_public_address_a_citation_names_only_the_original():
    release = hostile(url="https://example.com/harbor")
    item = csl_item(release, None, ACCESSED)
    assert item["URL"] == "https://example.com/harbor" and "archive_location" not in item
    assert "Archived at" not in cite(release, "bibtex", None, ACCESSED) + cite(release, "ris", None, ACCESSED)
    assert "URL" not in csl_item(hostile(), None, ACCESSED)
    assert rispy.loads(cite(hostile(), "ris", None, ACCESSED))[0]["title"] == "Harbor Opens"


# The manuals' own press-release examples, rebuilt as the archive would hold each release (a headline in title
# case, as releases are published, and a first paragraph), must come out as each manual prints them.
FDA = Release(
    id="fda", source="fda.html", date="2019-11-15", issuer="U.S. Food and Drug Administration",
    title="FDA Approves First Contact Lens Indicated to Slow the Progression of Nearsightedness in Children",
    paragraphs=["The U.S. Food and Drug Administration today approved the first contact lens indicated to slow the "
                "progression of myopia (nearsightedness) in children between the ages of 8 and 12 years old.", "B.", "C."],
    url="https://www.fda.gov/news-events/press-announcements/fda-approves-first-contact-lens-indicated-slow-progression-nearsightedness-children")
GEF = Release(
    id="gef", source="gef.html", date="2019-09-26", issuer="Global Environment Facility",
    title="Governments Commit to Shared Climate Action through Least Developed Countries Fund",
    paragraphs=["Donor governments today pledged new support to the Least Developed Countries Fund.", "B.", "C."],
    url="https://www.thegef.org/news/governments-commit-shared-climate-action-through-least-developed-countries-fund")
MLA_PRINT = Release(id="mla", source="mla.txt", date="2006-04-18", issuer="Modern Language Association of America",
                    title="Modern Language Association Announces New and Improved MLA Language Map",
                    paragraphs=["The Modern Language Association today released a new version of its map."])


def test_apa_matches_the_apa_manuals_press_release_example():
    """APA Style, "Press release references" (Publication Manual 7th ed., 10.4): the FDA's release."""
    apa = all_styles(FDA, None, ACCESSED)["apa"]
    assert apa.bibliography == (
        "U.S. Food and Drug Administration. (2019, November 15). FDA approves first contact lens indicated to slow "
        "the progression of nearsightedness in children [Press release]. " + FDA.url)
    assert apa.citation == "(U.S. Food and Drug Administration, 2019)"
    assert all_styles(FDA, None, ACCESSED, paragraph=3)["apa"].citation == \
        "(U.S. Food and Drug Administration, 2019, para. 3)"


def test_mla_matches_the_mla_style_centers_press_release_examples():
    """MLA Style Center, "How do I cite a press release?": the title leads when the organisation is also the
    publisher, the URL has no scheme, "Press release" closes the entry; in text, the short title."""
    assert all_styles(GEF, None, ACCESSED)["mla"].bibliography == (
        "\u201cGovernments Commit to Shared Climate Action through Least Developed Countries Fund.\u201d Global "
        "Environment Facility, 26 Sept. 2019, www.thegef.org/news/governments-commit-shared-climate-action-through-"
        "least-developed-countries-fund. Press release.")
    assert all_styles(MLA_PRINT, None, ACCESSED)["mla"].bibliography == (
        "\u201cModern Language Association Announces New and Improved MLA Language Map.\u201d Modern Language "
        "Association of America, 18 Apr. 2006. Press release.")
    assert all_styles(GEF, None, ACCESSED)["mla"].citation == "(\u201cGovernments Commit\u201d)"
    assert all_styles(GEF, None, ACCESSED, paragraph=2)["mla"].citation == "(\u201cGovernments Commit,\u201d par. 2)"
    wire = Release(id="w", source="w.md", date="2024-03-15", issuer="Port of Tessaly", wire="PRNewswire",
                   title="Harbor Opens", paragraphs=["A."], url="https://example.com/harbor")
    assert all_styles(wire, None, ACCESSED)["mla"].bibliography == \
        "Port of Tessaly. \u201cHarbor Opens.\u201d PRNewswire, 15 Mar. 2024, example.com/harbor. Press release."
    assert all_styles(wire, None, ACCESSED, paragraph=1)["mla"].citation == "(Port of Tessaly, par. 1)"


def test_chicago_follows_the_manuals_note_and_bibliography_forms():
    """Chicago (17th ed., notes and bibliography): in a note the comma goes inside the closing quotation mark and
    the genre is lower case; the bibliography entry is in sentences; a pinpoint names the paragraph."""
    chicago = all_styles(FDA, None, ACCESSED, paragraph=2)["chicago"]
    assert chicago.citation == (
        "U.S. Food and Drug Administration, \u201cFDA Approves First Contact Lens Indicated to Slow the Progression of "
        "Nearsightedness in Children,\u201d press release, November 15, 2019, para. 2, " + FDA.url + ".")
    assert chicago.bibliography == (
        "U.S. Food and Drug Administration. \u201cFDA Approves First Contact Lens Indicated to Slow the Progression of "
        "Nearsightedness in Children.\u201d Press release. November 15, 2019. " + FDA.url + ".")


def test_sentence_case_keeps_the_names_the_release_writes_with_capitals():
    text = ("WASHINGTON – The Justice Department said a former official of Harris County, Texas, was charged. "
            "Attorney General Loretta Lynch said justice was served.")
    assert sentence_case("Justice Department Announces Charges Against Former Texas Official: A Review", text) == \
        "Justice Department announces charges against former Texas official: A review"
    assert sentence_case("Lynch Hails Long-Term Plan for U.S. Attorneys", text) == \
        "Lynch hails long-term plan for U.S. attorneys"
    assert sentence_case("FBI WARNS OF SCAM", text) == "FBI WARNS OF SCAM", "an all-capitals headline is left alone"
