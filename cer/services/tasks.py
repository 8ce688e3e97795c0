"""Tracked tasks: find, list, change (status, owners, dates, comments) with an audit event for every change.

Changes are guarded by optimistic locking: the caller says which version it saw; an update based on a stale
version is refused with `Conflict` naming the current state, never applied over someone else's change.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from sqlalchemy import func, update
from sqlmodel import Session, col, select

from cer.db.tables import PlanRevisionRow, PlanRow, TaskEventRow, TaskRow, utcnow
from cer.services.access import Action, Principal, require
from cer.services.errors import Conflict
from cer.services.plans import get_plan
from cer.services.progress import among
from workstreams.errors import InvalidRequest, NotFound
from workstreams.status import OPEN, TaskStatus, check_text, check_transition, parse_reference, task_reference


@dataclass(frozen=True)
class TaskChange:
    """What to change; None leaves a field as it is."""

    status: TaskStatus | None = None
    reason: str | None = None
    lead: str | None = None
    contributors: list[str] | None = None
    start: dt.date | None = None
    due: dt.date | None = None
    comment: str | None = None


def reference(*, session: Session, task: TaskRow) -> str:
    """The task's reference, e.g. 'MWI-B-4.1'."""
    plan = session.get(PlanRow, task.plan_id)
    return task_reference(plan.country_code if plan else "", task.key)


def task_for(*, session: Session, ref: str, who: Principal, action: Action) -> tuple[TaskRow, str]:
    """The task (by reference or number) and its country, if `who` may do `action` there. For a reference
    the role is checked before looking: a country one has no role in answers Forbidden whether the task
    exists or not."""
    if not ref.strip().isdigit():
        require(who, action, parse_reference(ref)[0])
    task = get_task(session=session, ref=ref)
    plan = session.get(PlanRow, task.plan_id)
    country = plan.country_code if plan else ""
    require(who, action, country)
    return task, country


def plan_task(*, session: Session, country: str, task_id: int, who: Principal) -> tuple[PlanRow, TaskRow]:
    """The country's plan and one of its tasks by number, if `who` may read the plan (Forbidden before
    NotFound: not even whether it exists)."""
    require(who, Action.read_plan, country)
    plan = get_plan(session=session, country=country)
    task = session.get(TaskRow, task_id)
    if task is None or task.plan_id != plan.id:
        raise NotFound("task", f"{plan.country_code} #{task_id}", ["a task number from the country's plan"])
    return plan, task


def get_task(*, session: Session, ref: str) -> TaskRow:
    """A task by its number or by '<country>-<workstream>-<action>', e.g. 'MWI-B-4.1'."""
    text = ref.strip()
    if text.isascii() and text.isdigit():  # "¹" is a digit to Python, not a number
        task = session.get(TaskRow, int(text)) if len(text) < 10 else None  # beyond any id a database holds
    else:
        country, key = parse_reference(text)
        task = session.exec(
            select(TaskRow).join(PlanRow).where(PlanRow.country_code == country, TaskRow.key == key)
        ).first()
    if task is None:
        raise NotFound("task", ref, ["a number, or a reference such as MWI-B-4.1 (see cer tasks list)"])
    return task


@dataclass(frozen=True)
class TaskFilter:
    """Which tasks: of one country or of every plan the person may read; narrowed by workstream, step, status
    and lateness (open tasks due before `overdue_on`)."""

    country: str | None = None
    workstream: str | None = None
    step: int | None = None
    status: TaskStatus | None = None
    overdue_on: dt.date | None = None

    def where(self, who: Principal) -> list[Any]:
        where: list[Any] = list(among(who.readable()))
        if self.country:
            require(who, Action.read_plan, self.country.strip())
            where.append(col(PlanRow.country_code) == self.country.strip().upper())
        if self.workstream:
            where.append(col(TaskRow.workstream) == self.workstream.strip().upper())
        if self.step is not None:
            where.append(col(TaskRow.step) == self.step)
        if self.status is not None:
            where.append(col(TaskRow.status) == self.status.value)
        if self.overdue_on is not None:
            where += [col(TaskRow.due) < self.overdue_on, col(TaskRow.status).in_([s.value for s in OPEN])]
        return where


