"""Shared actions (issue 16): an action done once for the whole change is one task in a plan, serving every
selected workstream that needs it; an action done in each workstream is one task per workstream."""

from __future__ import annotations

from collections import Counter
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cer.content import Content, get_content
from tests.factories import make_answers, make_diagnosis, make_plan, make_report
from workstreams.models import Scope

READINESS = [q.id for q in get_content().questionnaire.questions.values() if q.type.value == "readiness"]
CODES = [w.code for w in get_content().framework.workstreams]


@st.composite
def _answers(draw: st.DrawFn) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    """Random readiness (yes / partly / no) for each readiness question, and some workstreams left out."""
    answers = make_answers(get_content(), readiness=None)
    answers |= {q: draw(st.sampled_from(["yes", "partly", "no"])) for q in READINESS}
    left_out = draw(st.sets(st.sampled_from(CODES), max_size=4))
    overrides = [
        {"target": "workstream", "id": code, "decision": "exclude", "justification": "Not this cycle."}
        for code in sorted(left_out)
    ]
    return answers, overrides


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(case=_answers())
def test_a_shared_action_yields_one_task_serving_each_selected_workstream_that_needs_it(
    case: tuple[dict[str, Any], list[dict[str, Any]]],
) -> None:
    content = get_content()
    diagnosis = make_diagnosis(content, *case)
    plan = make_plan(content, diagnosis)
    needing: dict[str, set[str]] = {}
    for decision in diagnosis.needed:
        needing.setdefault(decision.action, set()).add(decision.workstream)
    for action_id, codes in needing.items():
        tasks = [t for t in plan.tasks if t.action == action_id]
        if content.framework.action(action_id).scope is Scope.shared:
            assert len(tasks) == 1, f"{action_id} is done once for the whole change"
            assert (tasks[0].id, set(tasks[0].workstreams)) == (action_id, codes)
        else:
            assert sorted((t.id, t.workstreams) for t in tasks) == [
                (f"{c}-{action_id}", [c]) for c in sorted(codes)
            ]
    assert all(set(t.workstreams) <= set(diagnosis.selected) for t in plan.tasks)
    ids = {t.id for t in plan.tasks}
    assert all(set(t.depends_on) <= ids for t in plan.tasks)  # dependencies name the one shared task


@pytest.mark.parametrize("example", ["malawi", "somalia", "viet_nam"])
def test_no_action_title_is_twice_in_an_example_plan_unless_the_action_is_per_workstream(
    content: Content, example: str
) -> None:
    report, _ = make_report(content, example)
    tasks = report.plan.tasks
    per_workstream = {a.id for a in content.framework.actions if a.scope is Scope.per_workstream}
    names = Counter(content.framework.action(t.action).name for t in tasks)
    twice = {t.action for t in tasks if names[content.framework.action(t.action).name] > 1}
    assert twice <= per_workstream
    titles = Counter(t.title for t in tasks)
    assert [
        title for title, n in titles.items() if n > 1
    ] == []  # a per-workstream title names its workstream


def test_the_first_step_of_a_plan_with_every_workstream_is_one_task_per_action(content: Content) -> None:
    plan = make_plan(content, make_diagnosis(content, make_answers(content, readiness="no")))
    step_1 = sorted(t.id for t in plan.tasks if t.step == 1)
    assert step_1 == ["1.1", "1.2", "1.3", "1.4", "1.5", "1.6", "1.7"]  # not seven "Agree within UNCT"
    agree = next(t for t in plan.tasks if t.id == "1.1")
    assert (agree.title, agree.workstreams) == ("Agree within UNCT to proceed", CODES)
    assert all("1.1" in t.depends_on for t in plan.tasks if t.id in ("2.1", "B-2.4", "D-2.4"))
    assert agree.start == plan.start  # the change starts with it
