"""Diagnose your needs: the questionnaire as a form generated from the content, checked, kept as a draft and
diagnosed when asked.

Skip logic is applied on the server on every post (and live through htmx: a change re-renders the questions
with the ones no longer asked hidden). Every answer given is kept in a draft, mistakes included, and each
problem is shown next to its question. A diagnosis is stored only when the answers are complete and valid.
"""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import FormData

from cer.services import drafts, respondents
from cer.services.access import Action, Principal
from cer.services.answers import answer_questionnaire
from cer.services.errors import Forbidden, InvalidFields
from cer.views.error_words import in_words
from cer.web.deps import DB, CurrentUser, MaybeUser, language, stored_content
from cer.web.pages.answer_form import Given, form_page, given, given_page
from cer.web.templating import tr
from diagnostics.answers import AnswersError

router = APIRouter(include_in_schema=False)  # pages; the API documents /api only


@router.get("/diagnose", response_class=HTMLResponse)
def new_diagnosis(request: Request, country: str = "") -> HTMLResponse:
    """The questionnaire, empty: every question shown, each conditional one saying when it applies."""
    return form_page(request, raw={}, country=country[:80], errors={}, live=False)


@router.post("/diagnose/check", response_class=HTMLResponse)
async def check_answers(request: Request) -> HTMLResponse:
    """Skip logic and each answer's problems for the answers so far (htmx calls it on every change)."""
    return given_page(request, given(request, await request.form(), checking=True))


@router.post("/diagnose", response_class=HTMLResponse)
async def post_new(request: Request, session: DB, who: MaybeUser) -> Response:
    """Check the answers (anyone), save them as a new draft or diagnose them (signed in)."""
    form = await request.form()
    return await run_in_threadpool(_answer, request, form, session, who, None)


@router.post("/diagnose/drafts/{draft_id}", response_class=HTMLResponse)
async def post_draft(request: Request, draft_id: str, session: DB, who: CurrentUser) -> Response:
    """Check a draft's answers, save them or diagnose them."""
    form = await request.form()
    return await run_in_threadpool(_answer, request, form, session, who, draft_id)


def _unsaved(request: Request, answers: Given, who: Principal | None, draft_id: str | None) -> HTMLResponse:
    """The answers checked only: asked to, or nobody is signed in to keep them (401)."""
    if answers.action == "check" or who is not None:
        return given_page(request, answers, draft_id=draft_id)
    notice = tr(request, "Sign in to save or diagnose these answers; they are kept on this page until then.")
    return given_page(request, answers, status_code=401, notice=notice)


def _refused(request: Request, answers: Given, draft_id: str | None) -> HTMLResponse:
    """No role to keep answers for that country (403): every answer stays on the page."""
    why = tr(request, "saving answers for %(country)s needs the member role there", country=answers.code)
    errors = answers.errors | {"country": why}
    return form_page(
        request, raw=answers.raw, country=answers.country, errors=errors, draft_id=draft_id, status_code=403
    )


def _answer(
    request: Request, form: FormData, session: DB, who: Principal | None, draft_id: str | None
) -> Response:
    """Check the answers (anyone); save them as a draft, and diagnose them when asked (the member role in
    the country; a draft without a country yet, a sign-in). Refused, the answers stay on the page."""
    if draft_id is not None and who is not None:  # 404 (or 403) before anything else
        drafts.draft_for(session=session, draft_id=draft_id, who=who, action=Action.diagnose)
    answers = given(request, form)
    if answers.action == "check" or who is None:
        return _unsaved(request, answers, who, draft_id)
    if answers.action == "respond":
        return _respond(request, answers, session, who, draft_id)
    try:
        done = answer_questionnaire(
            session=session, who=who, content=stored_content(request), draft_id=draft_id,
            country=answers.code, answers=answers.raw, diagnose_them=answers.final and not answers.errors,
        )  # fmt: skip
    except Forbidden:
        return _refused(request, answers, draft_id)
    if done.diagnosis is not None:
        return RedirectResponse(f"/diagnoses/{done.diagnosis.id}", status_code=303)
    if not answers.final:
        return RedirectResponse(f"/diagnose/drafts/{done.draft.id}?saved=true", status_code=303)
    notice = tr(request, "The answers were saved as a draft; correct the marked answers and diagnose again.")
    return given_page(request, answers, draft_id=done.draft.id, status_code=422, notice=notice)


def _respond(request: Request, answers: Given, session: DB, who: Principal, draft_id: str | None) -> Response:
    """The answers as the signed-in person's own in the country's diagnostic round (member role): kept
    beside the other respondents', for the coordinator's consensus. Refused, they stay on the page."""
    if not answers.code:
        errors = answers.errors | {"country": tr(request, "Choose the country whose round you answer for.")}
        return form_page(request, raw=answers.raw, country=answers.country, errors=errors, draft_id=draft_id,
                         status_code=422)  # fmt: skip
    try:
        respondents.save_my_answers(
            session=session,
            who=who,
            content=stored_content(request),
            country=answers.code,
            answers=answers.raw,
        )
    except Forbidden:
        return _refused(request, answers, draft_id)
    except (AnswersError, InvalidFields) as exc:
        notice = in_words(exc, language(request))
        return given_page(request, answers, draft_id=draft_id, status_code=422, notice=notice)
    return RedirectResponse(f"/countries/{answers.code}/respondents?answered=true", status_code=303)
