"""Tasks as iCalendar, written with the `icalendar` library, in two shapes:

- 'ics': an all-day event on each task's due date (VEVENT), what every calendar program shows (Google
  Calendar and Outlook show nothing else);
- 'todo.ics': a to-do per task (VTODO): start, due date, status, percent complete and the day it was
  completed, what task lists show (Thunderbird, Apple Reminders, Evolution).

Each task has a stable UID (`<country>-<key>@cer-toolkit`), its version as SEQUENCE, and its last change as
DTSTAMP and LAST-MODIFIED (RFC 5545: without a METHOD, DTSTAMP is when the information was last revised), so
the same tasks always make the same bytes: a calendar that reads the file again updates its entries instead
of adding copies, and a feed's ETag changes only when a task does. The description holds the lead, the
contributors and the status in words.

Our statuses as iCalendar's:

| task        | VTODO STATUS, PERCENT-COMPLETE | VEVENT STATUS | summary starts |
|-------------|--------------------------------|---------------|----------------|
| not_started | NEEDS-ACTION, 0                | CONFIRMED     | Due:           |
| in_progress | IN-PROCESS, 50                 | CONFIRMED     | Due:           |
| blocked     | IN-PROCESS, 50                 | CONFIRMED     | Blocked, due:  |
| completed   | COMPLETED, 100, COMPLETED date | (none)        | Done:          |
| dropped     | CANCELLED                      | CANCELLED     | Dropped:       |

A blocked task is work under way that is stuck: IN-PROCESS keeps it among the work in hand (NEEDS-ACTION would
show it as untouched) and "Blocked" leads its summary, the reason in its description. 50 % means "under way",
not a measure: a task has no percentage of its own. A VEVENT's STATUS says whether the event stands: the due
date of open work does (CONFIRMED); a completed task's has nothing left to confirm, so it has none (never
CONFIRMED, nor TENTATIVE); a dropped task's is CANCELLED. A to-do is COMPLETED at noon UTC of the day its
status took effect (the same calendar day everywhere from UTC-11 to UTC+11), or at its last change if that
came the same day or no day was recorded.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Sequence

from icalendar import Calendar, Event, Todo

from cer.db.tables import PlanRow, TaskRow
from workstreams.status import task_reference

FORMATS = ("ics", "todo.ics")
Entry = tuple[TaskRow, str]  # a task and its plan's country code
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_WORDS = {"not_started": "not started", "in_progress": "in progress"}
_TODO = {
    "not_started": ("NEEDS-ACTION", 0),
    "in_progress": ("IN-PROCESS", 50),
    "blocked": ("IN-PROCESS", 50),
    "completed": ("COMPLETED", 100),
    "dropped": ("CANCELLED", None),
}
_EVENT = {"completed": None, "dropped": "CANCELLED"}  # any other: CONFIRMED
_HEADS = {"blocked": "Blocked, due", "completed": "Done", "dropped": "Dropped"}  # any other: Due


def plan_calendar(fmt: str, plan: PlanRow, tasks: Sequence[TaskRow], now: dt.datetime | None = None) -> bytes:
    """The plan as a calendar file's bytes, in the format `fmt` (one of FORMATS). `now` is not used: a
    calendar is stamped with its tasks' last changes, not with the time it was made."""
    del now
    return calendar(fmt, f"CER plan {plan.country_code}", [(t, plan.country_code) for t in tasks])


def calendar(fmt: str, name: str, entries: Sequence[Entry]) -> bytes:
    """Tasks of one or more countries as a calendar named `name`, in the format `fmt` (one of FORMATS)."""
    if fmt not in FORMATS:
        raise ValueError(f"no calendar format {fmt!r}")
    cal = Calendar()
    cal.add("prodid", "-//cer-toolkit//plan//EN")
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("name", _text(name))
    cal.add("x-wr-calname", _text(name))
    cal.add("refresh-interval", dt.timedelta(hours=1), parameters={"VALUE": "DURATION"})
    cal.add("x-published-ttl", "PT1H")  # Outlook's way of saying how often to read a subscription again
    for task, country in entries:
        cal.add_component(event(task, country) if fmt == "ics" else todo(task, country))
    data: bytes = cal.to_ical()
    return data


