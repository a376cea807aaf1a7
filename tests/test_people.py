"""One rule says when two written names are one person: in a release, in the speaker facet, in the audit."""

from __future__ import annotations

from archive.people import group_people, person_key, same_person


def test_initials_middle_names_honorifics_and_suffixes_do_not_split_a_person():
    for variant in ("L. Lynch", "Loretta E. Lynch", "Attorney General Loretta Lynch"[len("Attorney General "):],
                    "Ms. Loretta Lynch", "Lynch", "LORETTA LYNCH"):
        assert same_person(variant, "Loretta Lynch"), variant
    assert same_person("Robert L. Burgdorf Jr.", "Robert Burgdorf")
    assert same_person("Andrés Gallegos", "Andres Gallegos")


def test_different_first_names_are_different_people():
    assert not same_person("Jane Smith", "John Smith")
    assert not same_person("Loretta Lynch", "Loretta Lyons")
    assert person_key("Sir John Boyd") == ("john", "boyd")


def test_an_initial_joins_the_most_mentioned_person_it_fits_and_never_fuses_two():
    names = ["John Smith", "Jane Smith", "J. Smith", "Loretta Lynch", "L. Lynch", "Loretta E. Lynch"]
    groups = group_people(names, weights=[10, 3, 1, 5, 1, 2])
    assert sorted(sorted(names[i] for i in g) for g in groups) == [
        ["J. Smith", "John Smith"], ["Jane Smith"], ["L. Lynch", "Loretta E. Lynch", "Loretta Lynch"]]


def test_particles_nicknames_and_styles_do_not_split_a_person():
    assert same_person("Van Duyne", "Beth Van Duyne")
    assert same_person('Charles J. "Chuck" Fleischmann', "Charles Fleischmann")
    assert person_key("H.E. Justin Sun") == ("justin", "sun")
