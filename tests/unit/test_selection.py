"""Which workstreams, actions and tools a country gets, and the reasons it is given."""

from __future__ import annotations

from cer.content import Content
from diagnostics.rules import Effect
from tests.factories import make_answers, make_diagnosis


def test_every_readiness_answer_yes_leaves_no_action_open(content: Content) -> None:
    diagnosis = make_diagnosis(content, make_answers(content, readiness="yes"))
    assert diagnosis.needed == []
    # only tools a context rule recommends remain: not Delivering as One yet, and the Government asked
    assert [(t.tool, [r.source for r in t.reasons]) for t in diagnosis.tools] == [("T099", ["adopting-dao"])]


def test_every_readiness_answer_no_opens_every_action_of_every_selected_workstream(content: Content) -> None:
    answers = make_answers(
        content, readiness="no", uncg_exists="no", me_group_exists="no", uncg_chair_agency=None
    )
    diagnosis = make_diagnosis(content, answers)
    expected = {(code, a.id) for code in diagnosis.selected for a in content.framework.actions_for(code)}
    assert {(a.workstream, a.action) for a in diagnosis.needed} == expected
    assert len(expected) > 100


def test_insecure_country_gets_no_common_premises_and_is_told_why(content: Content) -> None:
    diagnosis = make_diagnosis(
        content, make_answers(content, readiness="no", security_allows_colocation="no")
    )
    premises = next(w for w in diagnosis.workstreams if w.code == "D")
    assert not premises.selected
    assert premises.reasons[0].source == "premises-security"
    assert "security situation" in premises.reasons[0].text
    assert premises.reasons[0].answers == {"security_allows_colocation": "no"}
    assert not [a for a in diagnosis.actions if a.workstream == "D"]


def test_an_override_brings_premises_back_and_says_who_and_why(content: Content) -> None:
    override = {
        "target": "workstream",
        "id": "D",
        "decision": "include",
        "justification": "A secured compound has been offered by the Government.",
        "by": "RC",
    }
    answers = make_answers(content, readiness="no", security_allows_colocation="no")
    diagnosis = make_diagnosis(content, answers, overrides=[override])
    premises = next(w for w in diagnosis.workstreams if w.code == "D")
    assert premises.selected
    assert (
        premises.reasons[0].text
        == "Overridden by the country team (RC): A secured compound has been offered by the Government."
    )
    assert "security situation" in premises.reasons[1].text  # the rule it overrode stays visible
    assert any(a.workstream == "D" for a in diagnosis.needed)


def test_reasons_quote_the_answers_in_words(content: Content) -> None:
    diagnosis = make_diagnosis(content, make_answers(content, joint_programmes=4))
    resources = next(w for w in diagnosis.workstreams if w.code == "E")
    assert resources.reasons[0].text == "4 joint programme(s) need funds raised together."


def test_a_workstream_no_rule_speaks_to_takes_its_default(content: Content) -> None:
    diagnosis = make_diagnosis(content, make_answers(content))
    programme = next(w for w in diagnosis.workstreams if w.code == "A")
    assert programme.selected and programme.reasons[0].kind == "default"


def test_exclusion_rules_beat_readiness_answers(content: Content) -> None:
    diagnosis = make_diagnosis(content, make_answers(content, readiness="no", me_group_exists="yes"))
    me_group = next(a for a in diagnosis.actions if a.action == "7.1" and a.workstream == "A")
    assert not me_group.needed
    assert me_group.reasons[0].source == "me-group-exists"
    assert any(r.kind == "readiness" and r.effect is Effect.include for r in me_group.reasons)


def test_context_rules_open_actions_readiness_answers_call_done(content: Content) -> None:
    diagnosis = make_diagnosis(content, make_answers(content, readiness="yes", government_request="no"))
    assert {(a.workstream, a.action) for a in diagnosis.needed} == {
        (code, "1.2") for code in diagnosis.selected
    }
    first = diagnosis.needed[0]
    assert first.reasons[0].source == "government-not-asked"


def test_unanswered_readiness_keeps_the_action_in_a_draft_with_a_reason(content: Content) -> None:
    answers = make_answers(content, readiness="yes")
    answers.pop("iq11")
    diagnosis = make_diagnosis(content, answers, final=False)
    review = [a for a in diagnosis.needed if a.action == "4.1"]
    assert review and review[0].reasons[0].text.startswith("Not assessed yet:")


def test_tools_are_recommended_for_needed_actions_in_their_workstream(content: Content) -> None:
    answers = make_answers(content, readiness="yes") | {"iq11": "no"}  # business process review (4.1) to do
    diagnosis = make_diagnosis(content, answers)
    tools = {t.tool: t for t in diagnosis.tools}
    assert "T055" in tools  # harmonized procurement guidelines, B
    assert (
        tools["T055"].reasons[0].text
        == "Supports 4.1 “Conduct a high-level business process review”, needed in workstream B."
    )
    for rec in diagnosis.tools:
        tool = content.catalogue.tool(rec.tool)
        if any(r.kind == "link" for r in rec.reasons):
            assert "4.1" in tool.actions and set(tool.workstreams) & {"B", "G"}


def test_tool_rules_add_tools_with_their_reason(content: Content) -> None:
    diagnosis = make_diagnosis(content, make_answers(content, post_crisis="yes"))
    assert {"T095", "T096", "T097", "T098"} <= {t.tool for t in diagnosis.tools}
