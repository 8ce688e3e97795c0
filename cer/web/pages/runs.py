"""A country's workstream flows: for each workstream the plan selects, its steps 1–6 with their sign-offs,
the runs started for it with their Prefect states (unknown while Prefect does not answer), and the form that
starts it, its parameters checked before any run exists, each bad one named."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import HTMLResponse, Response
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import FormData

from cer.services import runs, signoff_codes
from cer.services.access import Principal
from cer.services.errors import InvalidFields
from cer.services.plan_flows import plan_flows
from cer.services.runs import Launcher
from cer.views.error_words import by_field_in, in_words
from cer.views.i18n import N_
from cer.web.deps import DB, CurrentUser, Launch, content, language, stored_content
from cer.web.notices import redirect_with_notice
from cer.web.pages.run_forms import kept_form, parameter_fields, parameters_from_form
from cer.web.templating import render, tr
from workstreams.errors import InvalidRequest
from workstreams.parameters import RUN_PARAMETERS

router = APIRouter(include_in_schema=False)  # pages; the API documents /api only
Errors = dict[str, dict[str, str]]  # by workstream: by field (or "form", "signoff-<step>"), what is wrong
STARTED = N_("Run %(id)s started; the worker picks it up in a few seconds.")
ALREADY = N_("That workstream's run was already going (%(id)s): none was started twice.")
SIGNED = N_("Step %(step)s signed off.")


def _flows_page(
    request: Request,
    session: DB,
    who: Principal,
    launch: Launcher,
    code: str,
    errors: Errors | None = None,
    forms: dict[str, dict[str, Any]] | None = None,
    issued: signoff_codes.Issued | None = None,
) -> HTMLResponse:
    """The flows page; with `errors`, refused (422), what was posted in `forms` shown again."""
    found = plan_flows(session=session, who=who, country=code, launcher=launch)
    return render(
        request,
        "flows.html",
        422 if errors else 200,
        title=tr(request, "%(country)s: workstream flows", country=found.name),
        plan=found.plan,
        selected=found.selected,
        framework=content(request).framework,
        links=found.runs.links,
        states=found.runs.states,
        steps=found.steps,
        parameters={c: parameter_fields(RUN_PARAMETERS[c]) for c in found.selected},
        errors=errors or {},
        forms=forms or {},
        issued=issued,
    )


@router.get("/countries/{code}/flows", response_class=HTMLResponse)
def flows_page(request: Request, code: str, session: DB, who: CurrentUser, launch: Launch) -> HTMLResponse:
    """The plan's workstream flows, if the user may read the plan."""
    return _flows_page(request, session, who, launch, code)


@router.get("/countries/{code}/flows/runs", response_class=HTMLResponse)
def runs_list(
    request: Request, code: str, session: DB, who: CurrentUser, launch: Launch, workstream: str = ""
) -> HTMLResponse:
    """One workstream's runs and their states (the flows page fetches it again while a run is going)."""
    found = plan_flows(session=session, who=who, country=code, launcher=launch)
    return render(
        request, "_runs.html", plan=found.plan, code=workstream.strip().upper()[:1], links=found.runs.links,
        states=found.runs.states,
    )  # fmt: skip


def _start_flow(
    request: Request,
    code: str,
    workstream: str,
    session: DB,
    form: FormData,
    who: Principal,
    launch: Launcher,
) -> Response:
    ws = workstream.strip().upper()
    model = RUN_PARAMETERS.get(ws)
    values = parameters_from_form(model, form) if model else {}
    try:
        started = runs.start_workstream_run(
            session=session, who=who, country=code, workstream=ws, values=values, launcher=launch
        )
    except InvalidRequest as exc:  # a bad parameter, no Prefect server or worker: say so, keep the form
        lang = language(request)
        errors = by_field_in(exc, lang) if isinstance(exc, InvalidFields) else {"form": in_words(exc, lang)}
        return _flows_page(request, session, who, launch, code, {ws: errors}, {ws: kept_form(model, form)})
    if started.already_running:
        said = tr(request, ALREADY, id=started.flow_run_id)
    else:
        said = tr(request, STARTED, id=started.flow_run_id)
    return redirect_with_notice(request, f"/countries/{started.country}/flows#ws-{ws}", said)


@router.post("/countries/{code}/flows/{workstream}", response_class=HTMLResponse)
async def start_flow(
    request: Request, code: str, workstream: str, session: DB, who: CurrentUser, launch: Launch
) -> Response:
    """Start a workstream's flow for the country: parameters checked first, each bad one named."""
    form = await request.form()
    # Prefect's client runs its own loop: off the server's event loop, in the thread pool like a sync route.
    return await run_in_threadpool(_start_flow, request, code, workstream, session, form, who, launch)


@dataclass(frozen=True)
class StepChosen:
    workstream: str
    step: int


def step_chosen(
    workstream: Annotated[str, Form(max_length=1)], step: Annotated[int, Form(ge=1, le=6)]
) -> StepChosen:
    return StepChosen(workstream, step)


@router.post("/countries/{code}/signoff-codes", response_class=HTMLResponse)
def signoff_code(
    request: Request, code: str, session: DB, who: CurrentUser, launch: Launch,
    chosen: Annotated[StepChosen, Depends(step_chosen)],
) -> Response:  # fmt: skip
    """A one-time code that signs the step off as you in the form of the run waiting in Prefect's UI (shown on
    this answer only)."""
    issued = signoff_codes.issue(
        session=session, who=who, country=code, workstream=chosen.workstream, step=chosen.step
    )
    return _flows_page(request, session, who, launch, code, issued=issued)


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
    ws = workstream.upper()
    try:
        done = runs.sign_off_step(
            session=session, who=who, country=code, workstream=ws, step=step, note=note.strip() or None,
            framework=stored_content(request).framework, launcher=launch,
        )  # fmt: skip
    except InvalidRequest as exc:
        refused = {ws: {f"signoff-{step}": in_words(exc, language(request))}}
        return _flows_page(request, session, who, launch, code, refused)
    said = done.prefect or tr(request, "%(n)s run(s) resumed", n=len(done.resumed_runs))
    where = f"{ws}-{step}"
    signed = tr(request, SIGNED, step=where)
    return redirect_with_notice(request, f"/countries/{done.country}/flows#ws-{ws}", " ".join((signed, said)))
