"""The JSON API under /api: tools, questionnaire, diagnoses, plans, tasks, flow runs and sign-offs.

Lists are paginated (`page`, `per_page`; the answer says `total`). Every error body is
`{"errors": [{"field": ..., "message": ...}]}`: 401 no or a bad token, 403 the role or country does not
allow it, 404 unknown ids, 409 a change made meanwhile, 422 bad input. Request bodies are pydantic models
that refuse unknown fields.

The toolkit's content and questionnaire are public. Everything about a country needs a personal token
(`Authorization: Bearer cer_…`, from `cer tokens create` or the Account page) of a user with a role there;
lists show only the countries the user has a role in. Changes are recorded as made by the token's user.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import asdict
from typing import Annotated, Any

from fastapi import APIRouter, Query, Request
from fastapi.responses import JSONResponse
from pydantic import BaseModel, ConfigDict, Field
from sqlalchemy import func
from sqlmodel import Session, col, select

from cer.db.tables import FlowRunLink, Plan, Task
from cer.services import diagnoses, planning, runs, stamps, workflow
from cer.services import tasks as task_service
from cer.services.access import Action, require
from cer.services.drafts import diagnosis_report
from cer.services.errors import InvalidFields
from cer.services.plans import get_plan
from cer.services.progress import among, country_progress
from cer.views import browse
from cer.views.facets import tool_filter
from cer.views.public import DiagnosisPublic
from cer.views.render_diagnosis import questionnaire_json
from cer.views.render_tracking import signoff_json, task_json
from cer.web.deps import DB, CurrentUser, Launch, RowId, content, language
from cer.web.page_cache import Stamp, cached_page
from diagnostics.answers import AnswerSet
from tools_catalog.models import ToolType
from workstreams.status import TaskStatus

router = APIRouter(prefix="/api", tags=["api"])
PAGE_SIZE = 25
Page = Annotated[int, Query(ge=1, le=100_000, description="Page number, from 1")]
PerPage = Annotated[int, Query(ge=1, le=500, description="Items per page")]


def _page(items: list[Any], total: int, page: int, per_page: int) -> dict[str, Any]:
    return {"total": total, "page": page, "per_page": per_page, "items": items}


# ---- content ----------------------------------------------------------------------------------------------


@router.get("/tools")
def api_tools(
    request: Request,
    q: Annotated[str | None, Query(max_length=200)] = None,
    workstream: Annotated[str | None, Query(max_length=1)] = None,
    step: Annotated[int | None, Query(ge=1, le=9)] = None,
    type: Annotated[ToolType | None, Query()] = None,  # noqa: A002  (the facet's name in the URL)
    country: Annotated[str | None, Query(max_length=80)] = None,
    page: Page = 1,
    per_page: PerPage = PAGE_SIZE,
) -> dict[str, Any]:
    """Tools, narrowed by facets and ranked by `q` when given; paginated."""
    c = content(request)
    facets = tool_filter(c, workstream, step, type.value if type else None, country)
    found, _ = browse.find_tools(c, facets, q)
    start = (page - 1) * per_page
    return _page([browse.tool_brief(t) for t in found[start : start + per_page]], len(found), page, per_page)


@router.get("/tools/{tool_id}")
def api_tool(request: Request, tool_id: str) -> dict[str, Any]:
    return content(request).catalogue.tool(tool_id).model_dump(mode="json")


@router.get("/questionnaire")
def api_questionnaire(
    request: Request, lang: Annotated[str | None, Query(pattern="^(en|fr|es)$")] = None
) -> dict[str, Any]:
    """The questionnaire: sections, questions, choices, skip logic and constraints (also in words)."""
    return questionnaire_json(content(request).questionnaire, lang or language(request))


# ---- diagnoses --------------------------------------------------------------------------------------------


@router.post("/diagnoses", status_code=201)
def api_diagnose(
    request: Request,
    answers: AnswerSet,
    session: DB,
    who: CurrentUser,
    draft: Annotated[bool, Query(description="Accept unanswered required questions")] = False,
) -> dict[str, Any]:
    """Diagnose a country's answers and store it: workstreams, actions, tools with reasons, and the plan.
    Needs the member role in the country (the coordinator role to override a decision)."""
    row, report = diagnoses.diagnose(
        session=session, who=who, content=content(request), answer_set=answers, draft=draft
    )
    return DiagnosisPublic.of(report, id=row.id).model_dump(mode="json")


@router.get("/diagnoses/{diagnosis_id}")
def api_diagnosis(request: Request, diagnosis_id: RowId, session: DB, who: CurrentUser) -> dict[str, Any]:
    diagnoses.diagnosis_for(session=session, diagnosis_id=diagnosis_id, who=who, action=Action.read_plan)
    row, report = diagnosis_report(
        session=session, content=content(request), diagnosis_id=diagnosis_id, today=dt.date.today()
    )
    stored = {"id": row.id, "created_by": row.created_by, "created_at": row.created_at}
    return DiagnosisPublic.of(report, **stored).model_dump(mode="json")


# ---- plans and tasks --------------------------------------------------------------------------------------


class PlanRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")

    diagnosis_id: int = Field(ge=1, le=2**31 - 1, description="A stored, complete diagnosis")
    start: dt.date | None = Field(default=None, description="Plan start (default: today)")


def _plan_brief(plan: Plan, session: Session) -> dict[str, Any]:
    p = country_progress(session=session, country=plan.country_code, today=dt.date.today())
    return {
        "country": plan.country_code,
        "id": plan.id,
        "start": plan.start.isoformat(),
        "end": plan.end.isoformat(),
        "workstreams": plan.selected,
        "diagnosis_id": plan.diagnosis_id,
        "created_by": plan.created_by,
        "progress": p.overall.as_dict(),
        "by_workstream": {k: v.as_dict() for k, v in sorted(p.by_workstream.items())},
    }


@router.get("/plans")
def api_plans(session: DB, who: CurrentUser, page: Page = 1, per_page: PerPage = PAGE_SIZE) -> dict[str, Any]:
    """The plans (with their progress) of the countries the user has a role in, by country code."""
    mine = among(who.readable())
    total = session.exec(select(func.count()).select_from(Plan).where(*mine)).one()
    plans = session.exec(
        select(Plan)
        .where(*mine)
        .order_by(col(Plan.country_code))
        .offset((page - 1) * per_page)
        .limit(per_page)
    ).all()
    return _page([_plan_brief(p, session) for p in plans], total, page, per_page)


@router.post("/plans", status_code=201)
def api_create_plan(request: Request, body: PlanRequest, session: DB, who: CurrentUser) -> JSONResponse:
    """Create the country's plan from a diagnosis, or merge it into the plan it has (200 then); needs the
    coordinator role in the country."""
    plan, what = planning.plan_from_diagnosis(
        session=session, who=who, diagnosis_id=body.diagnosis_id, content=content(request), start=body.start
    )
    return JSONResponse(
        {"result": what, **_plan_brief(plan, session)}, status_code=201 if what == "created" else 200
    )


@router.get("/plans/{country}")
def api_plan(country: str, session: DB, who: CurrentUser) -> dict[str, Any]:
    require(who, Action.read_plan, country)
    return _plan_brief(get_plan(session=session, country=country), session)


@router.get("/tasks")
@cached_page(Stamp(scope=lambda _: None, read=lambda session, _: stamps.tasks_stamp(session=session)))
def api_tasks(
    request: Request,  # noqa: ARG001  (cached_page reads it)
    session: DB,
    who: CurrentUser,
    country: Annotated[str | None, Query(max_length=3, description="ISO 3166 alpha-3")] = None,
    workstream: Annotated[str | None, Query(max_length=1)] = None,
    step: Annotated[int | None, Query(ge=1, le=9)] = None,
    status: Annotated[TaskStatus | None, Query()] = None,
    page: Page = 1,
    per_page: PerPage = 100,
) -> dict[str, Any]:
    """Tasks of the plans the user may read, or of one country's; by start date."""
    where: list[Any] = list(among(who.readable()))
    if country:
        require(who, Action.read_plan, country.strip())
        where.append(col(Plan.country_code) == country.strip().upper())
    if workstream:
        where.append(col(Task.workstream) == workstream.strip().upper())
    if step is not None:
        where.append(col(Task.step) == step)
    if status is not None:
        where.append(col(Task.status) == status.value)
    total = session.exec(select(func.count()).select_from(Task).join(Plan).where(*where)).one()
    rows = session.exec(
        select(Task, Plan.country_code)
        .join(Plan)
        .where(*where)
        .order_by(col(Plan.country_code), col(Task.start), col(Task.key))
        .offset((page - 1) * per_page)
        .limit(per_page)
    ).all()
    return _page([task_json(t, code) for t, code in rows], total, page, per_page)


