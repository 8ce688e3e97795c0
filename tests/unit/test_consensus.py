"""Several respondents' answers side by side: who said what, the spread, the majority, the ties to decide."""

from __future__ import annotations

from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from cer.content import Content
from diagnostics.consensus import Decision, consensus, facts, spread, spreads


def test_four_of_six_saying_no_make_no_the_majority_and_say_who_said_what(content: Content) -> None:
    said = ["no", "no", "yes", "no", "partly", "no"]
    respondents = {f"agency{i}": {"dq05": v} for i, v in enumerate(said)}
    s = spread(content.questionnaire, respondents, "dq05")
    assert s.proposal == "no" and not s.tie and not s.agreement
    assert s.count("no") == 4 and s.answered == 6
    assert s.counts[0] == ("no", 4)
    assert s.who("yes") == ["agency2"]


def test_unanswered_is_not_counted(content: Content) -> None:
    respondents: dict[str, dict[str, Any]] = {"a": {"dq05": "no"}, "b": {}, "c": {"dq05": None}}
    s = spread(content.questionnaire, respondents, "dq05")
    assert s.answered == 1 and s.respondents == 3 and s.agreement and s.proposal == "no"


def test_a_tie_waits_for_a_decision_and_a_decision_settles_it(content: Content) -> None:
    respondents = {"a": {"dq05": "no"}, "b": {"dq05": "yes"}, "c": {"dq01": "yes"}}
    all_spreads = spreads(content.questionnaire, respondents)
    dq05 = next(s for s in all_spreads if s.question == "dq05")
    assert dq05.tie and set(dq05.tied) == {"no", "yes"} and dq05.proposal is None
    open_ = consensus(all_spreads, {})
    assert open_.undecided == ["dq05"] and "dq05" not in open_.answers and open_.answers["dq01"] == "yes"
    settled = consensus(all_spreads, {"dq05": Decision("dq05", "partly", why="the regional view")})
    assert settled.settled and settled.answers["dq05"] == "partly" and settled.decided == ["dq05"]


def test_several_choices_take_each_choice_most_ticked_and_mark_a_half_for_a_decision(
    content: Content,
) -> None:
    respondents = {
        "a": {"agencies": ["undp", "unicef"]},
        "b": {"agencies": ["unicef", "undp", "wfp"]},
        "c": {"agencies": ["unicef"]},
    }
    s = spread(content.questionnaire, respondents, "agencies")
    assert s.several and s.proposal == ["undp", "unicef"] and not s.tie
    assert s.count("unicef") == 3 and s.who("wfp") == ["b"]
    half = spread(
        content.questionnaire, {"a": {"agencies": ["undp"]}, "b": {"agencies": ["wfp"]}}, "agencies"
    )
    assert half.tie and set(half.tied) == {"undp", "wfp"}
    same = spread(
        content.questionnaire,
        {"a": {"agencies": ["wfp", "undp"]}, "b": {"agencies": ["undp", "wfp"]}},
        "agencies",
    )
    assert same.agreement


def test_numbers_and_dates_take_the_value_given_most_else_a_tie(content: Content) -> None:
    numbers = {"a": {"resident_agencies": 12}, "b": {"resident_agencies": 12}, "c": {"resident_agencies": 9}}
    assert spread(content.questionnaire, numbers, "resident_agencies").proposal == 12
    dates = {"a": {"next_cycle_start": "2027-01-01"}, "b": {"next_cycle_start": "2028-01-01"}}
    assert spread(content.questionnaire, dates, "next_cycle_start").tie


def test_the_facts_kept_with_a_diagnosis_are_plain_json(content: Content) -> None:
    s = spread(
        content.questionnaire, {"a": {"dq05": "no"}, "b": {"dq05": "no"}, "c": {"dq05": "yes"}}, "dq05"
    )
    assert facts(s) == {"answered": 3, "respondents": 3, "several": False, "counts": [["no", 2], ["yes", 1]]}


READINESS = st.sampled_from(["yes", "partly", "no", "na", None])


@settings(max_examples=200, deadline=None)
@given(st.lists(READINESS, min_size=1, max_size=9))
def test_the_majority_is_always_given_and_counts_add_up(content: Content, said: list[str | None]) -> None:
    respondents = {f"r{i}": ({"dq05": v} if v else {}) for i, v in enumerate(said)}
    s = spread(content.questionnaire, respondents, "dq05")
    answered = [v for v in said if v]
    assert sum(n for _, n in s.counts) == s.answered == len(answered)
    if s.proposal is not None:
        assert s.proposal in answered and s.count(s.proposal) == max(answered.count(v) for v in answered)
    assert s.tie == (s.proposal is None and bool(answered))
    if answered and len(set(answered)) == 1:
        assert s.agreement and s.proposal == answered[0]
    for value in s.tied:
        assert s.count(value) == s.counts[0][1]


@settings(max_examples=100, deadline=None)
@given(
    st.lists(st.lists(st.sampled_from(["undp", "unicef", "wfp", "who"]), unique=True), min_size=1, max_size=7)
)
def test_several_choices_propose_only_choices_that_were_ticked(
    content: Content, said: list[list[str]]
) -> None:
    respondents = {f"r{i}": {"agencies": v} for i, v in enumerate(said)}
    s = spread(content.questionnaire, respondents, "agencies")
    ticked = {c for v in said for c in v}
    assert set(s.proposal or []) <= ticked
