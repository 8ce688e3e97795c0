"""The plan builder: from a diagnosis, a country and a start date, a dated plan of tasks with owners.

One task per (selected workstream, needed action). Sequential steps 1–6 run in order within a workstream;
actions of steps 7–9 run alongside, anchored where the toolkit puts them (7.1 at Step 1, 7.2 at Step 3, …):
they start with their anchor step's tasks and the next step waits for them. Actions done "at each step" are
ongoing tasks that span the workstream's plan. Dates fall on working days; the critical path and each task's
slack come from a forward and a backward pass. The same input gives the same plan.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from diagnostics.calendar import add_working_days, first_working_day
from diagnostics.questionnaire import Questionnaire
from diagnostics.rules import Effect, PlanningFile
from diagnostics.selection import ActionDecision, Diagnosis
from workstreams.framework import Framework
from workstreams.models import Action, StepKind


@dataclass(slots=True)
class PlannedTask:
    id: str
    workstream: str
    step: int
    action: str
    title: str
    description: str
    lead: str
    contributors: list[str]
    duration_days: int
    depends_on: list[str]
    start: dt.date
    due: dt.date
    ongoing: bool
    critical: bool
    slack_days: int | None  # None for ongoing tasks, which sit outside the critical-path network
    tools: list[str]
    provenance: list[str]
    anchor: int  # the sequential step this task is scheduled with
    offset_days: int = 0  # early start, in working days from the plan's start


# What a planned task tells the outside world (JSON, the database); scheduling internals stay inside.
PUBLIC_FIELDS = (
    "id",
    "workstream",
    "step",
    "action",
    "title",
    "description",
    "lead",
    "contributors",
    "duration_days",
    "start",
    "due",
    "depends_on",
    "ongoing",
    "critical",
    "slack_days",
    "tools",
    "provenance",
)


def public_values(task: PlannedTask) -> dict[str, Any]:
    return {name: getattr(task, name) for name in PUBLIC_FIELDS}


@dataclass(frozen=True)
class Plan:
    country: str
    start: dt.date
    end: dt.date
    questionnaire_version: str
    tasks: list[PlannedTask]
    requested_start: dt.date | None = None  # when it differs from `start` (a weekend day)

    @property
    def critical_path(self) -> list[str]:
        return [t.id for t in sorted(self.tasks, key=lambda t: (t.start, t.id)) if t.critical]


def build_plan(
    diagnosis: Diagnosis,
    *,
    framework: Framework,
    planning: PlanningFile,
    questionnaire: Questionnaire,
    country: str,
    start: dt.date,
) -> Plan:
    requested, start = start, first_working_day(start)
    tools = _tools_by_pair(diagnosis)
    selected = {w.code: w for w in diagnosis.workstreams}
    people = _People(planning, questionnaire, diagnosis.answers.values)
    tasks = []
    order = {a.id: i for i, a in enumerate(framework.actions)}  # step order
    for decision in sorted(diagnosis.needed, key=lambda d: (d.workstream, order[d.action])):
        action = framework.action(decision.action)
        anchor, ongoing = _anchor(framework, action)
        tasks.append(_task(decision, action, anchor, ongoing, framework, planning, people, tools, selected))
    _link(tasks)
    end = _schedule(tasks)
    for t in tasks:
        t.start = add_working_days(start, t.offset_days)
        t.due = add_working_days(start, t.offset_days + t.duration_days - 1)
    return Plan(
        country,
        start,
        add_working_days(start, max(end - 1, 0)),
        diagnosis.questionnaire_version,
        tasks,
        requested if requested != start else None,
    )


def _anchor(framework: Framework, action: Action) -> tuple[int, bool]:
    """The sequential step a task is scheduled with, and whether it is ongoing (done at each step)."""
    if framework.step(action.step).kind is StepKind.sequential:
        return action.step, False
    if action.timing is None:
        return 1, False
    if action.timing.when == "each":
        return 1, True
    return action.timing.step or 1, False


def _tools_by_pair(diagnosis: Diagnosis) -> dict[str, list[str]]:
    by_pair: dict[str, list[str]] = defaultdict(list)
    for rec in diagnosis.tools:
        for reason in rec.reasons:
            if reason.kind == "link":
                by_pair[reason.source].append(rec.tool)
    return by_pair


class _People:
    """Leads and contributors by role. A role is shown as the agency chairing it when the answers say; a role
    that does not exist yet (no OMT, say) hands its tasks to its fallback, which sets it up."""

    def __init__(
        self, planning: PlanningFile, questionnaire: Questionnaire, values: Mapping[str, Any]
    ) -> None:
        self.planning = planning
        self.acting = {
            r.id: r.fallback if r.presence and r.fallback and not r.presence.evaluate(values) else r.id
            for r in planning.roles
        }
        self.names: dict[str, str] = {}
        for role in planning.roles:
            chair = values.get(role.chaired_by) if role.chaired_by else None
            question = questionnaire.questions.get(role.chaired_by or "")
            self.names[role.id] = (
                questionnaire.choice_label(question, chair) if chair and question else role.short
            )

    def lead(self, workstream: str, step: int, action: str) -> str:
        leads = self.planning.leads
        role = leads.by_action.get(action) or leads.by_step.get(step) or leads.by_workstream[workstream]
        return self.acting[role]

    def contributors(self, workstream: str, step: int, lead: str) -> list[str]:
        c = self.planning.contributors
        roles = [self.acting[r] for r in (*c.by_workstream.get(workstream, []), *c.by_step.get(step, []))]
        names = [self.names[r] for r in roles if r != lead]
        return [n for i, n in enumerate(names) if n not in names[:i] and n != self.names[lead]]


def _task(
    decision: ActionDecision,
    action: Action,
    anchor: int,
    ongoing: bool,
    framework: Framework,
    planning: PlanningFile,
    people: _People,
    tools: dict[str, list[str]],
    selected: Mapping[str, Any],
) -> PlannedTask:
    ws = framework.workstream(decision.workstream)
    step = framework.step(action.step)
    lead = people.lead(ws.code, step.number, action.id)
    duration = planning.durations.by_action.get(action.id) or planning.durations.by_step[step.number]
    details = " ".join(filter(None, [action.detail, *action.sub_activities]))
    why = [r.text for r in decision.reasons if r.effect is Effect.include]
    why += [f"Workstream {ws.code} applies: {selected[ws.code].reasons[0].text}"]
    return PlannedTask(
        id=f"{ws.code}-{action.id}",
        workstream=ws.code,
        step=step.number,
        action=action.id,
        title=f"{action.name} ({ws.name})",
        description=f"Step {step.number} · {step.name}. {details}".strip(),
        lead=people.names[lead],
        contributors=people.contributors(ws.code, step.number, lead),
        duration_days=duration,
        depends_on=[],
        start=dt.date.min,
        due=dt.date.min,
        ongoing=ongoing,
        critical=False,
        slack_days=None,
        tools=sorted(set(tools.get(f"{ws.code}:{action.id}", []))),
        provenance=why,
        anchor=anchor,
    )


def _link(tasks: list[PlannedTask]) -> None:
    """Each task waits for every task of the previous anchor step present in its workstream."""
    groups: dict[str, dict[int, list[PlannedTask]]] = defaultdict(lambda: defaultdict(list))
    for t in tasks:
        if not t.ongoing:
            groups[t.workstream][t.anchor].append(t)
    for steps in groups.values():
        anchors = sorted(steps)
        for previous, current in zip(anchors, anchors[1:], strict=False):
            before = sorted(t.id for t in steps[previous])
            for t in steps[current]:
                t.depends_on = list(before)


def _schedule(tasks: list[PlannedTask]) -> int:
    """Critical-path method in working days: early starts forward, late starts backward; returns the end."""
    network = sorted((t for t in tasks if not t.ongoing), key=lambda t: (t.anchor, t.id))  # deps come first
    by_id = {t.id: t for t in network}
    finish: dict[str, int] = {}
    for t in network:
        t.offset_days = max((finish[d] for d in t.depends_on), default=0)
        finish[t.id] = t.offset_days + t.duration_days
    end = max(finish.values(), default=0)
    successors: dict[str, list[PlannedTask]] = defaultdict(list)
    for t in network:
        for d in t.depends_on:
            successors[d].append(by_id[t.id])
    late_start: dict[str, int] = {}
    for t in reversed(network):
        late_finish = min((late_start[s.id] for s in successors[t.id]), default=end)
        late_start[t.id] = late_finish - t.duration_days
        t.slack_days = late_start[t.id] - t.offset_days
        t.critical = t.slack_days == 0
    for t in tasks:
        if t.ongoing:  # spans its workstream's plan, from the start to its last task's end
            ws_end = max(
                (finish[x.id] for x in network if x.workstream == t.workstream), default=t.duration_days
            )
            t.offset_days, t.duration_days = 0, ws_end
    return max([end, *(t.duration_days for t in tasks if t.ongoing)])
