"""What the command line asks for, over one interface with two implementations: `Local` works on the
database through the services (as a local operator), `Remote` asks a cer-toolkit server's JSON API as the
user of a token (`CER_SERVER_URL` and `CER_TOKEN`). Both answer cer.views.public's models, so each command
is written once and prints the same thing either way."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import TYPE_CHECKING, Protocol

if TYPE_CHECKING:
    from cer.services.tasks import TaskChange
    from cer.views.public import (
        FlowRunPublic,
        ImportPublic,
        PlanPublic,
        PlanWithTasks,
        RevisionPublic,
        SignOffCodePublic,
        SignOffPublic,
        StartedRunPublic,
        StepPublic,
        TaskEdited,
        TaskEventPublic,
        TaskPublic,
    )
    from cer.views.requests import (
        FlowRunRequest,
        PlanImportRequest,
        SignOffCodeRequest,
        SignOffRequest,
        TaskCreate,
    )
    from diagnostics.answers import AnswerSet
    from diagnostics.working_calendars import CalendarEdit
    from workstreams.status import TaskStatus


@dataclass(frozen=True)
class TaskQuery:
    """Which tasks: a country's (None: of every country one has a role in), narrowed by workstream, status,
    to open ones past due, to one's own (assigned to them or led by their agency) or to an agency's."""

    country: str | None
    workstream: str | None = None
    status: TaskStatus | None = None
    overdue: bool = False
    mine: bool = False
    agency: str | None = None


@dataclass(frozen=True)
class PlanTiming:
    """When a new plan starts, the target it is planned backward from (None: the next programme cycle's
    start, when the answers give one) and the changes to the country's working calendar."""

    start: dt.date
    finish_by: dt.date | None = None
    calendar: CalendarEdit | None = None


class Backend(Protocol):
    def create_plan(self, answers: AnswerSet, country: str | None, timing: PlanTiming) -> PlanWithTasks: ...

    def rediagnose(self, country: str, answers: AnswerSet) -> RevisionPublic: ...

    def plan(self, country: str) -> PlanWithTasks: ...

    def tasks(self, query: TaskQuery) -> list[TaskPublic]: ...

    def change_task(self, ref: str, change: TaskChange, version: int | None) -> TaskEdited: ...

    def follow_dependencies(self, country: str, follow: bool) -> PlanPublic: ...

    def add_task(self, country: str, request: TaskCreate) -> TaskEdited: ...

    def import_plan(self, country: str, request: PlanImportRequest) -> ImportPublic: ...

    def history(self, ref: str) -> list[TaskEventPublic]: ...

    def start_workstream(self, request: FlowRunRequest) -> StartedRunPublic: ...

    def start_change_process(
        self, answers: AnswerSet, country: str, start: dt.date | None
    ) -> StartedRunPublic: ...

    def sign_off(self, request: SignOffRequest) -> SignOffPublic: ...

    def signoff_code(self, request: SignOffCodeRequest) -> SignOffCodePublic: ...

    def steps(self, country: str, workstream: str) -> list[StepPublic]: ...

    def runs(self, country: str) -> list[FlowRunPublic]: ...
