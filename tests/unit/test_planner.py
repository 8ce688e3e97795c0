"""The plan: tasks, owners, anchored dependencies, working-day dates, critical path and slack."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from cer.content import Content, get_content
from diagnostics.answers import AnswersError
from diagnostics.calendar import add_working_days, working_days_between
from diagnostics.dependencies import Slot, slack
from diagnostics.planner import Plan, build_plan
from diagnostics.questionnaire import QuestionType
from tests.factories import make_answers, make_diagnosis, make_plan, make_report


def _plan(content: Content, **context: Any) -> Plan:
    return make_plan(content, make_diagnosis(content, make_answers(content, readiness="no", **context)))


def test_tasks_have_owners_from_the_answers_or_roles(content: Content) -> None:
    plan = _plan(content)
    tasks = {t.id: t for t in plan.tasks}
    assert tasks["B-5.1"].lead == "UNICEF"  # the OMT chair leads common services
    assert tasks["4.1"].lead == "UNICEF"  # and the business process review B shares with G
    assert tasks["3.1"].lead == "RC Office"
    assert tasks["8.2"].lead == "UNDP"  # the UNCG chair leads communication
    assert tasks["1.1"].lead == "UNCT"
    assert "Government" in tasks["2.1"].contributors
    assert tasks["4.1"].lead not in tasks["4.1"].contributors


def test_a_group_that_does_not_exist_yet_hands_its_tasks_to_the_rc_office(content: Content) -> None:
    tasks = {t.id: t for t in _plan(content, omt_exists="no", omt_chair_agency=None, bos=None).tasks}
    assert tasks["B-5.1"].lead == "RC Office"
    assert tasks["1.3"].lead == "RC Office"  # which then sets up the OMT (1.3, working relationships)
    assert "UNICEF" not in {t.lead for t in tasks.values()}  # the OMT chair answer was dropped with the OMT


def test_sequential_steps_follow_each_other_and_anchored_actions_run_alongside(content: Content) -> None:
    tasks = {t.id: t for t in _plan(content, me_group_exists="no", me_group_chair_agency=None).tasks}
    assert set(tasks["2.1"].depends_on) >= {"1.1", "1.7", "7.1", "9.1"}  # 7.1 and 9.1 belong to step 1
    assert tasks["7.1"].start == tasks["1.1"].start  # set up the M&E group at the time of step 1
    assert tasks["A-7.2"].depends_on == tasks["A-3.2"].depends_on  # indicators at the time of step 3
    assert "A-7.2" in tasks["4.2"].depends_on  # step 4 waits for the step-3 work, 7.2 included
    assert tasks["9.3"].ongoing and tasks["9.3"].slack_days is None  # progress reports at each step
    assert tasks["9.3"].start == tasks["1.1"].start
    assert tasks["9.3"].due == max(t.due for t in tasks.values() if not t.ongoing)  # 9.3 serves them all


def test_dates_fall_on_working_days_from_the_first_working_day(content: Content) -> None:
    plan = make_plan(
        content, make_diagnosis(content, make_answers(content, readiness="no")), dt.date(2027, 1, 16)
    )
    assert plan.start == dt.date(2027, 1, 18)  # a Saturday start moves to Monday
    for t in plan.tasks:
        assert t.start.weekday() < 5 and t.due.weekday() < 5
        if not t.ongoing:
            assert working_days_between(t.start, t.due) + 1 == t.duration_days


def test_working_day_arithmetic() -> None:
    friday = dt.date(2027, 1, 15)
    assert add_working_days(friday, 1) == dt.date(2027, 1, 18)
    assert add_working_days(friday, 5) == dt.date(2027, 1, 22)
    assert add_working_days(dt.date(2027, 1, 13), 2) == friday
    assert working_days_between(friday, dt.date(2027, 1, 22)) == 5


def test_the_critical_path_runs_from_the_start_to_the_end_without_slack(content: Content) -> None:
    plan = _plan(content)
    critical = [t for t in plan.tasks if t.critical]
    assert critical and all(t.slack_days == 0 for t in critical)
    assert min(t.start for t in critical) == plan.start
    assert max(t.due for t in critical) == plan.end
    relaxed = [t for t in plan.tasks if not t.ongoing and not t.critical]
    assert relaxed and all((t.slack_days or 0) > 0 for t in relaxed)


def test_tasks_link_the_tools_recommended_for_them(content: Content) -> None:
    tasks = {t.id: t for t in _plan(content).tasks}
    assert "T054" in tasks["B-5.1"].tools
    assert "T054" not in tasks["G-5.1"].tools  # a B tool is not offered to G
    assert "T055" in tasks["4.1"].tools  # a shared task offers the tools of each of its workstreams
    assert tasks["B-5.1"].provenance[0].startswith("You answered “No”")


# ---- properties over random valid answer sets --------------------------------------------------------


def _answer_strategy(content: Content) -> st.SearchStrategy[dict[str, Any]]:
    """Random answers to a random subset of the questions: complete sets and drafts."""
    q = content.questionnaire
    fields: dict[str, st.SearchStrategy[Any]] = {}
    for question in q.questions.values():
        values = q.allowed_values(question)
        if question.type is QuestionType.integer:
            fields[question.id] = (
                st.integers(1, 60) if question.id == "resident_agencies" else st.integers(0, 500)
            )
        elif question.type is QuestionType.date:
            fields[question.id] = st.dates(dt.date(2000, 1, 1), dt.date(2100, 12, 31)).map(dt.date.isoformat)
        elif question.type is QuestionType.text:
            fields[question.id] = st.text(max_size=20)
        elif question.type is QuestionType.multiple:
            fields[question.id] = st.lists(st.sampled_from(values), unique=True, max_size=3)
        else:
            fields[question.id] = st.sampled_from(values)
    keep = st.sets(st.sampled_from(sorted(fields)), min_size=len(fields) - 8)  # drop up to 8 answers
    return st.tuples(st.fixed_dictionaries(fields), keep).map(
        lambda fk: {k: v for k, v in fk[0].items() if k in fk[1]}
    )


def _override_strategy(content: Content) -> st.SearchStrategy[list[dict[str, Any]]]:
    codes = [w.code for w in content.framework.workstreams]
    actions = [a.id for a in content.framework.actions]
    tools = [t.id for t in content.catalogue.tools]
    one = st.one_of(
        st.builds(lambda i: {"target": "workstream", "id": i}, st.sampled_from(codes)),
        st.builds(lambda i: {"target": "action", "id": i}, st.sampled_from(actions)),
        st.builds(lambda i: {"target": "tool", "id": i}, st.sampled_from(tools)),
    )
    decided = st.builds(lambda o, d: {**o, "decision": d, "justification": "Decided by the UNCT."}, one,
                        st.sampled_from(["include", "exclude"]))  # fmt: skip
    return st.lists(decided, max_size=4, unique_by=lambda o: (o["target"], o["id"]))


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    answers=_answer_strategy(get_content()),
    overrides=_override_strategy(get_content()),
    start=st.dates(dt.date(2026, 1, 1), dt.date(2030, 12, 31)),
)
def test_any_valid_answers_give_a_sound_plan(
    answers: dict[str, Any], overrides: list[Any], start: dt.date
) -> None:
    content = get_content()
    try:
        diagnosis = make_diagnosis(content, answers, overrides, final=False)
    except AnswersError:
        assume(False)  # e.g. more agencies ticked than resident: not a valid answer set
        return
    plan = make_plan(content, diagnosis, start)
    tasks = {t.id: t for t in plan.tasks}
    selected = set(diagnosis.selected)
    # every needed action has exactly one task (a shared action one for all its workstreams), and no task
    # belongs to an excluded workstream
    served = {(w, t.action) for t in tasks.values() for w in t.workstreams}
    assert len(served) == sum(len(t.workstreams) for t in tasks.values())
    assert served == {(a.workstream, a.action) for a in diagnosis.needed}
    assert all(set(t.workstreams) <= selected for t in tasks.values())
    # dependencies exist, end before, and leave no cycle; dates are working days
    for t in tasks.values():
        assert t.start.weekday() < 5 and t.due.weekday() < 5 and t.start <= t.due
        for dep in t.depends_on:
            assert t.start > tasks[dep].due
    assert _acyclic(tasks)
    # slack is never negative, and each critical task lies on a zero-slack chain from the start to the end
    assert all(t.slack_days is None or t.slack_days >= 0 for t in tasks.values())
    for t in (t for t in tasks.values() if t.critical):
        assert _chain_back(t, tasks) == plan.start and _chain_forward(t, tasks) == plan.end
    # the same input gives the same plan
    assert make_plan(content, make_diagnosis(content, answers, overrides, final=False), start) == plan


def _chain_back(task: Any, tasks: dict[str, Any]) -> dt.date:
    while task.depends_on:
        task = next(tasks[d] for d in task.depends_on if tasks[d].critical and tasks[d].due < task.start)
    return task.start  # type: ignore[no-any-return]


def _chain_forward(task: Any, tasks: dict[str, Any]) -> dt.date:
    while successors := [t for t in tasks.values() if task.id in t.depends_on and t.critical]:
        task = successors[0]
    return task.due  # type: ignore[no-any-return]


def _acyclic(tasks: dict[str, Any]) -> bool:
    done: set[str] = set()
    remaining = dict(tasks)
    while remaining:
        ready = [i for i, t in remaining.items() if set(t.depends_on) <= done]
        if not ready:
            return False
        for i in ready:
            done.add(i)
            del remaining[i]
    return True


@pytest.mark.parametrize("example", ["malawi", "somalia", "viet_nam"])
@pytest.mark.parametrize("finish_by", [None, dt.date(2030, 6, 28)])
def test_slack_computed_again_from_the_dates_is_the_planners_own(
    content: Content, example: str, finish_by: dt.date | None
) -> None:
    """What the services recompute after a task changes (diagnostics.dependencies.slack) agrees with the
    planner on the plan it made, forward and backward; a task made longer on the critical path's side
    chain then joins it."""
    report, _ = make_report(content, example)
    plan = build_plan(report.diagnosis, framework=content.framework, planning=content.planning,
                      questionnaire=content.questionnaire, country="MWI", start=dt.date(2027, 1, 15),
                      finish_by=finish_by)  # fmt: skip
    assert plan.shortfall_days == 0
    network = [t for t in plan.tasks if not t.ongoing]
    slots = {t.id: Slot(t.start, t.due) for t in network}
    graph = {t.id: t.depends_on for t in network}
    assert slack(slots, graph) == {t.id: t.slack_days for t in network}
    side = min((t for t in network if (t.slack_days or 0) > 5), key=lambda t: t.id)
    longer = Slot(side.start, add_working_days(side.due, side.slack_days or 0))
    again = slack(slots | {side.id: longer}, graph)
    assert again[side.id] == 0 and sum(d == 0 for d in again.values()) > sum(t.critical for t in network)
