"""The countries and the portfolio as a reader sees them: the progress of the plans `who` may read, with each
country's name."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlmodel import Session

from cer.db.tables import TaskRow
from cer.services.access import Principal
from cer.services.countries import country_names
from cer.services.progress import overdue_tasks, portfolio_breakdown, portfolio_grid, portfolio_progress
from workstreams.status import Progress


@dataclass(frozen=True)
class Countries:
    progress: dict[str, Progress]  # by country code, of the plans the reader may read
    names: dict[str, str]


def readable_countries(*, session: Session, who: Principal, today: dt.date) -> Countries:
    """The countries whose plans `who` may read, with their progress."""
    progress = portfolio_progress(session=session, today=today, countries=who.readable())
    return Countries(progress, country_names(session=session))


@dataclass(frozen=True)
class Portfolio:
    countries: dict[str, Progress]
    names: dict[str, str]
    by_workstream: dict[str, Progress]
    by_step: dict[int, Progress]
    overdue: list[tuple[str, TaskRow]]  # (country, task), the most overdue first
    overdue_total: int
    grid: dict[str, dict[str, dict[int, Progress]]]  # country → workstream → step → progress


def portfolio(*, session: Session, who: Principal, today: dt.date, overdue_shown: int = 20) -> Portfolio:
    """The progress of the countries `who` may read, together: by country, workstream and step, and the most
    overdue tasks (at most `overdue_shown`)."""
    only = who.readable()
    by_workstream, by_step = portfolio_breakdown(session=session, today=today, countries=only)
    overdue, total = overdue_tasks(session=session, today=today, limit=overdue_shown, countries=only)
    return Portfolio(
        countries=portfolio_progress(session=session, today=today, countries=only),
        names=country_names(session=session),
        by_workstream=by_workstream,
        by_step=by_step,
        overdue=overdue,
        overdue_total=total,
        grid=portfolio_grid(session=session, today=today, countries=only),
    )
