"""Progress reports (HTML, Markdown) of a country or of the portfolio, previewed: a report shown here is not
recorded, so the next recorded one lists the same changes. A country's report is written in the language asked
(`?lang=`, else the reader's), and carries the summary its coordinator wrote on `/countries/{code}/report`."""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Form, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from pydantic import BaseModel, ConfigDict

from cer.services import country_plans, report_summaries
from cer.services.errors import InvalidFields
from cer.services.reports import portfolio_report as gather_portfolio
from cer.services.reports import preview_report
from cer.views.error_words import by_field_in
from cer.web.deps import DB, CurrentUser, Today, content, language
from cer.web.language import asked, keep_in_html
from cer.web.templating import render, tr
from workstreams.errors import NotFound

router = APIRouter(include_in_schema=False)  # pages; the API documents /api only
REPORT_TYPES = {"html": "text/html; charset=utf-8", "md": "text/markdown; charset=utf-8"}
Lang = Annotated[str | None, Query(pattern="^(en|fr|es|ar)$", description="The report's language")]


class SummaryForm(BaseModel):
    """The summary form as the browser sends it; its words are checked by the service (kept on refusal)."""

    model_config = ConfigDict(extra="ignore")  # the CSRF token comes with it

    period: str = ""
    prepared_by: str = ""
    summary: str = ""
    action: Literal["save", "preview"] = "save"

    def text(self) -> report_summaries.SummaryText:
        return report_summaries.check_summary(
            period=self.period, prepared_by=self.prepared_by, summary=self.summary
        )


def _known(kind: str, fmt: str, types: dict[str, str]) -> None:
    if fmt not in types:
        raise NotFound(kind, fmt, list(types))


def _report(request: Request, text: str, fmt: str) -> Response:
    """A report is a document of its own: its stylesheet is inline, and nothing else may run in it. Asked
    for with `?lang=`, its links back to the site keep it, as a page's do (cer.web.language)."""
    headers = {
        "Content-Security-Policy": "default-src 'none'; style-src 'unsafe-inline'; frame-ancestors 'none'"
    }
    kept = asked(request.url.query)
    if kept and fmt == "html":
        text = keep_in_html(text, kept)
    return Response(text, media_type=REPORT_TYPES[fmt], headers=headers)


@router.get("/countries/{code}/report.{fmt}")
def country_report(
    request: Request, code: str, fmt: str, session: DB, who: CurrentUser, today: Today, lang: Lang = None
) -> Response:
    """A progress report, as a preview: not recorded, so the next recorded report lists the same changes."""
    from cer.views import reports

    _known("report format", fmt, REPORT_TYPES)
    data = country_plans.readable_report(session=session, who=who, country=code, today=today)
    return _report(
        request, reports.render_country(data, content(request), fmt, lang or language(request)), fmt
    )


SummaryFields = Annotated[SummaryForm, Form()]


def _summary_form(
    request: Request, found: report_summaries.SummaryPage, form: dict[str, str], errors: dict[str, str]
) -> HTMLResponse:
    title = tr(request, "The report to send")
    return render(request, "report_summary.html", 422 if errors else 200, title=title, plan=found.plan,
                  saved=found.summary, form=form, errors=errors)  # fmt: skip


@router.get("/countries/{code}/report", response_class=HTMLResponse)
def report_summary_form(request: Request, code: str, session: DB, who: CurrentUser) -> HTMLResponse:
    """The summary written before the report is sent (a coordinator may change it), and the report's links."""
    found = report_summaries.report_summary(session=session, who=who, country=code)
    saved = found.summary
    form = (
        saved.model_dump(include={"period", "prepared_by", "summary"}) if saved else {"prepared_by": who.name}
    )
    return _summary_form(request, found, form, {})


@router.post("/countries/{code}/report", response_class=HTMLResponse)
def save_report_summary(
    request: Request, code: str, session: DB, who: CurrentUser, today: Today, form: SummaryFields
) -> Response:
    """Save the summary (then show the form), or preview the report with it unsaved; refusals name fields."""
    from cer.views import reports

    try:
        text = form.text()
    except InvalidFields as exc:
        found = report_summaries.report_summary(session=session, who=who, country=code)
        return _summary_form(request, found, form.model_dump(), by_field_in(exc, language(request)))
    if form.action == "preview":
        data = preview_report(session=session, who=who, country=code, today=today, text=text)
        return _report(
            request, reports.render_country(data, content(request), "html", language(request)), "html"
        )
    saved = report_summaries.save_report_summary(session=session, who=who, country=code, text=text)
    return RedirectResponse(f"/countries/{saved.plan.country_code}/report", 303)


@router.get("/portfolio/report.{fmt}")
def portfolio_report(
    request: Request, fmt: str, session: DB, who: CurrentUser, today: Today, lang: Lang = None
) -> Response:
    """The portfolio report of the countries the user may read, in `?lang=`, else the reader's language."""
    from cer.views import reports

    _known("report format", fmt, REPORT_TYPES)
    data = gather_portfolio(session=session, today=today, only=who.readable())
    return _report(
        request, reports.render_portfolio(data, content(request), fmt, lang or language(request)), fmt
    )
