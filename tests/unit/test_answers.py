"""Answers are validated against the questionnaire; every problem is reported by question id."""

from __future__ import annotations

import datetime as dt

import pytest

from cer.content import Content
from diagnostics.answers import AnswersError, Override, check_overrides, validate_answers
from tests.factories import make_answer_set, make_answers


def problems(content: Content, answers: dict, final: bool = True) -> list[str]:
    with pytest.raises(AnswersError) as caught:
        validate_answers(content.questionnaire, make_answer_set(content, answers), final=final)
    return [str(p) for p in caught.value.problems]


def test_complete_answers_validate_and_come_back_typed(content: Content) -> None:
    answers = make_answers(content, next_cycle_start="2027-07-01")
    validated = validate_answers(content.questionnaire, make_answer_set(content, answers))
    assert validated.complete
    assert validated.values["next_cycle_start"] == dt.date(2027, 7, 1)
    assert validated.values["resident_agencies"] == 12


def test_each_kind_of_error_is_reported_by_question_id(content: Content) -> None:
    answers = make_answers(content, resident_agencies="many", dao_status="maybe", agencies=["undp", "nasa"])
    answers |= {"colour": "blue", "joint_programmes": -1, "next_cycle_start": "soon", "dq01": "perhaps"}
    found = problems(content, answers)
    assert ("resident_agencies: Enter a whole number, e.g. 18. (got 'many')") in found
    assert "dao_status: 'maybe' is not one of: pilot, self_starter, none" in found
    assert any(p.startswith("agencies: 'nasa' is not one of: undp, unicef") for p in found)
    assert "colour: unknown question" in found
    assert "joint_programmes: Give a number between 0 and 500." in found
    assert any(p.startswith("next_cycle_start: Enter a date as YYYY-MM-DD") for p in found)
    assert "dq01: 'perhaps' is not one of: yes, partly, no, na" in found
    assert not any(
        p.startswith("resident_agencies: an answer is required") for p in found
    )  # one problem each


def test_a_constraint_can_compare_with_another_answer(content: Content) -> None:
    answers = make_answers(content, resident_agencies=2, agencies=["undp", "unicef", "wfp"])
    assert problems(content, answers) == [
        "agencies: You ticked more entities than the number of resident entities you gave."
    ]


def test_required_answers_are_missing_only_where_relevant(content: Content) -> None:
    answers = make_answers(content, readiness="yes", omt_exists="no", omt_chair_agency=None, bos=None)
    answers.pop("security_allows_colocation")
    assert problems(content, answers) == ["security_allows_colocation: an answer is required"]
    # suitable_building is required but asked only when co-location is possible and there is no UN House
    answers = make_answers(content, un_house="full", suitable_building=None)
    assert validate_answers(content.questionnaire, make_answer_set(content, answers)).complete


def test_answers_to_questions_skip_logic_hides_are_set_aside(content: Content) -> None:
    answers = make_answers(content, omt_exists="no")  # omt_chair_agency and bos are still given
    validated = validate_answers(content.questionnaire, make_answer_set(content, answers))
    assert validated.ignored == ["omt_chair_agency", "bos"]
    assert "omt_chair_agency" not in validated.values


def test_a_partial_draft_is_valid_and_lists_what_is_missing(content: Content) -> None:
    validated = validate_answers(
        content.questionnaire, make_answer_set(content, {"resident_agencies": 9}), final=False
    )
    assert not validated.complete
    assert "dao_status" in validated.missing and "dq01" in validated.missing
    assert problems(content, {"resident_agencies": 9})[0] == "dao_status: an answer is required"


def test_a_draft_still_refuses_wrong_answers(content: Content) -> None:
    assert problems(content, {"resident_agencies": 0}, final=False) == [
        "resident_agencies: Give a number between 1 and 60."
    ]


def test_answers_for_another_questionnaire_version_are_refused(content: Content) -> None:
    answer_set = make_answer_set(content, make_answers(content)).model_copy(
        update={"questionnaire_version": "2025.9"}
    )
    with pytest.raises(AnswersError, match=r"questionnaire_version: answers are for version '2025.9'"):
        validate_answers(content.questionnaire, answer_set)


def test_overrides_must_name_something_that_exists_once(content: Content) -> None:
    overrides = [
        Override(target="workstream", id="h", decision="include", justification="A reason long enough."),
        Override(target="action", id="4.9", decision="include", justification="A reason long enough."),
        Override(
            target="tool",
            id="T054",
            workstream="B",
            decision="exclude",
            justification="A reason long enough.",
        ),
        Override(target="action", id="1.3", workstream="C", decision="include", justification="Long enough."),
        Override(target="workstream", id="d", decision="include", justification="A reason long enough."),
        Override(target="workstream", id="D", decision="exclude", justification="A reason long enough."),
    ]
    fw = content.framework
    found = [
        str(p)
        for p in check_overrides(
            overrides,
            workstreams={w.code for w in fw.workstreams},
            actions={a.id: list(a.workstreams) for a in fw.actions},
            tools={t.id for t in content.catalogue.tools},
        )
    ]
    assert found == [
        "overrides[0].id: unknown workstream 'H'",
        "overrides[1].id: unknown action '4.9'",
        "overrides[2].workstream: only an action override names a workstream",
        "overrides[3].workstream: action 1.3 is not in workstream C (A, B, G)",
        "overrides[5]: workstream D is overridden twice",
    ]


def test_unquoted_yes_and_no_read_as_booleans_are_understood_or_refused(content: Content) -> None:
    answers = make_answers(content) | {"dq01": True, "omt_exists": True, "security_allows_colocation": False}
    validated = validate_answers(content.questionnaire, make_answer_set(content, answers))
    assert (validated.values["dq01"], validated.values["security_allows_colocation"]) == ("yes", "no")
    assert problems(content, make_answers(content) | {"joint_programmes": True}) == [
        "joint_programmes: expected integer, got true (yes/no)"
    ]


def test_a_list_where_one_answer_is_expected_and_repeated_choices_are_refused(content: Content) -> None:
    found = problems(content, make_answers(content) | {"dao_status": ["pilot"], "agencies": ["undp", "undp"]})
    assert "agencies: a choice is ticked more than once" in found
    assert any(p.startswith("dao_status: ['pilot'] is not one of") for p in found)


def test_an_unquoted_action_id_in_an_override_is_read_as_text() -> None:
    override = Override.model_validate(
        {"target": "action", "id": 4.1, "decision": "include", "justification": "A reason long enough."}
    )
    assert override.id == "4.1"


def test_an_override_needs_a_real_justification() -> None:
    with pytest.raises(ValueError, match="justification"):
        Override.model_validate(
            {"target": "workstream", "id": "D", "decision": "include", "justification": "ok"}
        )
