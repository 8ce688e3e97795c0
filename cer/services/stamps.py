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

from cer.db.tables import PlanRow, TaskRow

_TASKS = (
    func.count(col(TaskRow.id)),
    func.max(col(TaskRow.id)),
    func.sum(col(TaskRow.version)),
    func.count(col(TaskRow.opened_at)),
)
_PLAN = (col(PlanRow.id), col(PlanRow.diagnosis_id), col(PlanRow.coordinator))
_PLAN_STAMP = (
    sa_select(*_PLAN, *_TASKS)
    .outerjoin(TaskRow, col(TaskRow.plan_id) == col(PlanRow.id))
    .where(col(PlanRow.country_code) == bindparam("country"))
    .group_by(*_PLAN)
)
_ALL_STAMP = sa_select(
    *_TASKS,
    sa_select(func.count(col(PlanRow.id))).scalar_subquery(),
    sa_select(func.sum(col(PlanRow.diagnosis_id))).scalar_subquery(),
)


def plan_stamp(*, session: Session, country: str) -> tuple[object, ...] | None:
    """The stamp of a country's plan and its tasks; None when the country has no plan."""
    row = session.connection().execute(_PLAN_STAMP, {"country": country.strip().upper()}).first()
    return tuple(row) if row is not None else None


def tasks_stamp(*, session: Session) -> tuple[object, ...]:
    """The stamp of every plan's tasks together, and of the plans themselves."""
    return tuple(session.connection().execute(_ALL_STAMP).one())
