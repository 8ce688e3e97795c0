"""How a plan was scheduled, in words, the same for the diagnosis report, the command line and the website:
which working calendar its dates use, and its target date — met, or missed by how many working days and
because of which chain of tasks."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import TYPE_CHECKING

from pydantic import BaseModel, ConfigDict, Field

from diagnostics.working_calendars import CalendarChoice

if TYPE_CHECKING:
    from cer.db.tables import PlanRow, TaskRow
    from cer.services.diagnosis import Report


class Schedule(BaseModel):
    """How a plan is scheduled: its calendar, its target, and whether the work fits before it."""

    model_config = ConfigDict(from_attributes=True)

    calendar: CalendarChoice | None = Field(
        description="Its working calendar (none: made before plans kept one)"
    )
    finish_by: dt.date | None = Field(description="The target it is planned backward from (if any)")
    shortfall_days: int | None = Field(
        description="Working days the work needs beyond finish_by (0: it fits)"
    )
    chain: list[str] = Field(description="The chain of tasks that decides the plan's length, first to last")

    @classmethod
    def of_plan(cls, plan: PlanRow) -> Schedule:
        return cls(
            calendar=plan.calendar,
            finish_by=plan.finish_by,
            shortfall_days=plan.shortfall_days,
            chain=plan.chain or [],
        )

    @classmethod
    def of_report(cls, report: Report) -> Schedule:
        p = report.plan
        return cls(
            calendar=report.calendar.choice,
            finish_by=p.finish_by,
            shortfall_days=p.shortfall_days,
            chain=list(p.chain),
        )

    def lines(self, titles: Mapping[str, str]) -> list[str]:
        """In words: the calendar, and whether the plan fits before its target (if not, what decides it)."""
        return [
            calendar_line(self.calendar),
            *target_lines(self.finish_by, self.shortfall_days, self.chain, titles),
        ]


def calendar_line(calendar: CalendarChoice | None) -> str:
    if calendar is None:
        return "Working days: Monday to Friday (made before plans kept their calendar)."
    return f"Working days: {calendar.describe()}."


def target_lines(
    finish_by: dt.date | None, shortfall: int | None, chain: list[str], titles: Mapping[str, str]
) -> list[str]:
    """Nothing without a target; otherwise whether the plan fits before it, and if not what decides it."""
    if finish_by is None:
        return []
    if not shortfall:
        return [
            f"Planned backward to finish by {finish_by.isoformat()}: each task as late as the tasks after it "
            "allow."
        ]
    steps = " → ".join(f"{key} {titles[key]}" if key in titles else key for key in chain)
    return [
        f"It does not fit before {finish_by.isoformat()}: the work needs {shortfall} more working day(s), "
        "so it is planned forward from the start.",
        f"The chain of tasks that decides it: {steps}.",
    ]


def report_lines(report: Report) -> list[str]:
    """A diagnosis' plan: the calendar its dates use and its target."""
    return Schedule.of_report(report).lines({t.id: t.title for t in report.plan.tasks})


def plan_lines(plan: PlanRow, tasks: list[TaskRow]) -> list[str]:
    """A stored plan: the calendar its dates use and its target."""
    return Schedule.of_plan(plan).lines({t.key: t.title for t in tasks})
