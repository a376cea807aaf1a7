"""Each linguistic pattern the extractors handle, pinned with sentences written for these tests."""

from __future__ import annotations

import pytest

from indexer.extract.dateline import parse_dateline
from indexer.extract.dates import best_date, dateline_date, parse_date, path_date
from indexer.extract.issuer import member_office, organisation_from_headline, organisation_from_text
from indexer.extract.speakers import extract_speakers
from indexer.extract.topics import pick_topics
from indexer.extract.wire import spelled_wire


def names(paragraphs: list[str]) -> list[str]:
    return [s.name for s in extract_speakers(paragraphs)]


@pytest.mark.parametrize("text,expected", [
    ("MILWAUKEE, WI, March 15, 2024 /24-7PressRelease/ -- A bakery opened.", "2024-03-15"),
    ("BROOMFIELD, CO - (NewMediaWire) - September 10, 2024 - A clinic opened.", "2024-09-10"),
    ("CHICAGO, IL (June 3, 2025) – A library opened.", "2025-06-03"),
    ("Venice, FL (Newsworthy.ai) Monday Dec 4, 2023 @ 1:35 PM Pacific — A marina opened.", "2023-12-04"),
    ("GUANGZHOU, China, Feb. 6, 2025 /PRNewswire/ -- A port opened.", "2025-02-06"),
    ("HANOI, VIETNAM - Media OutReach Newswire – 27 June 2026 - A hospital opened.", "2026-06-27"),
    ("ALPHARETTA, GA — May 14, 2026 — (NOTICIAS NEWSWIRE) — A lab opened.", "2026-05-14"),
])
def test_dateline_dates_in_every_wire_style(text: str, expected: str):
    assert dateline_date([text]) == expected


def test_a_date_of_an_event_in_the_body_is_not_the_publication_date():
    paragraphs = ["WASHINGTON – Today the agency said that on March 3, 2019 the contract was signed and "
                  "that hearings continue on April 5, 2020 in the district court, far from the dateline." * 2]
    assert dateline_date(paragraphs) == ""


def test_structured_date_wins_and_keeps_its_precision():
    assert best_date("2017-12-12T00:00:00-05:00", ["CITY – text"], "x.html") == ("2017-12-12", "metadata")
    assert parse_date("2024-03") == "2024-03"
    assert parse_date("2019") == "2019"
    assert parse_date("not a date") == ""


@pytest.mark.parametrize("path,expected", [
    ("wire/2024/0315/story.md", "2024-03-15"),
    ("press/2024/03/15/story.html", "2024-03-15"),
    ("archive/11Dec2007-statement.txt", "2007-12-11"),
    ("exports/2013/2013-03.jsonl", "2013-03"),
    ("old/1999/notes.txt", "1999"),
])
def test_dates_from_file_names_and_folders(path: str, expected: str):
    assert path_date(path) == expected


def test_path_date_is_used_only_when_the_text_has_none():
    assert best_date("", ["LONDON, May 2, 2024 /Wire/ -- text"], "2024/0501/x.md") == ("2024-05-02", "dateline")
    assert best_date("", ["Text without a date."], "2024/0501/x.md") == ("2024-05-01", "path")


