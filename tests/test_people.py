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


def test_a_bare_surname_that_fits_several_people_joins_the_one_that_speaks_for_its_issuers():
    names = ["Barbara Lee", "Man-Hee Lee", "Lee", "Lee", "Chuck Grassley", "Grassley"]
    releases = [1600, 2, 30, 3, 116, 1]
    issuers = [{0: 1600}, {1: 2}, {1: 27, 2: 3}, {5: 3}, {3: 116}, {4: 1}]  # issuer number: releases
    groups = group_people(names, releases, issuers)
    assert sorted(sorted(f"{names[i]}/{releases[i]}" for i in g) for g in groups) == [
        ["Barbara Lee/1600"], ["Chuck Grassley/116", "Grassley/1"], ["Lee/3"], ["Lee/30", "Man-Hee Lee/2"]]
    # Without issuers, the heaviest person takes every bare surname that fits.
    assert sorted(len(g) for g in group_people(names, releases)) == [1, 2, 3]


def test_al_is_a_first_name_not_a_particle():
    assert person_key("Al Green") == ("al", "green")
    assert not same_person("Al Green", "Mark Green")
