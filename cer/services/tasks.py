"""Tracked tasks: find, list, change (status, owners, dates, comments) with an audit event for every change.

Changes are guarded by optimistic locking: the caller says which version it saw; an update based on a stale
version is refused with `Conflict` naming the current state, never applied over someone else's change.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any, Literal

from sqlalchemy import String, cast, func, or_, update
from sqlmodel import Session, col, select

from cer.content.calendars import plan_calendar
from cer.db.records import serving
from cer.db.tables import PlanRevisionRow, PlanRow, TaskEventRow, TaskRow, utcnow
from cer.services.access import Action, Principal, require
from cer.services.errors import Conflict
from cer.services.plans import get_plan
from cer.services.progress import among
from cer.services.scheduling import refresh_slack, replan
from cer.services.task_changes import Edited as Edited  # re-exported: the doors use them from here
from cer.services.task_changes import TaskChange as TaskChange
from cer.services.task_changes import check_words, planned
from cer.services.task_names import task_by_key, task_by_number
from workstreams.errors import N_, InvalidRequest, Message, NotFound
from workstreams.status import OPEN, TaskStatus, parse_reference, task_reference

A_TASK_NUMBER = N_("a task number from the country's plan")


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
    task = task_by_number(session, task_id)
    if task is None or task.plan_id != plan.id:
        raise NotFound(N_("task"), f"{plan.country_code} #{task_id}", [Message(A_TASK_NUMBER)])
    return plan, task


def get_task(*, session: Session, ref: str) -> TaskRow:
    """A task by its number or by '<country>-<key>', e.g. 'MWI-B-5.1' or 'MWI-1.1' (a shared action's task,
    also found as 'MWI-B-1.1' from any workstream it serves); names it had before a merge still find it."""
    text = ref.strip()
    if text.isascii() and text.isdigit():  # "¹" is a digit to Python, not a number
        number = int(text) if len(text) < 10 else None  # beyond any id a database holds
        task = task_by_number(session, number) if number is not None else None
    else:
        task = task_by_key(session, *parse_reference(text))
    if task is None:
        raise NotFound(
            N_("task"), ref, [Message(N_("a number, or a reference such as MWI-B-4.1 (see cer tasks list)"))]
        )
    return task


@dataclass(frozen=True)
class TaskFilter:
    """Which tasks: of one country or of every plan the person may read; narrowed by workstream, step, status
    and lateness (open tasks due before `overdue_on`), to the asker's own (`mine`: assigned to them or led by
    their agency), and to an agency's (led by it or with it among the contributors; `agency_role`: only
    'lead' or only 'contributor')."""

    country: str | None = None
    workstream: str | None = None
    step: int | None = None
    status: TaskStatus | None = None
    overdue_on: dt.date | None = None
    mine: bool = False
    agency: str | None = None
    agency_role: Literal["lead", "contributor"] | None = None

    def where(self, who: Principal) -> list[Any]:
        where: list[Any] = list(among(who.readable()))
        if self.country:
            require(who, Action.read_plan, self.country.strip())
            where.append(col(PlanRow.country_code) == self.country.strip().upper())
        if self.workstream:
            where.append(serving(TaskRow.workstreams, self.workstream))
        if self.step is not None:
            where.append(col(TaskRow.step) == self.step)
        if self.status is not None:
            where.append(col(TaskRow.status) == self.status.value)
        if self.overdue_on is not None:
            where += [col(TaskRow.due) < self.overdue_on, col(TaskRow.status).in_([s.value for s in OPEN])]
        if self.mine:
            led = [_leads(who.agency)] if who.agency else []
            where.append(or_(col(TaskRow.assignee) == who.username, *led))
        if self.agency and self.agency.strip():
            sides = {"lead": _leads(self.agency), "contributor": _contributes(self.agency)}
            where.append(sides[self.agency_role] if self.agency_role else or_(*sides.values()))
        return where


def _leads(agency: str) -> Any:
    return func.lower(col(TaskRow.lead)) == agency.strip().lower()


def _contributes(agency: str) -> Any:
    """Among the contributors (a JSON list kept as written, '["WFP", "OMT"]', on SQLite and PostgreSQL)."""
    name = agency.strip().lower().replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return func.lower(cast(col(TaskRow.contributors), String)).like(f'%"{name}"%', escape="\\")


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
    edited = edit_task(
        session=session, who=who, task=task, change=change, expected_version=expected_version, country=country
    )
    return edited.task, edited.country


def edit_task(
    *,
    session: Session,
    who: Principal,
    task: int | str,
    change: TaskChange,
    expected_version: int | None = None,
    country: str | None = None,
) -> Edited:
    """As change_task, answering also the dependants the change moved and the conflicts it leaves."""
    row, code = task_for(session=session, ref=str(task), who=who, action=Action.change_task)
    if country is not None and code != country.strip().upper():
        raise NotFound(N_("task"), f"{country.strip().upper()} #{task}", [Message(A_TASK_NUMBER)])
    seen = row.version if expected_version is None else expected_version
    ref = task_reference(code, row.key)
    return apply_edit(
        session=session, task=row, ref=ref, expected_version=seen, change=change, by=who.username
    )


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
    return apply_edit(
        session=session, task=task, ref=ref, expected_version=expected_version, change=change, by=by
    ).task


def apply_edit(
    *, session: Session, task: TaskRow, ref: str, expected_version: int, change: TaskChange, by: str
) -> Edited:
    """Apply `change` if the task is still at `expected_version`; write one event per changed field; move
    the dependants when the plan follows its dependencies. Anything refused writes nothing."""
    check_words(change, by)
    # A shared lock on the plan: a re-diagnosis (which locks it for update) and this change do not interleave.
    plan = session.exec(select(PlanRow).where(PlanRow.id == task.plan_id).with_for_update(read=True)).one()
    country = plan.country_code
    touches_task = any(getattr(change, name) is not None for name in _FIELDS)
    if touches_task and task.version != expected_version:  # before checking the change against a newer task
        session.rollback()
        raise _conflict(ref, expected_version, task)
    try:
        diffs, values, tasks = planned(session, plan, task, change)
    except InvalidRequest:
        session.rollback()
        raise
    comment = (change.comment or "").strip()
    if not diffs and not comment:
        raise InvalidRequest(N_("nothing to change: give a status, lead, contributors, dates or a comment"))
    if not diffs:  # a comment changes nothing on the task: no version to guard
        session.add(TaskEventRow(task_id=task.id or 0, by=by, field="comment", comment=comment))
        session.commit()
        return Edited(task, country, [], [])
    guarded_update(session=session, task=task, expected_version=expected_version, values=values, ref=ref)
    for name, (old, new) in diffs.items():
        session.add(_event(task, by, name, old, new, change))
    if comment:
        session.add(TaskEventRow(task_id=task.id or 0, by=by, field="comment", comment=comment))
    moved, left = _follow(session, plan, task, tasks, by, ref) if tasks else ([], [])
    if tasks or "status" in diffs:
        reslack(session, plan)
    session.commit()
    session.refresh(task)
    for row in moved:
        session.refresh(row)
    pairs = [(task_reference(country, d), task_reference(country, p)) for d, p in left]
    return Edited(task, country, moved, pairs)


def reslack(session: Session, plan: PlanRow) -> None:
    """The plan's slack and critical path again, from its tasks as they now are (in this transaction)."""
    rows = session.exec(
        select(TaskRow).where(TaskRow.plan_id == plan.id).execution_options(populate_existing=True)
    ).all()
    if rows:
        around = min(t.start for t in rows)
        refresh_slack(
            session=session, tasks=rows, calendar=plan_calendar(plan.calendar, plan.country_code, around)
        )


