"""Importing an action plan a country team already keeps (an XLSX or CSV file) into its plan, all or nothing.

`check` reads the file's rows as tasks (cer.services.import_rows) and says, row by row, what an import would
do — add a task of the team's own, or update the task the row became last time (by the file's reference
column) or the toolkit task it names — and every problem, by row and column. `run` does the same checks
and, only when there is no problem, writes everything in one transaction: each change in the tasks' history
("imported from FILE"), versions bumped, the plan's slack computed again. Importing the same file again
updates the same tasks and never adds copies.
"""

from __future__ import annotations

import datetime as dt
from collections import deque
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, select

from cer.content.calendars import plan_calendar
from cer.db.tables import ImportedRefRow, PlanRow, TaskRow
from cer.services import audit
from cer.services.access import Action, Principal, require
from cer.services.custom_tasks import custom_key
from cer.services.errors import Conflict
from cer.services.import_rows import ImportedLine, Problem, guess_mapping, interpret, resolve_mapping
from cer.services.plans import get_plan
from cer.services.scheduling import plan_tasks_by_key
from cer.services.sheet_reader import Table, read_table
from cer.services.tasks import field_event, guarded_update, reslack
from diagnostics.dependencies import earliest_start, working_days
from workstreams.errors import N_, InvalidFields, InvalidRequest, Message
from workstreams.framework import Framework
from workstreams.status import TaskStatus, check_text, next_statuses, task_reference

DEFAULT_STEP = 6  # an action plan's key actions are, most often, implementation (step 6, Implement)
DEFAULT_DAYS = 10  # working days a task without a due date takes


@dataclass
class Planned:
    """What importing one row does: 'add', 'update' or 'unchanged', to which task, changing what."""

    row: ImportedLine
    what: str
    ref: str = ""  # the task's reference in the plan, once known
    changes: dict[str, tuple[Any, Any]] = field(default_factory=dict)
    task: TaskRow | None = None

    @property
    def changed(self) -> list[str]:
        """What the row changes, as the task's history names it: 'due', 'progress', 'status'…"""
        return sorted("progress" if name == "progress_note" else name for name in self.changes)


@dataclass(frozen=True)
class ImportCheck:
    country: str
    filename: str
    table: Table
    mapping: dict[str, int]
    planned: list[Planned]
    problems: list[Problem]
    statuses: dict[str, str]  # a status as the file writes it → ours

    def count(self, what: str) -> int:
        return sum(1 for p in self.planned if p.what == what)


def importable_plan(*, session: Session, who: Principal, country: str) -> PlanRow:
    """The plan a file would be imported into, if `who` may change its tasks (the form's page)."""
    require(who, Action.change_task, country)
    return get_plan(session=session, country=country)


def import_file(
    *,
    session: Session,
    who: Principal,
    framework: Framework,
    country: str,
    data: bytes,
    filename: str,
    today: dt.date,
    mapping: dict[str, str] | None = None,
    workstream: str | None = None,
    dry_run: bool = False,
) -> tuple[ImportCheck, bool]:
    """The use case every door calls: read the file, map its columns (the guess, changed by `mapping`: field
    → column letter, number or header), then check (`dry_run`) or import. Answers the check and whether it
    was imported; a dry run with problems answers them, an import with problems raises InvalidRequest."""
    require(who, Action.change_task, country)
    table = read_table(data, filename)
    columns = resolve_mapping(table, mapping)
    if dry_run:
        return check(session=session, who=who, framework=framework, country=country, table=table,
                     filename=filename, mapping=columns, workstream=workstream), False  # fmt: skip
    return run(session=session, who=who, framework=framework, country=country, table=table, filename=filename,
               today=today, mapping=columns, workstream=workstream), True  # fmt: skip


def check(
    *,
    session: Session,
    who: Principal,
    framework: Framework,
    country: str,
    table: Table,
    filename: str,
    mapping: dict[str, int] | None = None,
    workstream: str | None = None,
) -> ImportCheck:
    """What importing `table` into the country's plan would do, and every problem; writes nothing."""
    require(who, Action.change_task, country)
    plan = get_plan(session=session, country=country)
    mapping = guess_mapping(table.headers) if mapping is None else mapping
    bad = [i for i in mapping.values() if not 0 <= i < len(table.headers)]
    if bad:
        raise InvalidRequest(
            N_("column %(column)s does not exist: the file has %(count)s"),
            column=bad[0] + 1,
            count=len(table.headers),
        )
    rows, problems, statuses = interpret(table, mapping, framework)
    tasks = plan_tasks_by_key(session=session, plan_id=plan.id or 0)
    by_id = {t.id: t for t in tasks.values()}
    known = {r.ref: by_id.get(r.task_id) for r in _refs(session, plan)}
    default = (workstream or (plan.selected[0] if plan.selected else "")).strip().upper()
    planned = []
    for row in rows:
        found, problem = _target(row, known, tasks, plan, default)
        if problem:
            problems.append(Problem(row.row, "", problem))
            continue
        planned.append(_plan_row(row, found, plan, problems))
    return ImportCheck(plan.country_code, filename, table, mapping, planned, problems, statuses)


