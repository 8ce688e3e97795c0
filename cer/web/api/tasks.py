"""Tracked tasks: list (by country, workstream, step, status, lateness), read, change, history."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Query, Request

from cer.services import stamps
from cer.services import tasks as task_service
from cer.services.access import Action
from cer.views.public import Page, TaskEdited, TaskEventPublic, TaskHistory, TaskPublic
from cer.views.requests import TaskUpdate
from cer.web.api.errors import PERSONAL
from cer.web.api.paging import PageNumber, PerPage, offset, page_of
from cer.web.deps import DB, CurrentUser
from cer.web.page_cache import Stamp, cached_page
from workstreams.status import TaskStatus

router = APIRouter(prefix="/api", tags=["api"], responses=PERSONAL)
_EVERY_TASK = Stamp(scope=lambda _: None, read=lambda session, _: stamps.tasks_stamp(session=session))


@router.get("/tasks", response_model=Page[TaskPublic])
@cached_page(_EVERY_TASK)
def api_tasks(
    request: Request,  # noqa: ARG001  (cached_page reads it)
    session: DB,
    who: CurrentUser,
    country: Annotated[str | None, Query(max_length=3, description="ISO 3166 alpha-3")] = None,
    workstream: Annotated[str | None, Query(max_length=1)] = None,
    step: Annotated[int | None, Query(ge=1, le=9)] = None,
    status: Annotated[TaskStatus | None, Query()] = None,
    overdue: Annotated[bool, Query(description="Only open tasks past their due date")] = False,
    mine: Annotated[bool, Query(description="Only yours: assigned to you, or led by your agency")] = False,
    agency: Annotated[
        str | None, Query(max_length=20, description="Led by it or it among the contributors")
    ] = None,
    agency_role: Annotated[
        Literal["lead", "contributor"] | None, Query(description="With agency: one side")
    ] = None,
    page: PageNumber = 1,
    per_page: PerPage = 100,
) -> dict[str, Any]:
    """Tasks of the plans the user may read, or of one country's; by country, then start date."""
    late = dt.date.today() if overdue else None
    which = task_service.TaskFilter(country, workstream, step, status, late, mine, agency, agency_role)
    total, rows = task_service.find_tasks(
        session=session, who=who, which=which, offset=offset(page, per_page), limit=per_page
    )
    items = [TaskPublic.of(t, code) for t, code in rows]
    return page_of(items, total, page, per_page).model_dump(mode="json")  # cached as it is sent


@router.get("/tasks/{ref:path}/history", response_model=TaskHistory)
def api_task_history(ref: str, session: DB, who: CurrentUser) -> TaskHistory:
    """Every change to a task: who, when, what it was and what it became."""
    events = task_service.history_for(session=session, who=who, ref=ref)
    return TaskHistory(ref=ref, items=[TaskEventPublic.of(e) for e in events])


@router.get("/tasks/{ref:path}", response_model=TaskPublic)
def api_task(ref: str, session: DB, who: CurrentUser) -> TaskPublic:
    """A task by number or reference (e.g. MWI-B-4.1)."""
    return TaskPublic.of(*task_service.task_for(session=session, ref=ref, who=who, action=Action.read_plan))


@router.patch("/tasks/{ref:path}", response_model=TaskEdited)
def api_update_task(ref: str, body: TaskUpdate, session: DB, who: CurrentUser) -> TaskEdited:
    """Change a task (status, possibly dated in the past, owners, assignee, dates, dependencies, note,
    progress note, comment) on the version you saw; needs the member role. The answer names the tasks that
    moved to follow it and those that now start before what they depend on ends."""
    edited = task_service.edit_task(
        session=session, who=who, task=ref, change=body.change(), expected_version=body.version
    )
    return TaskEdited.of_edit(edited)
