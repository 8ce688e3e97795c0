"""What the JSON API answers, and what `cer … --json` prints, as pydantic models: one shape per resource.

The API declares them as `response_model` (so the OpenAPI document describes every answer); the command line
builds them from the services' results when it works on the database and reads them back from the API when it
talks to a server (`CER_SERVER_URL`), so both print the same thing. Dates are ISO 8601; times are UTC.
"""

from __future__ import annotations

import datetime as dt
from typing import Any, Generic, Literal, TypeVar

from pydantic import Field

from cer.db.records import ReasonRecord, WorkstreamChoice
from cer.db.tables import PlanRevisionRow, TaskEventRow, TaskRow
from cer.services.diagnosis import Report, reasons, workstream_choices
from cer.services.planning import Adopted
from cer.services.progress import CountryProgress
from cer.services.task_changes import Edited
from cer.views.public_base import Public
from cer.views.public_imports import ImportPublic as ImportPublic  # an import's shape lives there
from cer.views.public_runs import FlowRunPublic as FlowRunPublic  # the runs' shapes live there
from cer.views.public_runs import SignOffCodePublic as SignOffCodePublic
from cer.views.public_runs import SignOffPublic as SignOffPublic
from cer.views.public_runs import StartedRunPublic as StartedRunPublic
from cer.views.public_runs import StepPublic as StepPublic
from cer.views.schedule import Schedule
from diagnostics.planner import public_values
from workstreams.status import Progress, task_reference

T = TypeVar("T")


class Page(Public, Generic[T]):
    """One page of a list: `total` items in all, `per_page` from page `page` (from 1)."""

    total: int
    page: int
    per_page: int
    items: list[T]


# ---- content  ----------------------------------------------------------------------------------------------


class ToolBrief(Public):
    id: str
    title: str
    type: str
    year: int | None
    countries: list[str]
    source: str


# ---- diagnoses  --------------------------------------------------------------------------------------------


class ActionChoice(Public):
    id: str
    workstream: str
    step: int
    reasons: list[ReasonRecord]


class ToolChoice(Public):
    id: str
    reasons: list[ReasonRecord]


class PlannedDates(Public):
    start: dt.date
    requested_start: dt.date | None = Field(description="The start asked for, when it fell on a day off")
    end: dt.date
    critical_path: list[str]
    schedule: Schedule = Field(description="Its calendar and target (default: the next programme cycle)")
    calendar_text: str = Field(description="The calendar in words")


class PlannedTask(Public):
    id: str = Field(description="'<workstream>-<action>', e.g. 'B-5.1'; a shared action's own id, e.g. '1.1'")
    workstream: str = Field(description="The first of its workstreams")
    workstreams: list[str] = Field(description="Every workstream it serves: several for a shared action")
    step: int
    action: str
    title: str
    description: str
    lead: str
    contributors: list[str]
    duration_days: int
    start: dt.date
    due: dt.date
    depends_on: list[str]
    ongoing: bool
    critical: bool
    slack_days: int | None
    tools: list[str]
    provenance: list[str]


class DiagnosisPublic(Public):
    """A diagnosis: which workstreams, actions and tools, each with the reasons, and the plan it gives."""

    id: int | None = Field(default=None, description="The stored diagnosis (none for a draft's preview)")
    created_by: str | None = None
    created_at: dt.datetime | None = None
    country: str
    country_name: str
    questionnaire_version: str
    content_version: str
    complete: bool
    unanswered: list[str]
    ignored_answers: list[str]
    workstreams: list[WorkstreamChoice]
    actions: list[ActionChoice]
    actions_not_needed: list[ActionChoice]
    tools: list[ToolChoice]
    tools_excluded: list[ToolChoice]
    unapplied_overrides: list[ReasonRecord]
    plan: PlannedDates
    tasks: list[PlannedTask]

    @classmethod
    def of(cls, report: Report, **stored: Any) -> DiagnosisPublic:
        d, plan = report.diagnosis, report.plan

        def action(a: Any) -> ActionChoice:
            return ActionChoice(id=a.action, workstream=a.workstream, step=a.step, reasons=reasons(a.reasons))

        return cls(
            **stored,
            country=report.country.code,
            country_name=report.country.name,
            questionnaire_version=d.questionnaire_version,
            content_version=report.content_version,
            complete=d.answers.complete,
            unanswered=d.answers.missing,
            ignored_answers=d.answers.ignored,
            workstreams=workstream_choices(report),
            actions=[action(a) for a in d.needed],
            actions_not_needed=[action(a) for a in d.actions if not a.needed],
            tools=[ToolChoice(id=t.tool, reasons=reasons(t.reasons)) for t in d.tools],
            tools_excluded=[ToolChoice(id=t.tool, reasons=reasons(t.reasons)) for t in d.tools_excluded],
            unapplied_overrides=reasons(d.unapplied),
            plan=PlannedDates(
                start=plan.start,
                requested_start=plan.requested_start,
                end=plan.end,
                critical_path=plan.critical_path,
                schedule=Schedule.of_report(report),
                calendar_text=report.calendar.describe(),
            ),
            tasks=[PlannedTask.model_validate(public_values(t)) for t in plan.tasks],
        )


# ---- plans and tasks  --------------------------------------------------------------------------------------


class ProgressPublic(Public):
    tasks: int = Field(description="Tasks that count: all but the dropped ones")
    by_status: dict[str, int]
    percent_complete: int
    overdue: int
    due_soon: int

    @classmethod
    def of(cls, progress: Progress) -> ProgressPublic:
        return cls.model_validate(progress.as_dict())