@router.get("/tasks/{ref:path}/history")
def api_task_history(ref: str, session: DB, who: CurrentUser) -> dict[str, Any]:
    task_service.task_for(session=session, ref=ref, who=who, action=Action.read_plan)
    events = task_service.task_history(session=session, ref=ref)
    return {"ref": ref, "items": [e.model_dump(mode="json") for e in events]}


@router.get("/tasks/{ref:path}")
def api_task(ref: str, session: DB, who: CurrentUser) -> dict[str, Any]:
    """A task by number or reference (e.g. MWI-B-4.1)."""
    return task_json(*task_service.task_for(session=session, ref=ref, who=who, action=Action.read_plan))


class TaskUpdate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    version: int = Field(
        ge=1, le=2**31 - 1, description="The version you saw: a change made meanwhile is refused (409)"
    )
    status: TaskStatus | None = None
    reason: str | None = Field(default=None, max_length=2000, description="Needed for blocked and dropped")
    lead: str | None = Field(default=None, max_length=120)
    contributors: list[str] | None = Field(default=None, max_length=40)
    start: dt.date | None = None
    due: dt.date | None = None
    comment: str | None = Field(default=None, max_length=4000)


@router.patch("/tasks/{ref:path}")
def api_update_task(ref: str, body: TaskUpdate, session: DB, who: CurrentUser) -> dict[str, Any]:
    """Change a task (status, owners, dates, comment) on the version you saw; needs the member role."""
    _, country = task_service.task_for(session=session, ref=ref, who=who, action=Action.change_task)
    values = body.model_dump(exclude={"version"})
    task = task_service.update_task(
        session=session,
        ref=ref,
        expected_version=body.version,
        change=task_service.TaskChange(**values),
        by=who.username,
    )
    return task_json(task, country)