@pytest.mark.parametrize("slug,paragraphs,expected", [
    ("ibn", ["GreenEnergyStocks is one of 75+ brands within the Dynamic Brand Portfolio @ IBN.",
             "Source: https://rss.investorbrandnetwork.com/ibn/next-gen-photovoltaics/"], "IBN"),
    ("newsdirect", ["Contact us at editor@newsdirect.com.", "View the original on News Direct.",
                    "--News Direct--", "NEWS DIRECT", "See www.NewsDirect.com, NewsDirect.com/about, NewsDirect.com/x.",
                    "Good News. Direct action. More News. Direct mail. Big News. Direct line."], "News Direct"),
    ("newmediawire", ["BOSTON - (NEWMEDIAWIRE) - May 2 -", "Distributed by NewMediaWire, NEWMEDIAWIRE."], "NewMediaWire"),
    ("mediaoutreach", ["Hashtag: #Media OutReach", "Issued by Media OutReach Newswire"], "Media OutReach"),
    ("newsworthy", ["Venice, FL (Newsworthy.ai) Monday Dec 4, 2023 --", "newsworthy.ai/news/123"], "newsworthy"),
    ("citybiz", ["Read more on citybiz.co and citybiz"], "citybiz"),
    ("prism", ["The prism of policy: a PRIS Media report."], "prism"),
    ("247PressRelease", ["MILWAUKEE, WI, March 15, 2024 /24-7PressRelease/ --"], "247PressRelease"),
])
def test_a_wire_named_by_its_folder_is_spelled_as_the_releases_prose_writes_it(slug, paragraphs, expected):
    """Capitals and spaces from the prose (mixed case before capitals, the most frequent first); never from an
    address, never a form of other letters; a folder already written with capitals stays as it is."""
    assert spelled_wire(slug, paragraphs) == expected


@pytest.mark.parametrize("text,place,wire", [
    ("MIAMI, FL, March 10, 2024 /24-7PressRelease/ -- Text.", "MIAMI, FL", "24-7PressRelease"),
    ("BROOMFIELD, CO - (NewMediaWire) - September 10, 2024 - Text.", "BROOMFIELD, CO", "NewMediaWire"),
    ("Scottsdale, AZ (Newsworthy.ai) Monday Dec 4, 2023 @ 8:15 AM — Text.", "Scottsdale, AZ", "Newsworthy.ai"),
])
def test_dateline_place_and_wire(text: str, place: str, wire: str):
    assert parse_dateline([text]) == (place, wire)


def test_said_after_the_quote_with_title_before_the_name():
    assert names(["The plan will save lives, said Deputy Secretary Maria Okonkwo of the Health Department."]) == ["Maria Okonkwo"]


def test_name_then_appositive_then_verb():
    speakers = extract_speakers(['Tom Ferrante, Chief Executive Officer of Lakeside Mills, added, "We are hiring."'])
    assert [(s.name, s.title) for s in speakers] == [("Tom Ferrante", "Chief Executive Officer of Lakeside Mills")]
    assert speakers[0].quotes == ["We are hiring."]


def test_surname_alone_resolves_to_the_person_named_earlier():
    paragraphs = ["Ingrid Haugen, Mayor of Tromsvik, opened the bridge.",
                  "Haugen also emphasized that the bridge was paid for by a local tax."]
    assert names(paragraphs) == ["Ingrid Haugen"]


def test_pronoun_continues_the_last_speaker():
    speakers = extract_speakers(['"The harvest was late," said farmer Ola Brekke.', "He added that prices would rise."])
    assert [s.name for s in speakers] == ["Ola Brekke"]
    assert len(speakers[0].quotes) == 2


def test_two_speakers_joined_by_and():
    assert names(["Priya Nair and Jonas Weber said the merger would close in May."]) == ["Priya Nair", "Jonas Weber"]


def test_according_to_counts_as_attribution():
    assert names(["Sales doubled, according to Elena Marchetti, the company's finance director."]) == ["Elena Marchetti"]


def test_chinese_surname_first_names_and_surname_only_follow_up():
    paragraphs = ["Liu Wenhua, Mayor of Hexi, delivered a speech at the forum. Zhao Min, Deputy Mayor, attended.",
                  "Liu also pointed out that the city would build two new parks."]
    assert names(paragraphs) == ["Liu Wenhua"]


def test_people_merely_named_or_attending_are_not_speakers():
    paragraphs = ["The ceremony was attended by Governor Rita Salazar and Bishop Aaron Kline.",
                  "The defendant, Marcus Doyle, 41, was sentenced to five years in prison."]
    assert names(paragraphs) == []


def test_organisations_that_said_something_are_not_people():
    assert names(["The Riverside Water Council said the reservoir is full.", "Netflix stated that the show returns."]) == []


