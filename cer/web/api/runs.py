"""Running the change: start a workstream's flow, list a country's runs, sign a step off, see the steps."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Query, Request

from cer.services import runs, signoff_codes, workflow
from cer.services.errors import InvalidFields
from cer.views.public import (
    FlowRunPublic,
    Page,
    SignOffCodePublic,
    SignOffPublic,
    StartedRunPublic,
    StepPublic,
)
from cer.views.requests import FlowRunRequest, SignOffCodeRequest, SignOffRequest
from cer.web.api.errors import PERSONAL
from cer.web.api.paging import PAGE_SIZE, PageNumber, PerPage, offset, page_of
from cer.web.deps import DB, CurrentUser, Launch, stored_content

router = APIRouter(prefix="/api", tags=["api"], responses=PERSONAL)
Country = Annotated[str, Query(min_length=3, max_length=3, description="ISO 3166 alpha-3")]
Workstream = Annotated[str, Query(pattern="^[A-Ga-g]$", description="A workstream, A–G")]


@router.get("/flow-runs", response_model=Page[FlowRunPublic])
def api_flow_runs(
    session: DB,
    who: CurrentUser,
    launch: Launch,
    country: Country,
    workstream: Annotated[str | None, Query(max_length=1)] = None,
    state: Annotated[bool, Query(description="Ask the Prefect server for each run's state")] = False,
    page: PageNumber = 1,
    per_page: PerPage = PAGE_SIZE,
) -> Page[Any]:
    """The flow runs started for a country (newest first), with their Prefect state when asked."""
    found = runs.runs_of_country(
        session=session, who=who, country=country, workstream=workstream, launcher=launch if state else None,
        offset=offset(page, per_page), limit=per_page,
    )  # fmt: skip
    return page_of(
        [FlowRunPublic.of(link, found.states) for link in found.links], found.total, page, per_page
    )


@router.post("/flow-runs", status_code=201, response_model=StartedRunPublic)
def api_start_flow(body: FlowRunRequest, session: DB, who: CurrentUser, launch: Launch) -> StartedRunPublic:
    """Start a workstream's flow for a country (coordinator); the parameters are checked first, each bad
    one named."""
    try:
        started = runs.start_workstream_run(
            session=session, who=who, country=body.country, workstream=body.workstream,
            values=body.parameters, launcher=launch,
        )  # fmt: skip
    except InvalidFields as exc:
        raise exc.under("parameters") from None
    return StartedRunPublic.of(started)


@router.get("/signoffs", response_model=list[StepPublic])
def api_steps(session: DB, who: CurrentUser, country: Country, workstream: Workstream) -> list[StepPublic]:
    """Steps 1–6 of a country's workstream: tasks, open tasks, opened by a run, signed off by whom."""
    states = workflow.steps_for(session=session, who=who, country=country, code=workstream)
    return [StepPublic.of(s) for s in states]


@router.post("/signoffs", status_code=201, response_model=SignOffPublic)
def api_sign_off(
    request: Request, body: SignOffRequest, session: DB, who: CurrentUser, launch: Launch
) -> SignOffPublic:
    """Sign a step off (coordinator); a run waiting for it goes on (now when Prefect answers, else at the
    next monitor). A sign-off recorded is never answered as failed: `prefect` says why no run resumed."""
    signed = runs.sign_off_step(
        session=session, who=who, country=body.country, workstream=body.workstream, step=body.step,
        note=body.note, framework=stored_content(request).framework, launcher=launch,
    )  # fmt: skip
    return SignOffPublic.of(signed)


@router.post("/signoff-codes", status_code=201, response_model=SignOffCodePublic)
def api_signoff_code(body: SignOffCodeRequest, session: DB, who: CurrentUser) -> SignOffCodePublic:
    """A one-time code (coordinator) that signs the step off as you when typed into the form of the run
    waiting for it in Prefect's UI; valid 24 hours, once. Shown in this answer only."""
    issued = signoff_codes.issue(
        session=session, who=who, country=body.country, workstream=body.workstream, step=body.step
    )
    return SignOffCodePublic.of(issued)
