"""Progress reports (HTML, Markdown) of a country or of the portfolio, previewed: a report shown here is not
recorded, so the next recorded one lists the same changes."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import Response

from cer.services import country_plans
from cer.services.reports import portfolio_report as gather_portfolio
from cer.web.deps import DB, CurrentUser, Today, content
from workstreams.errors import NotFound

router = APIRouter(include_in_schema=False)  # pages; the API documents /api only
REPORT_TYPES = {"html": "text/html; charset=utf-8", "md": "text/markdown; charset=utf-8"}


def _known(kind: str, fmt: str, types: dict[str, str]) -> None:
    if fmt not in types:
        raise NotFound(kind, fmt, list(types))


def _report(text: str, fmt: str) -> Response:
    """A report is a document of its own: its stylesheet is inline, and nothing else may run in it."""
    headers = {
        "Content-Security-Policy": "default-src 'none'; style-src 'unsafe-inline'; frame-ancestors 'none'"
    }
    return Response(text, media_type=REPORT_TYPES[fmt], headers=headers)


@router.get("/countries/{code}/report.{fmt}")
def country_report(
    request: Request, code: str, fmt: str, session: DB, who: CurrentUser, today: Today
) -> Response:
    """A progress report, as a preview: not recorded, so the next recorded report lists the same changes."""
    from cer.views import reports

    _known("report format", fmt, REPORT_TYPES)
    data = country_plans.readable_report(session=session, who=who, country=code, today=today)
    return _report(reports.render_country(data, content(request), fmt), fmt)


@router.get("/portfolio/report.{fmt}")
def portfolio_report(request: Request, fmt: str, session: DB, who: CurrentUser, today: Today) -> Response:
    """The portfolio report of the countries the user may read."""
    from cer.views import reports

    _known("report format", fmt, REPORT_TYPES)
    data = gather_portfolio(session=session, today=today, only=who.readable())
    return _report(reports.render_portfolio(data, content(request), fmt), fmt)
