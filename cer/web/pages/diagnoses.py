"""A stored diagnosis: its result (workstreams, actions and tools with the reasons for each), an override of
one of its decisions with a justification (a new diagnosis), and the plan made from it."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Annotated, Any

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from cer.content import Content
from cer.services import consensus, planning
from cer.services.access import Principal
from cer.services.answers import diagnosis_with_plan
from cer.services.diagnoses import override_decision
from cer.services.errors import InvalidFields
from cer.views.error_words import by_field_in, in_language
from cer.views.public import DiagnosisPublic
from cer.views.reason_words import in_words
from cer.views.render_spread import cited
from cer.views.schedule import report_lines
from cer.web.deps import DB, CurrentUser, RowId, Today, content, language, stored_content
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
        schedule=report_lines(found.report, language(request)),
        framework=c.framework,
        catalogue=c.catalogue,
        reason_words=_reasons_in_words(session, diagnosis_id, c),
        plan=found.plan,
        override_errors=override_errors or {},
        override_form=override_form or {},
        today=today.isoformat(),
    )


def _reasons_in_words(session: DB, diagnosis_id: int, c: Content) -> Callable[[Any], str]:
    """A reason in the page's language; for a diagnosis of several respondents' consensus, with the spread
    of the answers it quotes ("4 of 6 agencies answered “No”")."""
    spread = consensus.diagnosis_spread(session=session, diagnosis_id=diagnosis_id)
    if spread is None:
        return lambda reason: in_words(reason, c)
    spreads, word = spread
    return lambda reason: cited(reason, spreads, word, c)


@router.get("/diagnoses/{diagnosis_id}", response_class=HTMLResponse)
def show_diagnosis(
    request: Request, diagnosis_id: RowId, session: DB, who: CurrentUser, today: Today
) -> HTMLResponse:
    """A diagnosis, if the user may read its country's plan."""
    return _result_page(request, session, who, diagnosis_id, today)


def _override_errors(exc: InvalidFields | AnswersError, lang: str) -> dict[str, str]:
    """Each refused field of an override, by the form's field name, in the page's language."""
    if isinstance(exc, InvalidFields):
        return {("target" if k == "form" else k): m for k, m in by_field_in(exc, lang).items()}
    return {p.where.rpartition(".")[2] or "id": in_language(p.message, lang) for p in reversed(exc.problems)}


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
            session=session,
            who=who,
            content=stored_content(request),
            diagnosis_id=diagnosis_id,
            fields=fields,
        )
    except (InvalidFields, AnswersError) as exc:
        refused = _override_errors(exc, language(request))
        return _result_page(request, session, who, diagnosis_id, today, refused, fields)
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
        content=stored_content(request),
        start=start,
        finish_by=finish_by,
    )
    plan, what = adopted.plan, adopted.what
    return RedirectResponse(f"/countries/{plan.country_code}?{what}=true", status_code=303)
