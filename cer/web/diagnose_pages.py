"""Diagnose your needs: the questionnaire as a form generated from the content, drafts, the result page.

Skip logic is applied on the server on every post (and live through htmx: a change re-renders the questions
with the ones no longer asked hidden). Every answer given is kept in a draft, mistakes included, and each
problem is shown next to its question. A diagnosis is stored only when the answers are complete and valid.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Annotated, Any

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from sqlmodel import Session, select
from starlette.datastructures import FormData

from cer.content.countries import all_countries, find_country
from cer.db.tables import DiagnosisDraft, Plan
from cer.services import diagnoses, drafts, planning
from cer.services.access import Action, Principal
from cer.services.errors import InvalidFields
from cer.views.public import DiagnosisPublic
from cer.web.deps import DB, CurrentUser, MaybeUser, RowId, content, language
from cer.web.templating import render, tr
from diagnostics.answers import AnswersError, AnswerSet, relevant_questions, validate_answers
from diagnostics.describe import describe
from diagnostics.questionnaire import Question, Questionnaire, QuestionType
from workstreams.errors import NotFound

router = APIRouter(include_in_schema=False)  # pages; the API documents /api only
RADIO_LIMIT = 7  # more choices than this: a select list


@dataclass(frozen=True)
class FormField:
    question: Question
    label: str
    hint: str | None
    widget: str  # radio, checkbox, select, number, date, textarea
    choices: list[tuple[str, str]]
    value: Any
    error: str | None
    asked: bool
    condition: str | None


def _widget(q: Question, choices: int) -> str:
    if q.type is QuestionType.multiple:
        return "checkbox"
    if q.type in (QuestionType.single, QuestionType.readiness, QuestionType.yes_no):
        return "radio" if choices <= RADIO_LIMIT else "select"
    return {QuestionType.integer: "number", QuestionType.date: "date"}.get(q.type, "textarea")


def form_sections(
    questionnaire: Questionnaire, raw: dict[str, Any], errors: dict[str, str], lang: str, live: bool
) -> list[dict[str, Any]]:
    """The questionnaire's sections with each question's widget, value, error and whether it is asked.

    `live`: apply skip logic (hide what is not asked); a first, empty form shows every question instead, each
    conditional one saying when it applies, so the form also works without JavaScript."""
    asked = relevant_questions(questionnaire, raw) if live else set(questionnaire.questions)
    sections = []
    for section in questionnaire.sections:
        fields = []
        for q in section.questions:
            choices = [(c.value, c.label.get(lang)) for c in questionnaire.choices(q)]
            fields.append(
                FormField(
                    question=q,
                    label=q.label.get(lang),
                    hint=q.hint.get(lang) if q.hint else None,
                    widget=_widget(q, len(choices)),
                    choices=choices,
                    value=raw.get(q.id, [] if q.type is QuestionType.multiple else ""),
                    error=errors.get(q.id),
                    asked=q.id in asked,
                    condition=describe(q.relevant_expr, questionnaire, lang) if q.relevant_expr else None,
                )
            )
        sections.append(
            {
                "id": section.id,
                "title": section.title.get(lang),
                "intro": section.intro.get(lang) if section.intro else None,
                "fields": fields,
                "asked": any(f.asked for f in fields),
            }
        )
    return sections


def answers_from_form(questionnaire: Questionnaire, form: FormData) -> dict[str, Any]:
    """The answers given in a posted form, as text (typed later by validation); empty fields are omitted."""
    raw: dict[str, Any] = {}
    for q in questionnaire.questions.values():
        if q.type is QuestionType.multiple:
            ticked = [v for v in form.getlist(q.id) if isinstance(v, str) and v]
            if ticked:
                raw[q.id] = ticked
            continue
        value = form.get(q.id)
        if isinstance(value, str) and value.strip():
            raw[q.id] = value.strip()
    return raw


def _problems(request: Request, raw: dict[str, Any], country: str, final: bool) -> dict[str, str]:
    """Each problem with the answers, by question id (and 'country'); a draft misses no required answer."""
    questionnaire = content(request).questionnaire
    errors: dict[str, str] = {}
    if country:
        try:
            find_country(country)
        except NotFound:
            errors["country"] = tr(request, "not a country we know: give an ISO code such as MWI, or a name")
    elif final:
        errors["country"] = tr(request, "say which country the answers are for")
    answer_set = AnswerSet(questionnaire_version=questionnaire.version, answers=raw)
    try:
        validate_answers(questionnaire, answer_set, final=final)
    except AnswersError as exc:
        for p in exc.problems:
            errors.setdefault(p.where, p.message)
    return errors


def _form_page(
    request: Request,
    *,
    raw: dict[str, Any],
    country: str,
    errors: dict[str, str],
    draft: DiagnosisDraft | None,
    live: bool,
    status_code: int = 200,
    notice: str | None = None,
) -> HTMLResponse:
    questionnaire = content(request).questionnaire
    return render(
        request,
        "diagnose.html",
        status_code,
        title=tr(request, "Diagnose your needs"),
        questionnaire=questionnaire,
        sections=form_sections(questionnaire, raw, errors, language(request), live),
        country=country,
        errors=errors,
        draft=draft,
        action=f"/diagnose/drafts/{draft.id}" if draft else "/diagnose",
        notice=notice,
        countries=all_countries(),
    )


@router.get("/diagnose", response_class=HTMLResponse)
def new_diagnosis(request: Request, country: str = "") -> HTMLResponse:
    return _form_page(request, raw={}, country=country[:80], errors={}, draft=None, live=False)


@router.get("/diagnose/drafts", response_class=HTMLResponse)
def list_drafts(request: Request, session: DB, who: CurrentUser) -> HTMLResponse:
    """The drafts the user saved, or of the countries whose plans they may read."""
    shown = [d for d in drafts.recent_drafts(session=session, limit=500) if drafts.may_open(who, d)][:100]
    return render(request, "drafts.html", title=tr(request, "Saved drafts"), drafts=shown)


def _draft(
    session: Session, draft_id: str, who: Principal, action: Action = Action.read_plan
) -> DiagnosisDraft:
    return drafts.draft_for(session=session, draft_id=draft_id, who=who, action=action)


@router.get("/diagnose/drafts/{draft_id}", response_class=HTMLResponse)
def show_draft(
    request: Request, draft_id: str, session: DB, who: CurrentUser, saved: bool = False
) -> HTMLResponse:
    draft = _draft(session, draft_id, who)
    raw = dict(draft.answers)
    errors = _problems(request, raw, draft.country_code or "", final=False)
    notice = tr(request, "Draft saved. Come back to this page's address to go on.") if saved else None
    return _form_page(
        request,
        raw=raw,
        country=draft.country_code or "",
        errors=errors,
        draft=draft,
        live=True,
        notice=notice,
    )


@router.post("/diagnose/check", response_class=HTMLResponse)
async def check_answers(request: Request) -> HTMLResponse:
    """Skip logic and each answer's problems for the answers so far (htmx calls it on every change)."""
    form = await request.form()
    raw = answers_from_form(content(request).questionnaire, form)
    country = str(form.get("country") or "").strip()[:80]
    errors = _problems(request, raw, country, final=False)
    return _form_page(request, raw=raw, country=country, errors=errors, draft=None, live=True)


