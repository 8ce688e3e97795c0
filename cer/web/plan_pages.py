"""Countries and the portfolio: a country's plan (tasks, timeline, history, exports, flows and sign-offs).

A status change says which version of the task it was made on; when someone changed the task meanwhile the
change is refused (409) and the current state is shown beside what the person typed, never overwritten.
"""

from __future__ import annotations

import datetime as dt
import enum
import types
import typing
from typing import Annotated, Any
from urllib.parse import urlencode

from fastapi import APIRouter, Form, Path, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from sqlmodel import Session, select
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import FormData

from cer.db.tables import Country, Plan, Task
from cer.services import progress as progress_service
from cer.services import runs, stamps, workflow
from cer.services import tasks as task_service
from cer.services.access import Action, Principal, require
from cer.services.errors import Conflict, InvalidFields
from cer.services.plans import get_plan, plan_tasks
from cer.services.runs import Launcher
from cer.web.charts import Bar, ProgressRow, progress_svg, timeline_svg
from cer.web.deps import DB, CurrentUser, Launch, RowId, content
from cer.web.page_cache import Stamp, cached_page
from cer.web.templating import is_fragment, render, tr
from workstreams.errors import InvalidRequest, NotFound
from workstreams.parameters import LABELS, RUN_PARAMETERS, WorkstreamRun
from workstreams.status import NEEDS_REASON, OPEN, TaskStatus, lateness, next_statuses, task_reference

router = APIRouter(include_in_schema=False)  # pages; the API documents /api only
GROUPS = ("step", "workstream")
HIDDEN_PARAMETERS = ("country", "plan_id", "by")


def _today() -> dt.date:
    return dt.date.today()


def _country_name(session: Session, code: str) -> str:
    row = session.get(Country, code)
    return row.name if row else code


@router.get("/countries", response_class=HTMLResponse)
def countries(request: Request, session: DB, who: CurrentUser) -> HTMLResponse:
    """The countries whose plans the user may read."""
    today = _today()
    progress = progress_service.portfolio_progress(session=session, today=today, countries=who.readable())
    names = {c.code: c.name for c in session.exec(select(Country)).all()}
    return render(request, "countries.html", title=tr(request, "Countries"), progress=progress, names=names)


def _task_ref(plan: Plan, task: Task) -> str:
    return task_reference(plan.country_code, task.key)


PLAN_STAMP = Stamp(  # a plan page changes with its tasks, its diagnosis and the day (overdue marks)
    scope=lambda arguments: str(arguments["code"]).strip().upper(),
    read=lambda session, code: (_today(), stamps.plan_stamp(session=session, country=code)),
)


@router.get("/countries/{code}", response_class=HTMLResponse)
@cached_page(PLAN_STAMP)
def country_plan(
    request: Request,
    code: str,
    session: DB,
    who: CurrentUser,
    group: Annotated[str, Query(pattern="^(step|workstream)$")] = "step",
    workstream: Annotated[str | None, Query(max_length=1)] = None,
    step: Annotated[int | None, Query(ge=1, le=9)] = None,
    status: Annotated[TaskStatus | None, Query()] = None,
    changed: Annotated[str | None, Query(max_length=80)] = None,
) -> HTMLResponse:
    require(who, Action.read_plan, code)
    today = _today()
    p = progress_service.country_progress(session=session, country=code, today=today)
    shown = [
        t
        for t in p.tasks
        if (not workstream or t.workstream == workstream.upper())
        and (step is None or t.step == step)
        and (status is None or t.status == status.value)
    ]

    def order(t: Task) -> tuple[Any, ...]:
        first = (t.step, t.workstream) if group == "step" else (t.workstream, t.step)
        return (*first, t.start, t.key)

    shown.sort(key=order)
    return render(
        request,
        "plan.html",
        title=tr(request, "%(country)s: the plan", country=_country_name(session, p.country)),
        p=p,
        plan=p.plan,
        tasks=shown,
        group=group,
        facets={
            "workstream": (workstream or "").upper(),
            "step": step,
            "status": status.value if status else "",
        },
        statuses=[s.value for s in TaskStatus],
        today=today,
        changed=changed,
        created=request.query_params.get("created"),
        merged=request.query_params.get("merged"),
        refs={t.id: _task_ref(p.plan, t) for t in p.tasks},
        late={t.id for t in p.overdue},
        framework=content(request).framework,
    )


