"""The life of a tracked task: its statuses and which changes are allowed (pure rules, no storage)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from enum import StrEnum

from workstreams.errors import InvalidRequest


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


def check_transition(current: TaskStatus, new: TaskStatus, reason: str | None) -> None:
    """Raise `IllegalTransition` unless `current` may become `new` (with a reason where one is needed)."""
    if new == current:
        raise IllegalTransition(f"the task is already {current.value}")
    if new not in _ALLOWED[current]:
        allowed = ", ".join(sorted(s.value for s in _ALLOWED[current]))
        raise IllegalTransition(
            f"a {current.value} task cannot become {new.value} (it can become: {allowed})"
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