def _event(task: TaskRow, by: str, name: str, old: Any, new: Any, change: TaskChange) -> TaskEventRow:
    as_of = change.status_on if name == "status" else change.progress_on if name == "progress_note" else None
    return TaskEventRow(
        task_id=task.id or 0,
        by=by,
        field="progress" if name == "progress_note" else name,
        old=_plain(old),
        new=_plain(new),
        comment=change.reason if name == "status" else None,
        as_of=as_of,
    )


def _follow(
    session: Session, plan: PlanRow, task: TaskRow, tasks: dict[str, TaskRow], by: str, ref: str
) -> tuple[list[TaskRow], list[tuple[str, str]]]:
    """Move the dependants the change pushed (the plan follows its dependencies), each change recorded;
    answers them and the (dependant, predecessor) keys still in conflict."""
    session.refresh(task)
    tasks[task.key] = task
    found = replan(
        plan=plan,
        task=task,
        tasks=tasks,
        calendar=plan_calendar(plan.calendar, plan.country_code, task.start),
    )
    moved = []
    for key, slot in sorted(found.moves.items()):
        row = tasks[key]
        old = (row.start, row.due)
        values = {"start": slot.start, "due": slot.due}
        guarded_update(
            session=session, task=row, expected_version=row.version, values=values, ref=f"{ref[:3]}-{key}"
        )
        why = f"moved to follow {ref}"
        for name, before, after in (("start", old[0], slot.start), ("due", old[1], slot.due)):
            if before != after:
                session.add(field_event(row, by, name, before, after, why))
        moved.append(row)
    return moved, found.conflicts


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


_FIELDS = (  # what a TaskChange changes on a task (a comment alone changes nothing on it)
    "status", "reason", "lead", "contributors", "start", "due", "status_on", "title", "description", "note",
    "assignee", "depends_on", "progress", "progress_on",
)  # fmt: skip


def _conflict(ref: str, expected_version: int, current: TaskRow) -> Conflict:
    return Conflict(
        N_(
            "task %(task)s changed since version %(expected)s: it is now version %(version)s, "
            "status %(status)s, lead %(lead)s; nothing was written — reload and try again"
        ),
        task=ref,
        expected=expected_version,
        version=current.version,
        status=current.status,
        lead=current.lead,
    )


def _plain(value: Any) -> Any:
    return value.isoformat() if isinstance(value, dt.date) else value


def field_event(
    task: TaskRow, by: str, name: str, old: Any, new: Any, comment: str | None = None
) -> TaskEventRow:
    """One line of a task's history: `name` went from `old` to `new` (dates kept as ISO text)."""
    old, new = _plain(old), _plain(new)
    return TaskEventRow(task_id=task.id or 0, by=by, field=name, old=old, new=new, comment=comment)


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