def test_boilerplate_sections_are_ignored():
    paragraphs = ['"We grow," said Amy Chen, CEO of Finch Labs.', "About Finch Labs",
                  '"Finch Labs makes sensors," said Bob Rivera in a 2019 interview.']
    assert names(paragraphs) == ["Amy Chen"]


def test_quote_signed_with_a_dash_and_district():
    assert names(["This plan fails our farmers. - Rep. Dana Whitlock (CA-7)"]) == ["Dana Whitlock"]


def test_statement_issued_makes_the_member_a_speaker():
    assert names(["Senator Harriet Okafor issued the following statement on the vote: I oppose this bill."]) == ["Harriet Okafor"]


@pytest.mark.parametrize("paragraph, expected", [
    # A dateline before the title is no part of it, whichever dash or parenthesis ends it.
    ("WASHINGTON, DC \u2013 Congresswoman Barbara Lee said the bill falls short.", [("Barbara Lee", "Congresswoman")]),
    ("(Washington, DC) Congresswoman Barbara Lee said the bill falls short.", [("Barbara Lee", "Congresswoman")]),
    ("Washington, D.C. Today, U.S. Senator Joe Manchin issued the following statement on the vote:",
     [("Joe Manchin", "U.S. Senator")]),
    # A dateline set in capitals with no dash; a member's party and state between name and verb.
    ("WASHINGTON, DC Congresswoman Barbara Lee said the bill falls short.", [("Barbara Lee", "Congresswoman")]),
    ("WASHINGTON U.S. Senator Gary Peters (MI) released the following statement on the vote:",
     [("Gary Peters", "U.S. Senator")]),
    ("HWPL Chairman Man-Hee Lee said the summit was a success.", [("Man-Hee Lee", "HWPL Chairman")]),
    # A dateline that lost its punctuation after a headline glued before it; a word of time.
    ('Hale Statement on the Pipeline Review WASHINGTON Senator John Hale today issued the following statement: '
     'We have waited long enough.', [("John Hale", "Senator")]),
    ('For Immediate Release Contact: Ann Ruiz (510) 763-0370 Washington D.C. Congresswoman Barbara Lee (CA-09) '
     'issued the following statement today:', [("Barbara Lee", "Congresswoman")]),
    ('IMMEDIATE RELEASE August 1, 2012 WASHINGTON, D.C.-- Congressman Mark Amodei (NV-2) introduced a bill. '
     '"It matters," said Amodei.', [("Mark Amodei", "Congressman")]),
    ("Monday, March 4, 2013 WASHINGTON, D.C. U.S. Senator Martin Heinrich (D-N.M.) issued the following statement:",
     [("Martin Heinrich", "U.S. Senator")]),
    ("WASHINGTON U.S. Senate Judiciary Committee Chairman Pat Leary said the bill is ready.",
     [("Pat Leary", "U.S. Senate Judiciary Committee Chairman")]),
    ("WASHINGTONAttorney General Eric Holder said the ruling protects every voter.",
     [("Eric Holder", "Attorney General")]),
    ("Tonight Attorney General Jeff Sessions issued the following statement: The people deserve it.",
     [("Jeff Sessions", "Attorney General")]),
    # An acronym or a company's name in capitals is no dateline.
    ('"We grow," said Harbor DX CEO Ann Lowe.', [("Ann Lowe", "Harbor DX CEO")]),
    ('"Buckle up," said NHTSA Acting Administrator Dale Fry.', [("Dale Fry", "NHTSA Acting Administrator")]),
    # What the person did is no title; a word ending in a particle's letters is no particle ("whi-le").
    ("CEO Tom Larsen said drilling is expanding, while Executive VP Dr. Osvaldo Arce noted that the site is large.",
     [("Tom Larsen", "CEO"), ("Osvaldo Arce", "Executive VP")]),
    ('"We will keep going," said Rep. Yvonne Clarke, joined by 12 Members of the New York Delegation.',
     [("Yvonne Clarke", "Rep")]),
    ('"We will keep going," said Gary Peters, Senator, along with local veterans.', [("Gary Peters", "Senator")]),
    # The name after the office its title names.
    ('"We will enforce the law," said Assistant Attorney General for the Civil Rights Division Jane Roe.',
     [("Jane Roe", "Assistant Attorney General for the Civil Rights Division")]),
    # A compound surname written in full where a title vouches for it, and cut short elsewhere.
    ('Congresswoman Sheila Jackson Lee spoke. "We must act," said Jackson Lee.', [("Sheila Jackson Lee", "Congresswoman")]),
    ('"Care matters," said American College of Nurse-Midwives (ACNM) Chief Executive Officer Kara Hollis.',
     [("Kara Hollis", "Chief Executive Officer")]),
    # …but not a clause after "of" that ends in names.
    ("The Department of Justice is committed to enforcing the Matthew Shepard and James Byrd, Jr. Hate Crimes "
     "Prevention Act, said U.S. Attorney Sally Yates.", [("Sally Yates", "U.S. Attorney")]),
    # A church, a drug maker or a health service speaks through people; its name is none.
    ('"All are welcome," said Grace Valley Church of Hope.', []),
    ('"Results are strong," said Orbis Therapeutics in a statement.', []),
    ('"Gardens are rooms," said landscape architect Thomas D. Church.', [("Thomas D. Church", "landscape architect")]),
    # A lone place in ordinary case qualifies the title.
    ('"It is done," said Oakland Mayor Ronald Dellums.', [("Ronald Dellums", "Oakland Mayor")]),
    ('"It is done," said Washington Attorney General Rob McKenna.', [("Rob McKenna", "Washington Attorney General")]),
    ('Washington, DC Congresswoman Barbara Lee today joined her colleagues. "We must act," Lee said.',
     [("Barbara Lee", "Congresswoman")]),
    # A clause of the quote is no title; a long office is.
    ('"This matters," Rep. Jane Roe said, I am very pleased with these committee assignments and look forward to them.',
     [("Jane Roe", "Rep")]),
    ('"We must act," said Special Agent in Charge Jane Roe of the Federal Bureau of Investigation Sacramento field '
     'office.', [("Jane Roe", "Special Agent in Charge, of the Federal Bureau of Investigation Sacramento field office")]),
    # A title word that is also a surname ends a name; one that is also a first name starts one.
    ('"We will act," said Congresswoman Madeleine Dean.', [("Madeleine Dean", "Congresswoman")]),
    ('"We will act," said Rep. Sanford Bishop.', [("Sanford Bishop", "Rep")]),
    ('"We will act," said Dean Heller.', [("Dean Heller", "")]),
    ('Dean Mary Smith welcomed students. "Welcome," said Dean Smith.', [("Mary Smith", "Dean")]),
    # The name after the role it holds; a lone word after "of" ends an organisation's name.
    ('"This is it," said the company\'s CEO and Chief Instigator, Debbie McGrath.',
     [("Debbie McGrath", "company's CEO and Chief Instigator")]),
    ('"We agree," said the CEO of Vuzix.', []),
])
def test_titles_and_names_where_datelines_and_title_words_blur_them(paragraph: str, expected: list):
    assert [(s.name, s.title) for s in extract_speakers([paragraph])] == expected


