"""The history of a country's plan: every change to its tasks, newest first (a page of them at a time), and
the re-diagnoses merged into it."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse

from cer.services import country_plans
from cer.views.report_words import FIELDS, STATUS
from cer.web.deps import DB, CurrentUser
from cer.web.templating import render, tr

router = APIRouter(include_in_schema=False)  # pages; the API documents /api only
PER_PAGE = 100
# A change's field and statuses in words (templates/web/_history.html), as the reports say them.
EVENT_WORDS = {"fields": FIELDS, "status": STATUS}


@router.get("/countries/{code}/history", response_class=HTMLResponse)
def history(
    request: Request,
    code: str,
    session: DB,
    who: CurrentUser,
    page: Annotated[int, Query(ge=1, le=10_000)] = 1,
) -> HTMLResponse:
    """A page of the plan's history, if the user may read the plan."""
    offset = (page - 1) * PER_PAGE
    found = country_plans.readable_history(
        session=session, who=who, country=code, offset=offset, limit=PER_PAGE
    )
    shown: dict[str, Any] = {"events": found.events, "total": found.total, "revisions": found.revisions}
    return render(
        request,
        "history.html",
        title=tr(request, "%(country)s: history", country=found.name),
        plan=found.plan,
        page=page,
        pages=max(1, -(-found.total // PER_PAGE)),
        event_words=EVENT_WORDS,
        **shown,
    )