@router.post("/diagnose", response_class=HTMLResponse)
async def post_new(request: Request, session: DB, who: MaybeUser) -> Response:
    return await _post(request, session, None, who)


@router.post("/diagnose/drafts/{draft_id}", response_class=HTMLResponse)
async def post_draft(request: Request, draft_id: str, session: DB, who: CurrentUser) -> Response:
    _draft(session, draft_id, who, Action.diagnose)  # 404 (or 403) before anything else
    return await _post(request, session, draft_id, who)


async def _post(request: Request, session: Session, draft_id: str | None, who: Principal | None) -> Response:
    """Check the answers (anyone); save them as a draft, and diagnose them when asked (the member role in
    the country; a draft without a country yet, a sign-in). Refused, the answers stay on the page."""
    form = await request.form()
    questionnaire = content(request).questionnaire
    raw = answers_from_form(questionnaire, form)
    country = str(form.get("country") or "").strip()[:80]
    action = form.get("action")
    final = action == "diagnose"
    errors = _problems(request, raw, country, final=final)
    if action == "check":
        return _form_page(request, raw=raw, country=country, errors=errors, draft=None, live=True)
    if who is None:
        notice = tr(
            request, "Sign in to save or diagnose these answers; they are kept on this page until then."
        )
        return _form_page(
            request, raw=raw, country=country, errors=errors, draft=None, live=True, status_code=401,
            notice=notice,
        )  # fmt: skip
    by = who.username
    code = find_country(country).code if country and "country" not in errors else None
    if code and not who.can(Action.diagnose, code):  # refused, with every answer kept on the page
        why = tr(request, "saving answers for %(country)s needs the member role there", country=code)
        return _form_page(
            request, raw=raw, country=country, errors=errors | {"country": why}, draft=None, live=True,
            status_code=403,
        )  # fmt: skip
    draft = drafts.save_draft(
        session=session,
        draft_id=draft_id,
        questionnaire_version=questionnaire.version,
        country=code,
        answers=raw,
        by=by,
    )
    if not final:
        return RedirectResponse(f"/diagnose/drafts/{draft.id}?saved=true", status_code=303)
    if errors:
        notice = tr(
            request, "The answers were saved as a draft; correct the marked answers and diagnose again."
        )
        return _form_page(
            request,
            raw=raw,
            country=country,
            errors=errors,
            draft=draft,
            live=True,
            status_code=422,
            notice=notice,
        )
    answer_set = AnswerSet(questionnaire_version=questionnaire.version, country=country, answers=raw)
    stored, _ = diagnoses.diagnose(
        session=session,
        who=who,
        content=content(request),
        answer_set=answer_set,
        country=country,
        draft_id=draft.id,
    )
    return RedirectResponse(f"/diagnoses/{stored.id}", status_code=303)