def test_member_office_follows_how_the_release_names_the_member():
    issuer, written, _ = member_office("Charles Grassman", "Senate", "https://www.grassman.senate.gov/news/1",
                                    ["Senator Chuck Grassman said the farm bill matters."])
    assert (issuer, written) == ("Office of Senator Chuck Grassman", "Chuck Grassman")
    issuer, _, _ = member_office("Alma T. Ruiz", "House", "https://ruiz.house.gov/x", ["Congresswoman Alma Ruiz (NC-12) said."])
    assert issuer == "Office of Congresswoman Alma T. Ruiz"


def test_issuer_from_about_section_headline_and_contact_block():
    assert organisation_from_text(["Body.", "About Finch Labs", "Finch Labs makes sensors."]) == "Finch Labs"
    assert organisation_from_text(["Body.", "About Orbit Corp. Founded in 1990, Orbit builds satellites."]) == "Orbit Corp."
    # The heading lost its line break and its space: the colon still ends it.
    assert organisation_from_text(["Body.", "About Finch Labs:Finch Labs makes sensors."]) == "Finch Labs"
    assert organisation_from_headline("Tidewater Bank Reports Record Deposits") == "Tidewater Bank"
    assert organisation_from_text(["Body text here.", "Harbor Dental Group", "120 Main Street, Suite 4"]) == "Harbor Dental Group"


