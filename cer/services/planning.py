"""Plans from diagnoses, the same for every door: create a country's plan, or merge a new diagnosis into it.

These use cases build on `plans` (the rows: store a plan, its tasks, a diagnosis) and `rediagnosis` (the
merge), which import nothing from here: no import circle.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Literal

from sqlmodel import Session, select

from cer.content import Content
from cer.db.tables import PlanRevisionRow, PlanRow
from cer.services.access import Action, Principal, require
from cer.services.diagnoses import diagnosis_for
from cer.services.diagnosis import Report, run
from cer.services.plans import create_plan, get_plan, stored_answers
from cer.services.rediagnosis import rediagnose_plan
from diagnostics.answers import AnswerSet
from diagnostics.working_calendars import CalendarChoice, CalendarEdit
from workstreams.errors import N_, InvalidRequest


@dataclass(frozen=True)
class Timing:
    """What a plan is (re-)made with: when new work may start, the target to finish by (None: the next
    programme cycle's start when the answers give one), and the calendar."""

    start: dt.date
    finish_by: dt.date | None
    calendar: CalendarChoice | CalendarEdit | None

    @classmethod
    def of(
        cls,
        plan: PlanRow | None,
        start: dt.date | None,
        finish_by: dt.date | None = None,
        calendar: CalendarEdit | None = None,
    ) -> Timing:
        """New work starts as `new_work_start` says; an existing plan keeps its target while it is still
        ahead, unless another is given, and keeps its calendar, changed by `calendar`."""
        begin = new_work_start(plan, start)
        kept = plan.finish_by if plan is not None else None
        own = plan.calendar if plan is not None else None
        return cls(
            begin,
            finish_by or (kept if kept is not None and kept > begin else None),
            own.edited(calendar) if own is not None and calendar is not None else own or calendar,
        )

    def report(self, content: Content, answer_set: AnswerSet, country: str | None) -> Report:
        """Diagnose and plan `answer_set` with this timing."""
        return run(
            content,
            answer_set,
            country=country,
            start=self.start,
            draft=False,
            finish_by=self.finish_by,
            calendar=self.calendar,
        )


def new_work_start(plan: PlanRow | None, start: dt.date | None) -> dt.date:
    """When new work may start: `start`, by default today (so that the tasks a re-diagnosis adds are not
    overdue on arrival), and in an existing plan never before the plan's own start."""
    chosen = start or dt.date.today()
    return chosen if plan is None else max(plan.start, chosen)


@dataclass(frozen=True)
class Adopted:
    """A diagnosis taken into a country's plan: the plan as it now is, 'created' or 'merged', and for a
    merge what it changed."""

    plan: PlanRow
    what: Literal["created", "merged"]
    revision: PlanRevisionRow | None = None


def adopt_answers(
    *,
    session: Session,
    content: Content,
    answer_set: AnswerSet,
    country: str,
    start: dt.date | None,
    by: str,
    finish_by: dt.date | None = None,
    calendar: CalendarEdit | None = None,
) -> Adopted:
    """Diagnose `answer_set` and create the country's plan, or merge it into the plan it has; timing as
    `Timing.of` says. Answers the plan, 'created' or 'merged', and what a merge changed."""
    existing = session.exec(select(PlanRow).where(PlanRow.country_code == country.strip().upper())).first()
    report = Timing.of(existing, start, finish_by, calendar).report(content, answer_set, country)
    if existing is None:
        return Adopted(create_plan(session=session, report=report, answer_set=answer_set, by=by), "created")
    revision = rediagnose_plan(session=session, report=report, answer_set=answer_set, by=by)
    session.refresh(existing)
    return Adopted(existing, "merged", revision)


def adopt_diagnosis(
    *,
    session: Session,
    who: Principal,
    diagnosis_id: int,
    content: Content,
    start: dt.date | None,
    finish_by: dt.date | None = None,
    calendar: CalendarEdit | None = None,
) -> Adopted:
    """Create the country's plan from a stored, complete diagnosis, or merge it into the plan it has
    (coordinator); signed by `who`."""
    row = diagnosis_for(session=session, diagnosis_id=diagnosis_id, who=who, action=Action.manage_plan)
    if not row.complete:
        raise InvalidRequest(N_("the diagnosis is a draft: answer every required question first"))
    country, answer_set = stored_answers(session=session, diagnosis_id=diagnosis_id)
    return adopt_answers(
        session=session,
        content=content,
        answer_set=answer_set,
        country=country,
        start=start,
        by=who.username,
        finish_by=finish_by,
        calendar=calendar,
    )


def rediagnose(
    *, session: Session, who: Principal, country: str, answer_set: AnswerSet, content: Content
) -> PlanRevisionRow:
    """Re-diagnose a country's plan from new answers and merge (coordinator): kept tasks keep their work."""
    require(who, Action.manage_plan, country)
    plan = get_plan(session=session, country=country)
    report = Timing.of(plan, None).report(content, answer_set, country)
    return rediagnose_plan(session=session, report=report, answer_set=answer_set, by=who.username)


def new_plan(
    *,
    session: Session,
    who: Principal,
    content: Content,
    answer_set: AnswerSet,
    country: str | None,
    start: dt.date | None,
    finish_by: dt.date | None = None,
    calendar: CalendarEdit | None = None,
) -> PlanRow:
    """Diagnose `answer_set` and store the country's first plan with all its tasks (coordinator), backward
    from `finish_by` when given (by default the next programme cycle's start, when the answers give it),
    on the country's calendar changed by `calendar`; a country that has a plan is refused (Conflict):
    re-diagnose it instead."""
    report = Timing.of(None, start, finish_by, calendar).report(content, answer_set, country)
    require(who, Action.manage_plan, report.country.code)
    return create_plan(session=session, report=report, answer_set=answer_set, by=who.username)
