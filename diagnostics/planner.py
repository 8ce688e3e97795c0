"""The plan builder: from a diagnosis, a country and a start date, a dated plan of tasks with owners.

One task per needed action done in each workstream (keyed '<workstream>-<action>', e.g. 'B-5.1'), and one
task per shared action, done once for the whole change (keyed by the action, e.g. '1.1'), serving every
selected workstream that needs it. Sequential steps 1–6 run in order within a workstream;
actions of steps 7–9 run alongside, anchored where the toolkit puts them (7.1 at Step 1, 7.2 at Step 3, …):
they start with their anchor step's tasks and the next step waits for them. Actions done "at each step" are
ongoing tasks that span the workstream's plan. Dates fall on working days; the critical path and each task's
slack come from a forward and a backward pass. The same input gives the same plan.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from diagnostics.calendar import MONDAY_TO_FRIDAY, WorkingCalendar
from diagnostics.questionnaire import Questionnaire
from diagnostics.rules import Effect, PlanningFile
from diagnostics.selection import ActionDecision, Diagnosis
from workstreams.framework import Framework
from workstreams.models import Action, Scope, StepKind, Workstream


@dataclass(slots=True)
class PlannedTask:
    id: str
    workstream: str  # the first of `workstreams`: where the task sorts
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
    workstreams: list[str] = field(default_factory=list)  # every workstream it serves, in order
    offset_days: int = 0  # early start, in working days from the plan's start


# What a planned task tells the outside world (JSON, the database); scheduling internals stay inside.
PUBLIC_FIELDS = (
    "id",
    "workstream",
    "workstreams",
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
    requested_start: dt.date | None = None  # when it differs from `start` (a day off)
    calendar: WorkingCalendar = MONDAY_TO_FRIDAY  # the working days its dates fall on
    finish_by: dt.date | None = None  # the target it was planned backward from
    shortfall_days: int = 0  # working days the work needs beyond `finish_by` (then it is planned forward)
    chain: tuple[str, ...] = ()  # the chain of tasks that decides the plan's length, first to last

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
    calendar: WorkingCalendar = MONDAY_TO_FRIDAY,
    finish_by: dt.date | None = None,
) -> Plan:
    """The plan, forward from `start`; with `finish_by`, backward from it: every task as late as the tasks
    after it allow, unless the work does not fit between `start` and `finish_by` (then forward, with the
    shortfall in working days and the chain of tasks that decides it)."""
    requested, start = start, calendar.first_working_day(start)
    tools = _tools_by_pair(diagnosis)
    selected = {w.code: f"Workstream {w.code} applies: {w.reasons[0].text}" for w in diagnosis.workstreams}
    people = _People(planning, questionnaire, diagnosis.answers.values)
    tasks = []
    for decisions in _task_groups(diagnosis.needed, framework):
        action = framework.action(decisions[0].action)
        anchor, ongoing = _anchor(framework, action)
        tasks.append(_task(decisions, action, anchor, ongoing, framework, planning, people, tools, selected))
    _link(tasks)
    end = _schedule(tasks)
    first, shortfall = _backward(tasks, start, end, calendar, finish_by)
    days = calendar.working_days_from(first, max((t.offset_days + t.duration_days for t in tasks), default=1))
    for t in tasks:
        t.start, t.due = days[t.offset_days], days[t.offset_days + t.duration_days - 1]
    return Plan(
        country,
        start,  # when work may start; planned backward, the first task may start later
        calendar.add_working_days(first, max(end - 1, 0)),
        diagnosis.questionnaire_version,
        tasks,
        requested if requested != start else None,
        calendar,
        finish_by,
        shortfall,
        tuple(_chain(tasks)),
    )


def _backward(
    tasks: list[PlannedTask], start: dt.date, end: int, calendar: WorkingCalendar, finish_by: dt.date | None
) -> tuple[dt.date, int]:
    """Place the tasks backward from `finish_by` when the work fits between `start` and it: each at its late
    start, ongoing tasks spanning their workstreams' tasks. Returns the plan's first day (where offset 0
    falls) and the shortfall in working days (0 when it fits, or when there is no target)."""
    if finish_by is None or end == 0:
        return start, 0
    last = calendar.last_working_day(finish_by)
    room = calendar.working_days_between(start, last) + 1
    if end > room:
        return start, end - room
    network = [t for t in tasks if not t.ongoing]
    for t in network:
        t.offset_days += t.slack_days or 0
    for t in tasks:
        if t.ongoing:
            mine = [x for x in network if set(x.workstreams) & set(t.workstreams)]
            first = min((x.offset_days for x in mine), default=end - t.duration_days)
            t.offset_days = first
            t.duration_days = max((x.offset_days + x.duration_days for x in mine), default=end) - first
    return calendar.add_working_days(last, 1 - end), 0


def _chain(tasks: list[PlannedTask]) -> list[str]:
    """The chain of critical tasks that decides the plan's length: from a critical task that ends last, back
    through the critical task each one waits for (the first by id when several do)."""
    network = {t.id: t for t in tasks if not t.ongoing}
    critical = [t for t in network.values() if t.critical]
    if not critical:
        return []
    task = max(critical, key=lambda t: (t.offset_days + t.duration_days, t.id))
    chain = [task]
    while before := sorted(
        d
        for d in task.depends_on
        if d in network
        and network[d].critical
        and network[d].offset_days + network[d].duration_days == task.offset_days
    ):
        task = network[before[0]]
        chain.append(task)
    return [t.id for t in reversed(chain)]


def _task_groups(needed: list[ActionDecision], framework: Framework) -> list[list[ActionDecision]]:
    """The needed decisions each task stands for: one per workstream, or every workstream of a shared action
    together; in workstream then step order (a shared task sorts with its first workstream)."""
    order = {a.id: i for i, a in enumerate(framework.actions)}  # step order
    groups: dict[str, list[ActionDecision]] = {}
    for d in sorted(needed, key=lambda d: (d.workstream, order[d.action])):
        shared = framework.action(d.action).scope is Scope.shared
        groups.setdefault(d.action if shared else f"{d.workstream}-{d.action}", []).append(d)
    return sorted(groups.values(), key=lambda g: (g[0].workstream, order[g[0].action]))


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


_CONTRIBUTORS: dict[tuple[object, ...], tuple[PlanningFile, dict[tuple[Any, int, str], list[str]]]] = {}


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
        # Contributors depend only on the planning content, who acts for whom and the names shown: the same
        # for many diagnoses, so kept across them (for the last few such people).
        key = (id(planning), tuple(self.acting.items()), tuple(self.names.items()))
        known = _CONTRIBUTORS.get(key)
        if known is None or known[0] is not planning:
            known = (planning, {})
            if len(_CONTRIBUTORS) > 64:
                _CONTRIBUTORS.clear()
            _CONTRIBUTORS[key] = known
        self._contributors: dict[tuple[Any, int, str], list[str]] = known[1]

    def lead(self, workstream: str, step: int, action: str) -> str:
        leads = self.planning.leads
        role = leads.by_action.get(action) or leads.by_step.get(step) or leads.by_workstream[workstream]
        return self.acting[role]

    def all_contributors(self, codes: tuple[str, ...], step: int, lead: str) -> list[str]:
        """The contributors to a task serving `codes`, each once, in workstream order (a new list)."""
        key = (codes, step, lead)
        known = self._contributors.get(key)
        if known is None:
            known = list(dict.fromkeys(c for code in codes for c in self.contributors(code, step, lead)))
            self._contributors[key] = known
        return list(known)

    def contributors(self, workstream: str, step: int, lead: str) -> list[str]:
        known = self._contributors.get((workstream, step, lead))
        if known is not None:
            return known
        c = self.planning.contributors
        roles = [self.acting[r] for r in (*c.by_workstream.get(workstream, []), *c.by_step.get(step, []))]
        names = [self.names[r] for r in roles if r != lead]
        found = [n for i, n in enumerate(names) if n not in names[:i] and n != self.names[lead]]
        self._contributors[(workstream, step, lead)] = found
        return found


def _task(
    decisions: list[ActionDecision],
    action: Action,
    anchor: int,
    ongoing: bool,
    framework: Framework,
    planning: PlanningFile,
    people: _People,
    tools: dict[str, list[str]],
    applies: Mapping[str, str],
) -> PlannedTask:
    codes = [d.workstream for d in decisions]
    task_id, title, description, number = _words(framework, action, codes[0])
    lead = people.lead(codes[0], number, action.id)
    include = Effect.include
    lists = {id(d.reasons): d.reasons for d in decisions}.values()  # the workstreams often share one
    why = list(dict.fromkeys(r.text for reasons in lists for r in reasons if r.effect is include))
    why += [applies[code] for code in codes]
    return PlannedTask(
        id=task_id,
        workstream=codes[0],
        workstreams=codes,
        step=number,
        action=action.id,
        title=title,
        description=description,
        lead=people.names[lead],
        contributors=people.all_contributors(tuple(codes), number, lead),
        duration_days=planning.durations.days(action.id, number),
        depends_on=[],
        start=dt.date.min,
        due=dt.date.min,
        ongoing=ongoing,
        critical=False,
        slack_days=None,
        tools=sorted({tool for code in codes for tool in tools.get(f"{code}:{action.id}", [])}),
        provenance=why,
        anchor=anchor,
    )


_WORDS: dict[tuple[int, str, str], tuple[Framework, tuple[str, str, str, int]]] = {}


def _words(framework: Framework, action: Action, code: str) -> tuple[str, str, str, int]:
    """A task's id, title and description and its step's number: the same in every plan made from the same
    content, so made once."""
    key = (id(framework), action.id, code)
    known = _WORDS.get(key)
    if known is None or known[0] is not framework:
        ws, step = framework.workstream(code), framework.step(action.step)
        shared = action.scope is Scope.shared
        details = " ".join(filter(None, [action.detail, *action.sub_activities]))
        words = (
            action.id if shared else f"{ws.code}-{action.id}",
            action.name if shared else f"{action.name} ({_in_brackets(ws)})",
            f"Step {step.number} · {step.name}. {details}".strip(),
            step.number,
        )
        if len(_WORDS) > 4096:
            _WORDS.clear()
        known = _WORDS[key] = (framework, words)
    return known[1]


def task_words(framework: Framework, action: str, code: str) -> tuple[str, str]:
    """The title and description the plan gives the task of `action` in workstream `code`, in the
    framework's words (a translated framework gives them in its language)."""
    _, title, description, _ = _words(framework, framework.action(action), code)
    return title, description