@pytest.mark.parametrize("title,text,first", [
    ("Man Sentenced for Wire Fraud", "The defendant pleaded guilty and was sentenced to prison by the court.", "crime, law and justice"),
    ("City Opens Cancer Clinic", "Patients will receive treatment at the new hospital wing; physicians said.", "health"),
    ("Startup Raises Funding", "The company raised $20 million from investors to expand sales.", "economy, business and finance"),
    ("Team Wins Championship", "The basketball team won the league championship on Sunday.", "sport"),
])
def test_topics_most_central_first(title: str, text: str, first: str):
    topics = pick_topics(title, text)
    assert topics[0] == first and 1 <= len(topics) <= 3


def test_topics_come_from_an_editable_taxonomy(tmp_path):
    from indexer.extract.topics import load_taxonomy

    path = tmp_path / "topics.toml"
    path.write_text('["beekeeping"]\nterms = { "hive*" = 3, "honey" = 2 }\n')
    assert pick_topics("Honey harvest", "The hives produced honey.", load_taxonomy(path)) == ["beekeeping"]


def test_the_seed_release_has_exactly_its_two_speakers(demo_records):
    seed = next(r for r in demo_records if r["source"].startswith("corpus/seed/"))
    assert [(s["name"], s["title"]) for s in seed["speakers"]] == [
        ("Huang Kunming", "Secretary of CPC Guangdong Committee"),
        ("Wang Weizhong", "Guangdong Governor"),
    ]


def test_name_of_organisation_with_a_relative_clause_then_said():
    speakers = extract_speakers(["Hydrologist Dr. Kofi Mensah of Lakeland College, who studied the basin, said the aquifer is low."])
    assert [(s.name, s.title) for s in speakers] == [("Kofi Mensah", "Hydrologist, of Lakeland College")]


def test_title_after_the_name_at_the_end_of_the_sentence():
    speakers = extract_speakers(['"Rain is late this year," said Rosa Lind, General Manager of the utility.'])
    assert [(s.name, s.title) for s in speakers] == [("Rosa Lind", "General Manager of the utility")]


def test_dateline_in_its_own_paragraph_after_a_subheadline():
    paragraphs = ["Orchard Trust Shares Its Harvest Plan", "Hood River, United States - October 2, 2023 / Orchard Trust /",
                  "The fictional Orchard Trust, a land conservancy, published its plan for the next harvest season. " * 3]
    assert dateline_date(paragraphs) == "2023-10-02"


def test_printed_header_date_just_before_the_export_date_wins():
    paragraphs = ["For Immediate Release Contact: Jo SmithMarch 4, 2019 555.0100 Senator Ames released a statement."]
    assert best_date("2019-03-05", paragraphs, "x.jsonl") == ("2019-03-04", "dateline")
    assert best_date("2019-06-05", paragraphs, "x.jsonl") == ("2019-06-05", "metadata")


def test_issuer_by_salience_when_nothing_more_explicit_is_said():
    paragraphs = ["As markets mature, Lumora Chain (LMC) stands out among tokens.",
                  "Lumora Chain (LMC) offers staking. Analysts say Lumora Chain is growing.",
                  "Bitcoin (BTC) rose too."]
    assert organisation_from_text(paragraphs) == "Lumora Chain (LMC)"


