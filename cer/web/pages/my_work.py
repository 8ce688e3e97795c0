"""Whose work it is: "My tasks" (assigned to me, or led by my agency) and "My agency" (as lead and as
contributor, side by side), across the countries the user has a role in; the filters live in the URL."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse

from cer.services.my_work import my_work
from cer.web.deps import DB, CurrentUser, Today
from cer.web.templating import render, tr
from workstreams.status import TaskStatus, lateness

router = APIRouter(include_in_schema=False)  # pages; the API documents /api only


@router.get("/tasks", response_class=HTMLResponse)
def my_tasks(
    request: Request,
    session: DB,
    who: CurrentUser,
    today: Today,
    agency: Annotated[str, Query(max_length=20, description="Its tasks as lead and as contributor")] = "",
    status: Annotated[TaskStatus | None, Query()] = None,
) -> HTMLResponse:
    """The user's own tasks, or an agency's, narrowed by status."""
    found = my_work(session=session, who=who, agency=agency, status=status)
    mine = tr(request, "My tasks")
    title = tr(request, "Agency: %(agency)s", agency=found.agency) if found.agency else mine
    return render(
        request, "my_tasks.html", title=title, found=found, status=status.value if status else "",
        statuses=[s.value for s in TaskStatus], late=lambda t: lateness(t.status, t.due, today)[0],
    )  # fmt: skip
