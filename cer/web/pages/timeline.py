"""A country's plan on a timeline: each task a bar from its start to its due date, arrows to what it depends
on, the critical path marked; as a page and as an SVG image."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse, Response

from cer.content import Content
from cer.services import country_plans
from cer.views import task_words
from cer.web.charts import Bar, timeline_svg
from cer.web.deps import DB, CurrentUser, Today, content, language
from cer.web.templating import render, tr
from workstreams.status import OPEN, TaskStatus, task_reference

router = APIRouter(include_in_schema=False)  # pages; the API documents /api only


def bars(found: country_plans.PlanTasks, shown: Content) -> list[Bar]:
    """The tasks not dropped, by start date, each linking to its page and to the tasks it depends on; their
    titles in the language of `shown`."""
    code = found.plan.country_code
    refs = {t.key: task_reference(code, t.key) for t in found.tasks}
    ordered = sorted(
        (t for t in found.tasks if t.status != TaskStatus.dropped), key=lambda t: (t.start, t.step, t.key)
    )
    return [
        Bar(
            ref=refs[t.key],
            label=task_words.title(t, shown),
            start=t.start,
            due=t.due,
            status=t.status,
            critical=t.critical and t.status in OPEN | {TaskStatus.completed},
            depends_on=tuple(refs[d] for d in t.depends_on if d in refs),
            href=f"/countries/{code}/tasks/{t.id}",
        )
        for t in ordered
    ]


@router.get("/countries/{code}/timeline", response_class=HTMLResponse)
def timeline(
    request: Request,
    code: str,
    session: DB,
    who: CurrentUser,
    today: Today,
    workstream: Annotated[str | None, Query(max_length=1)] = None,
    zoom: Annotated[str, Query(pattern="^(month|quarter)$")] = "month",
) -> HTMLResponse:
    """The plan's timeline (of one workstream, when asked; by month or by quarter), with the critical path
    listed below it; on a narrow screen, the same tasks as a dated list."""
    found = country_plans.readable_tasks(session=session, who=who, country=code, workstream=workstream)
    shown = bars(found, content(request))
    title = tr(request, "Timeline of %(country)s's plan", country=found.name)
    svg = timeline_svg(shown, today, title, zoom, lang=language(request))
    return render(
        request,
        "timeline.html",
        title=tr(request, "%(country)s: timeline", country=found.name),
        plan=found.plan,
        svg=svg,
        bars=shown,
        critical=[b for b in shown if b.critical],
        facets={"workstream": (workstream or "").upper(), "zoom": zoom},
    )


@router.get("/countries/{code}/timeline.svg")
def timeline_image(request: Request, code: str, session: DB, who: CurrentUser, today: Today) -> Response:
    """The whole plan's timeline as an image."""
    found = country_plans.readable_tasks(session=session, who=who, country=code)
    title = tr(request, "Timeline of %(country)s's plan", country=found.name)
    svg = timeline_svg(bars(found, content(request)), today, title, lang=language(request))
    return Response(svg, media_type="image/svg+xml")
