"""The toolkit's "Checklist by main activity and step": steps 1–9, each main action with its sub-activities,
as boxes to tick on paper; for a country, each of its tasks ticked as far as it has gone."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from cer.db.tables import TaskRow
from workstreams.framework import Framework
from workstreams.models import Action, Step
from workstreams.status import task_reference

MARKS = {"completed": "✓", "in_progress": "◐", "blocked": "⊘", "not_started": "☐", "dropped": "☐"}
BOX = "☐"


@dataclass(frozen=True)
class TaskTick:
    ref: str
    task: TaskRow

    @property
    def mark(self) -> str:
        return MARKS.get(self.task.status, BOX)


@dataclass(frozen=True)
class ActionTick:
    action: Action
    tasks: list[TaskTick] = field(default_factory=list)
    status: str | None = None  # for a country: how far the action's tasks have gone together; None: generic

    @property
    def mark(self) -> str:
        return MARKS.get(self.status or "", BOX)


@dataclass(frozen=True)
class StepTicks:
    step: Step
    actions: list[ActionTick]
    own: list[TaskTick] = field(default_factory=list)  # the country team's own tasks of the step


def together(statuses: list[str]) -> str:
    """The status of an action from its tasks': done when every task still wanted is done."""
    wanted = [s for s in statuses if s != "dropped"]
    if not wanted:
        return "dropped"
    if all(s == "completed" for s in wanted):
        return "completed"
    if all(s == "not_started" for s in wanted):
        return "not_started"
    return "blocked" if all(s in ("blocked", "not_started") for s in wanted) else "in_progress"


def _order(task: TaskRow) -> tuple[tuple[int, ...], str]:
    return tuple(int(n) for n in re.findall(r"\d+", task.key.split("/")[0])), task.key


def checklist(
    framework: Framework, country: str | None = None, tasks: list[TaskRow] | None = None
) -> list[StepTicks]:
    """Every step and main action; given a country's tasks, each action's tasks with their ticks."""
    by_action: dict[str, list[TaskRow]] = {}
    for t in sorted(tasks or [], key=_order):
        by_action.setdefault(t.action, []).append(t)
    steps = []
    for step in framework.steps:
        actions = []
        for action in step.actions:
            mine = [TaskTick(task_reference(country or "", t.key), t) for t in by_action.get(action.id, [])]
            status = together([t.task.status for t in mine]) if mine else None
            actions.append(ActionTick(action, mine, status))
        own = [
            TaskTick(task_reference(country or "", t.key), t)
            for t in by_action.get("", [])
            if t.step == step.number
        ]
        steps.append(StepTicks(step, actions, own))
    return steps
