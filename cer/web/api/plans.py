"""Country plans with their progress: list, read, create (or merge) from a diagnosis."""

from __future__ import annotations

import datetime as dt
from typing import Any

from fastapi import APIRouter, Request, Response

from cer.services import planning
from cer.services.progress import country_progress, plan_progress, plans_progress
from cer.views.public import CreatedPlan, Page, PlanPublic
from cer.views.requests import PlanRequest
from cer.web.api.paging import PAGE_SIZE, PageNumber, PerPage, offset, page_of
from cer.web.deps import DB, CurrentUser, content

router = APIRouter(prefix="/api", tags=["api"])


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
        session=session, who=who, diagnosis_id=body.diagnosis_id, content=content(request), start=body.start
    )
    response.status_code = 201 if adopted.what == "created" else 200
    progress = country_progress(session=session, country=adopted.plan.country_code, today=dt.date.today())
    return CreatedPlan.of_adopted(adopted, progress)


@router.get("/plans/{country}", response_model=PlanPublic)
def api_plan(country: str, session: DB, who: CurrentUser) -> PlanPublic:
    """A country's plan and its progress, overall and by workstream."""
    return PlanPublic.of(plan_progress(session=session, who=who, country=country, today=dt.date.today()))