def _readable_plan(session: Session, code: str, who: Principal) -> Plan:
    """The country's plan, if `who` may read it (403 before 404: not even whether it exists)."""
    require(who, Action.read_plan, code)
    return get_plan(session=session, country=code)


def _plan_task(session: Session, code: str, task_id: int, who: Principal) -> tuple[Plan, Task]:
    return task_service.plan_task(session=session, country=code, task_id=task_id, who=who)


def _task_context(plan: Plan, task: Task) -> dict[str, Any]:
    ref = _task_ref(plan, task)
    return {
        "plan": plan,
        "task": task,
        "ref": ref,
        "next_statuses": [s.value for s in next_statuses(TaskStatus(task.status))],
        "needs_reason": sorted(s.value for s in NEEDS_REASON),
        "late": lateness(task.status, task.due, _today())[0],
    }


@router.get("/countries/{code}/tasks/{task_id}", response_class=HTMLResponse)
def task_page(request: Request, code: str, task_id: RowId, session: DB, who: CurrentUser) -> HTMLResponse:
    plan, task = _plan_task(session, code, task_id, who)
    ctx = _task_context(plan, task)
    history = task_service.task_history(session=session, ref=str(task.id))
    deps = {
        k: session.exec(select(Task).where(Task.plan_id == plan.id, Task.key == k)).first()
        for k in task.depends_on
    }
    return render(
        request,
        "task.html",
        title=f"{ctx['ref']} {task.title}",
        history=history,
        deps=deps,
        catalogue=content(request).catalogue,
        form={},
        error=None,
        **ctx,
    )


@router.get("/countries/{code}/tasks/{task_id}/{part}", response_class=HTMLResponse)
def task_row(
    request: Request,
    code: str,
    task_id: RowId,
    part: Annotated[str, Path(pattern="^(edit|row)$")],
    session: DB,
    who: CurrentUser,
) -> HTMLResponse:
    """The task's row alone (`row`), or the inline status form in its place (`edit`), for htmx to swap."""
    plan, task = _plan_task(session, code, task_id, who)
    if part == "edit":
        require(who, Action.change_task, plan.country_code)
    ctx = _task_context(plan, task)
    return render(request, "_task_row.html", title="", editing=part == "edit", form={}, error=None, **ctx)


@router.post("/countries/{code}/tasks/{task_id}", response_class=HTMLResponse)
def change_task(
    request: Request,
    code: str,
    task_id: RowId,
    session: DB,
    who: CurrentUser,
    version: Annotated[int, Form(ge=1)],
    status: Annotated[str, Form(max_length=20)] = "",
    comment: Annotated[str, Form(max_length=4000)] = "",
) -> Response:
    """Change a task's status and/or add a comment, on the version the person saw."""
    require(who, Action.change_task, code)
    plan, task = _plan_task(session, code, task_id, who)
    form = {"status": status, "comment": comment}
    new_status = None
    error, status_code = None, 200
    try:
        new_status = TaskStatus(status) if status else None
    except ValueError:
        error, status_code = tr(request, "unknown status %(status)s", status=status), 422
    if error is None:
        text = comment.strip() or None
        change = (
            task_service.TaskChange(status=new_status, reason=text)
            if new_status
            else task_service.TaskChange(comment=text)
        )
        try:
            task = task_service.update_task(
                session=session,
                ref=_task_ref(plan, task),
                expected_version=version,
                change=change,
                by=who.username,
            )
        except Conflict as exc:
            session.rollback()
            error, status_code = str(exc), 409
        except InvalidRequest as exc:
            error, status_code = str(exc), 422
    session.refresh(task)
    if error is None and not is_fragment(request):
        target = f"/countries/{plan.country_code}?changed={_task_ref(plan, task)}#t-{task.id}"
        return RedirectResponse(target, status_code=303)
    ctx = _task_context(plan, task)
    if is_fragment(request):
        saved = tr(request, "Saved.") if error is None else None
        return render(
            request,
            "_task_row.html",
            status_code,
            title="",
            editing=error is not None,
            form=form if error else {},
            error=error,
            saved=saved,
            **ctx,
        )
    history = task_service.task_history(session=session, ref=str(task.id))
    return render(
        request,
        "task.html",
        status_code,
        title=f"{ctx['ref']} {task.title}",
        history=history,
        deps={},
        catalogue=content(request).catalogue,
        form=form,
        error=error,
        **ctx,
    )


