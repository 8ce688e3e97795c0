"""One task of a country's plan: its page (dates, owners, what it depends on, its history), its row alone or
its inline status form for htmx, a change of its status (possibly dated in the past) or a comment, and a
change of its plan: owners, assignee, dates, dependencies, note, progress note.

A change says which version of the task it was made on; when someone changed the task meanwhile it is
refused (409) and the task's current state is shown beside what the person typed, never overwritten.
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any

from fastapi import APIRouter, Form, Path, Request
from fastapi.responses import HTMLResponse, Response

from cer.services import attachments, country_plans
from cer.services.access import Action, Principal
from cer.services.errors import Conflict
from cer.views import task_words
from cer.views.error_words import in_words
from cer.views.i18n import N_
from cer.views.task_form import TaskForm
from cer.web.deps import DB, CurrentUser, RowId, Today, content, language
from cer.web.notices import redirect_with_notice
from cer.web.pages.history import EVENT_WORDS
from cer.web.templating import is_fragment, render, tr
from workstreams.errors import InvalidRequest
from workstreams.status import NEEDS_REASON, TaskStatus, lateness, next_statuses, task_reference

BAD_STATUS = N_("Status: %(status)s is not a status; choose one from the list.")
CHANGED = N_("%(ref)s was changed.")
router = APIRouter(include_in_schema=False)  # pages; the API documents /api only


def _task_context(found: country_plans.PlanTask, today: dt.date) -> dict[str, Any]:
    plan, task = found.plan, found.task
    return {
        "plan": plan,
        "task": task,
        "ref": task_reference(plan.country_code, task.key),
        "next_statuses": [s.value for s in next_statuses(TaskStatus(task.status))],
        "needs_reason": sorted(s.value for s in NEEDS_REASON),
        "late": lateness(task.status, task.due, today)[0],
    }


def _task_page(
    request: Request,
    found: country_plans.TaskDetail,
    today: dt.date,
    status_code: int = 200,
    form: dict[str, Any] | None = None,
    error: str | None = None,
    edited: country_plans.EditedTask | None = None,
    attached: attachments.TaskAttachments | None = None,
) -> HTMLResponse:
    context, shown = _task_context(found, today), content(request)
    return render(
        request,
        "task.html",
        status_code,
        title=f"{context['ref']} {task_words.title(found.task, shown)}",
        why=task_words.why_from(found.task, found.answers, shown),
        history=found.history,
        event_words=EVENT_WORDS,
        deps=found.depends_on,
        catalogue=shown.catalogue,
        form=form or {},
        error=error,
        choices=found.choices,
        edited=edited,
        attached=attached,
        **context,
    )


def _row(
    request: Request,
    found: country_plans.PlanTask,
    today: dt.date,
    status_code: int = 200,
    *,
    editing: bool = False,
    form: dict[str, str] | None = None,
    error: str | None = None,
    saved: str | None = None,
) -> HTMLResponse:
    """The task's row alone (`editing`: its inline status form), for htmx to swap in."""
    context = _task_context(found, today)
    return render(
        request, "_task_row.html", status_code, title="", editing=editing, form=form or {}, error=error,
        saved=saved, **context,
    )  # fmt: skip


@router.get("/countries/{code}/tasks/{task_id}", response_class=HTMLResponse)
def task_page(
    request: Request, code: str, task_id: RowId, session: DB, who: CurrentUser, today: Today
) -> HTMLResponse:
    """A task of the plan, if the user may read the plan."""
    found = country_plans.task_detail(session=session, who=who, country=code, task_id=task_id)
    attached = attachments.for_task(session=session, who=who, country=code, task_id=task_id)
    return _task_page(request, found, today, attached=attached)


@router.get("/countries/{code}/tasks/{task_id}/{part}", response_class=HTMLResponse)
def task_row(
    request: Request,
    code: str,
    task_id: RowId,
    part: Annotated[str, Path(pattern="^(edit|row)$")],
    session: DB,
    who: CurrentUser,
    today: Today,
) -> HTMLResponse:
    """The task's row alone (`row`), or the inline status form in its place (`edit`), for htmx to swap."""
    action = Action.change_task if part == "edit" else Action.read_plan
    found = country_plans.task_on_plan(session=session, who=who, country=code, task_id=task_id, action=action)
    return _row(request, found, today, editing=part == "edit")


def _status(request: Request, status: str) -> TaskStatus | None:
    try:
        return TaskStatus(status) if status else None
    except ValueError:
        raise InvalidRequest(tr(request, BAD_STATUS, status=repr(status[:40]))) from None


def _refused(
    request: Request,
    session: DB,
    who: Principal,
    code: str,
    task_id: int,
    today: dt.date,
    form: dict[str, Any],
    exc: Exception,
) -> HTMLResponse:
    """The task as it now is, beside the change that was refused and why (409: changed meanwhile); for
    someone who may not change the task, Forbidden."""
    found = country_plans.task_detail(
        session=session, who=who, country=code, task_id=task_id, action=Action.change_task
    )
    status_code = 409 if isinstance(exc, Conflict) else 422
    said = in_words(exc, language(request))
    if is_fragment(request):
        return _row(request, found, today, status_code, editing=True, form=form, error=said)
    return _task_page(request, found, today, status_code, form, said)


@router.post("/countries/{code}/tasks/{task_id}", response_class=HTMLResponse)
def change_task(
    request: Request,
    code: str,
    task_id: RowId,
    session: DB,
    who: CurrentUser,
    today: Today,
    version: Annotated[int, Form(ge=1)],
    status: Annotated[str, Form(max_length=20)] = "",
    comment: Annotated[str, Form(max_length=4000)] = "",
    as_of: Annotated[dt.date | None, Form()] = None,
) -> Response:
    """Change a task's status and/or add a comment, on the version the person saw."""
    try:
        found = country_plans.change_plan_task(
            session=session, who=who, country=code, task_id=task_id, version=version,
            status=_status(request, status), comment=comment, as_of=as_of,
        )  # fmt: skip
    except (Conflict, InvalidRequest) as exc:
        typed = {"status": status, "comment": comment, "as_of": as_of}
        return _refused(request, session, who, code, task_id, today, typed, exc)
    if is_fragment(request):
        return _row(request, found, today, saved=tr(request, "Saved."))
    said = tr(request, CHANGED, ref=task_reference(found.plan.country_code, found.task.key))
    return redirect_with_notice(request, f"/countries/{found.plan.country_code}#t-{found.task.id}", said)


@router.post("/countries/{code}/tasks/{task_id}/plan", response_class=HTMLResponse)
def plan_task(
    request: Request,
    form: Annotated[TaskForm, Form()],
    code: str,
    task_id: RowId,
    session: DB,
    who: CurrentUser,
    today: Today,
) -> HTMLResponse:
    """Change a task's owners, assignee, dates, dependencies, note or progress, on the version seen; the
    page then says which tasks moved to follow it and which now start before what they depend on ends."""
    try:
        edited = country_plans.edit_plan_task(
            session=session,
            who=who,
            country=code,
            task_id=task_id,
            version=form.version,
            change=form.change(),
        )
    except (Conflict, InvalidRequest) as exc:
        return _refused(request, session, who, code, task_id, today, form.shown(), exc)
    return _task_page(request, edited.detail, today, edited=edited)
