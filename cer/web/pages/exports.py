"""A country's plan as a file to download: CSV, Excel, iCalendar."""

from __future__ import annotations

import datetime as dt
from typing import Annotated

from fastapi import APIRouter, Query, Request
from fastapi.responses import Response

from cer.services import country_plans
from cer.web.deps import DB, CurrentUser, Today, content, language
from workstreams.errors import NotFound

router = APIRouter(include_in_schema=False)  # pages; the API documents /api only
EXPORT_TYPES = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "ics": "text/calendar; charset=utf-8",
    "todo.ics": "text/calendar; charset=utf-8",  # the tasks as to-dos (cer.views.calendars)
}

Codes = Annotated[bool, Query(description="A CSV with the stored codes (not_started, True) instead of words")]


def _known(kind: str, fmt: str, types: dict[str, str]) -> None:
    if fmt not in types:
        raise NotFound(kind, fmt, list(types))


@router.get("/countries/{code}/export.{fmt}")
def export(
    request: Request, code: str, fmt: str, session: DB, who: CurrentUser, today: Today, codes: Codes = False
) -> Response:
    """The plan's tasks as a file to download: a CSV or workbook in words (the CSV in codes with ?codes=1)."""
    _known("export format", fmt, EXPORT_TYPES)
    found = country_plans.readable_tasks(session=session, who=who, country=code)
    filename = f"cer-{found.plan.country_code.lower()}-plan-{today:%Y%m%d}.{fmt}"
    headers = {"Content-Disposition": f'attachment; filename="{filename}"'}
    from cer.views.exports import plan_file

    now, lang = dt.datetime.now(dt.UTC), language(request)
    data = plan_file(fmt, found.plan, found.tasks, content(request).framework, now, codes=codes, lang=lang)
    return Response(data, media_type=EXPORT_TYPES[fmt], headers=headers)