def to_ics(plan: PlanRow, tasks: Sequence[TaskRow]) -> str:
    """The plan's due dates as events ('ics'), as text."""
    return plan_calendar("ics", plan, tasks).decode()


def to_todo_ics(plan: PlanRow, tasks: Sequence[TaskRow]) -> str:
    """The plan's tasks as to-dos ('todo.ics'), as text."""
    return plan_calendar("todo.ics", plan, tasks).decode()


def event(task: TaskRow, country: str) -> Event:
    """An all-day event on the task's due date."""
    ref = task_reference(country, task.key)
    item = Event()
    _identify(item, task, ref)
    item.add("summary", _text(f"{_HEADS.get(task.status, 'Due')}: {ref} {task.title}"))
    item.add("dtstart", task.due)
    item.add("dtend", task.due + dt.timedelta(days=1))
    item.add("transp", "TRANSPARENT")  # a deadline, not time taken: free/busy stays free
    if (status := _EVENT.get(task.status, "CONFIRMED")) is not None:
        item.add("status", status)
    return item


def todo(task: TaskRow, country: str) -> Todo:
    """A to-do from the task's start to its due date, with its status, percent complete and completion."""
    ref = task_reference(country, task.key)
    item = Todo()
    _identify(item, task, ref)
    blocked = "Blocked: " if task.status == "blocked" else ""
    item.add("summary", _text(f"{blocked}{ref} {task.title}"))
    if task.start <= task.due:  # DUE may not come before DTSTART
        item.add("dtstart", task.start)
    item.add("due", task.due)
    status, percent = _TODO.get(task.status, ("NEEDS-ACTION", 0))
    item.add("status", status)
    if percent is not None:
        item.add("percent-complete", percent)
    if task.status == "completed":
        item.add("completed", completed_at(task))
    return item


def completed_at(task: TaskRow) -> dt.datetime:
    """When a completed task was completed, in UTC (see the module's docstring)."""
    changed = _utc(task.updated_at)
    day = task.status_on
    if day is None or day >= changed.date():
        return changed
    return dt.datetime.combine(day, dt.time(12), tzinfo=dt.UTC)


def description(task: TaskRow) -> str:
    """The task in words: who leads, who contributes, its status and since when, its dates, its progress."""
    since = f" since {task.status_on.isoformat()}" if task.status_on else ""
    lines = [
        f"Lead: {task.lead}",
        f"Contributors: {', '.join(task.contributors) or 'none'}",
        f"Status: {_WORDS.get(task.status, task.status)}{since}",
    ]
    if task.status_reason and task.status in ("blocked", "dropped"):
        lines.append(f"Reason: {task.status_reason}")
    lines.append(f"Start {task.start.isoformat()}, due {task.due.isoformat()}")
    if task.assignee:
        lines.append(f"Assigned to: {task.assignee}")
    if task.progress_note:
        when = f" ({task.progress_on.isoformat()})" if task.progress_on else ""
        lines.append(f"Progress{when}: {task.progress_note}")
    return "\n".join(lines)


def _identify(item: Event | Todo, task: TaskRow, ref: str) -> None:
    """What both shapes share: identity, version, last change, description, workstreams."""
    changed = _utc(task.updated_at)
    item.add("uid", f"{ref}@cer-toolkit")
    item.add("sequence", task.version)
    item.add("dtstamp", changed)
    item.add("last-modified", changed)
    item.add("description", _text(description(task)))
    item.add("categories", [f"Workstream {w}" for w in task.workstreams or [task.workstream]])


def _utc(moment: dt.datetime) -> dt.datetime:
    """A stored time in UTC to the second (SQLite gives it back without its time zone, which was UTC)."""
    aware = moment if moment.tzinfo else moment.replace(tzinfo=dt.UTC)
    return aware.astimezone(dt.UTC).replace(microsecond=0)


def _text(value: str) -> str:
    """Text a calendar can hold: line breaks as LF (icalendar escapes them), other controls as spaces."""
    return _CONTROL.sub(" ", value.replace("\r\n", "\n").replace("\r", "\n"))
