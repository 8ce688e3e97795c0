"""A country's plan: its tasks by step or by workstream, narrowed by workstream, step and status, each with
its owner, dates and status, the late ones marked.

A status change (cer.web.pages.tasks) says which version of the task it was made on; when someone changed
the task meanwhile the change is refused (409) and the current state is shown beside what the person typed,
never overwritten.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Annotated, Any, Protocol

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse

from cer.services import country_plans, stamps
from cer.services.access import Action, require
from cer.views.schedule import plan_lines
from cer.web.deps import DB, CurrentUser, Today, content, language
from cer.web.page_cache import Stamp, cached_page
from cer.web.templating import render, tr
from workstreams.status import TaskStatus, task_reference

router = APIRouter(include_in_schema=False)  # pages; the API documents /api only

PLAN_STAMP = Stamp(  # a plan page changes with its tasks, its diagnosis and the day (overdue marks)
    scope=lambda arguments: str(arguments["code"]).strip().upper(),
    read=lambda session, code: (dt.date.today(), stamps.plan_stamp(session=session, country=code)),
    guard=lambda arguments: require(arguments["who"], Action.read_plan, str(arguments["code"])),
)


class _Task(Protocol):
    """What the filters look at of a task."""

    id: int | None
    workstreams: list[str]
    step: int
    status: str
    lead: str
    assignee: str | None


@dataclass(frozen=True)
class Facets:
    """Which of the plan's tasks the page shows, and how it groups them."""

    group: str  # step or workstream
    workstream: str  # "" for every one
    step: int | None
    status: str  # "" for every one
    lead: str = ""  # an agency or group, e.g. WFP or OMT: "" for every one
    assignee: str = ""  # a username: "" for everyone
    overdue: bool = False  # only open tasks past their due date

    def shows(self, task: _Task, late: set[int | None]) -> bool:
        return (
            (not self.workstream or self.workstream in task.workstreams)
            and (self.step is None or task.step == self.step)
            and (not self.status or task.status == self.status)
            and (not self.lead or task.lead.casefold() == self.lead.casefold())
            and (not self.assignee or (task.assignee or "") == self.assignee)
            and (not self.overdue or task.id in late)
        )


def _plan_context(request: Request, found: country_plans.PlanOverview, facets: Facets) -> dict[str, Any]:
    """What plan.html shows: the tasks the facets keep, in the page's order, and how to mark each one."""
    p = found.progress
    late = {t.id for t in p.overdue}
    shown = [t for t in p.tasks if facets.shows(t, late)]
    by_step = facets.group == "step"
    shown.sort(key=lambda t: ((t.step, t.workstream) if by_step else (t.workstream, t.step), t.start, t.key))
    return {
        "p": p,
        "plan": p.plan,
        "tasks": shown,
        "group": facets.group,
        "facets": vars(facets),
        "leads": sorted({t.lead for t in p.tasks}, key=str.casefold),
        "assignees": sorted({t.assignee for t in p.tasks if t.assignee}),
        "statuses": [s.value for s in TaskStatus],
        "refs": {t.id: task_reference(p.plan.country_code, t.key) for t in p.tasks},
        "late": late,
        "framework": content(request).framework,
        "schedule": plan_lines(p.plan, p.tasks, language(request), content(request)),
    }


@router.get("/countries/{code}", response_class=HTMLResponse)
@cached_page(PLAN_STAMP)
def country_plan(
    request: Request,
    code: str,
    session: DB,
    who: CurrentUser,
    today: Today,
    group: Annotated[str, Query(pattern="^(step|workstream)$")] = "step",
    workstream: Annotated[str | None, Query(max_length=1)] = None,
    step: Annotated[int | None, Query(ge=1, le=9)] = None,
    status: Annotated[TaskStatus | None, Query()] = None,
    lead: Annotated[str | None, Query(max_length=120)] = None,
    assignee: Annotated[str | None, Query(max_length=60)] = None,
    overdue: bool = False,
) -> HTMLResponse:
    """The country's plan, if the user may read it: grouped by step or workstream, narrowed by workstream,
    step, status, lead, assignee or lateness (the filters are in the address, to share or bookmark)."""
    found = country_plans.plan_overview(session=session, who=who, country=code, today=today)
    kept = (status.value if status else "", (lead or "").strip(), (assignee or "").strip(), overdue)
    facets = Facets(group, (workstream or "").upper(), step, *kept)
    title = tr(request, "%(country)s: the plan", country=found.name)
    return render(
        request,
        "plan.html",
        title=title,
        today=today,
        **_plan_context(request, found, facets),
    )
