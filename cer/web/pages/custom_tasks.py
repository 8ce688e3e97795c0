"""Adding a task of the country team's own to its plan: the form, and the task it makes (then its page)."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from cer.services import custom_tasks
from cer.services.errors import Conflict
from cer.views.error_words import in_words
from cer.views.task_form import NewTaskForm
from cer.web.deps import DB, CurrentUser, Today, language
from cer.web.templating import render, tr
from workstreams.errors import InvalidRequest

router = APIRouter(include_in_schema=False)  # pages; the API documents /api only


def _form(
    request: Request,
    found: custom_tasks.TaskFormChoices,
    form: dict[str, Any],
    error: str | None,
    status: int,
) -> HTMLResponse:
    title = tr(request, "Add a task to the plan")
    return render(request, "add_task.html", status, title=title, plan=found.plan, choices=found.choices,
                  form=form, error=error)  # fmt: skip


@router.get("/countries/{code}/add-task", response_class=HTMLResponse)
def add_task_form(request: Request, code: str, session: DB, who: CurrentUser) -> HTMLResponse:
    """The form adding a task to the plan, for someone who may change its tasks."""
    found = custom_tasks.new_task_choices(session=session, who=who, country=code)
    return _form(request, found, {}, None, 200)


@router.post("/countries/{code}/add-task", response_class=HTMLResponse)
def add_task(
    request: Request,
    code: str,
    session: DB,
    who: CurrentUser,
    today: Today,
    form: Annotated[NewTaskForm, Form()],
) -> Response:
    """Add the task, then show its page; a refusal keeps what was typed, with the reason in words."""
    try:
        added = custom_tasks.add_task(session=session, who=who, country=code, new=form.new(), today=today)
    except (Conflict, InvalidRequest) as exc:
        found = custom_tasks.new_task_choices(session=session, who=who, country=code)
        said, status_code = in_words(exc, language(request)), 409 if isinstance(exc, Conflict) else 422
        return _form(request, found, form.shown(), said, status_code)
    return RedirectResponse(f"/countries/{added.country}/tasks/{added.task.id}", 303)
