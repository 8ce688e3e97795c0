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
        PlanWithTasks,
        RevisionPublic,
        SignOffPublic,
        StartedRunPublic,
        StepPublic,
        TaskEventPublic,
        TaskPublic,
    )
    from cer.views.requests import FlowRunRequest, SignOffRequest
    from diagnostics.answers import AnswerSet
    from workstreams.status import TaskStatus


@dataclass(frozen=True)
class TaskQuery:
    """Which of a country's tasks: narrowed by workstream, status, and to open ones past due."""

    country: str
    workstream: str | None = None
    status: TaskStatus | None = None
    overdue: bool = False


class Backend(Protocol):
    def create_plan(self, answers: AnswerSet, country: str | None, start: dt.date) -> PlanWithTasks: ...

    def rediagnose(self, country: str, answers: AnswerSet) -> RevisionPublic: ...

    def plan(self, country: str) -> PlanWithTasks: ...

    def tasks(self, query: TaskQuery) -> list[TaskPublic]: ...

    def change_task(self, ref: str, change: TaskChange, version: int | None) -> TaskPublic: ...

    def history(self, ref: str) -> list[TaskEventPublic]: ...

    def start_workstream(self, request: FlowRunRequest) -> StartedRunPublic: ...

    def start_change_process(
        self, answers: AnswerSet, country: str, start: dt.date | None
    ) -> StartedRunPublic: ...

    def sign_off(self, request: SignOffRequest) -> SignOffPublic: ...

    def steps(self, country: str, workstream: str) -> list[StepPublic]: ...

    def runs(self, country: str) -> list[FlowRunPublic]: ...
