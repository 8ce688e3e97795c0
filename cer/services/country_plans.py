"""A country's plan as its readers see it: the plan with its progress, one task with its history and what it
depends on, the tasks (for the timeline and exports), the history of changes, a progress report. Each read
checks the reader's role in the country first (Forbidden before NotFound: not even whether a plan exists)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from sqlmodel import Session, col, select

from cer.db.tables import PlanRevisionRow, PlanRow, TaskEventRow, TaskRow
from cer.services.access import Action, Principal, require
from cer.services.agencies import list_agencies
from cer.services.countries import country_name
from cer.services.plans import get_plan, plan_tasks, stored_answers
from cer.services.progress import CountryProgress, plan_progress
from cer.services.reports import CountryReport, country_report
from cer.services.scheduling import assignable
from cer.services.tasks import (
    TaskChange,
    change_task,
    edit_task,
    plan_history,
    plan_revisions,
    plan_task,
    task_history,
)
from diagnostics.answers import AnswerSet
from workstreams.status import TaskStatus


@dataclass(frozen=True)
class PlanOverview:
    progress: CountryProgress  # the plan, its tasks, and how far along they are
    name: str  # the country's


def plan_overview(*, session: Session, who: Principal, country: str, today: dt.date) -> PlanOverview:
    """A country's plan, its tasks and its progress on `today`, if `who` may read it."""
    progress = plan_progress(session=session, who=who, country=country, today=today)
    return PlanOverview(progress, country_name(session=session, code=progress.country))


@dataclass(frozen=True)
class PlanTasks:
    plan: PlanRow
    tasks: list[TaskRow]  # by start date, then key
    name: str  # the country's


def readable_tasks(
    *, session: Session, who: Principal, country: str, workstream: str | None = None
) -> PlanTasks:
    """A country's plan and its tasks (of one workstream, when given), if `who` may read it."""
    require(who, Action.read_plan, country)
    plan = get_plan(session=session, country=country)
    code = (workstream or "").strip().upper()
    tasks = [t for t in plan_tasks(session=session, plan=plan) if not code or code in t.workstreams]
    return PlanTasks(plan, tasks, country_name(session=session, code=plan.country_code))


@dataclass(frozen=True)
class PlanHistory:
    plan: PlanRow
    name: str  # the country's
    events: list[tuple[TaskEventRow, TaskRow]]  # a page of them, newest first
    total: int  # events in all
    revisions: list[PlanRevisionRow]  # the re-diagnoses merged into the plan, newest first


def readable_history(
    *, session: Session, who: Principal, country: str, offset: int, limit: int
) -> PlanHistory:
    """A page of the changes to a country's plan's tasks, and its re-diagnoses, if `who` may read it."""
    require(who, Action.read_plan, country)
    plan = get_plan(session=session, country=country)
    events, total = plan_history(session=session, plan=plan, offset=offset, limit=limit)
    revisions = plan_revisions(session=session, plan=plan)
    return PlanHistory(plan, country_name(session=session, code=plan.country_code), events, total, revisions)


def readable_report(*, session: Session, who: Principal, country: str, today: dt.date) -> CountryReport:
    """A country's progress report, unrecorded (a preview), if `who` may read its plan."""
    require(who, Action.read_plan, country)
    return country_report(session=session, country=country, today=today)


@dataclass(frozen=True)
class PlanTask:
    plan: PlanRow
    task: TaskRow


@dataclass(frozen=True)
class TaskDetail(PlanTask):
    history: list[TaskEventRow]  # oldest first
    depends_on: dict[str, TaskRow | None]  # each key the task depends on → that task of the plan, if there
    choices: TaskChoices | None = None  # for someone who may change the task: what its form offers
    answers: AnswerSet | None = None  # the answers of the plan's diagnosis: why the task is there, in words


@dataclass(frozen=True)
class TaskChoices:
    agencies: list[tuple[str, str]]  # (acronym, name): leads and contributors to pick from
    people: list[tuple[str, str]]  # (username, name): who may be assigned (a role in the country)
    tasks: list[TaskRow] = field(default_factory=list)  # the plan's other tasks, to depend on


def task_on_plan(
    *, session: Session, who: Principal, country: str, task_id: int, action: Action = Action.read_plan
) -> PlanTask:
    """One of a country's tasks by number, if `who` may do `action` in the country (Forbidden before
    NotFound: not even whether it exists)."""
    require(who, action, country)
    plan, task = plan_task(session=session, country=country, task_id=task_id, who=who)
    return PlanTask(plan, task)


def task_detail(
    *, session: Session, who: Principal, country: str, task_id: int, action: Action = Action.read_plan
) -> TaskDetail:
    """One of a country's tasks by number with its history and the tasks it depends on, if `who` may do
    `action` in the country."""
    found = task_on_plan(session=session, who=who, country=country, task_id=task_id, action=action)
    history = task_history(session=session, ref=str(found.task.id))
    keys = found.task.depends_on
    query = select(TaskRow).where(TaskRow.plan_id == found.plan.id, col(TaskRow.key).in_(keys))
    tasks = {t.key: t for t in session.exec(query).all()} if keys else {}
    choices = None
    if who.can(Action.change_task, country):
        others = [t for t in plan_tasks(session=session, plan=found.plan) if t.id != found.task.id]
        people = assignable(session=session, country=found.plan.country_code)
        choices = TaskChoices(list_agencies(session=session), people, others)
    _, answers = stored_answers(session=session, diagnosis_id=found.plan.diagnosis_id)
    return TaskDetail(found.plan, found.task, history, {k: tasks.get(k) for k in keys}, choices, answers)


def change_plan_task(
    *,
    session: Session,
    who: Principal,
    country: str,
    task_id: int,
    version: int,
    status: TaskStatus | None,
    comment: str,
    as_of: dt.date | None = None,
) -> PlanTask:
    """Move one of a country's tasks to `status` (the comment is its reason) or, without a status, comment
    on it, on the `version` the person saw (the member role in the country, checked before anything else).
    A change made meanwhile is refused (Conflict), a bad one too (InvalidRequest): nothing is written."""
    found = task_on_plan(
        session=session, who=who, country=country, task_id=task_id, action=Action.change_task
    )
    text = comment.strip() or None
    change = TaskChange(status=status, reason=text, status_on=as_of) if status else TaskChange(comment=text)
    task, _ = change_task(
        session=session, who=who, task=task_id, change=change, expected_version=version, country=country
    )
    return PlanTask(found.plan, task)


@dataclass(frozen=True)
class EditedTask:
    detail: TaskDetail  # the task as the change left it
    moved: list[TaskRow]  # the dependants that moved to follow it
    conflicts: list[tuple[str, str]]  # (dependant, predecessor) references: starts before the other ends


def edit_plan_task(
    *, session: Session, who: Principal, country: str, task_id: int, version: int, change: TaskChange
) -> EditedTask:
    """Change one of a country's tasks (owners, assignee, dates, dependencies, note, progress) on the
    `version` the person saw; answers it as it now is, the tasks that moved with it and the conflicts left.
    Refused (Conflict, InvalidRequest): nothing is written."""
    edited = edit_task(
        session=session, who=who, task=task_id, change=change, expected_version=version, country=country
    )
    detail = task_detail(session=session, who=who, country=country, task_id=task_id)
    return EditedTask(detail, edited.moved, edited.conflicts)
