"""The life of a tracked task: its statuses and which changes are allowed (pure rules, no storage)."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from enum import StrEnum

from workstreams.errors import N_, InvalidRequest, Message


class TaskStatus(StrEnum):
    not_started = "not_started"
    in_progress = "in_progress"
    blocked = "blocked"
    completed = "completed"
    dropped = "dropped"


_ALLOWED: dict[TaskStatus, frozenset[TaskStatus]] = {
    TaskStatus.not_started: frozenset({TaskStatus.in_progress, TaskStatus.blocked, TaskStatus.dropped}),
    TaskStatus.in_progress: frozenset({TaskStatus.completed, TaskStatus.blocked, TaskStatus.dropped}),
    TaskStatus.blocked: frozenset({TaskStatus.in_progress, TaskStatus.not_started, TaskStatus.dropped}),
    # reopening: a completed task goes back to work, a dropped one back to the start
    TaskStatus.completed: frozenset({TaskStatus.in_progress}),
    TaskStatus.dropped: frozenset({TaskStatus.not_started}),
}
NEEDS_REASON = frozenset({TaskStatus.dropped, TaskStatus.blocked})
OPEN = frozenset({TaskStatus.not_started, TaskStatus.in_progress, TaskStatus.blocked})


class IllegalTransition(InvalidRequest):
    pass


TEXT_LIMITS = {"by": 120, "lead": 120, "reason": 2000, "comment": 4000, "title": 300}
TEXT_LIMITS |= {"note": 4000, "description": 4000, "progress": 4000}
MULTI_LINE = frozenset({"comment", "reason", "note", "description", "progress"})
DUE_BEFORE_START = N_("the due date %(due)s is before the start %(start)s")
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


# The words a person typed, as a refusal names them ("the comment is 4001 characters long").
_NAMES = {
    "by": N_("name"),
    "lead": N_("lead"),
    "reason": N_("reason"),
    "comment": N_("comment"),
    "title": N_("title"),
    "note": N_("note"),
    "description": N_("description"),
    "progress": N_("progress note"),
    "assignee": N_("assignee"),
}


def _named(name: str) -> Message:
    """A text's name in a refusal: "comment", "contributor 2" (numbered names keep their number)."""
    head, _, number = name.partition(" ")
    if head == "contributor" and number:
        return Message(N_("contributor %(number)s"), number=number)
    if head == "dependency" and number:
        return Message(N_("dependency %(number)s"), number=number)
    return Message(_NAMES.get(name, name))


def check_text(**fields: str | None) -> None:
    """People's words on a task: bounded in length, no control characters (a comment may have line breaks)."""
    for name, value in fields.items():
        if value is None:
            continue
        limit = TEXT_LIMITS.get(name, 120)
        if len(value) > limit:
            raise InvalidRequest(
                N_("the %(field)s is %(length)s characters long; at most %(limit)s"),
                field=_named(name),
                length=len(value),
                limit=limit,
            )
        single_line = name not in MULTI_LINE
        if _CONTROL.search(value) or (single_line and ("\n" in value or "\r" in value)):
            raise InvalidRequest(
                N_("the %(field)s contains control characters or line breaks"), field=_named(name)
            )
        if (name in ("by", "lead") or name.startswith(("contributor", "dependency"))) and not value.strip():
            raise InvalidRequest(N_("the %(field)s cannot be empty"), field=_named(name))


def next_statuses(current: TaskStatus) -> list[TaskStatus]:
    """What a task in `current` status may become, in the order of the workflow."""
    return [s for s in TaskStatus if s in _ALLOWED[current]]


def check_transition(current: TaskStatus, new: TaskStatus, reason: str | None) -> None:
    """Raise `IllegalTransition` unless `current` may become `new` (with a reason where one is needed)."""
    if new == current:
        raise IllegalTransition(f"the task is already {current.value}")
    if new not in _ALLOWED[current]:
        allowed = ", ".join(sorted(s.value for s in _ALLOWED[current]))
        article = "an" if current.value[0] in "aeiou" else "a"
        raise IllegalTransition(
            f"{article} {current.value} task cannot become {new.value} (it can become: {allowed})"
        )
    if new in NEEDS_REASON and not (reason and reason.strip()):
        raise IllegalTransition(f"say why the task is {new.value}: give a reason")


