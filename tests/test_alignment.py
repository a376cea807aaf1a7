"""Word alignment of a pasted passage with a paragraph: what a misquote keeps, what it changes, where it stands."""

from __future__ import annotations

from archive.alignment import align, folded_words, fragments_of, marked_paragraph, marked_passage, words_of

PARAGRAPH = ('Collectors can browse at its Salinas location all week. "We\u2019re excited to showcase some truly unique '
             'items at our Salinas location," said Alan Martinson, Vice President of Retail.')


def aligned(passage: str, paragraph: str = PARAGRAPH):  # type: ignore[no-untyped-def]
    fragments = fragments_of(passage)
    words = words_of(paragraph)
    found = align([f.words for f in fragments], words.words, [1.0] * sum(len(f.words) for f in fragments))
    if found is None:
        return None, "", ""
    return found, marked_paragraph(words, found), marked_passage(fragments, found)


def test_folding_forgives_case_accents_curly_quotes_and_the_apostrophes_a_scraper_dropped():
    assert folded_words("The Department of Justice\u2019s caf\u00e9 \u201cROCKS\u201d") == \
        folded_words("the department of justices cafe rocks") == words_of("the Department of Justices Caf\u00e9 rocks").words


def test_numbers_compare_with_or_without_thousands_separators():
    assert folded_words("ordered to pay $15,215 of restitution, 1,000,000 and 3,5") == \
        folded_words("ordered to pay $15215 of restitution, 1000000 and 3 5") == \
        words_of("Ordered to pay $15,215 of restitution, 1,000,000 and 3,5").words


def test_an_exact_passage_scores_one_and_marks_its_stretch():
    found, marked, _ = aligned("We're excited to showcase some truly unique items at our Salinas location")
    assert found.score == 1.0 and found.coverage == 1.0
    assert marked.count("<mark>") == 1 and "differs" not in marked
    assert "<mark>We\u2019re excited to showcase some truly unique items at our Salinas location</mark>" in marked


def test_a_moved_clause_is_found_where_it_stands_not_where_its_words_first_appear():
    found, marked, _ = aligned("at our Salinas location, we're excited to showcase some truly unique items")
    assert found.score == 1.0
    assert "<mark>We\u2019re excited to showcase some truly unique items at our Salinas location</mark>" in marked


def test_a_word_left_out_at_the_edge_of_a_block_is_not_paired_with_the_same_word_elsewhere():
    found, marked, _ = aligned("The urgency to call for a state of emergency on AIDS",
                               'is growing in the United States. "The urgency to call for a State of Emergency on '
                               'HIV/AIDS is clear," said Lee.')
    assert '"<mark>The urgency' in marked.replace("&quot;", '"')
    assert '<mark class="differs">HIV</mark>' in marked


def test_typos_count_as_most_of_a_word_and_are_marked():
    found, marked, passage = aligned("We're exited to shwcase some truly uniqe items at our Salinas locaton")
    assert found.score > 0.8
    assert passage.count('<mark class="differs">') == 4  # exited, shwcase, uniqe, locaton
    assert marked.count('<mark class="differs">') == 4


def test_an_ellipsis_skips_what_it_stands_for():
    found, marked, passage = aligned("We're excited to showcase \u2026 at our Salinas location")
    assert found.score == 1.0
    assert marked.count("<mark>") == 2 and "\u2026" in passage


def test_a_different_sentence_scores_low():
    found, _, _ = aligned("the council approved the budget for the new library at its Tuesday meeting")
    assert found is None or found.score < 0.4


def test_markup_in_release_text_is_escaped_inside_and_around_the_stretch():
    words = words_of('Intro <b>bold</b>. He said <script>alert("x")</script> was a joke. End <i>tag</i>')
    passage = folded_words("he said script alert x script was a joke")
    found = align([passage], words.words, [1.0] * len(passage))
    html = marked_paragraph(words, found)
    assert "<script>" not in html and "<b>" not in html and "<i>" not in html
    assert html.startswith("Intro &lt;b&gt;bold&lt;/b&gt;. <mark>He said &lt;script&gt;") and html.endswith("&lt;/i&gt;")
