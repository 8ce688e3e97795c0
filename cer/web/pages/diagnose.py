"""Diagnose your needs: the questionnaire in pages (the country's context, then each step, then a review of
what is missing or wrong), generated from the content, checked, kept as a draft and diagnosed when asked.

Every page is a plain form: its buttons (Back, Save and continue, a section of the list) post the page and
lead to the next one. A signed-in member's answers are saved in a draft on every page (then the draft's page
is shown: a redirect, its own address per page); anyone else's travel in hidden inputs from page to page,
and nothing is stored. Skip logic is applied on the server on every post, and live through htmx (a change
re-renders the page's questions, the ones no longer asked hidden). Every answer given is kept, mistakes
included, and each problem is shown next to its question and on the review page. A diagnosis is stored only
when the answers are complete and valid.
"""

from __future__ import annotations

import yaml
from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import FormData

from cer.services import drafts, respondents
from cer.services.access import Action, Principal
from cer.services.answers import answer_questionnaire, may_keep_answers
from cer.services.errors import Forbidden, InvalidFields
from cer.views.error_words import in_words
from cer.views.i18n import N_
from cer.views.questionnaire_pages import REVIEW, leads_to, page_or_first
from cer.web.deps import DB, CurrentUser, MaybeUser, content, language, stored_content
from cer.web.notices import redirect_with_notice
from cer.web.pages.answer_form import Given, Kept, form_page, given, given_page
from cer.web.templating import tr
from diagnostics.answers import AnswersError
from workstreams.errors import InvalidRequest

router = APIRouter(include_in_schema=False)  # pages; the API documents /api only

SAVED = N_("Your answers are saved.")
ANSWERED = N_("Your answers are kept as yours in the country's round.")
NOTHING_SAVED = N_("Nothing was saved: no question is answered yet.")
KEPT_NOT_DIAGNOSED = N_("The answers were saved as a draft; correct the answers listed and diagnose again.")
COUNTRY_KEPT = N_("The other answers are saved; the country stays as it was until it is one we know.")
NOT_CARRIED = N_(
    "Saving or diagnosing needs a sign-in. Signing in does not carry these answers along: download them "
    "first to keep them."
)


@router.get("/diagnose", response_class=HTMLResponse)
def new_diagnosis(request: Request, country: str = "", page: str = "") -> HTMLResponse:
    """A page of the questionnaire, empty: every question shown, each conditional one saying when."""
    return form_page(request, raw={}, country=country[:80], errors={}, page=page[:40], live=False)


@router.post("/diagnose/check", response_class=HTMLResponse)
async def check_answers(request: Request, session: DB, who: MaybeUser) -> HTMLResponse:
    """Skip logic and each answer's problems for the page's answers so far (htmx calls it on every change);
    on a draft's page, with the draft's other answers."""
    answers, draft_id = await _checked(request, session, who)
    return given_page(request, answers, page=answers.page, draft_id=draft_id)


@router.post("/diagnose/answers.yaml")
async def download_answers(request: Request, session: DB, who: MaybeUser) -> Response:
    """The answers given so far (on a draft's page, with the draft's) as an answers file, the one `cer
    diagnose` reads: nothing is stored, so that whoever is not signed in can keep them."""
    answers, _ = await _checked(request, session, who)
    return answers_file(content(request).questionnaire.version, answers)


async def _checked(request: Request, session: DB, who: Principal | None) -> tuple[Given, str | None]:
    """The page posted, with the draft's other answers if it is a draft's that `who` may read."""
    form = await request.form()
    draft_id = str(form.get("draft") or "")[:40] or None
    kept = await run_in_threadpool(_kept, session, who, draft_id, Action.read_plan)
    return given(request, form, checking=True, kept=kept), draft_id if kept else None


def answers_file(version: str, answers: Given) -> Response:
    """The answers as a YAML answers file (an attachment named for the country)."""
    document = {"questionnaire_version": version, "country": answers.code, "answers": answers.raw}
    text = yaml.safe_dump(document, allow_unicode=True, sort_keys=False)
    name = f"answers-{answers.code}.yaml" if answers.code else "answers.yaml"
    disposition = f'attachment; filename="{name}"'
    return Response(text, media_type="application/yaml", headers={"Content-Disposition": disposition})


@router.post("/diagnose", response_class=HTMLResponse)
async def post_new(request: Request, session: DB, who: MaybeUser) -> Response:
    """A page posted: go on to the one asked (saving the answers for a member), or diagnose them."""
    form = await request.form()
    return await run_in_threadpool(_answer, request, form, session, who, None)


@router.post("/diagnose/drafts/{draft_id}", response_class=HTMLResponse)
async def post_draft(request: Request, draft_id: str, session: DB, who: CurrentUser) -> Response:
    """A page of a draft posted: its answers saved in the draft, then the page asked; or diagnosed."""
    form = await request.form()
    return await run_in_threadpool(_answer, request, form, session, who, draft_id)


def _kept(session: DB, who: Principal | None, draft_id: str | None, action: Action) -> Kept | None:
    """The draft's answers, if `who` may do `action` with it (404 or 403 otherwise)."""
    if draft_id is None or who is None:
        return None
    draft = drafts.draft_for(session=session, draft_id=draft_id, who=who, action=action)
    return Kept(dict(draft.answers), draft.country_code or "")


def page_url(draft_id: str, page: str) -> str:
    return f"/diagnose/drafts/{draft_id}?page={page}"


