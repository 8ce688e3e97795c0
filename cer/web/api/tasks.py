"""Tracked tasks: list (by country, workstream, step, status, lateness), read, change, history."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any

from fastapi import APIRouter, Query, Request

from cer.services import stamps
from cer.services import tasks as task_service
from cer.services.access import Action
from cer.views.public import Page, TaskEventPublic, TaskHistory, TaskPublic
from cer.views.requests import TaskUpdate
from cer.web.api.paging import PageNumber, PerPage, offset, page_of
from cer.web.deps import DB, CurrentUser
from cer.web.page_cache import Stamp, cached_page
from workstreams.status import TaskStatus

router = APIRouter(prefix="/api", tags=["api"])
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
    page: PageNumber = 1,
    per_page: PerPage = 100,
) -> dict[str, Any]:
    """Tasks of the plans the user may read, or of one country's; by country, then start date."""
    late = dt.date.today() if overdue else None
    which = task_service.TaskFilter(country, workstream, step, status, late)
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


@router.patch("/tasks/{ref:path}", response_model=TaskPublic)
def api_update_task(ref: str, body: TaskUpdate, session: DB, who: CurrentUser) -> TaskPublic:
    """Change a task (status, owners, dates, comment) on the version you saw; needs the member role."""
    task, country = task_service.change_task(
        session=session, who=who, task=ref, change=body.change(), expected_version=body.version
    )
    return TaskPublic.of(task, country)
