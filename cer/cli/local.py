"""The command line on the database: each request is one service call in its own session, made by the local
operator (who holds the database, so every role), signed with `--as`, `CER_USER` or the login name."""

from __future__ import annotations

import datetime as dt
import getpass
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING, TypeVar

from cer.cli.app import stored_content
from cer.runtime.config import Settings
from cer.services import custom_tasks, plan_import, planning, runs, scheduling, signoff_codes, tasks, workflow
from cer.services.access import local_operator
from cer.services.database import session_for
from cer.services.progress import plan_progress
from cer.views.i18n import current_language
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

if TYPE_CHECKING:
    from sqlmodel import Session

    from cer.cli.backend import PlanTiming, TaskQuery
    from cer.services.runs import Launcher
    from cer.services.tasks import TaskChange
    from cer.views.requests import (
        FlowRunRequest,
        PlanImportRequest,
        SignOffCodeRequest,
        SignOffRequest,
        TaskCreate,
    )
    from diagnostics.answers import AnswerSet

T = TypeVar("T")


class Local:
    def __init__(self, settings: Settings, acting_as: str | None) -> None:
        self.settings = settings
        self.who = local_operator(acting_as or settings.user or getpass.getuser())

    @contextmanager
    def _session(self) -> Iterator[Session]:
        with session_for(self.settings) as session:
            yield session

    def _plan(self, session: Session, country: str) -> PlanWithTasks:
        return PlanWithTasks.of(
            plan_progress(session=session, who=self.who, country=country, today=dt.date.today())
        )

    def create_plan(self, answers: AnswerSet, country: str | None, timing: PlanTiming) -> PlanWithTasks:
        with self._session() as session:
            plan = planning.new_plan(
                session=session,
                who=self.who,
                content=stored_content(),
                answer_set=answers,
                country=country,
                start=timing.start,
                finish_by=timing.finish_by,
                calendar=timing.calendar,
            )
            return self._plan(session, plan.country_code)

    def rediagnose(self, country: str, answers: AnswerSet) -> RevisionPublic:
        with self._session() as session:
            revision = planning.rediagnose(
                session=session, who=self.who, country=country, answer_set=answers, content=stored_content()
            )
            return RevisionPublic.of(revision)

    def plan(self, country: str) -> PlanWithTasks:
        with self._session() as session:
            return self._plan(session, country)

    def tasks(self, query: TaskQuery) -> list[TaskPublic]:
        late = dt.date.today() if query.overdue else None
        which = tasks.TaskFilter(
            query.country, query.workstream, None, query.status, late, query.mine, query.agency
        )
        with self._session() as session:
            _, found = tasks.find_tasks(session=session, who=self.who, which=which)
            return [TaskPublic.of(t, code) for t, code in found]

    def change_task(self, ref: str, change: TaskChange, version: int | None) -> TaskEdited:
        with self._session() as session:
            edited = tasks.edit_task(
                session=session, who=self.who, task=ref, change=change, expected_version=version
            )
            return TaskEdited.of_edit(edited)

    def follow_dependencies(self, country: str, follow: bool) -> PlanPublic:
        with self._session() as session:
            progress = scheduling.follow_dependencies(
                session=session, who=self.who, country=country, follow=follow, today=dt.date.today()
            )
            return PlanPublic.of(progress)

    def add_task(self, country: str, request: TaskCreate) -> TaskEdited:
        with self._session() as session:
            added = custom_tasks.add_task(
                session=session, who=self.who, country=country, new=request.new(), today=dt.date.today()
            )
            return TaskEdited.of_edit(added)

    def import_plan(self, country: str, request: PlanImportRequest) -> ImportPublic:
        with self._session() as session:
            checked, imported = plan_import.import_file(
                session=session, who=self.who, framework=stored_content().framework, country=country,
                data=request.data(), filename=request.filename, today=dt.date.today(),
                mapping=request.mapping, workstream=request.workstream, dry_run=request.dry_run,
            )  # fmt: skip
            return ImportPublic.of(checked, imported, current_language())

    def history(self, ref: str) -> list[TaskEventPublic]:
        with self._session() as session:
            return [TaskEventPublic.of(e) for e in tasks.history_for(session=session, who=self.who, ref=ref)]

    def start_workstream(self, request: FlowRunRequest) -> StartedRunPublic:
        return self._started(
            lambda session, launcher: runs.start_workstream_run(
                session=session, who=self.who, country=request.country, workstream=request.workstream,
                values=request.parameters, launcher=launcher,
            )
        )  # fmt: skip

    def start_change_process(
        self, answers: AnswerSet, country: str, start: dt.date | None
    ) -> StartedRunPublic:
        return self._started(
            lambda session, launcher: runs.start_change_process(
                session=session, who=self.who, content=stored_content(), answer_set=answers, country=country,
                start=start, launcher=launcher,
            )
        )  # fmt: skip

    def _started(self, start: Callable[[Session, Launcher], runs.StartedRun]) -> StartedRunPublic:
        with self._session() as session:
            return StartedRunPublic.of(start(session, _launcher()))

    def sign_off(self, request: SignOffRequest) -> SignOffPublic:
        with self._session() as session:
            signed = runs.sign_off_step(
                session=session, who=self.who, country=request.country, workstream=request.workstream,
                step=request.step, note=request.note, framework=stored_content().framework,
                launcher=_launcher(),
            )  # fmt: skip
            return SignOffPublic.of(signed)

    def signoff_code(self, request: SignOffCodeRequest) -> SignOffCodePublic:
        with self._session() as session:
            issued = signoff_codes.issue(
                session=session, who=self.who, country=request.country, workstream=request.workstream,
                step=request.step,
            )  # fmt: skip
            return SignOffCodePublic.of(issued)

    def steps(self, country: str, workstream: str) -> list[StepPublic]:
        with self._session() as session:
            found = workflow.steps_for(session=session, who=self.who, country=country, code=workstream)
            return [StepPublic.of(s) for s in found]

    def runs(self, country: str) -> list[FlowRunPublic]:
        with self._session() as session:
            found = runs.runs_of_country(session=session, who=self.who, country=country, launcher=_launcher())
            return [FlowRunPublic.of(link, found.states) for link in found.links]


def _launcher() -> Launcher:
    """Prefect, as the services reach it (imported only when a command needs it: `cer --help` stays fast)."""
    from flows.launch import PrefectLauncher

    return PrefectLauncher()