# ---- flow runs and sign-offs ------------------------------------------------------------------------------


def _link_json(link: FlowRunLink, states: dict[str, tuple[str, int | None]] | None) -> dict[str, Any]:
    state = states.get(link.flow_run_id) if states else None
    return {
        "flow_run_id": link.flow_run_id,
        "flow": link.flow,
        "country": link.country_code,
        "workstream": link.workstream,
        "parameters": link.parameters,
        "started_by": link.started_by,
        "created_at": link.created_at.isoformat(),
        "state": state[0] if state else None,
        "waiting_for_step": state[1] if state else None,
    }


@router.get("/flow-runs")
def api_flow_runs(
    session: DB,
    who: CurrentUser,
    launch: Launch,
    country: Annotated[str, Query(min_length=3, max_length=3)],
    workstream: Annotated[str | None, Query(max_length=1)] = None,
    state: Annotated[bool, Query(description="Ask the Prefect server for each run's state")] = False,
    page: Page = 1,
    per_page: PerPage = PAGE_SIZE,
) -> dict[str, Any]:
    """The flow runs started for a country (newest first), with their Prefect state when asked."""
    require(who, Action.read_plan, country)
    links = workflow.flow_runs(session=session, country=country, workstream=workstream)
    shown = links[(page - 1) * per_page : page * per_page]
    states = launch.states([link.flow_run_id for link in shown]) if state else None
    return _page([_link_json(link, states) for link in shown], len(links), page, per_page)


class FlowRunRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")

    country: str = Field(min_length=3, max_length=3)
    workstream: str = Field(pattern="^[A-Ga-g]$")
    parameters: dict[str, Any] = Field(default_factory=dict, description="The workstream's run parameters")


@router.post("/flow-runs", status_code=201)
def api_start_flow(body: FlowRunRequest, session: DB, who: CurrentUser, launch: Launch) -> dict[str, Any]:
    """Start a workstream's flow for a country (coordinator); the parameters are checked first, each bad
    one named."""
    try:
        started = runs.start_workstream_run(
            session=session,
            who=who,
            country=body.country,
            workstream=body.workstream,
            values=body.parameters,
            launcher=launch,
        )
    except InvalidFields as exc:
        raise exc.under("parameters") from None
    return asdict(started)


class SignOffRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")

    country: str = Field(min_length=3, max_length=3)
    workstream: str = Field(pattern="^[A-Ga-g]$")
    step: int = Field(ge=1, le=6)
    note: str | None = Field(default=None, max_length=2000, description="Why, when tasks are still open")


@router.post("/signoffs", status_code=201)
def api_sign_off(
    request: Request, body: SignOffRequest, session: DB, who: CurrentUser, launch: Launch
) -> dict[str, Any]:
    """Sign a step off (coordinator); a run waiting for it goes on (now when Prefect answers, else at the
    next monitor). A sign-off recorded is never answered as failed: `prefect` says why no run resumed."""
    signed = runs.sign_off_step(
        session=session,
        who=who,
        country=body.country,
        workstream=body.workstream,
        step=body.step,
        note=body.note,
        framework=content(request).framework,
        launcher=launch,
    )
    return signoff_json(signed)
