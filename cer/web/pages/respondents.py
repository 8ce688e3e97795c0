"""Several respondents per country: the round's respondents and their answers side by side per question (the
spread in words, who said what, agreement, the majority, ties marked for a decision), the coordinator's
decision per question with why, the diagnosis of the consensus, and KoBo/ODK submissions uploaded as
respondents (all or nothing, every problem by row and question)."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, File, Form, Path, Request, UploadFile
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from cer.content.countries import all_countries
from cer.services import consensus, respondents
from cer.services.access import Action, Principal, require
from cer.services.errors import Conflict, InvalidFields
from cer.services.submission_files import MAX_BYTES
from cer.services.submissions import Submissions, read_submissions
from cer.views.error_words import by_field_in, field_errors_in, in_language, in_words
from cer.views.i18n import N_, translations
from cer.views.render_submissions import SHAPES, import_countries
from cer.views.respondent_pages import sections_shown
from cer.web.deps import DB, CurrentUser, content, language, stored_content
from cer.web.notices import redirect_with_notice
from cer.web.templating import render, tr
from diagnostics.answers import AnswersError
from workstreams.errors import InvalidRequest

DECIDED = N_("Decision saved.")
router = APIRouter(include_in_schema=False)  # pages; the API documents /api only
QuestionId = Annotated[str, Path(max_length=60)]


def _page(
    request: Request, session: DB, who: Principal, code: str, status: int = 200, **shown: Any
) -> Response:
    """The round side by side; `shown`: a refusal or what an import found, beside it."""
    seen = consensus.side_by_side(session=session, who=who, content=stored_content(request), country=code)
    place = respondents.country_code(code)
    lang = language(request)
    return render(
        request, "respondents.html", status,
        title=tr(request, "Respondents for %(country)s", country=place), code=place, seen=seen,
        sections=sections_shown(seen, content(request)), said=lambda text: in_language(text, lang),
        shapes=SHAPES, most=MAX_BYTES // 2**20, **shown,
    )  # fmt: skip


@router.get("/countries/{code}/respondents", response_class=HTMLResponse)
def respondents_page(request: Request, code: str, session: DB, who: CurrentUser) -> Response:
    """The round's respondents and their answers side by side (member role); a coordinator decides, imports
    submissions and diagnoses the consensus here."""
    return _page(request, session, who, code)


@router.post("/countries/{code}/consensus/diagnose", response_class=HTMLResponse)
def diagnose_consensus(request: Request, code: str, session: DB, who: CurrentUser) -> Response:
    """Diagnose the consensus (coordinator): to the diagnosis; refused while a tie waits for a decision."""
    try:
        done = consensus.diagnose_consensus(
            session=session, who=who, content=stored_content(request), country=code
        )
    except (Conflict, AnswersError) as exc:
        session.rollback()
        status = 409 if isinstance(exc, Conflict) else 422
        return _page(request, session, who, code, status, error=_why_not(exc, language(request)))
    return RedirectResponse(f"/diagnoses/{done.row.id}", status_code=303)


@router.post("/countries/{code}/consensus/{question}", response_class=HTMLResponse)
def decide(
    request: Request, code: str, question: QuestionId, session: DB, who: CurrentUser,
    value: Annotated[list[str] | None, Form()] = None, why: Annotated[str, Form(max_length=4000)] = "",
) -> Response:  # fmt: skip
    """The coordinator's answer to a question (several choices: each ticked), and why; none: the majority."""
    chosen: Any = value[0] if value and len(value) == 1 else (value or "")
    try:
        consensus.decide(session=session, who=who, content=stored_content(request), country=code,
                         question=question, value=chosen, why=why)  # fmt: skip
    except InvalidFields as exc:
        refused = {question: "; ".join(by_field_in(exc, language(request)).values())}
        return _page(request, session, who, code, 422, refused=refused)
    return redirect_with_notice(request, f"/countries/{code}/respondents#q-{question}", tr(request, DECIDED))


@router.post("/countries/{code}/respondents/import", response_class=HTMLResponse)
def import_respondents(
    request: Request, code: str, session: DB, who: CurrentUser,
    file: Annotated[UploadFile | None, File()] = None,
) -> Response:  # fmt: skip
    """KoBo's or ODK's submissions as respondents (coordinator): all of them, or every problem by row and
    question and nothing stored."""
    require(who, Action.manage_plan, respondents.country_code(code))
    try:
        found = _read(request, code, file)
        if found.problems:
            return _page(request, session, who, code, 422, found=found)
        stored = _store(request, session, who, code, found)
    except (InvalidRequest, AnswersError) as exc:
        return _page(request, session, who, code, 422, import_error=_why_not(exc, language(request)))
    said = translations(language(request)).ngettext(
        "%(num)s respondent stored from the file.", "%(num)s respondents stored from the file.", stored
    ) % {"num": stored}
    return redirect_with_notice(request, f"/countries/{code}/respondents", said)


def _read(request: Request, code: str, file: UploadFile | None) -> Submissions:
    if file is None or not file.filename:
        raise InvalidRequest("choose a file of submissions (KoBo's CSV, XLSX or JSON, or ODK's JSON)")
    data = file.file.read(MAX_BYTES + 1)  # more is refused as too big, unread
    questionnaire = stored_content(request).questionnaire
    place = respondents.country_code(code)
    return read_submissions(data, file.filename, questionnaire, import_countries(all_countries()), place)


def _store(request: Request, session: DB, who: Principal, code: str, found: Submissions) -> int:
    stored = respondents.import_submissions(
        session=session, who=who, country=found.country or code, submissions=found.submissions,
        content=stored_content(request),
    )  # fmt: skip
    return len(stored)


def _why_not(exc: Exception, lang: str) -> list[str]:
    """A refusal in words: each problem on its own line ("row 3: dq05: …")."""
    if isinstance(exc, AnswersError):
        return [f"{e['field']}: {e['message']}" for e in field_errors_in(exc, lang)]
    return [in_words(exc, lang)]