@pytest.mark.parametrize("paragraphs,lead,title,issuer", [
    # an "About" heading that lost its line, trademark signs dropped as citations drop them
    (["Body text.", "Watch the segment here. About Larkspur Media®: Since 1950, Larkspur has filmed rivers."],
     "", "", "Larkspur Media"),
    # the lead names the sender briefly; the contact footer writes the name out in full
    (["Quillon is pleased to announce a new office.", "Contact DetailsQuillon Corp.", "+1 555 0100"],
     "Quillon is pleased to announce a new office.", "", "Quillon Corp."),
    # brand names with an asterisk
    (["The campaign starts in May."], "", "Grit*Box Launches a Spring Campaign", "Grit*Box"),
    # "About the Author: …" is about the person it names
    (["Body.", "About the Author: Jane Roe Jane Roe is a novelist from Ohio who writes about rivers."],
     "", "", "Jane Roe"),
    # of several "About" sections, the one the headline is about
    (["Body.", "About The Long Road: a film about a ferry.", "About Pine Hollow Films Inc. Pine Hollow Films Inc. is a studio."],
     "", "Pine Hollow Films Inc. Names a New Producer", "Pine Hollow Films Inc."),
    # a leading article is not part of the name a citation uses
    (["The Marlow Museum of Clocks is proud to open a new wing."],
     "The Marlow Museum of Clocks is proud to open a new wing.", "", "Marlow Museum of Clocks"),
])
def test_issuer_candidates_agree_on_the_fullest_name(paragraphs: list[str], lead: str, title: str, issuer: str):
    assert organisation_from_text(paragraphs, lead, title) == issuer


def test_a_page_on_a_newswire_site_takes_its_issuer_from_the_text_not_the_site_name(tmp_path):
    from indexer.pipeline import build_release
    from indexer.sources import parse_file

    page = tmp_path / "release.html"
    page.write_text(
        '<html><head><meta property="og:site_name" content="Harborline Newswire">'
        "<title>Quarry Labs Opens a Test Kitchen | Harborline Newswire</title></head><body>"
        "<nav>Home | Latest news | Submit a release</nav><article><h1>Quarry Labs Opens a Test Kitchen</h1>"
        "<p>PORTLAND, Maine, May 6, 2025 /Harborline Newswire/ -- Quarry Labs, a maker of stone ovens, "
        "opened a test kitchen for bakers on Tuesday and invited the public to visit it.</p>"
        "<p>The kitchen has six ovens and seats for forty visitors. Classes start in June and run weekly.</p>"
        "<p>SOURCE Quarry Labs</p></article><footer>Harborline Newswire. All rights reserved.</footer></body></html>",
        encoding="utf-8")
    (draft,) = parse_file(page, "release.html", {})
    release = build_release(draft)
    assert release.wire == "Harborline Newswire"
    assert release.issuer == "Quarry Labs"


def test_a_wire_folder_does_not_agree_on_its_contact_block_labels_as_the_issuer():
    """Half the releases of a wire's folder end with "Company Website" glued to a link; that label is not an
    organisation the folder's releases agree on (it became every unattributed release's issuer)."""
    from indexer.extract.folder import build_profile
    from indexer.sources.base import Draft

    drafts = [Draft(f"wire/{n}.md", "markdown", titles=[("h1", f"Maker {n} Opens Plant")], paragraphs=[
        f"Maker {n} Holdings opened a plant today in Springfield.",
        f"Contact Details Maker {n} Holdings jane@maker{n}.example Company Websitehttps://maker{n}.example/",
    ]) for n in range(8)]
    assert build_profile(drafts).issuer == ""
    drafts = [Draft(f"ncd/{n}.md", "markdown", titles=[("h1", f"Report {n}")], paragraphs=[
        f"The National Council on Disability released report {n} today.", "Website: https://ncd.example/"])
        for n in range(8)]
    assert build_profile(drafts).issuer == "National Council on Disability"