def _bars(plan: Plan, tasks: list[Task]) -> list[Bar]:
    refs = {t.key: _task_ref(plan, t) for t in tasks}
    ordered = sorted(
        (t for t in tasks if t.status != TaskStatus.dropped), key=lambda t: (t.start, t.step, t.key)
    )
    return [
        Bar(
            ref=refs[t.key],
            label=t.title,
            start=t.start,
            due=t.due,
            status=t.status,
            critical=t.critical and t.status in OPEN | {TaskStatus.completed},
            depends_on=tuple(refs[d] for d in t.depends_on if d in refs),
            href=f"/countries/{plan.country_code}/tasks/{t.id}",
        )
        for t in ordered
    ]


@router.get("/countries/{code}/timeline", response_class=HTMLResponse)
def timeline(
    request: Request,
    code: str,
    session: DB,
    who: CurrentUser,
    workstream: Annotated[str | None, Query(max_length=1)] = None,
) -> HTMLResponse:
    plan = _readable_plan(session, code, who)
    tasks = [
        t
        for t in plan_tasks(session=session, plan=plan)
        if not workstream or t.workstream == workstream.upper()
    ]
    bars = _bars(plan, tasks)
    name = _country_name(session, plan.country_code)
    svg = timeline_svg(bars, _today(), tr(request, "Timeline of %(country)s's plan", country=name))
    return render(
        request,
        "timeline.html",
        title=tr(request, "%(country)s: timeline", country=name),
        plan=plan,
        svg=svg,
        bars=bars,
        critical=[b for b in bars if b.critical],
        facets={"workstream": (workstream or "").upper()},
    )


@router.get("/countries/{code}/timeline.svg")
def timeline_image(request: Request, code: str, session: DB, who: CurrentUser) -> Response:
    plan = _readable_plan(session, code, who)
    bars = _bars(plan, plan_tasks(session=session, plan=plan))
    svg = timeline_svg(
        bars, _today(), tr(request, "Timeline of %(country)s's plan", country=plan.country_code)
    )
    return Response(svg, media_type="image/svg+xml")


