"""A stored diagnosis: its result (workstreams, actions and tools with the reasons for each), an override of
one of its decisions with a justification (a new diagnosis), and the plan made from it."""

from __future__ import annotations

import datetime as dt
from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from cer.services import planning
from cer.services.access import Principal
from cer.services.answers import diagnosis_with_plan
from cer.services.diagnoses import override_decision
from cer.services.errors import InvalidFields
from cer.views.public import DiagnosisPublic
from cer.views.schedule import report_lines
from cer.web.deps import DB, CurrentUser, RowId, Today, content
from cer.web.templating import render, tr
from diagnostics.answers import AnswersError
from workstreams.dates import Day

router = APIRouter(include_in_schema=False)  # pages; the API documents /api only


def _result_page(
    request: Request,
    session: DB,
    who: Principal,
    diagnosis_id: int,
    today: dt.date,
    override_errors: dict[str, str] | None = None,
    override_form: dict[str, str] | None = None,
) -> HTMLResponse:
    """The diagnosis' result; with `override_errors`, an override refused (422) beside what was typed."""
    c = content(request)
    found = diagnosis_with_plan(session=session, who=who, content=c, diagnosis_id=diagnosis_id, today=today)
    return render(
        request,
        "diagnosis.html",
        422 if override_errors else 200,
        title=tr(request, "Diagnosis for %(country)s", country=found.report.country.name),
        row=found.row,
        report=found.report,
        result=DiagnosisPublic.of(found.report).model_dump(mode="json"),
        schedule=report_lines(found.report),
        framework=c.framework,
        catalogue=c.catalogue,
        plan=found.plan,
        override_errors=override_errors or {},
        override_form=override_form or {},
        today=today.isoformat(),
    )


@router.get("/diagnoses/{diagnosis_id}", response_class=HTMLResponse)
def show_diagnosis(
    request: Request, diagnosis_id: RowId, session: DB, who: CurrentUser, today: Today
) -> HTMLResponse:
    """A diagnosis, if the user may read its country's plan."""
    return _result_page(request, session, who, diagnosis_id, today)


def _override_errors(exc: InvalidFields | AnswersError) -> dict[str, str]:
    """Each refused field of an override, by the form's field name."""
    if isinstance(exc, InvalidFields):
        return {("target" if k == "form" else k): m for k, m in exc.by_field().items()}
    return {p.where.rpartition(".")[2] or "id": p.message for p in reversed(exc.problems)}


@router.post("/diagnoses/{diagnosis_id}/overrides", response_class=HTMLResponse)
def add_override(
    request: Request,
    diagnosis_id: RowId,
    session: DB,
    who: CurrentUser,
    today: Today,
    target: Annotated[str, Form()] = "",
    id: Annotated[str, Form()] = "",  # noqa: A002  (the override's own field name)
    decision: Annotated[str, Form()] = "",
    justification: Annotated[str, Form()] = "",
) -> Response:
    """Override the rules for one workstream, action or tool, with a justification: a new diagnosis."""
    fields = {"target": target, "id": id, "decision": decision, "justification": justification}
    try:
        stored = override_decision(
            session=session, who=who, content=content(request), diagnosis_id=diagnosis_id, fields=fields
        )
    except (InvalidFields, AnswersError) as exc:
        return _result_page(request, session, who, diagnosis_id, today, _override_errors(exc), fields)
    return RedirectResponse(f"/diagnoses/{stored.id}", status_code=303)


@router.post("/diagnoses/{diagnosis_id}/plan", response_class=HTMLResponse)
def create_plan(
    request: Request,
    diagnosis_id: RowId,
    session: DB,
    who: CurrentUser,
    start: Annotated[Day | None, Form()] = None,
    finish_by: Annotated[Day | None, Form()] = None,
) -> Response:
    """Create the country's plan from this diagnosis, or merge it into the plan the country has; backward
    from `finish_by` (by default the next programme cycle's start, when the answers give it)."""
    adopted = planning.adopt_diagnosis(
        session=session,
        who=who,
        diagnosis_id=diagnosis_id,
        content=content(request),
        start=start,
        finish_by=finish_by,
    )
    plan, what = adopted.plan, adopted.what
    return RedirectResponse(f"/countries/{plan.country_code}?{what}=true", status_code=303)