def run(
    *,
    session: Session,
    who: Principal,
    framework: Framework,
    country: str,
    table: Table,
    filename: str,
    today: dt.date,
    mapping: dict[str, int] | None = None,
    workstream: str | None = None,
) -> ImportCheck:
    """Import, if `check` finds no problem (else InvalidRequest listing them all, and nothing written)."""
    checked = check(session=session, who=who, framework=framework, country=country, table=table,
                    filename=filename, mapping=mapping, workstream=workstream)  # fmt: skip
    if checked.problems:
        session.rollback()
        where: list[dict[str, str | None]] = [
            {"field": str(p).split(": ", 1)[0], "message": p.message} for p in checked.problems
        ]
        raise InvalidFields(where, what=Message(N_("%(file)s (nothing was imported)"), file=filename))
    plan = get_plan(session=session, country=country)
    plan = session.exec(select(PlanRow).where(PlanRow.id == plan.id).with_for_update(read=True)).one()
    why = f"imported from {filename}"[:2000]
    try:
        _write(session, plan, checked, who.username, why, today)
        session.commit()
    except IntegrityError:  # a task added or a file imported meanwhile took a key: nothing is kept
        session.rollback()
        raise Conflict(N_("the plan was changed meanwhile (a task added or imported): try again")) from None
    return checked


def _write(session: Session, plan: PlanRow, checked: ImportCheck, by: str, why: str, today: dt.date) -> None:
    customs = sum(1 for t in plan_tasks_by_key(session=session, plan_id=plan.id or 0).values() if t.custom)
    for item in checked.planned:
        if item.what == "add":
            customs += 1
            item.task = _add(session, plan, item, customs, by, why, today)
        elif item.what == "update":
            _update(session, plan, item, by, why, today)
        if item.task is not None and item.task.id is not None and item.what != "unchanged":
            item.ref = task_reference(plan.country_code, item.task.key)
            _remember(session, plan, item.row.ref, item.task.id, by)
    reslack(session, plan)
    counts = {"added": checked.count("add"), "updated": checked.count("update")}
    audit.record(session=session, actor=by, action="plan_imported", country=plan.country_code,
                 target=checked.filename[:200], **counts)  # fmt: skip


def _refs(session: Session, plan: PlanRow) -> list[ImportedRefRow]:
    return list(session.exec(select(ImportedRefRow).where(ImportedRefRow.plan_id == plan.id)).all())


NOT_IN_PLAN = N_(
    "toolkit action %(action)s is not in %(country)s's plan: clear the toolkit action to add the row as a "
    "task of your own"
)
NOT_IN_PLAN_FOR = N_(
    "toolkit action %(action)s is not in %(country)s's plan for %(codes)s: clear the toolkit action to add "
    "the row as a task of your own"
)


def _target(
    row: ImportedLine,
    known: dict[str, TaskRow | None],
    tasks: dict[str, TaskRow],
    plan: PlanRow,
    default: str,
) -> tuple[TaskRow | None, str]:
    """The task a row updates (None: a new one), or why it cannot be imported."""
    if row.ref in known and known[row.ref] is not None:
        return known[row.ref], ""
    if row.action:
        found = [t for t in tasks.values() if t.action == row.action and not t.custom and not t.template
                 and (not row.workstreams or set(row.workstreams) & set(t.workstreams))]  # fmt: skip
        if len(found) == 1:
            return found[0], ""
        if not found:
            said = {"action": row.action, "country": plan.country_code, "codes": row.workstreams}
            if row.workstreams:
                return None, Message(NOT_IN_PLAN_FOR, **said)
            return None, Message(NOT_IN_PLAN, **said)
        codes = ", ".join(c for t in found for c in t.workstreams)
        return (
            None,
            Message(
                N_(
                    "toolkit action %(action)s is in the plan for %(codes)s: "
                    "say which in the workstream column"
                ),
                action=row.action,
                codes=codes,
            ),
        )
    row.workstreams = row.workstreams or ([default] if default else [])
    missing = [c for c in row.workstreams if c not in plan.selected]
    if not row.workstreams or missing:
        runs = ", ".join(plan.selected) or Message(N_("none"))
        return (
            None,
            Message(
                N_("%(country)s's plan does not run workstream %(missing)s (it runs %(runs)s)"),
                country=plan.country_code,
                missing=missing,
                runs=runs,
            ),
        )
    return None, ""


