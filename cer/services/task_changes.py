"""What a change to a task is, checked against the task and its plan before anything is written: the fields
it makes different and the values to write (cer.services.tasks applies them, with their events)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from sqlmodel import Session

from cer.db.tables import PlanRow, TaskRow
from cer.services.scheduling import check_assignee, check_day, dependency_keys, plan_tasks_by_key
from diagnostics.dependencies import working_days
from workstreams.errors import N_, InvalidRequest
from workstreams.status import DUE_BEFORE_START, TaskStatus, check_text, check_transition


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
    status_on: dt.date | None = None  # the day the new status took effect ("completed as of"), not later
    title: str | None = None  # a custom task's; a toolkit task keeps the toolkit's
    description: str | None = None  # a custom task's; a toolkit task takes a note instead
    note: str | None = None  # the country team's note
    assignee: str | None = None  # a username; '' clears it
    depends_on: list[str] | None = None  # keys or references of tasks of the same plan
    progress: str | None = None  # a progress note, in words
    progress_on: dt.date | None = None  # the day it describes (default: today), not later


@dataclass(frozen=True)
class Edited:
    """A task as a change left it, its country, the dependants the change moved, and the conflicts left:
    (dependant, predecessor) references where the dependant starts before the predecessor's due date."""

    task: TaskRow
    country: str
    moved: list[TaskRow]
    conflicts: list[tuple[str, str]]


def check_words(change: TaskChange, by: str) -> None:
    check_text(by=by, lead=change.lead, reason=change.reason, comment=change.comment, title=change.title)
    check_text(note=change.note, description=change.description, progress=change.progress)
    check_text(assignee=change.assignee)
    check_text(**{f"contributor {i + 1}": name for i, name in enumerate(change.contributors or [])})
    check_text(**{f"dependency {i + 1}": name for i, name in enumerate(change.depends_on or [])})


def planned(
    session: Session, plan: PlanRow, task: TaskRow, change: TaskChange
) -> tuple[dict[str, tuple[Any, Any]], dict[str, Any], dict[str, TaskRow]]:
    """The fields the change makes different, the values to write, and (when dates or dependencies change)
    the plan's tasks by key, to re-plan with."""
    diffs = _diffs(task, change)
    today = dt.date.today()
    check_day(change.status_on, today, N_("status"))
    check_day(change.progress_on, today, N_("progress note"))
    if change.status_on is not None and change.status is None:
        raise InvalidRequest(N_("a status date goes with a new status: give the status it dates"))
    if change.progress_on is not None and change.progress is None:
        raise InvalidRequest(N_("a progress date goes with a progress note: write the note"))
    if change.assignee is not None:
        name = check_assignee(session=session, username=change.assignee, country=plan.country_code)
        if name != task.assignee:
            diffs["assignee"] = (task.assignee, name)
    if change.progress is not None:
        if not change.progress.strip():
            raise InvalidRequest(N_("the progress note is empty: say in words how the task is going"))
        diffs["progress_note"] = (task.progress_note, change.progress.strip())
    tasks: dict[str, TaskRow] = {}
    if change.depends_on is not None or "start" in diffs or "due" in diffs:
        tasks = plan_tasks_by_key(session=session, plan_id=plan.id or 0)
    if change.depends_on is not None:
        keys = dependency_keys(plan=plan, task=task, names=change.depends_on, tasks=tasks)
        if sorted(keys) != sorted(task.depends_on):
            diffs["depends_on"] = (task.depends_on, keys)
    values = {name: new for name, (_, new) in diffs.items()}
    if change.status is not None:
        values |= {"status_reason": change.reason, "dropped_by_rediagnosis": False}
        values["status_on"] = change.status_on or today
    if "progress_note" in diffs:
        values["progress_on"] = change.progress_on or today
    if "start" in diffs or "due" in diffs:
        values["duration_days"] = working_days(values.get("start", task.start), values.get("due", task.due))
    return diffs, values, tasks


def _diffs(task: TaskRow, change: TaskChange) -> dict[str, tuple[Any, Any]]:
    diffs: dict[str, tuple[Any, Any]] = {}
    if change.status is not None:
        check_transition(TaskStatus(task.status), change.status, change.reason)
        diffs["status"] = (task.status, change.status.value)
    if not task.custom and (change.title is not None or change.description is not None):
        raise InvalidRequest(
            N_("a toolkit task keeps the toolkit's title and description: write your own words as its note")
        )
    if change.title is not None and not change.title.strip():
        raise InvalidRequest(N_("the title cannot be empty"))
    for name in ("lead", "contributors", "start", "due", "title", "description", "note"):
        new = getattr(change, name)
        if isinstance(new, str):
            new = new.strip()
        old = getattr(task, name)
        if new is not None and (sorted(new) != sorted(old) if name == "contributors" else new != old):
            diffs[name] = (old, new)
    if change.lead is not None and not change.lead.strip():
        raise InvalidRequest(N_("the lead cannot be empty"))
    start, due = diffs.get("start", (None, task.start))[1], diffs.get("due", (None, task.due))[1]
    if due < start:
        raise InvalidRequest(DUE_BEFORE_START, due=due, start=start)
    return diffs