def _in_brackets(ws: Workstream) -> str:
    """A workstream's name inside a task title's brackets, its qualifier kept: 'Common Premises, where
    feasible' (a bracket in a bracket would read badly)."""
    return f"{ws.name}, {ws.qualifier.strip('() ')}" if ws.qualifier else ws.name


def _link(tasks: list[PlannedTask]) -> None:
    """Each task waits for every task of the previous anchor step present in its workstream (a shared task:
    in each of its workstreams)."""
    groups: dict[str, dict[int, list[PlannedTask]]] = defaultdict(lambda: defaultdict(list))
    for t in tasks:
        if not t.ongoing:
            for code in t.workstreams:
                groups[code][t.anchor].append(t)
    before: dict[str, set[str]] = defaultdict(set)
    for steps in groups.values():
        anchors = sorted(steps)
        for previous, current in zip(anchors, anchors[1:], strict=False):
            for t in steps[current]:
                before[t.id].update(p.id for p in steps[previous])
    for t in tasks:
        if t.id in before:
            t.depends_on = sorted(before[t.id])


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
    ws_end: dict[str, int] = {}  # each workstream's last task's end
    for x in network:
        for code in x.workstreams:
            ws_end[code] = max(ws_end.get(code, 0), finish[x.id])
    for t in tasks:
        if t.ongoing:  # spans its workstream's plan, from the start to its last task's end
            last = max((ws_end[c] for c in t.workstreams if c in ws_end), default=t.duration_days)
            t.offset_days, t.duration_days = 0, last
    return max([end, *(t.duration_days for t in tasks if t.ongoing)])
