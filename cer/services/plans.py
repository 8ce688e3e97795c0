"""Country plans in the database: create one from a diagnosis report, read it back."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Table, insert
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, SQLModel, col, select

from cer.db.tables import CountryRow, DiagnosisRow, PlanRow, TaskRow
from cer.services.diagnosis import Report, workstream_choices
from cer.services.errors import Conflict
from diagnostics.answers import AnswerSet
from diagnostics.planner import PlannedTask, public_values
from workstreams.errors import N_, Message, NotFound

TASKS: Table = SQLModel.metadata.tables["task"]


def create_plan(*, session: Session, report: Report, answer_set: AnswerSet, by: str) -> PlanRow:
    """Store the diagnosis, the plan and all its tasks in one transaction: everything or nothing."""
    code = report.country.code
    existing = session.exec(select(PlanRow).where(PlanRow.country_code == code)).first()
    if existing is not None:
        raise Conflict(
            N_("%(country)s already has a plan (created %(day)s); re-diagnose it instead"),
            country=code,
            day=f"{existing.created_at:%Y-%m-%d}",
        )
    try:
        plan = _insert_plan(session, report, answer_set, by)
        session.commit()
    except IntegrityError as exc:
        session.rollback()
        if _duplicate_plan(exc):  # someone created the same country's plan at the same moment
            raise Conflict(
                N_("%(country)s got a plan from someone else at the same moment; nothing was written"),
                country=code,
            ) from None
        raise
    return plan


def ensure_country(session: Session, report: Report) -> None:
    """The report's country has its row (plans and diagnoses refer to it)."""
    c = report.country
    if session.get(CountryRow, c.code) is None:
        session.add(CountryRow(code=c.code, name=c.name, region=c.region, subregion=c.subregion))
        session.flush()


def _insert_plan(session: Session, report: Report, answer_set: AnswerSet, by: str) -> PlanRow:
    code = report.country.code
    ensure_country(session, report)
    diagnosis = store_diagnosis(session=session, report=report, answer_set=answer_set, by=by)
    plan = PlanRow(
        country_code=code,
        diagnosis_id=diagnosis.id or 0,
        start=report.plan.start,
        end=report.plan.end,
        questionnaire_version=diagnosis.questionnaire_version,
        content_version=report.content_version,
        workstreams=workstream_choices(report),
        created_by=by,
        **schedule_values(report),
    )
    session.add(plan)
    session.flush()
    # One executemany INSERT on the Core table, in the same transaction: the ORM's bulk path would split
    # the rows into groups by which values are None (ongoing tasks have no slack), one statement per group.
    rows = [task_values(plan.id or 0, t) for t in report.plan.tasks]
    if rows:
        session.execute(insert(TASKS), rows)
    return plan


def schedule_values(report: Report) -> dict[str, Any]:
    """What a plan row keeps of how it was scheduled: the calendar, the target and whether it fitted."""
    p = report.plan
    return {
        "calendar": report.calendar.choice,
        "finish_by": p.finish_by,
        "shortfall_days": p.shortfall_days if p.finish_by else None,
        "chain": list(p.chain),
    }


def _duplicate_plan(exc: IntegrityError) -> bool:
    text = str(exc.orig)
    return any(
        key in text for key in ("country_pkey", "uq_plan_country", "country.code", "plan.country_code")
    )


def store_diagnosis(*, session: Session, report: Report, answer_set: AnswerSet, by: str) -> DiagnosisRow:
    diagnosis = DiagnosisRow(
        country_code=report.country.code,
        questionnaire_version=report.diagnosis.questionnaire_version,
        content_version=report.content_version,
        answers=_jsonable(answer_set.answers),
        overrides=[o.model_dump(mode="json") for o in answer_set.overrides],
        complete=report.diagnosis.answers.complete,
        created_by=by,
    )
    session.add(diagnosis)
    session.flush()
    return diagnosis


def task_row(plan_id: int, t: PlannedTask) -> TaskRow:
    return TaskRow(**task_values(plan_id, t))


def task_values(plan_id: int, t: PlannedTask) -> dict[str, Any]:
    """A task row's values: the planned task's public facts, its id as the row's key."""
    values = public_values(t)
    return {"plan_id": plan_id, "key": values.pop("id"), **values}


def _jsonable(answers: dict[str, Any]) -> dict[str, Any]:
    return {k: v.isoformat() if hasattr(v, "isoformat") else v for k, v in answers.items()}


def get_plan(*, session: Session, country: str) -> PlanRow:
    plan = session.exec(select(PlanRow).where(PlanRow.country_code == country.strip().upper())).first()
    if plan is None:
        codes = session.exec(select(PlanRow.country_code).order_by(col(PlanRow.country_code))).all()
        raise NotFound(
            N_("plan for country"), country, codes or [Message(N_("(no plans yet: cer plan create)"))]
        )
    return plan


def plan_tasks(*, session: Session, plan: PlanRow) -> list[TaskRow]:
    return list(
        session.exec(
            select(TaskRow).where(TaskRow.plan_id == plan.id).order_by(col(TaskRow.start), col(TaskRow.key))
        ).all()
    )


def stored_answers(*, session: Session, diagnosis_id: int) -> tuple[str, AnswerSet]:
    """The country and answers of a stored diagnosis, to diagnose again (e.g. against newer content)."""
    row = session.get(DiagnosisRow, diagnosis_id)
    if row is None:
        raise NotFound(
            N_("diagnosis"), diagnosis_id, [Message(N_("a diagnosis number from cer plan show --json"))]
        )
    answer_set = AnswerSet.model_validate(
        {
            "questionnaire_version": row.questionnaire_version,
            "answers": row.answers,
            "overrides": row.overrides,
        }
    )
    return row.country_code, answer_set