def find_tasks(
    *, session: Session, who: Principal, which: TaskFilter, offset: int = 0, limit: int | None = None
) -> tuple[int, list[tuple[TaskRow, str]]]:
    """How many tasks match, and a page of them with their country, by country, start date and key."""
    where = which.where(who)
    if which.country:
        get_plan(session=session, country=which.country)  # an unknown country or one without a plan: NotFound
    total = session.exec(select(func.count()).select_from(TaskRow).join(PlanRow).where(*where)).one()
    rows = session.exec(
        select(TaskRow, PlanRow.country_code)
        .join(PlanRow)
        .where(*where)
        .order_by(col(PlanRow.country_code), col(TaskRow.start), col(TaskRow.key))
        .offset(offset)
        .limit(limit)
    ).all()
    return total, [(t, code) for t, code in rows]


def change_task(
    *,
    session: Session,
    who: Principal,
    task: int | str,
    change: TaskChange,
    expected_version: int | None = None,
    country: str | None = None,
) -> tuple[TaskRow, str]:
    """Change a task, by number or reference, if `who` may change tasks in its country, on the version they
    saw (None: the current one); answers the task as it now is and its country. With `country`, a task of
    another country's plan is not found."""
    row, code = task_for(session=session, ref=str(task), who=who, action=Action.change_task)
    if country is not None and code != country.strip().upper():
        raise NotFound(
            "task", f"{country.strip().upper()} #{task}", ["a task number from the country's plan"]
        )
    seen = row.version if expected_version is None else expected_version
    ref = task_reference(code, row.key)
    return apply_change(
        session=session, task=row, ref=ref, expected_version=seen, change=change, by=who.username
    ), code


def update_task(*, session: Session, ref: str, expected_version: int, change: TaskChange, by: str) -> TaskRow:
    """Apply `change` to the task `ref` names (no access check: for the demo and the flows)."""
    task = get_task(session=session, ref=ref)
    return apply_change(
        session=session, task=task, ref=ref, expected_version=expected_version, change=change, by=by
    )


def apply_change(
    *, session: Session, task: TaskRow, ref: str, expected_version: int, change: TaskChange, by: str
) -> TaskRow:
    """Apply `change` if the task is still at `expected_version`; write one event per changed field."""
    check_text(by=by, lead=change.lead, reason=change.reason, comment=change.comment)
    check_text(**{f"contributor {i + 1}": name for i, name in enumerate(change.contributors or [])})
    # A shared lock on the plan: a re-diagnosis (which locks it for update) and this change do not interleave.
    session.exec(select(PlanRow).where(PlanRow.id == task.plan_id).with_for_update(read=True)).one()
    touches_task = any(getattr(change, name) is not None for name in _FIELDS)
    if touches_task and task.version != expected_version:  # before checking the change against a newer task
        session.rollback()
        raise _conflict(ref, expected_version, task)
    diffs = _diffs(task, change)
    comment = (change.comment or "").strip()
    if not diffs and not comment:
        raise InvalidRequest("nothing to change: give a status, lead, contributors, dates or a comment")
    if not diffs:  # a comment changes nothing on the task: no version to guard
        session.add(TaskEventRow(task_id=task.id or 0, by=by, field="comment", comment=comment))
        session.commit()
        return task
    values = {name: new for name, (_, new) in diffs.items()}
    if change.status is not None:
        values["status_reason"] = change.reason
        values["dropped_by_rediagnosis"] = False
    guarded_update(session=session, task=task, expected_version=expected_version, values=values, ref=ref)
    for name, (old, new) in diffs.items():
        session.add(
            TaskEventRow(
                task_id=task.id or 0,
                by=by,
                field=name,
                old=_plain(old),
                new=_plain(new),
                comment=change.reason if name == "status" else None,
            )
        )
    if change.comment and change.comment.strip():
        session.add(
            TaskEventRow(task_id=task.id or 0, by=by, field="comment", comment=change.comment.strip())
        )
    session.commit()
    session.refresh(task)
    return task


