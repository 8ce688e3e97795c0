"""Whose work it is: "My tasks" (assigned to me, or led by my agency) and "My agency" (the tasks an agency
leads beside those it contributes to: the dual accountability UN INFO reports on), across the countries the
person has a role in."""

from __future__ import annotations

from dataclasses import dataclass

from sqlmodel import Session

from cer.db.tables import TaskRow
from cer.services.access import Principal
from cer.services.tasks import TaskFilter, find_tasks
from workstreams.status import TaskStatus

SHOWN = 500  # tasks shown in each list at most


@dataclass(frozen=True)
class Listed:
    tasks: list[tuple[TaskRow, str]]  # (task, country), by country, start date and key; at most SHOWN
    total: int


@dataclass(frozen=True)
class MyWork:
    agency: str | None  # the agency asked about; None: the person's own tasks
    mine: Listed | None  # assigned to them or led by their agency (without `agency`)
    led: Listed | None  # led by the agency
    contributing: Listed | None  # the agency among the contributors


def my_work(
    *, session: Session, who: Principal, agency: str | None = None, status: TaskStatus | None = None
) -> MyWork:
    """The person's own tasks, or (with `agency`) the agency's as lead and as contributor, side by side."""

    def listed(which: TaskFilter) -> Listed:
        total, rows = find_tasks(session=session, who=who, which=which, limit=SHOWN)
        return Listed(rows, total)

    name = (agency or "").strip()
    if not name:
        return MyWork(None, listed(TaskFilter(status=status, mine=True)), None, None)
    led = listed(TaskFilter(status=status, agency=name, agency_role="lead"))
    return MyWork(name, None, led, listed(TaskFilter(status=status, agency=name, agency_role="contributor")))
