"""Test data built in one place: answer sets, diagnoses and plans for the shipped content."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

from sqlmodel import Session

from cer.content import Content
from cer.db.tables import TaskRow
from cer.services.access import local_operator
from cer.services.diagnosis import Report, read_answers, run
from cer.services.tasks import TaskChange, TaskFilter, find_tasks, get_task, update_task
from diagnostics.answers import AnswerSet, Override, validate_answers
from diagnostics.planner import Plan, build_plan
from diagnostics.selection import Diagnosis, diagnose
from workstreams.status import TaskStatus

# A mid-sized country team with every context question answered and no rule-triggering gaps.
CONTEXT: dict[str, Any] = {
    "resident_agencies": 12,
    "agencies": ["undp", "unicef", "wfp"],
    "dao_status": "none",
    "government_request": "yes",
    "donor_support": "yes",
    "post_crisis": "no",
    "security_allows_colocation": "yes",
    "un_house": "none",
    "suitable_building": "yes",
    "omt_exists": "yes",
    "omt_chair_agency": "unicef",
    "bos": "yes",
    "uncg_exists": "yes",
    "uncg_chair_agency": "undp",
    "me_group_exists": "yes",
    "me_group_chair_agency": "wfp",
    "joint_programmes": 3,
    "pooled_fund": "none",
    "common_budgetary_framework": "yes",
}


def make_answers(content: Content, readiness: str | None = "yes", **context: Any) -> dict[str, Any]:
    """CONTEXT changed by keyword (None removes an answer), and every readiness answer set to one value."""
    answers = {**CONTEXT, **context}
    answers = {k: v for k, v in answers.items() if v is not None}
    if readiness is not None:
        for q in content.questionnaire.questions.values():
            if q.type.value == "readiness":
                answers[q.id] = readiness
    return answers


def make_answer_set(
    content: Content, answers: dict[str, Any], overrides: list[dict[str, Any]] | None = None
) -> AnswerSet:
    return AnswerSet(
        questionnaire_version=content.questionnaire.version,
        answers=answers,
        overrides=[Override.model_validate(o) for o in overrides or []],
    )


def make_diagnosis(
    content: Content,
    answers: dict[str, Any],
    overrides: list[dict[str, Any]] | None = None,
    final: bool = True,
) -> Diagnosis:
    validated = validate_answers(
        content.questionnaire, make_answer_set(content, answers, overrides), final=final
    )
    return diagnose(
        questionnaire=content.questionnaire,
        rules=content.rules,
        framework=content.framework,
        catalogue=content.catalogue,
        answers=validated,
    )


def make_report(content: Content, example: str = "malawi", **answers: Any) -> tuple[Report, AnswerSet]:
    """A diagnosis report for one of the shipped examples, with answers changed by keyword."""
    path = Path(__file__).resolve().parent.parent / "examples" / f"{example}.yaml"
    answer_set = read_answers(path)
    answer_set = answer_set.model_copy(update={"answers": {**answer_set.answers, **answers}})
    report = run(content, answer_set, country=None, start=dt.date(2027, 1, 15), draft=False)
    return report, answer_set


def make_plan(content: Content, diagnosis: Diagnosis, start: dt.date = dt.date(2027, 1, 15)) -> Plan:
    return build_plan(
        diagnosis,
        framework=content.framework,
        planning=content.planning,
        questionnaire=content.questionnaire,
        country="MWI",
        start=start,
    )


def advance(session: Session, ref: str, *statuses: TaskStatus, by: str = "x") -> None:
    """Move a tracked task through `statuses` in order, each from the version it is at."""
    for status in statuses:
        version = get_task(session=session, ref=ref).version
        update_task(
            session=session, ref=ref, expected_version=version, change=TaskChange(status=status), by=by
        )


def list_tasks(
    *,
    session: Session,
    country: str,
    workstream: str | None = None,
    status: TaskStatus | None = None,
    overdue_on: dt.date | None = None,
) -> list[TaskRow]:
    """A country's tasks as an operator of the database sees them (cer.services.tasks.find_tasks)."""
    which = TaskFilter(country, workstream, None, status, overdue_on)
    return [t for t, _ in find_tasks(session=session, who=local_operator("tests"), which=which)[1]]


def random_answers(content: Content) -> Any:
    """A hypothesis strategy: complete answer sets, CONTEXT with each readiness question answered yes, partly
    or no at random and the groups that run things present or not."""
    from hypothesis import strategies as st

    readiness = {
        q.id: st.sampled_from(["yes", "partly", "no"])
        for q in content.questionnaire.questions.values()
        if q.type.value == "readiness"
    }
    groups = {
        "omt_exists": st.sampled_from(["yes", "no"]),
        "security_allows_colocation": st.sampled_from(["yes", "no"]),
        "pooled_fund": st.sampled_from(["none", "one_fund"]),
    }

    def answers(values: dict[str, Any]) -> dict[str, Any]:
        found = {**CONTEXT, **values}
        if found["omt_exists"] == "no":
            found.pop("omt_chair_agency", None)
            found.pop("bos", None)
        return found

    return st.fixed_dictionaries({**readiness, **groups}).map(answers)
