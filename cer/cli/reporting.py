"""Progress reports and exports: `cer report`, `cer export`, and `cer demo` to try them."""

from __future__ import annotations

import datetime as dt
import sys
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer

from cer.cli.app import (
    AsUser,
    LangOpt,
    acting_user,
    app,
    cli_errors,
    content,
    day,
    invalid,
    say,
    stored_content,
)

OutOpt = Annotated[Path | None, typer.Option("--output", "-o", help="Write to this file (default: print).")]
TodayOpt = Annotated[str | None, typer.Option(help="Report as of this date YYYY-MM-DD (default: today).")]


class ReportFormat(StrEnum):
    html = "html"
    md = "md"


class ExportFormat(StrEnum):
    csv = "csv"
    xlsx = "xlsx"
    ics = "ics"
    todo_ics = "todo.ics"


@app.command()
@cli_errors
def report(
    country: Annotated[str | None, typer.Argument(help="ISO 3166 code, e.g. MWI.")] = None,
    portfolio: Annotated[bool, typer.Option(help="Every country with a plan, instead of one.")] = False,
    format_: Annotated[ReportFormat, typer.Option("--format", "-f", case_sensitive=False)] = ReportFormat.md,
    output: OutOpt = None,
    today: TodayOpt = None,
    preview: Annotated[
        bool, typer.Option(help="Do not record this report: the next one still lists the same changes.")
    ] = False,
    as_: AsUser = None,
    lang: LangOpt = None,
) -> None:
    """A progress report to send: cover, summary, highlights, overdue, status per key action, changes; in
    the language of --lang (default: the command line's)."""
    if portfolio == (country is not None):
        raise invalid("give a country, or --portfolio")
    when = day(today, "--today")
    _produce_report(country, format_.value, output, when, not preview, acting_user(as_), _lang(lang))


def _lang(chosen: StrEnum | None) -> str:
    """A command's own --lang, else the command line's language (cer --lang, CER_LANG)."""
    from cer.views.i18n import current_language

    return chosen.value if chosen else current_language()


def _produce_report(
    country: str | None, fmt: str, output: Path | None, day: dt.date, record: bool, by: str, lang: str
) -> None:
    """Render, write, and only then record the report (a report that could not be written is not counted)."""
    from cer.runtime.config import get_settings
    from cer.services.database import session_for
    from cer.services.reports import country_report, portfolio_report, record_portfolio_report, record_report
    from cer.views import reports

    with session_for(get_settings()) as session:
        if country is None:
            whole = portfolio_report(session=session, today=day)
            _write(reports.render_portfolio(whole, content(), fmt, lang).encode(), output)
            if record:
                record_portfolio_report(session=session, report=whole, by=by, fmt=fmt)
            return
        data = country_report(session=session, country=country, today=day)
        _write(reports.render_country(data, content(), fmt, lang).encode(), output)
        if record:
            record_report(session=session, report=data, by=by, fmt=fmt)


@app.command()
@cli_errors
def export(
    country: Annotated[str, typer.Argument(help="ISO 3166 code, e.g. MWI.")],
    format_: Annotated[ExportFormat, typer.Option("--format", "-f", case_sensitive=False)],
    output: OutOpt = None,
    codes: Annotated[
        bool, typer.Option("--codes", help="CSV: the stored codes (not_started, True), not words.")
    ] = False,
    lang: LangOpt = None,
) -> None:
    """A country's plan as CSV (in words, UTF-8 with a BOM), XLSX (a summary, a sheet per workstream, a
    legend) or iCalendar: ics, one event per due date; todo.ics, one to-do per task. Headers and words in
    the language of --lang (default: the command line's)."""
    from cer.runtime.config import get_settings
    from cer.services.database import session_for
    from cer.services.plans import get_plan, plan_tasks
    from cer.views import exports

    if format_ is ExportFormat.xlsx and output is None:
        raise invalid("an XLSX workbook needs --output FILE")
    with session_for(get_settings()) as session:
        plan = get_plan(session=session, country=country)
        tasks = plan_tasks(session=session, plan=plan)
    now, framework = dt.datetime.now(dt.UTC), content().framework
    made = exports.plan_file(format_.value, plan, tasks, framework, now, codes=codes, lang=_lang(lang))
    _write(made, output)


def _write(data: bytes, output: Path | None) -> None:
    if output is None:
        sys.stdout.write(data.decode("utf-8-sig"))  # a terminal or a pipe has no use for a CSV's BOM
        return
    try:
        output.write_bytes(data)
    except OSError as exc:
        raise invalid(
            "cannot write %(file)s: %(problem)s", file=output, problem=exc.strerror or exc
        ) from None
    typer.echo(say("wrote %(file)s", file=output), err=True)


@app.command()
@cli_errors
def demo(today: TodayOpt = None) -> None:
    """Seed three example countries (Malawi, Somalia, Viet Nam) with plans four months under way."""
    from cer.content import default_root
    from cer.runtime.config import get_settings
    from cer.services.database import session_for
    from cer.services.demo import seed_demo

    examples = default_root() / "examples"
    with session_for(get_settings()) as session:
        created = seed_demo(
            session=session, content=stored_content(), examples_dir=examples, today=day(today, "--today")
        )
    seeded = say("Seeded %(countries)s.", countries=", ".join(created))
    typer.echo(seeded if created else say("The example countries already have plans."))
    typer.echo(
        say("Try: %(commands)s", commands="cer report --portfolio · cer report MWI -f html -o mwi.html · "
            "cer tasks list --country SOM")
    )  # fmt: skip
