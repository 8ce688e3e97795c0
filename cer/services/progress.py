"""Progress roll-ups: per step, workstream and country from the tasks, and for the portfolio in SQL."""

from __future__ import annotations

import datetime as dt
import json
from collections import defaultdict
from collections.abc import Collection
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import String, cast, func
from sqlalchemy import select as sa_select  # sqlmodel types select() for at most 4 columns
from sqlmodel import Session, col, select

from cer.db.tables import PlanRow, TaskRow
from cer.services.access import Action, Principal, require
from cer.services.plans import get_plan, plan_tasks
from workstreams.status import OPEN, Progress, lateness

# A task's workstreams as the JSON text both databases keep, e.g. '["A", "B"]': grouped on as it is
# (PostgreSQL cannot group on a JSON value), read back with json.loads.
WORKSTREAMS = cast(col(TaskRow.workstreams), String)


@dataclass
class CountryProgress:
    country: str
    plan: PlanRow
    tasks: list[TaskRow]
    overall: Progress = field(default_factory=Progress)
    by_workstream: dict[str, Progress] = field(default_factory=lambda: defaultdict(Progress))
    by_step: dict[int, Progress] = field(default_factory=lambda: defaultdict(Progress))
    overdue: list[TaskRow] = field(default_factory=list)
    due_soon: list[TaskRow] = field(default_factory=list)


def country_progress(
    *, session: Session, country: str, today: dt.date, soon_days: int = 14
) -> CountryProgress:
    plan = get_plan(session=session, country=country)
    result = CountryProgress(plan.country_code, plan, plan_tasks(session=session, plan=plan))
    for t in result.tasks:
        # a shared task counts once for the country and its step, and once for each workstream it serves
        mine = [result.by_workstream[code] for code in t.workstreams]
        for bucket in (result.overall, *mine, result.by_step[t.step]):
            bucket.add(t.status, t.due, today, soon_days=soon_days)
        late, soon = lateness(t.status, t.due, today, soon_days)
        (result.overdue if late else result.due_soon if soon else []).append(t)
    return result


Countries = Collection[str] | None  # the countries a reader may see; None: every one


def among(countries: Countries) -> tuple[Any, ...]:
    """A WHERE clause keeping the plans of `countries` (nothing to add when None)."""
    return () if countries is None else (col(PlanRow.country_code).in_(sorted(countries)),)


def portfolio_progress(
    *, session: Session, today: dt.date, soon_days: int = 14, countries: Countries = None
) -> dict[str, Progress]:
    """Progress of every country with a plan, grouped in the database (one row per country, status, due)."""
    rows = session.exec(
        select(col(PlanRow.country_code), col(TaskRow.status), col(TaskRow.due), func.count())
        .join(TaskRow, col(TaskRow.plan_id) == col(PlanRow.id))
        .where(*among(countries))
        .group_by(col(PlanRow.country_code), col(TaskRow.status), col(TaskRow.due))
    ).all()
    result: dict[str, Progress] = defaultdict(Progress)
    for code, status, due, count in rows:
        result[code].add(status, due, today, count=count, soon_days=soon_days)
    return dict(sorted(result.items()))


def portfolio_breakdown(
    *, session: Session, today: dt.date, soon_days: int = 14, countries: Countries = None
) -> tuple[dict[str, Progress], dict[int, Progress]]:
    """Progress of all countries together, by workstream (a shared task in each of its workstreams) and by
    step (grouped in the database)."""
    by_workstream: dict[str, Progress] = defaultdict(Progress)
    by_step: dict[int, Progress] = defaultdict(Progress)
    for key, bucket in ((WORKSTREAMS, by_workstream), (col(TaskRow.step), by_step)):
        rows = session.exec(
            select(key, col(TaskRow.status), col(TaskRow.due), func.count())
            .join(PlanRow, col(TaskRow.plan_id) == col(PlanRow.id))
            .where(*among(countries))
            .group_by(key, col(TaskRow.status), col(TaskRow.due))
        ).all()
        for group, status, due, count in rows:
            for one in json.loads(str(group)) if key is WORKSTREAMS else [group]:
                bucket[one].add(status, due, today, count=count, soon_days=soon_days)  # type: ignore[index]
    return dict(sorted(by_workstream.items())), dict(sorted(by_step.items()))


def overdue_tasks(
    *, session: Session, today: dt.date, limit: int = 50, countries: Countries = None
) -> tuple[list[tuple[str, TaskRow]], int]:
    """The most overdue open tasks of every country (at most `limit`), and how many there are in all."""
    late = (col(TaskRow.due) < today, col(TaskRow.status).in_([s.value for s in OPEN]), *among(countries))
    total = session.exec(
        select(func.count())
        .select_from(TaskRow)
        .join(PlanRow, col(TaskRow.plan_id) == col(PlanRow.id))
        .where(*late)
    ).one()
    rows = session.exec(
        select(PlanRow.country_code, TaskRow)
        .join(TaskRow, col(TaskRow.plan_id) == col(PlanRow.id))
        .where(*late)
        .order_by(col(TaskRow.due), col(PlanRow.country_code), col(TaskRow.key))
        .limit(limit)
    ).all()
    return [(code, task) for code, task in rows], total


def portfolio_grid(
    *, session: Session, today: dt.date, soon_days: int = 14, countries: Countries = None
) -> dict[str, dict[str, dict[int, Progress]]]:
    """Every country's progress per workstream and step: country → workstream → step → Progress."""
    rows = session.execute(
        sa_select(
            col(PlanRow.country_code),
            WORKSTREAMS,
            col(TaskRow.step),
            col(TaskRow.status),
            col(TaskRow.due),
            func.count(),
        )
        .join(TaskRow, col(TaskRow.plan_id) == col(PlanRow.id))
        .where(*among(countries))
        .group_by(
            col(PlanRow.country_code),
            WORKSTREAMS,
            col(TaskRow.step),
            col(TaskRow.status),
            col(TaskRow.due),
        )
    ).all()
    grid: dict[str, dict[str, dict[int, Progress]]] = {}
    for code, workstreams, step, status, due, count in rows:
        for workstream in json.loads(workstreams):  # a shared task counts in each of its workstreams
            cell = grid.setdefault(code, {}).setdefault(workstream, {}).setdefault(step, Progress())
            cell.add(status, due, today, count=count, soon_days=soon_days)
    return dict(sorted(grid.items()))


def plan_progress(*, session: Session, who: Principal, country: str, today: dt.date) -> CountryProgress:
    """A country's plan, its tasks and its progress, if `who` may read it."""
    require(who, Action.read_plan, country)
    return country_progress(session=session, country=country, today=today)


def plans_progress(
    *, session: Session, who: Principal, today: dt.date, offset: int = 0, limit: int | None = None
) -> tuple[int, list[CountryProgress]]:
    """How many plans `who` may read, and a page of them (by country code) with their progress."""
    mine = among(who.readable())
    total = session.exec(select(func.count()).select_from(PlanRow).where(*mine)).one()
    codes = session.exec(
        select(PlanRow.country_code)
        .where(*mine)
        .order_by(col(PlanRow.country_code))
        .offset(offset)
        .limit(limit)
    ).all()
    return total, [country_progress(session=session, country=code, today=today) for code in codes]