@router.get("/countries/{code}/history", response_class=HTMLResponse)
def history(
    request: Request,
    code: str,
    session: DB,
    who: CurrentUser,
    page: Annotated[int, Query(ge=1, le=10_000)] = 1,
) -> HTMLResponse:
    plan = _readable_plan(session, code, who)
    per_page = 100
    events, total = task_service.plan_history(
        session=session, plan=plan, offset=(page - 1) * per_page, limit=per_page
    )
    return render(
        request,
        "history.html",
        title=tr(request, "%(country)s: history", country=_country_name(session, plan.country_code)),
        plan=plan,
        events=events,
        page=page,
        pages=max(1, -(-total // per_page)),
        total=total,
        revisions=task_service.plan_revisions(session=session, plan=plan),
    )


EXPORT_TYPES = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "ics": "text/calendar; charset=utf-8",
}


@router.get("/countries/{code}/export.{fmt}")
def export(request: Request, code: str, fmt: str, session: DB, who: CurrentUser) -> Response:
    from cer.views import exports

    if fmt not in EXPORT_TYPES:
        raise NotFound("export format", fmt, list(EXPORT_TYPES))
    plan = _readable_plan(session, code, who)
    tasks = plan_tasks(session=session, plan=plan)
    names = {w.code: w.name for w in content(request).framework.workstreams}
    data: bytes | str
    if fmt == "csv":
        data = exports.to_csv(plan, tasks)
    elif fmt == "xlsx":
        data = exports.to_xlsx(plan, tasks, names)
    else:
        data = exports.to_ics(plan, tasks, dt.datetime.now(dt.UTC))
    filename = f"cer-{plan.country_code.lower()}-plan-{_today():%Y%m%d}.{fmt}"
    return Response(
        data,
        media_type=EXPORT_TYPES[fmt],
        headers={"Content-Disposition": f'attachment; filename="{filename}"'},
    )


REPORT_TYPES = {"html": "text/html; charset=utf-8", "md": "text/markdown; charset=utf-8"}


@router.get("/countries/{code}/report.{fmt}")
def country_report(request: Request, code: str, fmt: str, session: DB, who: CurrentUser) -> Response:
    """A progress report, as a preview: not recorded, so the next recorded report lists the same changes."""
    from cer.services.reports import country_report as gather
    from cer.views import reports

    if fmt not in REPORT_TYPES:
        raise NotFound("report format", fmt, list(REPORT_TYPES))
    require(who, Action.read_plan, code)
    data = gather(session=session, country=code, today=_today())
    return _report(reports.render_country(data, content(request), fmt), fmt)


@router.get("/portfolio/report.{fmt}")
def portfolio_report(request: Request, fmt: str, session: DB, who: CurrentUser) -> Response:
    """The portfolio report of the countries the user may read."""
    from cer.services.reports import portfolio_report as gather
    from cer.views import reports

    if fmt not in REPORT_TYPES:
        raise NotFound("report format", fmt, list(REPORT_TYPES))
    data = gather(session=session, today=_today(), only=who.readable())
    return _report(reports.render_portfolio(data, content(request), fmt), fmt)


def _report(text: str, fmt: str) -> Response:
    """A report is a document of its own: its stylesheet is inline, and nothing else may run in it."""
    headers = {
        "Content-Security-Policy": "default-src 'none'; style-src 'unsafe-inline'; frame-ancestors 'none'"
    }
    return Response(text, media_type=REPORT_TYPES[fmt], headers=headers)


@router.get("/portfolio", response_class=HTMLResponse)
def portfolio(request: Request, session: DB, who: CurrentUser) -> HTMLResponse:
    """Progress of the countries the user may read, together."""
    today, only = _today(), who.readable()
    countries = progress_service.portfolio_progress(session=session, today=today, countries=only)
    by_workstream, by_step = progress_service.portfolio_breakdown(
        session=session, today=today, countries=only
    )
    overdue, overdue_total = progress_service.overdue_tasks(
        session=session, today=today, limit=20, countries=only
    )
    names = {c.code: c.name for c in session.exec(select(Country)).all()}
    rows = [
        ProgressRow(names.get(code, code), f"/countries/{code}", p.by_status, p.overdue)
        for code, p in countries.items()
    ]
    grid = progress_service.portfolio_grid(session=session, today=today, countries=only)
    return render(
        request,
        "portfolio.html",
        title=tr(request, "Portfolio"),
        countries=countries,
        names=names,
        by_workstream=by_workstream,
        by_step=by_step,
        overdue=overdue,
        overdue_total=overdue_total,
        chart=progress_svg(rows, tr(request, "Share of tasks by status, per country")) if rows else "",
        grid=grid,
        framework=content(request).framework,
        today=today,
    )


# ---- workstream flows and step sign-off -------------------------------------------------------------------


def _unwrap(annotation: Any) -> tuple[bool, Any]:
    """(is a list, the item or value type) of a parameter's annotation, Optional and Annotated removed."""
    origin = typing.get_origin(annotation)
    if origin is Annotated:
        return _unwrap(typing.get_args(annotation)[0])
    if origin is list:
        return True, _unwrap(typing.get_args(annotation)[0])[1]
    if origin in (typing.Union, types.UnionType):
        inner = [a for a in typing.get_args(annotation) if a is not type(None)]
        return _unwrap(inner[0]) if len(inner) == 1 else (False, str)
    return False, annotation


def parameter_fields(model: type[WorkstreamRun]) -> list[dict[str, Any]]:
    """The form fields of a workstream's run parameters, from its pydantic model."""
    fields = []
    for name, info in model.model_fields.items():
        if name in HIDDEN_PARAMETERS:
            continue
        many, kind = _unwrap(info.annotation)
        choices = (
            [(m.value, LABELS.get(m.value, m.value)) for m in kind]
            if isinstance(kind, type) and issubclass(kind, enum.Enum)
            else []
        )
        widget = (
            "checkboxes"
            if many and choices
            else "list"
            if many
            else "select"
            if choices
            else "checkbox"
            if kind is bool
            else "number"
            if kind is int
            else "date"
            if kind is dt.date
            else "text"
        )
        default = info.get_default(call_default_factory=True)
        fields.append(
            {
                "name": name,
                "label": name.replace("_", " ").capitalize(),
                "help": info.description or "",
                "widget": widget,
                "choices": choices,
                "default": default.value if isinstance(default, enum.Enum) else default,
            }
        )
    return fields


def parameters_from_form(model: type[WorkstreamRun], form: Any) -> dict[str, Any]:
    values: dict[str, Any] = {}
    for f in parameter_fields(model):
        name = f["name"]
        if f["widget"] == "checkboxes":
            values[name] = [v for v in form.getlist(name) if v]
        elif f["widget"] == "list":
            values[name] = [v.strip() for v in str(form.get(name) or "").split(",") if v.strip()]
        elif f["widget"] == "checkbox":
            values[name] = form.get(name) == "true"
        elif str(form.get(name) or "").strip():
            values[name] = str(form.get(name)).strip()
    return values


@router.get("/countries/{code}/flows", response_class=HTMLResponse)
def flows_page(request: Request, code: str, session: DB, who: CurrentUser, launch: Launch) -> HTMLResponse:
    require(who, Action.read_plan, code)
    return _flows_page(request, session, launch, code, {}, {}, None)


def _flows_page(
    request: Request,
    session: Session,
    launch: Launcher,
    code: str,
    errors: dict[str, dict[str, str]],
    forms: dict[str, dict[str, Any]],
    message: str | None,
    status_code: int = 200,
) -> HTMLResponse:
    plan = get_plan(session=session, country=code)
    selected = plan.selected
    links = workflow.flow_runs(session=session, country=plan.country_code)
    try:
        states = launch.states([link.flow_run_id for link in links[:50]])
    except Exception:  # noqa: BLE001  (Prefect unreachable mid-way: shown as unknown, the page still works)
        states = None
    steps = {
        c: workflow.workstream_steps(session=session, country=plan.country_code, code=c) for c in selected
    }
    return render(
        request,
        "flows.html",
        status_code,
        title=tr(request, "%(country)s: workstream flows", country=_country_name(session, plan.country_code)),
        plan=plan,
        selected=selected,
        framework=content(request).framework,
        links=links,
        states=states,
        steps=steps,
        parameters={c: parameter_fields(RUN_PARAMETERS[c]) for c in selected},
        errors=errors,
        forms=forms,
        message=message,
        started=request.query_params.get("started"),
        signed=request.query_params.get("signed"),
        note=request.query_params.get("note"),
    )


@router.post("/countries/{code}/flows/{workstream}", response_class=HTMLResponse)
async def start_flow(
    request: Request, code: str, workstream: str, session: DB, who: CurrentUser, launch: Launch
) -> Response:
    """Start a workstream's flow for the country: parameters checked first, each bad one named."""
    form = await request.form()
    # Prefect's client runs its own loop: off the server's event loop, in the thread pool like a sync route.
    return await run_in_threadpool(_start_flow, request, code, workstream, session, form, who, launch)


def _start_flow(
    request: Request, code: str, workstream: str, s: Session, form: FormData, who: Principal, launch: Launcher
) -> Response:
    ws = workstream.strip().upper()
    values = parameters_from_form(RUN_PARAMETERS[ws], form) if ws in RUN_PARAMETERS else {}
    try:
        started = runs.start_workstream_run(
            session=s, who=who, country=code, workstream=ws, values=values, launcher=launch
        )
    except InvalidRequest as exc:  # a bad parameter, no Prefect server or worker: say so, keep the form
        errors = exc.by_field() if isinstance(exc, InvalidFields) else {"form": str(exc)}
        return _flows_page(request, s, launch, code, {ws: errors}, {ws: dict(form)}, None, status_code=422)
    return RedirectResponse(f"/countries/{started.country}/flows?started={started.flow_run_id}", 303)


@router.post("/countries/{code}/signoffs", response_class=HTMLResponse)
def sign_off(
    request: Request,
    code: str,
    session: DB,
    who: CurrentUser,
    launch: Launch,
    workstream: Annotated[str, Form(max_length=1)],
    step: Annotated[int, Form(ge=1, le=6)],
    note: Annotated[str, Form(max_length=2000)] = "",
) -> Response:
    """Sign a workstream's step off; a run waiting for it goes on (now, or at the next monitor-plans run)."""
    ws, framework = workstream.upper(), content(request).framework
    try:
        done = runs.sign_off_step(
            session=session,
            who=who,
            country=code,
            workstream=ws,
            step=step,
            note=note.strip() or None,
            framework=framework,
            launcher=launch,
        )
    except InvalidRequest as exc:
        return _flows_page(request, session, launch, code, {ws: {f"signoff-{step}": str(exc)}}, {}, None, 422)
    said = done.prefect or tr(request, "%(n)s run(s) resumed", n=len(done.resumed_runs))
    query = urlencode({"signed": f"{ws}-{step}", "note": said[:300]})
    return RedirectResponse(f"/countries/{done.country}/flows?{query}#ws-{ws}", status_code=303)
