"""How a plan was scheduled, in words, the same for the diagnosis report, the command line and the website:
which working calendar its dates use, and its target date — met, or missed by how many working days and
because of which chain of tasks."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import TYPE_CHECKING

from babel.dates import get_day_names
from pydantic import BaseModel, ConfigDict, Field

from cer.content import Content, get_content
from cer.views import formats, task_words
from cer.views.i18n import current_language, say, say_n, using_language
from cer.views.render_words import day
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
        return say("Working days: Monday to Friday (made before plans kept their calendar).")
    return say("Working days: %(days)s.", days=calendar_words(calendar))


def calendar_words(calendar: CalendarChoice, public_known: bool = True) -> str:
    """A plan's calendar in the current language: 'MWI public holidays and UN holidays; weekend
    Saturday–Sunday; 1 day off added' (CalendarChoice.describe says it in English)."""
    lang = current_language()
    if lang == "en":
        return calendar.describe(public_known)
    days = get_day_names("wide", locale=formats.locale_of(lang))
    parts = [
        say("%(country)s public holidays and UN holidays", country=calendar.country)
        if public_known
        else say(
            "%(country)s: no public holidays known (add them) and UN holidays", country=calendar.country
        ),
        say("weekend %(days)s", days="–".join(days[d] for d in sorted(calendar.weekend))),
    ]
    if calendar.added:
        parts.append(say_n("%(num)s day off added", "%(num)s days off added", len(calendar.added)))
    if calendar.removed:
        parts.append(say_n("%(num)s holiday worked", "%(num)s holidays worked", len(calendar.removed)))
    return "; ".join(parts)


def target_lines(
    finish_by: dt.date | None, shortfall: int | None, chain: list[str], titles: Mapping[str, str]
) -> list[str]:
    """Nothing without a target; otherwise whether the plan fits before it, and if not what decides it."""
    if finish_by is None:
        return []
    if not shortfall:
        return [
            say("Planned backward to finish by %(day)s: each task as late as the tasks after it allow.",
                day=day(finish_by))
        ]  # fmt: skip
    steps = " → ".join(f"{key} {titles[key]}" if key in titles else key for key in chain)
    return [
        say("It does not fit before %(day)s: the work needs %(days)s more working day(s), so it is planned "
            "forward from the start.", day=day(finish_by), days=shortfall),
        say("The chain of tasks that decides it: %(chain)s.", chain=steps),
    ]  # fmt: skip


def report_lines(report: Report, lang: str | None = None) -> list[str]:
    """A diagnosis' plan: the calendar its dates use and its target (in `lang`; default: the command
    line's language, English on the website unless it passes its own)."""
    with using_language(lang or current_language()):
        return Schedule.of_report(report).lines({t.id: t.title for t in report.plan.tasks})


def plan_lines(
    plan: PlanRow, tasks: list[TaskRow], lang: str | None = None, shown: Content | None = None
) -> list[str]:
    """A stored plan: the calendar its dates use and its target (in `lang`, as report_lines)."""
    lang = lang or current_language()
    shown = shown or get_content(lang=lang)  # the toolkit tasks' titles in that language (task_words)
    with using_language(lang):
        return Schedule.of_plan(plan).lines({t.key: task_words.title(t, shown) for t in tasks})
