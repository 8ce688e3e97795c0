"""Progress reports: what a country's (or the portfolio's) report shows, and the record that one was made."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlmodel import Session, col, select

from cer.db.tables import Country, ProgressReport, Task, TaskEvent, utcnow
from cer.services.progress import CountryProgress, country_progress, portfolio_progress
from workstreams.status import Progress


@dataclass(frozen=True)
class Change:
    task: Task
    event: TaskEvent


@dataclass(frozen=True)
class CountryReport:
    progress: CountryProgress
    country_name: str
    region: str | None
    today: dt.date
    generated_at: dt.datetime
    since: dt.datetime | None  # the previous report, if any
    changes: list[Change]


@dataclass(frozen=True)
class PortfolioReport:
    countries: dict[str, Progress]
    names: dict[str, str]
    regions: dict[str, str]
    total: Progress
    today: dt.date
    generated_at: dt.datetime


def country_report(*, session: Session, country: str, today: dt.date, by: str, fmt: str) -> CountryReport:
    """Gather the report and record that it was made (so the next one lists changes since this one)."""
    progress = country_progress(session=session, country=country, today=today)
    code = progress.country
    previous = session.exec(
        select(ProgressReport)
        .where(ProgressReport.country_code == code)
        .order_by(col(ProgressReport.id).desc())
    ).first()
    since = previous.at if previous else None
    tasks = {t.id: t for t in progress.tasks}
    query = select(TaskEvent).where(col(TaskEvent.task_id).in_(list(tasks))).order_by(col(TaskEvent.id))
    if previous is not None:
        query = query.where(col(TaskEvent.at) > previous.at)
    changes = [Change(tasks[e.task_id], e) for e in session.exec(query).all()]
    place = session.get(Country, code) or Country(code=code, name=code)
    region = " · ".join(filter(None, [place.region, place.subregion])) or None
    report = CountryReport(progress, place.name, region, today, utcnow(), since, changes)
    session.add(ProgressReport(country_code=code, by=by, format=fmt, at=report.generated_at))
    session.commit()
    return report


def portfolio_report(*, session: Session, today: dt.date, by: str, fmt: str) -> PortfolioReport:
    countries = portfolio_progress(session=session, today=today)
    names = {c.code: c.name for c in session.exec(select(Country)).all()}
    regions = {c.code: c.region or "" for c in session.exec(select(Country)).all()}
    total = Progress()
    for p in countries.values():
        for status, n in p.by_status.items():
            total.by_status[status] = total.by_status.get(status, 0) + n
        total.overdue += p.overdue
        total.due_soon += p.due_soon
    report = PortfolioReport(countries, names, regions, total, today, utcnow())
    session.add(ProgressReport(country_code=None, by=by, format=fmt, at=report.generated_at))
    session.commit()
    return report