def _plan_row(row: ImportedLine, task: TaskRow | None, plan: PlanRow, problems: list[Problem]) -> Planned:
    """What the row changes on its task; the words checked as any change's are."""
    try:
        check_text(title=row.title, lead=row.lead or None, description=row.description, progress=row.progress)
        check_text(**{f"contributor {i + 1}": name for i, name in enumerate(row.contributors)})
    except InvalidRequest as exc:
        problems.append(Problem(row.row, "", exc.message))
    if task is None:
        if not row.lead:
            problems.append(Problem(row.row, "", Message(N_("no lead: a task added to the plan needs one"))))
        return Planned(row, "add")
    changes: dict[str, tuple[Any, Any]] = {}
    wanted = {"lead": row.lead or None, "contributors": row.contributors or None, "start": row.start,
              "due": row.due, "progress_note": row.progress or None}  # fmt: skip
    if task.custom:
        wanted |= {"title": row.title, "description": row.description or None}
    elif row.title and row.title != task.title:
        wanted["note"] = row.title  # a toolkit task keeps its title; the team's own words become its note
    for name, value in wanted.items():
        if value is not None and value != getattr(task, name):
            changes[name] = (getattr(task, name), value)
    start, due = changes.get("start", (0, task.start))[1], changes.get("due", (0, task.due))[1]
    if due < start:
        problems.append(
            Problem(
                row.row,
                "",
                Message(N_("due %(due)s would be before the start %(start)s"), due=due, start=start),
            )
        )
    if row.status is not None and row.status.value != task.status:
        if _path(TaskStatus(task.status), row.status) is None:
            problems.append(Problem(row.row, "", Message(N_("%(old)s cannot become %(new)s"),
                                    old=task.status.replace("_", " "),
                                    new=row.status.value.replace("_", " "))))  # fmt: skip
        changes["status"] = (task.status, row.status.value)
    ref = task_reference(plan.country_code, task.key)
    return Planned(row, "update" if changes else "unchanged", ref, changes, task)


def _path(current: TaskStatus, wanted: TaskStatus) -> list[TaskStatus] | None:
    """The statuses a task goes through from `current` to `wanted` (e.g. not started → in progress →
    completed): each step is one our statuses allow, so the history reads as it would by hand."""
    paths: deque[list[TaskStatus]] = deque([[current]])
    while paths:
        path = paths.popleft()
        if path[-1] == wanted:
            return path[1:]
        paths.extend([*path, s] for s in next_statuses(path[-1]) if s not in path)
    return None


def _add(
    session: Session, plan: PlanRow, item: Planned, n: int, by: str, why: str, today: dt.date
) -> TaskRow:
    row = item.row
    step = row.step or DEFAULT_STEP
    calendar = plan_calendar(plan.calendar, plan.country_code, row.start or plan.start)
    first = earliest_start(max(plan.start, today) - dt.timedelta(days=1), calendar)
    start = row.start or min(first, row.due or first)
    due = row.due or calendar.add_working_days(start, DEFAULT_DAYS - 1)
    key, template = custom_key(row.workstreams[0], step, n)
    task = TaskRow(plan_id=plan.id or 0, key=key,
                   workstream=row.workstreams[0], workstreams=row.workstreams, step=step, action="",
                   title=row.title, description=row.description, lead=row.lead, contributors=row.contributors,
                   custom=True, template=template, start=start, due=due,
                   duration_days=working_days(start, due, calendar),
                   status=(row.status or TaskStatus.not_started).value,
                   status_on=today if row.status else None, progress_note=row.progress or None,
                   progress_on=today if row.progress else None, provenance=[why])  # fmt: skip
    session.add(task)
    session.flush()
    session.add(field_event(task, by, "created", None, task.title, why))
    return task


def _update(session: Session, plan: PlanRow, item: Planned, by: str, why: str, today: dt.date) -> None:
    """The row's changes on its task, guarded by the version the check saw (a change made meanwhile is a
    Conflict and nothing is written), each in the task's history."""
    task = item.task
    assert task is not None
    values: dict[str, Any] = {}
    for name, (old, new) in item.changes.items():
        if name == "status":
            before = TaskStatus(old)
            for status in _path(before, TaskStatus(new)) or []:
                session.add(field_event(task, by, "status", before.value, status.value, why))
                before = status
            values |= {"status": new, "status_on": today, "status_reason": why}
            continue
        values[name] = new
        if name == "progress_note":
            values["progress_on"] = today
        session.add(field_event(task, by, "progress" if name == "progress_note" else name, old, new, why))
    start, due = values.get("start", task.start), values.get("due", task.due)
    values["duration_days"] = working_days(start, due, plan_calendar(plan.calendar, plan.country_code, start))
    guarded_update(session=session, task=task, expected_version=task.version, values=values, ref=item.ref)


def _remember(session: Session, plan: PlanRow, ref: str, task_id: int, by: str) -> None:
    found = session.exec(
        select(ImportedRefRow).where(ImportedRefRow.plan_id == plan.id, ImportedRefRow.ref == ref)
    ).first()
    if found is None:
        session.add(ImportedRefRow(plan_id=plan.id or 0, ref=ref[:60], task_id=task_id, imported_by=by))
    elif found.task_id != task_id:
        found.task_id = task_id
        session.add(found)