@dataclass
class Progress:
    """Counts of tasks by status, and what they add up to. Dropped tasks do not count towards the total."""

    by_status: dict[str, int] = field(default_factory=lambda: {s.value: 0 for s in TaskStatus})
    overdue: int = 0
    due_soon: int = 0

    def add(self, status: str, due: dt.date, today: dt.date, count: int = 1, soon_days: int = 14) -> None:
        self.by_status[status] = self.by_status.get(status, 0) + count
        late, soon = lateness(status, due, today, soon_days)
        self.overdue += count if late else 0
        self.due_soon += count if soon else 0

    def __add__(self, other: Progress) -> Progress:
        statuses = self.by_status.keys() | other.by_status.keys()
        counts = {s: self.by_status.get(s, 0) + other.by_status.get(s, 0) for s in statuses}
        return Progress(counts, self.overdue + other.overdue, self.due_soon + other.due_soon)

    @property
    def active(self) -> int:
        return sum(n for s, n in self.by_status.items() if s != TaskStatus.dropped)

    @property
    def percent_complete(self) -> int:
        done = self.by_status.get(TaskStatus.completed, 0)
        return round(100 * done / self.active) if self.active else 0

    def as_dict(self) -> dict[str, object]:
        return {
            "tasks": self.active,
            "by_status": dict(self.by_status),
            "percent_complete": self.percent_complete,
            "overdue": self.overdue,
            "due_soon": self.due_soon,
        }


def lateness(status: str, due: dt.date, today: dt.date, soon_days: int = 14) -> tuple[bool, bool]:
    """(overdue, due soon) for a task: only open tasks are late or due; done or dropped ones never are."""
    if TaskStatus(status) not in OPEN:
        return False, False
    return due < today, today <= due <= today + dt.timedelta(days=soon_days)


@dataclass(frozen=True)
class Merge:
    """How a tracked plan takes in a re-diagnosis, by task key."""

    add: list[str]  # needed and new
    reinstate: list[str]  # needed again after an earlier re-diagnosis dropped them
    keep: list[str]  # needed and tracked: status, dates, owners and history stay
    drop: list[str]  # open and no longer needed
    completed_not_needed: list[str]  # done work no longer called for: stays completed, reported


def merge(existing: dict[str, tuple[TaskStatus, bool]], needed: list[str]) -> Merge:
    """`existing`: key -> (status, dropped by a re-diagnosis?); `needed`: the keys the new plan has.

    A task a person dropped stays dropped; only what a re-diagnosis dropped comes back by itself.
    """
    wanted = set(needed)
    add = [k for k in needed if k not in existing]
    reinstate = [k for k in needed if k in existing and existing[k] == (TaskStatus.dropped, True)]
    keep = [k for k in needed if k in existing and k not in reinstate]
    drop = [k for k, (status, _) in existing.items() if k not in wanted and status in OPEN]
    done = [k for k, (status, _) in existing.items() if k not in wanted and status is TaskStatus.completed]
    return Merge(add, reinstate, keep, sorted(drop), sorted(done))


def task_reference(country: str, key: str) -> str:
    """How people name a tracked task: '<country>-<workstream>-<action>', e.g. 'MWI-B-4.1'."""
    return f"{country}-{key}"


def parse_reference(text: str) -> tuple[str, str]:
    """('MWI', 'B-4.1') from 'mwi-b-4.1', ('MWI', 'B-2.4/stocktake-ict') from 'MWI-B-2.4/Stocktake-ICT'.

    Country and workstream are upper case, a template key (after '/') lower case; anything else is refused.
    """
    head, slash, template = text.strip().partition("/")
    country, _, key = head.upper().partition("-")
    if len(country) != 3 or not key or (slash and not template.strip()):
        raise InvalidRequest(
            N_("%(text)s is not a task reference like MWI-B-4.1 or MWI-B-2.4/stocktake-ict"), text=repr(text)
        )
    return country, key + (f"/{template.strip().lower()}" if slash else "")
