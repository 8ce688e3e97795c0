"""The questionnaire, rules and planning content, and how broken diagnostic content is reported."""

from __future__ import annotations

from pathlib import Path

import pytest

from cer.content import Content, ContentError, load_content
from diagnostics.questionnaire import QuestionType, Source

QUESTIONNAIRE = "diagnostics/content/questionnaire.yaml"
RULES = "diagnostics/content/rules.yaml"
PLANNING = "diagnostics/content/planning.yaml"


def test_readiness_questions_cover_every_step_and_every_main_action(content: Content) -> None:
    readiness = [q for q in content.questionnaire.questions.values() if q.type is QuestionType.readiness]
    assert {q.step for q in readiness} == set(range(1, 10))
    assert {a for q in readiness for a in q.actions} == {a.id for a in content.framework.actions}


def test_the_toolkits_own_questions_are_marked_read_and_ours_inferred(content: Content) -> None:
    questions = content.questionnaire.questions
    assert all(questions[f"dq{n:02d}"].source is Source.read for n in range(1, 12))
    assert all(questions[f"iq{n:02d}"].source is Source.inferred for n in range(1, 23))


def test_context_questions_cover_what_decides_the_workstreams(content: Content) -> None:
    ids = set(content.questionnaire.questions)
    for needed in (
        "resident_agencies", "security_allows_colocation", "un_house", "omt_exists", "uncg_exists",
        "joint_programmes", "pooled_fund", "common_budgetary_framework", "dao_status",
        "government_request", "donor_support", "next_cycle_start",
    ):  # fmt: skip
        assert needed in ids


def test_every_question_type_is_used_and_labels_take_four_languages(content: Content) -> None:
    q = content.questionnaire
    assert {question.type for question in q.questions.values()} == set(QuestionType)
    assert q.title.fr and q.title.es and q.title.ar
    english = q.questions["dq01"].label.en
    assert q.questions["dq01"].label.model_copy(update={"fr": None}).get("fr") == english  # falls back


def _broken(root: Path, rel: str, old: str, new: str) -> list[str]:
    path = root / rel
    text = path.read_text(encoding="utf-8")
    assert old in text, old
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    with pytest.raises(ContentError) as caught:
        load_content(root)
    return [str(p) for p in caught.value.problems]


def test_a_condition_on_an_unknown_question_is_a_content_error(content_copy: Path) -> None:
    problems = _broken(
        content_copy, QUESTIONNAIRE, "relevant: ${omt_exists} = 'yes'", "relevant: ${omt_exist} = 'yes'"
    )
    assert problems == [
        f"{QUESTIONNAIRE}: sections[0].questions[11].relevant: refers to an unknown question 'omt_exist' "
        "in \"${omt_exist} = 'yes'\""
    ]


def test_skip_logic_may_only_look_back(content_copy: Path) -> None:
    problems = _broken(
        content_copy, QUESTIONNAIRE, "relevant: ${resident_agencies} >= 1", "relevant: ${dq01} = 'yes'"
    )
    assert any("refers to a question asked later 'dq01'" in p for p in problems)


def test_a_choice_a_question_does_not_offer_is_a_content_error(content_copy: Path) -> None:
    problems = _broken(content_copy, RULES, "when: ${un_house} = 'full'", "when: ${un_house} = 'complete'")
    assert problems == [
        f"{RULES}: workstream_rules[2].when: 'complete' is not a choice of 'un_house' "
        "(choices: none, partial, full) in \"${un_house} = 'complete'\""
    ]


def test_a_condition_outside_the_grammar_is_a_content_error(content_copy: Path) -> None:
    problems = _broken(content_copy, RULES, "when: ${suitable_building} = 'no'", "when: __import__('os')")
    assert len(problems) == 1 and problems[0].startswith(
        f"{RULES}: workstream_rules[1].when: Value error, unexpected"
    )


def test_rules_and_planning_must_point_at_real_things(content_copy: Path) -> None:
    _broken(content_copy, RULES, "tools: [T099]", "tools: [T999]")
    problems = _broken(content_copy, PLANNING, "B: omt, C: uncg", "B: omt_chair, C: uncg")
    assert f"{RULES}: tool_rules[1].tools[0]: unknown tool 'T999'" in problems
    assert f"{PLANNING}: leads.by_workstream.B: unknown role 'omt_chair'" in problems


