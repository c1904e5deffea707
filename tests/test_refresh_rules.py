"""refresh's rules as plain functions (refresh.decide, refresh.lost_tags): what it does
with one figure of a draft, and which figures it can no longer reach."""

from workreport.refresh import KEEP, SAME, UPDATE, decide, lost_tags
from workreport.render.document import Tag


def test_the_ledgers_text_already_shown_is_left_as_it_is():
    assert decide("86", "86", ["86"], revised=False) == SAME
    assert decide("86", "86", ["86"], revised=True) == SAME  # nothing to change, even so


def test_the_tools_own_text_out_of_date_is_rewritten():
    assert decide("86", "90", ["86"], revised=False) == UPDATE
    # one figure shown in two places: either of the tool's texts is its own
    assert decide("7", "9", ["12", "7"], revised=False) == UPDATE


def test_a_draft_from_before_the_record_is_taken_as_the_tools_own():
    assert decide("86", "90", [], revised=False) == UPDATE


def test_a_retyped_figure_is_a_persons_and_stays():
    assert decide("八十余", "90", ["86"], revised=False) == KEEP
    assert decide("88", "90", ["86"], revised=False) == KEEP  # a number, but not ours


def test_a_figure_under_tracked_changes_stays_even_if_it_was_ours():
    assert decide("86", "90", ["86"], revised=True) == KEEP


def test_a_tag_shown_in_fewer_places_than_written_is_lost():
    clues, cases = Tag("clues"), Tag("cases_filed")
    before = {clues: ["86", "86"], cases: ["23"]}
    found = {clues: ["86"], cases: ["23"]}
    labels = {"clues": "受理问题线索"}
    assert lost_tags(before, found, labels) == [(clues, "受理问题线索")]
    assert lost_tags(before, {**found, clues: ["86", "86"]}, labels) == []
    # no label known: the id is said
    assert lost_tags({cases: ["23"]}, {}, {}) == [(cases, "cases_filed")]
