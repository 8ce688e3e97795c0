"""Progress reports: what a country's (or the portfolio's) report shows, and the record that one was made."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field, replace

from sqlalchemy import func
from sqlmodel import Session, col, select

from cer.db.tables import (
    CountryRow,
    PlanRow,
    ProgressReportRow,
    ReportSummaryRow,
    TaskEventRow,
    TaskRow,
    utcnow,
)
from cer.services.access import Action, Principal, require
from cer.services.progress import (
    Countries,
    CountryProgress,
    among,
    country_progress,
    overdue_tasks,
    portfolio_breakdown,
    portfolio_progress,
)
from cer.services.report_summaries import SummaryText, stored_summary, unsaved_summary
from workstreams.status import Progress


@dataclass(frozen=True)
class Change:
    task: TaskRow
    event: TaskEventRow


@dataclass(frozen=True)
class CountryReport:
    progress: CountryProgress
    country_name: str
    region: str | None
    today: dt.date
    generated_at: dt.datetime
    since: dt.datetime | None  # the previous report, if any
    changes: list[Change]
    last_event_id: int  # the newest event this report covers
    summary: ReportSummaryRow | None = None  # the coordinator's words above the report, if written
    highlights: list[TaskRow] = field(default_factory=list)  # completed in the period, newest first
    highlights_from: dt.date | None = None  # the first day counted as recent

    @property
    def prepared_by(self) -> str | None:
        return self.summary.prepared_by if self.summary else None


@dataclass(frozen=True)
class PortfolioChange:
    country: str
    task: TaskRow
    event: TaskEventRow


@dataclass(frozen=True)
class PortfolioReport:
    countries: dict[str, Progress]
    names: dict[str, str]
    regions: dict[str, str]
    total: Progress
    today: dt.date
    generated_at: dt.datetime
    by_workstream: dict[str, Progress]
    by_step: dict[int, Progress]
    overdue: list[tuple[str, TaskRow]]  # (country, task), most overdue first, at most OVERDUE_SHOWN
    overdue_total: int
    since: dt.datetime | None
    changes: list[PortfolioChange]  # newest CHANGES_SHOWN since the previous portfolio report
    changes_total: int
    last_event_id: int


OVERDUE_SHOWN = 50
CHANGES_SHOWN = 100
RECENT_DAYS = 90  # completions counted as highlights when there is no previous report to count from


def country_report(*, session: Session, country: str, today: dt.date) -> CountryReport:
    """Gather a country's report: progress, overdue and due-soon tasks, and the changes since the last one."""
    progress = country_progress(session=session, country=country, today=today)
    code = progress.country
    previous = session.exec(
        select(ProgressReportRow)
        .where(ProgressReportRow.country_code == code)
        .order_by(col(ProgressReportRow.id).desc())
    ).first()
    tasks = {t.id: t for t in progress.tasks}
    query = (
        select(TaskEventRow).where(col(TaskEventRow.task_id).in_(list(tasks))).order_by(col(TaskEventRow.id))
    )
    if previous is not None:  # by event id, not by clock: an event committed late is not skipped
        query = query.where(col(TaskEventRow.id) > previous.last_event_id)
    changes = [Change(tasks[e.task_id], e) for e in session.exec(query).all()]
    newest = max((c.event.id or 0 for c in changes), default=previous.last_event_id if previous else 0)
    place = session.get(CountryRow, code) or CountryRow(code=code, name=code)
    region = " · ".join(filter(None, [place.region, place.subregion])) or None
    since = previous.at if previous else None
    start = since.date() if since else today - dt.timedelta(days=RECENT_DAYS)
    return CountryReport(
        progress, place.name, region, today, utcnow(), since, changes, newest,
        summary=stored_summary(session=session, country=code),
        highlights=completed_since(progress.tasks, start), highlights_from=start,
    )  # fmt: skip


def completed_since(tasks: list[TaskRow], start: dt.date) -> list[TaskRow]:
    """The tasks completed on `start` or later (the day the completion took effect), newest first."""

    def day(t: TaskRow) -> dt.date:
        return t.status_on or t.updated_at.date()

    done = [t for t in tasks if t.status == "completed" and day(t) >= start]
    return sorted(done, key=lambda t: (day(t), t.key), reverse=True)


def preview_report(
    *, session: Session, who: Principal, country: str, today: dt.date, text: SummaryText
) -> CountryReport:
    """The country's report with `text` as its summary, which is not kept (if `who` may read the plan)."""
    require(who, Action.read_plan, country)
    report = country_report(session=session, country=country, today=today)
    return replace(report, summary=unsaved_summary(who=who, country=report.progress.country, text=text))


def record_report(*, session: Session, report: CountryReport, by: str, fmt: str) -> None:
    """Note that a report was handed out: the next one lists only what changed after it."""
    session.add(
        ProgressReportRow(
            country_code=report.progress.country,
            by=by,
            format=fmt,
            at=report.generated_at,
            last_event_id=report.last_event_id,
        )
    )
    session.commit()


def portfolio_report(*, session: Session, today: dt.date, only: Countries = None) -> PortfolioReport:
    """Every country's progress, or that of the countries `only` (what a reader may see)."""
    countries = portfolio_progress(session=session, today=today, countries=only)
    places = session.exec(select(CountryRow)).all()
    by_workstream, by_step = portfolio_breakdown(session=session, today=today, countries=only)
    overdue, overdue_total = overdue_tasks(session=session, today=today, limit=OVERDUE_SHOWN, countries=only)
    previous = session.exec(
        select(ProgressReportRow)
        .where(col(ProgressReportRow.country_code).is_(None))
        .order_by(col(ProgressReportRow.id).desc())
    ).first()
    after = previous.last_event_id if previous else 0
    newer = (col(TaskEventRow.id) > after, *among(only))
    changes_total = session.exec(
        select(func.count())
        .select_from(TaskEventRow)
        .join(TaskRow, col(TaskEventRow.task_id) == col(TaskRow.id))
        .join(PlanRow, col(TaskRow.plan_id) == col(PlanRow.id))
        .where(*newer)
    ).one()
    rows = session.exec(
        select(PlanRow.country_code, TaskRow, TaskEventRow)
        .join(TaskRow, col(TaskRow.plan_id) == col(PlanRow.id))
        .join(TaskEventRow, col(TaskEventRow.task_id) == col(TaskRow.id))
        .where(*newer)
        .order_by(col(TaskEventRow.id).desc())
        .limit(CHANGES_SHOWN)
    ).all()
    changes = [PortfolioChange(code, task, event) for code, task, event in reversed(rows)]
    newest = max((c.event.id or 0 for c in changes), default=after)
    return PortfolioReport(
        countries=countries,
        names={c.code: c.name for c in places},
        regions={c.code: c.region or "" for c in places},
        total=sum(countries.values(), Progress()),
        today=today,
        generated_at=utcnow(),
        by_workstream=by_workstream,
        by_step=by_step,
        overdue=overdue,
        overdue_total=overdue_total,
        since=previous.at if previous else None,
        changes=changes,
        changes_total=changes_total,
        last_event_id=newest,
    )


def record_portfolio_report(*, session: Session, report: PortfolioReport, by: str, fmt: str) -> None:
    session.add(
        ProgressReportRow(
            country_code=None, by=by, format=fmt, at=report.generated_at, last_event_id=report.last_event_id
        )
    )
    session.commit()
