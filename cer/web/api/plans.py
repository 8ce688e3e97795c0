"""Country plans with their progress: list, read, create (or merge) from a diagnosis."""

from __future__ import annotations

import datetime as dt
from typing import Any

from fastapi import APIRouter, Request, Response

from cer.services import custom_tasks, plan_import, planning, scheduling
from cer.services.progress import country_progress, plan_progress, plans_progress
from cer.views.public import CreatedPlan, ImportPublic, Page, PlanPublic, TaskEdited
from cer.views.requests import PlanImportRequest, PlanRequest, PlanSettings, TaskCreate
from cer.web.api.errors import PERSONAL
from cer.web.api.paging import PAGE_SIZE, PageNumber, PerPage, offset, page_of
from cer.web.deps import DB, CurrentUser, Today, language, stored_content

router = APIRouter(prefix="/api", tags=["api"], responses=PERSONAL)


@router.get("/plans", response_model=Page[PlanPublic])
def api_plans(
    session: DB, who: CurrentUser, page: PageNumber = 1, per_page: PerPage = PAGE_SIZE
) -> Page[Any]:
    """The plans (with their progress) of the countries the user has a role in, by country code."""
    total, found = plans_progress(
        session=session, who=who, today=dt.date.today(), offset=offset(page, per_page), limit=per_page
    )
    return page_of([PlanPublic.of(p) for p in found], total, page, per_page)


@router.post("/plans", status_code=201, response_model=CreatedPlan)
def api_create_plan(
    request: Request, body: PlanRequest, session: DB, who: CurrentUser, response: Response
) -> CreatedPlan:
    """Create the country's plan from a diagnosis, or merge it into the plan it has (200 then); needs the
    coordinator role in the country."""
    adopted = planning.adopt_diagnosis(
        session=session,
        who=who,
        content=stored_content(request),
        diagnosis_id=body.diagnosis_id,
        start=body.start,
        finish_by=body.finish_by,
        calendar=body.calendar,
    )
    response.status_code = 201 if adopted.what == "created" else 200
    progress = country_progress(session=session, country=adopted.plan.country_code, today=dt.date.today())
    return CreatedPlan.of_adopted(adopted, progress)


@router.get("/plans/{country}", response_model=PlanPublic)
def api_plan(country: str, session: DB, who: CurrentUser) -> PlanPublic:
    """A country's plan and its progress, overall and by workstream."""
    return PlanPublic.of(plan_progress(session=session, who=who, country=country, today=dt.date.today()))


@router.patch("/plans/{country}", response_model=PlanPublic)
def api_plan_settings(country: str, body: PlanSettings, session: DB, who: CurrentUser) -> PlanPublic:
    """Whether moving a task moves the tasks that depend on it; needs the coordinator role."""
    return PlanPublic.of(
        scheduling.follow_dependencies(
            session=session, who=who, country=country, follow=body.follow_dependencies, today=dt.date.today()
        )
    )


@router.post("/plans/{country}/tasks", status_code=201, response_model=TaskEdited)
def api_add_task(country: str, body: TaskCreate, session: DB, who: CurrentUser) -> TaskEdited:
    """Add a task of your own to the country's plan (title, step, workstreams, lead, dates, dependencies);
    needs the member role. It starts after what it depends on when the plan follows its dependencies."""
    added = custom_tasks.add_task(
        session=session, who=who, country=country, new=body.new(), today=dt.date.today()
    )
    return TaskEdited.of_edit(added)


@router.post("/plans/{country}/import", response_model=ImportPublic)
def api_import_plan(
    request: Request, country: str, body: PlanImportRequest, session: DB, who: CurrentUser, today: Today
) -> ImportPublic:
    """Import an action plan file (XLSX or CSV) into the country's plan, all or nothing; with `dry_run`,
    only say what it would do and every problem by row and column. Needs the member role."""
    checked, imported = plan_import.import_file(
        session=session, who=who, framework=stored_content(request).framework, country=country,
        data=body.data(), filename=body.filename, today=today, mapping=body.mapping,
        workstream=body.workstream, dry_run=body.dry_run,
    )  # fmt: skip
    return ImportPublic.of(checked, imported, language(request))
