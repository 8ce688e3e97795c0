"""Saved drafts of the questionnaire: the list of those the user may open, and one draft's answers in the
questionnaire's pages again, each problem next to its question, to go on with."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse

from cer.services import drafts
from cer.views.questionnaire_pages import REVIEW
from cer.web.deps import DB, CurrentUser
from cer.web.pages.answer_form import form_page, problems
from cer.web.templating import render, tr

router = APIRouter(include_in_schema=False)  # pages; the API documents /api only


@router.get("/diagnose/drafts", response_class=HTMLResponse)
def list_drafts(request: Request, session: DB, who: CurrentUser) -> HTMLResponse:
    """The drafts the user saved, or of the countries whose plans they may read."""
    shown = drafts.readable_drafts(session=session, who=who)
    return render(request, "drafts.html", title=tr(request, "Saved drafts"), drafts=shown)


@router.get("/diagnose/drafts/{draft_id}", response_class=HTMLResponse)
def show_draft(
    request: Request, draft_id: str, session: DB, who: CurrentUser, page: str = ""
) -> HTMLResponse:
    """A page of a draft's answers (`page`: a section's id, or 'review'), if the user may open the draft."""
    draft = drafts.draft_for(session=session, draft_id=draft_id, who=who)
    raw, country = dict(draft.answers), draft.country_code or ""
    errors = problems(request, raw, country, final=page == REVIEW)
    return form_page(request, raw=raw, country=country, errors=errors, draft_id=draft.id, page=page[:40])