class PlanPublic(Public):
    country: str
    id: int
    start: dt.date
    end: dt.date
    workstreams: list[str] = Field(description="The workstreams the plan runs")
    diagnosis_id: int
    questionnaire_version: str
    content_version: str
    created_by: str
    created_at: dt.datetime
    follow_dependencies: bool = Field(
        default=True, description="Moving a task moves the tasks that depend on it; false: it only warns"
    )
    schedule: Schedule | None = Field(default=None, description="Its calendar and target date")
    progress: ProgressPublic
    by_workstream: dict[str, ProgressPublic]

    @classmethod
    def of(cls, progress: CountryProgress, **more: Any) -> PlanPublic:
        plan = progress.plan
        return cls(
            **more,
            country=plan.country_code,
            id=plan.id or 0,
            start=plan.start,
            end=plan.end,
            workstreams=plan.selected,
            diagnosis_id=plan.diagnosis_id,
            questionnaire_version=plan.questionnaire_version,
            content_version=plan.content_version,
            created_by=plan.created_by,
            created_at=plan.created_at,
            follow_dependencies=plan.follow_dependencies,
            schedule=Schedule.of_plan(plan),
            progress=ProgressPublic.of(progress.overall),
            by_workstream={k: ProgressPublic.of(v) for k, v in sorted(progress.by_workstream.items())},
        )


class TaskPublic(Public):
    ref: str = Field(description="The country's code and the task's key, e.g. MWI-B-5.1 or MWI-1.1")
    id: int
    plan_id: int
    key: str
    workstream: str = Field(description="The first of its workstreams")
    workstreams: list[str] = Field(description="Every workstream it serves: several for a shared action")
    step: int
    action: str
    title: str
    description: str
    lead: str
    contributors: list[str]
    start: dt.date
    due: dt.date
    duration_days: int
    depends_on: list[str]
    ongoing: bool
    critical: bool
    slack_days: int | None
    tools: list[str]
    provenance: list[str]
    status: str
    status_reason: str | None
    status_on: dt.date | None = Field(default=None, description="The day the status took effect")
    note: str = Field(default="", description="The country team's own note")
    assignee: str | None = Field(default=None, description="The user doing it (a username)")
    custom: bool = Field(default=False, description="Added by the country team, not by the toolkit")
    progress_note: str | None = Field(default=None, description="The latest progress, in words")
    progress_on: dt.date | None = Field(default=None, description="The day the progress note describes")
    dropped_by_rediagnosis: bool
    template: str
    opened_at: dt.datetime | None
    version: int
    updated_at: dt.datetime

    @classmethod
    def of(cls, task: TaskRow, country: str) -> TaskPublic:
        return cls.model_validate({"ref": task_reference(country, task.key), **task.model_dump()})


class DependencyConflict(Public):
    task: str = Field(description="A task that starts before a task it depends on ends")
    depends_on: str = Field(description="The task it depends on")


class TaskEdited(TaskPublic):
    """A task as a change left it, with the tasks the change moved (the plan follows its dependencies) and
    the conflicts it leaves (it does not, or the task now starts before what it depends on ends)."""

    moved: list[str] = Field(default_factory=list, description="Tasks moved to follow their dependencies")
    conflicts: list[DependencyConflict] = Field(default_factory=list)

    @classmethod
    def of_edit(cls, edited: Edited) -> TaskEdited:
        task = TaskPublic.of(edited.task, edited.country).model_dump()
        moved = [task_reference(edited.country, t.key) for t in edited.moved]
        pairs = [DependencyConflict(task=d, depends_on=p) for d, p in edited.conflicts]
        return cls.model_validate(task | {"moved": moved, "conflicts": pairs})


class PlanWithTasks(Public):
    plan: PlanPublic
    tasks: list[TaskPublic]

    @classmethod
    def of(cls, progress: CountryProgress) -> PlanWithTasks:
        code = progress.plan.country_code
        return cls(plan=PlanPublic.of(progress), tasks=[TaskPublic.of(t, code) for t in progress.tasks])


class RevisionPublic(Public):
    """A re-diagnosis merged into a plan: the task keys it added, reinstated, dropped and re-planned."""

    id: int
    plan_id: int
    diagnosis_id: int
    at: dt.datetime
    by: str
    added: list[str]
    reinstated: list[str]
    dropped: list[str]
    changed: list[str]
    completed_not_needed: list[str] = Field(description="Done work the new answers no longer call for")

    @classmethod
    def of(cls, revision: PlanRevisionRow) -> RevisionPublic:
        return cls.model_validate(revision.model_dump())


class CreatedPlan(PlanPublic):
    """The plan a diagnosis was taken into: 'created', or 'merged' into the plan the country had."""

    result: Literal["created", "merged"]
    revision: RevisionPublic | None = Field(default=None, description="What a merge changed")

    @classmethod
    def of_adopted(cls, adopted: Adopted, progress: CountryProgress) -> CreatedPlan:
        revision = RevisionPublic.of(adopted.revision) if adopted.revision else None
        return cls.model_validate(
            PlanPublic.of(progress).model_dump() | {"result": adopted.what, "revision": revision}
        )


class TaskEventPublic(Public):
    id: int
    task_id: int
    at: dt.datetime
    by: str
    field: str = Field(description="What changed: 'status', 'lead', 'due', 'progress', … or 'comment'")
    old: Any
    new: Any
    comment: str | None
    as_of: dt.date | None = Field(default=None, description="The day a status or progress note is dated")

    @classmethod
    def of(cls, event: TaskEventRow) -> TaskEventPublic:
        return cls.model_validate(event.model_dump())


class TaskHistory(Public):
    ref: str
    items: list[TaskEventPublic]
