"""Stamps: a few aggregates that change whenever the tasks a page shows change, so a page rendered from them
can be served again, unrendered, while its stamp is the same.

Every write to a task either inserts a row (count and highest id change), goes through
`tasks.change_task` (its version is bumped, so the sum of versions grows) or opens it for work (`opened_at`
set once, so the count of opened tasks grows). A re-diagnosis also points the plan at a new diagnosis.
Each stamp is one aggregate query, built once (SQLAlchemy then reuses its compiled form) and run on the
session's connection, not through the ORM: a stamp is read for every request of a cached page.
"""

from __future__ import annotations

from sqlalchemy import bindparam, func
from sqlalchemy import select as sa_select
from sqlmodel import Session, col

from cer.db.tables import Plan, Task

_TASKS = (
    func.count(col(Task.id)),
    func.max(col(Task.id)),
    func.sum(col(Task.version)),
    func.count(col(Task.opened_at)),
)
_PLAN = (col(Plan.id), col(Plan.diagnosis_id), col(Plan.coordinator))
_PLAN_STAMP = (
    sa_select(*_PLAN, *_TASKS)
    .outerjoin(Task, col(Task.plan_id) == col(Plan.id))
    .where(col(Plan.country_code) == bindparam("country"))
    .group_by(*_PLAN)
)
_ALL_STAMP = sa_select(
    *_TASKS,
    sa_select(func.count(col(Plan.id))).scalar_subquery(),
    sa_select(func.sum(col(Plan.diagnosis_id))).scalar_subquery(),
)


def plan_stamp(*, session: Session, country: str) -> tuple[object, ...] | None:
    """The stamp of a country's plan and its tasks; None when the country has no plan."""
    row = session.connection().execute(_PLAN_STAMP, {"country": country.strip().upper()}).first()
    return tuple(row) if row is not None else None


def tasks_stamp(*, session: Session) -> tuple[object, ...]:
    """The stamp of every plan's tasks together, and of the plans themselves."""
    return tuple(session.connection().execute(_ALL_STAMP).one())
