"""The toolkit's browse sections: overview, steps, workstreams, tools, support. Read-only, open to all (a
tool's page also lists what the country teams the reader belongs to attached to it)."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse, Response

from cer.services import attachments
from cer.services.access import Principal
from cer.services.attachment_files import ACCEPTED, MAX_BYTES
from cer.views import browse
from cer.views.facets import tool_filter
from cer.web.deps import DB, MaybeUser, content
from cer.web.page_cache import Stamp, cached_page, content_page
from cer.web.templating import render, tr
from tools_catalog.catalogue import ToolFilter
from tools_catalog.models import ToolType

router = APIRouter(include_in_schema=False)  # pages; the API documents /api only


@router.get("/", response_class=HTMLResponse)
@content_page
def overview(request: Request) -> HTMLResponse:
    return render(
        request,
        "overview.html",
        title=tr(request, "Overview of Toolkit"),
        steps=content(request).framework.steps,
    )


@router.get("/steps", response_class=HTMLResponse)
@content_page
def steps(request: Request) -> HTMLResponse:
    return render(
        request, "steps.html", title=tr(request, "Step by step"), views=browse.all_steps(content(request))
    )


@router.get("/steps/{number}", response_class=HTMLResponse)
@content_page
def step(request: Request, number: int) -> HTMLResponse:
    view = browse.step_view(content(request), number)
    return render(
        request,
        "step.html",
        title=tr(request, "Step %(number)s: %(name)s", number=number, name=view.step.name),
        view=view,
    )


@router.get("/workstreams", response_class=HTMLResponse)
@content_page
def workstreams(request: Request) -> HTMLResponse:
    return render(
        request,
        "workstreams.html",
        title=tr(request, "By workstream"),
        workstreams=content(request).framework.workstreams,
    )


@router.get("/workstreams/{code}", response_class=HTMLResponse)
@content_page
def workstream(request: Request, code: str) -> HTMLResponse:
    view = browse.workstream_view(content(request), code)
    return render(
        request, "workstream.html", title=f"{view.workstream.code} {view.workstream.title}", view=view
    )


@router.get("/tools", response_class=HTMLResponse)
@content_page
def tools(
    request: Request,
    q: Annotated[str | None, Query(max_length=200)] = None,
    workstream: Annotated[str | None, Query(max_length=1)] = None,
    step: Annotated[int | None, Query(ge=1, le=9)] = None,
    type: Annotated[ToolType | None, Query()] = None,  # noqa: A002  (the facet's name in the URL)
    country: Annotated[str | None, Query(max_length=80)] = None,
) -> HTMLResponse:
    """The catalogue's tools, searched (`q`, its spelling corrected) and narrowed by the facets chosen."""
    kind = type.value if type else None
    chosen = {"workstream": workstream or "", "step": step, "type": kind or "", "country": country or ""}
    facets = tool_filter(content(request), workstream or None, step, kind, country or None)
    return _tools_page(request, q, chosen, facets)


def _tools_page(request: Request, q: str | None, chosen: dict[str, Any], facets: ToolFilter) -> HTMLResponse:
    found, corrections = browse.find_tools(content(request), facets, q)
    return render(
        request,
        "tools.html",
        title=tr(request, "Browse / search for tools"),
        tools=found,
        q=q or "",
        facets=chosen,
        types=[t.value for t in ToolType],
        countries=content(request).catalogue.countries,
        corrections=corrections,
    )


# A tool's page shows a signed-in reader the country teams' attachments they may see: it changes with them.
TOOL_STAMP = Stamp(
    scope=lambda arguments: str(arguments["tool_id"]),
    read=lambda session, tool: attachments.tool_stamp(session=session, tool=tool),
)


@router.get("/tools/{tool_id}", response_class=HTMLResponse)
async def tool(request: Request, tool_id: str, who: MaybeUser) -> Response:
    """A tool: its address (and its archived copies' when the site is gone) and, for a signed-in reader,
    per country they may see, what its team attached ("Used in Malawi"), with a form for a member to attach
    their own. Nobody signed in sees none: their page is made from the content alone, no database asked."""
    if who is None:
        return await _public_tool(request=request, tool_id=tool_id)  # type: ignore[no-any-return]
    return await _tool_for(request=request, tool_id=tool_id, who=who)  # type: ignore[no-any-return]


@content_page
def _public_tool(request: Request, tool_id: str) -> HTMLResponse:
    return _tool_page(request, tool_id, [], [])


@cached_page(TOOL_STAMP)
def _tool_for(request: Request, tool_id: str, session: DB, who: Principal) -> HTMLResponse:
    found = content(request).catalogue.tool(tool_id)
    used = attachments.for_tool(session=session, who=who, tool=found.id)
    return _tool_page(request, tool_id, used, attachments.attachable_countries(session=session, who=who))


def _tool_page(request: Request, tool_id: str, used: list[Any], countries: list[Any]) -> HTMLResponse:
    found = content(request).catalogue.tool(tool_id)
    return render(
        request, "tool.html", title=found.title, tool=found, used=used, countries=countries,
        accepted=ACCEPTED, most=MAX_BYTES // 2**20, asked=None, errors={},
    )  # fmt: skip


@router.get("/support", response_class=HTMLResponse)
@content_page
def support(
    request: Request,
    workstream: Annotated[str | None, Query(max_length=1)] = None,
    step: Annotated[int | None, Query(ge=1, le=9)] = None,
) -> HTMLResponse:
    c = content(request)
    ws = c.framework.workstream(workstream).code if workstream else None
    providers = c.catalogue.providers_for(workstream=ws, step=step)
    return render(
        request,
        "support.html",
        title=tr(request, "Find change management support"),
        providers=providers,
        facets={"workstream": ws or "", "step": step},
    )