def test_a_reason_quoting_an_unknown_answer_is_a_content_error(content_copy: Path) -> None:
    problems = _broken(
        content_copy, RULES, "With only {resident_agencies} resident", "With only {resident_agency} resident"
    )
    assert problems == [f"{RULES}: workstream_rules[7].reason: {{resident_agency}} is not a question"]


def test_an_action_without_any_readiness_question_is_a_content_error(content_copy: Path) -> None:
    problems = _broken(content_copy, QUESTIONNAIRE, 'actions: ["6.1"]', 'actions: ["6.2"]')
    assert f"{QUESTIONNAIRE}: sections: no readiness question covers action 6.1" in problems


@pytest.mark.parametrize(
    ("old", "new", "message"),
    [
        (
            "${resident_agencies} < 4 and",
            "${resident_agencies} = 'four' and",
            "'resident_agencies' takes integer answers; 'four' is not one",
        ),
        (
            "${un_house} = 'partial'",
            "${un_house} >= 2",
            "'un_house' is a choice: compare it with = or !=, not >=",
        ),
        (
            "${omt_exists} = 'yes'\n    reason: An Operations",
            "selected(${omt_exists}, 'yes')\n    reason: An Operations",
            "selected() needs a multiple-choice question, not 'omt_exists'",
        ),
        ("${post_crisis} = 'yes'", "${post_crisis} = true()", "answers are never true or false"),
    ],
)
def test_comparisons_that_can_never_hold_are_content_errors(
    content_copy: Path, old: str, new: str, message: str
) -> None:
    problems = _broken(content_copy, RULES, old, new)
    assert len(problems) == 1 and message in problems[0], problems


@pytest.mark.parametrize(
    ("old", "new", "message"),
    [
        (
            "With only {resident_agencies} resident",
            "With only {resident_agencies:d} resident",
            "may only name a question",
        ),
        (
            "With only {resident_agencies} resident",
            "With only {resident_agencies resident",
            "braces do not match",
        ),
    ],
)
def test_reason_templates_only_quote_answers(content_copy: Path, old: str, new: str, message: str) -> None:
    problems = _broken(content_copy, RULES, old, new)
    assert len(problems) == 1 and message in problems[0], problems


def test_an_action_rule_for_a_workstream_the_action_is_not_in_is_a_content_error(content_copy: Path) -> None:
    problems = _broken(
        content_copy, RULES, 'action: "1.3"\n    workstreams: [B]', 'action: "1.3"\n    workstreams: [C]'
    )
    assert problems == [f"{RULES}: action_rules[0].workstreams[0]: action 1.3 is not in workstream C"]


def test_a_constraint_may_not_read_a_later_question(content_copy: Path) -> None:
    problems = _broken(content_copy, QUESTIONNAIRE, "constraint: count-selected(.) <= ${resident_agencies}",
                       "constraint: count-selected(.) <= ${joint_programmes}")  # fmt: skip
    assert any("refers to a question asked later 'joint_programmes'" in p for p in problems)


def test_roles_must_be_chaired_by_an_agency_question_and_fall_back_to_a_role_that_exists(
    content_copy: Path,
) -> None:
    _broken(content_copy, PLANNING, "chaired_by: omt_chair_agency", "chaired_by: dao_status")
    presence = "    present_when: ${uncg_exists} = 'yes'\n"
    problems = _broken(
        content_copy, PLANNING, presence + "    fallback: rc_office\n", presence + "    fallback: omt\n"
    )
    assert f"{PLANNING}: roles[2].chaired_by: 'dao_status' is not a question choosing an agency" in problems
    assert any(p.startswith(f"{PLANNING}: roles[3].fallback: 'omt' may itself be absent") for p in problems)


def test_only_readiness_questions_open_actions(content_copy: Path) -> None:
    question = "      - id: donor_support\n        type: yes_no\n"
    opens = "        step: 1\n        actions: ['1.2']\n"
    problems = _broken(content_copy, QUESTIONNAIRE, question, question + opens)
    assert any("only readiness questions take a step, actions and a mapping" in p for p in problems)
