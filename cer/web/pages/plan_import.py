"""Importing a plan a country team already keeps (XLSX or CSV): upload, map the columns, check, import.

The first post carries the file; the page that answers shows how each column is read (a select per field,
the guess made from the headers), what each row would do and every problem by row and column, and holds the
file (base64, in the form) so that "Check again" and "Import" need no second upload. Nothing is written
until "Import", and then all or nothing (cer.services.plan_import).
"""

from __future__ import annotations

import base64
from typing import Annotated, Any

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from cer.services import plan_import
from cer.services.errors import Conflict
from cer.services.import_rows import FIELDS
from cer.services.sheet_reader import MAX_BYTES
from cer.views.error_words import field_errors_in, in_language, in_words
from cer.views.import_form import NOT_READ, ImportFields
from cer.web.deps import DB, CurrentUser, Today, language, stored_content
from cer.web.templating import render, tr
from workstreams.errors import InvalidFields, InvalidRequest

router = APIRouter(include_in_schema=False)  # pages; the API documents /api only


def _page(request: Request, plan: Any, status: int = 200, **shown: Any) -> HTMLResponse:
    title = tr(request, "Import a plan")
    lang = language(request)
    shown |= {"fields": FIELDS, "not_read": NOT_READ, "said": lambda text: in_language(text, lang)}
    return render(request, "plan_import.html", status, title=title, plan=plan, **shown)


@router.get("/countries/{code}/import", response_class=HTMLResponse)
def import_form(request: Request, code: str, session: DB, who: CurrentUser) -> HTMLResponse:
    """The upload form, for someone who may change the plan's tasks."""
    return _page(request, plan_import.importable_plan(session=session, who=who, country=code))


@router.post("/countries/{code}/import", response_class=HTMLResponse)
def import_upload(
    request: Request, code: str, session: DB, who: CurrentUser, today: Today,
    form: Annotated[ImportFields, Form()],
) -> Response:  # fmt: skip
    """Check the file (the first upload, "Check again") or import it ("Import"); the page shows the columns,
    each row and every problem; an import done goes to the plan."""
    plan = plan_import.importable_plan(session=session, who=who, country=code)
    try:
        data, name = form.uploaded(MAX_BYTES) or form.carried()
        checked, imported = plan_import.import_file(
            session=session, who=who, framework=stored_content(request).framework, country=code, data=data,
            filename=name, today=today, mapping=form.mapping(),
            workstream=form.workstream or None, dry_run=form.action != "import",
        )  # fmt: skip
    except (Conflict, InvalidRequest) as exc:
        return _refused(request, plan, form, exc)
    if imported:
        return RedirectResponse(f"/countries/{plan.country_code}", 303)
    shown = {"checked": checked, "file": base64.b64encode(data).decode(), "filename": name}
    return _page(request, plan, 422 if checked.problems else 200, **shown)


def _refused(request: Request, plan: Any, form: ImportFields, exc: Exception) -> HTMLResponse:
    lang = language(request)
    found = field_errors_in(exc, lang) if isinstance(exc, InvalidFields) else []
    problems = [f"{e['field']}: {e['message']}" for e in found]
    status = 409 if isinstance(exc, Conflict) else 422
    return _page(request, plan, status, error=in_words(exc, lang).split("\n")[0], problems=problems,
                 file=form.content, filename=form.filename)  # fmt: skip