def guarded_update(
    *, session: Session, task: TaskRow, expected_version: int, values: dict[str, Any], ref: str
) -> None:
    """UPDATE … WHERE version = expected: refuse (and roll back) when someone changed the task meanwhile."""
    result = session.execute(
        update(TaskRow)
        .where(col(TaskRow.id) == task.id, col(TaskRow.version) == expected_version)
        .values(**values, version=TaskRow.version + 1, updated_at=utcnow())
    )
    if result.rowcount != 1:  # type: ignore[attr-defined]
        session.rollback()
        raise _conflict(ref, expected_version, get_task(session=session, ref=ref))


_FIELDS = ("status", "reason", "lead", "contributors", "start", "due")  # what a TaskChange changes on a task


def _conflict(ref: str, expected_version: int, current: TaskRow) -> Conflict:
    return Conflict(
        f"task {ref} changed since version {expected_version}: it is now version {current.version}, "
        f"status {current.status}, lead {current.lead}; nothing was written — reload and try again"
    )


def _diffs(task: TaskRow, change: TaskChange) -> dict[str, tuple[Any, Any]]:
    diffs: dict[str, tuple[Any, Any]] = {}
    if change.status is not None:
        check_transition(TaskStatus(task.status), change.status, change.reason)
        diffs["status"] = (task.status, change.status.value)
    for name in ("lead", "contributors", "start", "due"):
        new = getattr(change, name)
        if new is not None and new != getattr(task, name):
            diffs[name] = (getattr(task, name), new)
    if change.lead is not None and not change.lead.strip():
        raise InvalidRequest("the lead cannot be empty")
    start, due = diffs.get("start", (None, task.start))[1], diffs.get("due", (None, task.due))[1]
    if due < start:
        raise InvalidRequest(f"the due date {due} is before the start {start}")
    return diffs


def _plain(value: Any) -> Any:
    return value.isoformat() if isinstance(value, dt.date) else value


def history_for(*, session: Session, who: Principal, ref: str) -> list[TaskEventRow]:
    """Every change to a task, oldest first, if `who` may read its country's plan."""
    task_for(session=session, ref=ref, who=who, action=Action.read_plan)
    return task_history(session=session, ref=ref)


def task_history(*, session: Session, ref: str) -> list[TaskEventRow]:
    task = get_task(session=session, ref=ref)
    return list(
        session.exec(
            select(TaskEventRow).where(TaskEventRow.task_id == task.id).order_by(col(TaskEventRow.id))
        ).all()
    )


def plan_history(
    *, session: Session, plan: PlanRow, offset: int = 0, limit: int = 100
) -> tuple[list[tuple[TaskEventRow, TaskRow]], int]:
    """A plan's task events, newest first (a page of them), and how many there are in all."""
    where = (col(TaskRow.plan_id) == plan.id,)
    total = session.exec(select(func.count()).select_from(TaskEventRow).join(TaskRow).where(*where)).one()
    rows = session.exec(
        select(TaskEventRow, TaskRow)
        .join(TaskRow, col(TaskRow.id) == col(TaskEventRow.task_id))
        .where(*where)
        .order_by(col(TaskEventRow.id).desc())
        .offset(offset)
        .limit(limit)
    ).all()
    return [(e, t) for e, t in rows], total


def plan_revisions(*, session: Session, plan: PlanRow) -> list[PlanRevisionRow]:
    """The re-diagnoses merged into a plan, newest first."""
    query = (
        select(PlanRevisionRow)
        .where(PlanRevisionRow.plan_id == plan.id)
        .order_by(col(PlanRevisionRow.id).desc())
    )
    return list(session.exec(query).all())