def _target(request: Request, answers: Given) -> str:
    """The page a post leads to: the one its button names; the review to check or diagnose; else the same."""
    questionnaire = content(request).questionnaire
    if answers.go:
        return leads_to(questionnaire, answers.page, answers.go)
    if answers.action in ("check", "diagnose", "respond"):
        return REVIEW
    return page_or_first(questionnaire, answers.page)


def _answer(
    request: Request, form: FormData, session: DB, who: Principal | None, draft_id: str | None
) -> Response:
    """Go to the page asked, saving the answers first for whoever may keep them (the member role in the
    country; for no country yet, somewhere); diagnose them or give them as one's own when asked. Refused,
    the answers stay on the page."""
    kept = _kept(session, who, draft_id, Action.diagnose)  # 404 (or 403) before anything else
    answers = given(request, form, kept=kept)
    target = _target(request, answers)
    if who is not None and answers.action == "respond":
        return _respond(request, answers, session, who, draft_id)
    if who is None or answers.action == "check" or (answers.go and not may_keep_answers(who)):
        return _unsaved(request, answers, who, draft_id, target)
    return _save(request, answers, session, who, draft_id, target)


def _unsaved(
    request: Request, answers: Given, who: Principal | None, draft_id: str | None, target: str
) -> HTMLResponse:
    """The page asked, the answers carried along (nothing stored): anyone may look through the questionnaire
    and check their answers; saving or diagnosing needs a sign-in (401, every answer kept on the page)."""
    if who is not None or answers.action not in ("save", "diagnose"):
        return given_page(request, answers, page=target, draft_id=draft_id)
    notice = tr(request, NOT_CARRIED)
    return given_page(request, answers, page=target, status_code=401, notice=notice)


def _save(
    request: Request, answers: Given, session: DB, who: Principal, draft_id: str | None, target: str
) -> Response:
    """Keep the page's answers in the draft (none given: nothing stored, said so), then show the page asked;
    or diagnose them and show the diagnosis. Refused, every answer stays on the page posted."""
    try:
        done = answer_questionnaire(
            session=session, who=who, content=stored_content(request), draft_id=draft_id,
            country=answers.keeps, answers=answers.posted, replacing=answers.replacing,
            diagnose_them=answers.final and not answers.errors,
        )  # fmt: skip
    except Forbidden as exc:
        return _refused(request, answers, draft_id, exc)
    except InvalidRequest as exc:
        notice = in_words(exc, language(request))
        return given_page(
            request, answers, page=answers.page, draft_id=draft_id, status_code=422, notice=notice
        )
    if done.diagnosis is not None:
        return RedirectResponse(f"/diagnoses/{done.diagnosis.id}", status_code=303)
    return _saved(request, answers, done.draft.id if done.draft is not None else draft_id, target)


def _saved(request: Request, answers: Given, kept_in: str | None, target: str) -> Response:
    """After saving: on to the page asked; or the page again, saying what is not saved or not diagnosed."""
    if kept_in is None:
        notice, status = tr(request, NOTHING_SAVED), 422 if answers.final else 200
        return given_page(request, answers, page=target, status_code=status, notice=notice)
    if answers.final:
        notice = tr(request, KEPT_NOT_DIAGNOSED)
        return given_page(request, answers, page=REVIEW, draft_id=kept_in, status_code=422, notice=notice)
    if answers.mistyped:  # the country's own page again, what was typed and why it is not kept
        notice = tr(request, COUNTRY_KEPT)
        return given_page(
            request, answers, page=answers.page, draft_id=kept_in, status_code=422, notice=notice
        )
    return redirect_with_notice(request, page_url(kept_in, target), tr(request, SAVED))


def _refused(request: Request, answers: Given, draft_id: str | None, exc: Forbidden) -> HTMLResponse:
    """No role to keep answers for that country (403): every answer stays, on the page of the country."""
    if answers.code:
        why = tr(request, "saving answers for %(country)s needs the member role there", country=answers.code)
    else:
        why = in_words(exc, language(request))
    errors = answers.errors | {"country": why}
    first = content(request).questionnaire.sections[0].id
    return form_page(
        request, raw=answers.raw, country=answers.country, errors=errors, page=first, draft_id=draft_id,
        status_code=403,
    )  # fmt: skip


def _respond(request: Request, answers: Given, session: DB, who: Principal, draft_id: str | None) -> Response:
    """The answers as the signed-in person's own in the country's diagnostic round (member role): kept
    beside the other respondents', for the coordinator's consensus. Refused, they stay on the page."""
    if not answers.code:
        errors = answers.errors | {"country": tr(request, "Choose the country whose round you answer for.")}
        return form_page(request, raw=answers.raw, country=answers.country, errors=errors, draft_id=draft_id,
                         page=REVIEW, status_code=422)  # fmt: skip
    try:
        respondents.save_my_answers(
            session=session,
            who=who,
            content=stored_content(request),
            country=answers.code,
            answers=answers.raw,
        )
    except Forbidden as exc:
        return _refused(request, answers, draft_id, exc)
    except (AnswersError, InvalidFields) as exc:
        notice = in_words(exc, language(request))
        return given_page(request, answers, page=REVIEW, draft_id=draft_id, status_code=422, notice=notice)
    return redirect_with_notice(request, f"/countries/{answers.code}/respondents", tr(request, ANSWERED))
