"""The countries whose plans the user may read, and their portfolio: progress by country, workstream and
step, a chart, and the most overdue tasks."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse

from cer.services import portfolio as portfolios
from cer.web.charts import ProgressBar, progress_svg
from cer.web.deps import DB, CurrentUser, Today, content, language
from cer.web.templating import render, tr

router = APIRouter(include_in_schema=False)  # pages; the API documents /api only


@router.get("/countries", response_class=HTMLResponse)
def countries(request: Request, session: DB, who: CurrentUser, today: Today) -> HTMLResponse:
    """The countries whose plans the user may read."""
    found = portfolios.readable_countries(session=session, who=who, today=today)
    return render(
        request, "countries.html", title=tr(request, "Countries"), progress=found.progress, names=found.names
    )


def _chart(request: Request, found: portfolios.Portfolio) -> str:
    """Each country's tasks by status, as one bar a country (nothing without a country)."""
    rows = [
        ProgressBar(found.names.get(code, code), f"/countries/{code}", p.by_status, p.overdue)
        for code, p in found.countries.items()
    ]
    title = tr(request, "Share of tasks by status, per country")
    return progress_svg(rows, title, lang=language(request)) if rows else ""


@router.get("/portfolio", response_class=HTMLResponse)
def portfolio(request: Request, session: DB, who: CurrentUser, today: Today) -> HTMLResponse:
    """Progress of the countries the user may read, together."""
    found = portfolios.portfolio(session=session, who=who, today=today)
    return render(
        request,
        "portfolio.html",
        title=tr(request, "Portfolio"),
        chart=_chart(request, found),
        framework=content(request).framework,
        today=today,
        **vars(found),
    )
