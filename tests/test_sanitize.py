"""Release hygiene (indexer/sanitize.py): what any release may carry once indexed, whatever its source."""

from __future__ import annotations

import sys
import unicodedata

import pytest

from archive.model import Release, Speaker
from archive.urls import safe_url
from indexer.sanitize import CAPS, capped, clean_text, sanitize_release, visible

VISIBLE_FORMAT_MARKS = {0x0600, 0x0601, 0x0602, 0x0603, 0x0604, 0x0605, 0x06DD, 0x070F, 0x0890, 0x0891, 0x08E2,
                        0x110BD, 0x110CD}


def test_every_invisible_format_character_of_unicode_is_removed():
    """Checked against Python's own Unicode database, so a new format character fails here, not in a feed."""
    kept = [hex(c) for c in range(sys.maxunicode + 1)
            if unicodedata.category(chr(c)) == "Cf" and c not in VISIBLE_FORMAT_MARKS and clean_text(f"a{chr(c)}b") != "ab"]
    assert kept == []


def test_characters_xml_forbids_are_removed_and_line_breaks_become_spaces():
    forbidden = [chr(c) for c in [*range(0x20), 0x7F, *range(0x80, 0xA0), 0xFFFE, 0xFFFF, 0xD800, 0xDFFF, 0xFDD0,
                                  0x1FFFE, 0x10FFFF]]
    cleaned = clean_text("A" + "".join(forbidden) + "B")
    assert cleaned in ("A B", "AB") and all(ch not in cleaned for ch in forbidden)
    assert clean_text("Line one\nline\ttwo\u2028three") == "Line one line two three"
    assert clean_text("Caf\u00e9 \u2014 \u00ab ok \u00bb \U0001F600") == "Caf\u00e9 \u2014 \u00ab ok \u00bb \U0001F600"


@pytest.mark.parametrize("url,kept", [
    ("https://www.justice.gov/opa/pr/x", "https://www.justice.gov/opa/pr/x"),
    ("http://example.com/a?b=1&c=2#d", "http://example.com/a?b=1&c=2#d"),
    ("  https://example.com/p q  ", "https://example.com/p%20q"),
    ('https://example.com/b}race\\input{/etc/passwd}"<x>', "https://example.com/b%7Drace%5Cinput%7B/etc/passwd%7D%22%3Cx%3E"),
    ("javascript:alert(document.domain)//https://example.com/x", ""),
    ("JAVASCRIPT:alert(1)", ""),
    ("java\tscript:alert(1)", ""),
    ("data:text/html,<script>alert(1)</script>", ""),
    ("vbscript:msgbox(1)", ""),
    ("https://example.com/a\nTY  - JOUR", ""),
    ("https://example.com/a\rb", ""),
    ("https://exa\u202emple.com/", ""),
    ("https://example.com:99999999999/", ""),
    ("//example.com/x", ""),
    ("https:///nohost", ""),
    ("/relative/path", ""),
    ("https://example.com/" + "a" * 3000, ""),
])
def test_only_http_urls_that_are_safe_to_print_anywhere_are_kept(url: str, kept: str):
    assert safe_url(url) == kept


def test_a_long_title_is_cut_at_a_word_with_an_ellipsis():
    title = capped("Harbor Authority Announces " + "Dredging " * 100, CAPS["title"])
    assert len(title) <= 300 and title.endswith("Dredging\u2026")
    assert capped("Short title", 300) == "Short title"


def test_visible_shows_what_a_name_hides():
    assert visible("a\nb\u202ec\x1b") == "a\\x0ab\\u202ec\\x1b"
    assert visible("caf\u00e9.md") == "caf\u00e9.md"


def test_a_release_is_cleaned_field_by_field_and_its_id_follows_its_url():
    release = Release(id="x-12345678", title="T\u202eitle\x07", source="d/a.json#L1", paragraphs=["One\x00.", "\ufeff", "Two."],
                      issuer="Acme\u200b Corp", tags=["a\x01", "a", "b" * 500], url="javascript:alert(1)",
                      speakers=[Speaker("Jane\u202e Doe", "Director\x1b", ["Quote\x00"])])
    cleaned = sanitize_release(release)
    assert (cleaned.title, cleaned.paragraphs, cleaned.issuer) == ("Title", ["One.", "Two."], "Acme Corp")
    assert cleaned.tags[0] == "a" and len(cleaned.tags) == 2 and len(cleaned.tags[1]) <= 80
    assert cleaned.speakers == [Speaker("Jane Doe", "Director", ["Quote"])]
    assert cleaned.url == "" and cleaned.id.startswith("a-") and cleaned.id != release.id
    assert cleaned.content_hash == cleaned.compute_hash() != release.content_hash
    plain = Release(id="y", title="Plain", source="s.md", paragraphs=["Text."], url="https://example.com/r")
    assert sanitize_release(plain) == plain, "a clean release is left as it was"