def _diagnosis_country(session: Session, diagnosis_id: int, who: Principal, action: Action) -> str:
    """The diagnosis' country, if `who` may do `action` there (404 for an unknown id)."""
    return diagnoses.diagnosis_for(
        session=session, diagnosis_id=diagnosis_id, who=who, action=action
    ).country_code


@router.get("/diagnoses/{diagnosis_id}", response_class=HTMLResponse)
def show_diagnosis(request: Request, diagnosis_id: RowId, session: DB, who: CurrentUser) -> HTMLResponse:
    _diagnosis_country(session, diagnosis_id, who, Action.read_plan)
    return _result_page(request, session, diagnosis_id, {}, {})


def _result_page(
    request: Request,
    session: Session,
    diagnosis_id: int,
    override_errors: dict[str, str],
    override_form: dict[str, str],
    status_code: int = 200,
) -> HTMLResponse:
    row, report = drafts.diagnosis_report(
        session=session, content=content(request), diagnosis_id=diagnosis_id, today=dt.date.today()
    )
    plan = session.exec(select(Plan).where(Plan.country_code == row.country_code)).first()
    c = content(request)
    return render(
        request,
        "diagnosis.html",
        status_code,
        title=tr(request, "Diagnosis for %(country)s", country=report.country.name),
        row=row,
        report=report,
        result=DiagnosisPublic.of(report).model_dump(mode="json"),
        framework=c.framework,
        catalogue=c.catalogue,
        plan=plan,
        override_errors=override_errors,
        override_form=override_form,
        today=dt.date.today().isoformat(),
    )


@router.post("/diagnoses/{diagnosis_id}/overrides", response_class=HTMLResponse)
def add_override(
    request: Request,
    diagnosis_id: RowId,
    session: DB,
    who: CurrentUser,
    target: Annotated[str, Form()] = "",
    id: Annotated[str, Form()] = "",  # noqa: A002  (the override's own field name)
    decision: Annotated[str, Form()] = "",
    justification: Annotated[str, Form()] = "",
) -> Response:
    """Override the rules for one workstream, action or tool, with a justification: a new diagnosis."""
    fields = {"target": target, "id": id, "decision": decision, "justification": justification}
    try:
        stored = diagnoses.override_decision(
            session=session, who=who, content=content(request), diagnosis_id=diagnosis_id, fields=fields
        )
    except InvalidFields as exc:
        errors = {("target" if k == "form" else k): m for k, m in exc.by_field().items()}
        return _result_page(request, session, diagnosis_id, errors, fields, status_code=422)
    except AnswersError as exc:
        errors = {p.where.rpartition(".")[2] or "id": p.message for p in reversed(exc.problems)}
        return _result_page(request, session, diagnosis_id, errors, fields, status_code=422)
    return RedirectResponse(f"/diagnoses/{stored.id}", status_code=303)


@router.post("/diagnoses/{diagnosis_id}/plan", response_class=HTMLResponse)
def create_plan(
    request: Request,
    diagnosis_id: RowId,
    session: DB,
    who: CurrentUser,
    start: Annotated[dt.date | None, Form()] = None,
) -> Response:
    """Create the country's plan from this diagnosis, or merge it into the plan the country has."""
    plan, what = planning.plan_from_diagnosis(
        session=session, who=who, diagnosis_id=diagnosis_id, content=content(request), start=start
    )
    return RedirectResponse(f"/countries/{plan.country_code}?{what}=true", status_code=303)
