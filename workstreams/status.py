"""The life of a tracked task: its statuses and which changes are allowed (pure rules, no storage)."""

from __future__ import annotations

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
