"""The toolkit's content, public: tools (searchable, by facet) and the questionnaire."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Query, Request

from cer.views import browse
from cer.views.facets import tool_filter
from cer.views.public import Page, ToolBrief
from cer.views.render_diagnosis import questionnaire_json
from cer.web.api.errors import PUBLIC
from cer.web.api.paging import PAGE_SIZE, PageNumber, PerPage, offset, page_of
from cer.web.deps import Tools, content, language, stored_content
from tools_catalog.models import Tool

router = APIRouter(prefix="/api", tags=["api"], responses=PUBLIC)


@router.get("/tools", response_model=Page[ToolBrief])
def api_tools(
    request: Request, search: Tools, page: PageNumber = 1, per_page: PerPage = PAGE_SIZE
) -> Page[Any]:
    """Tools, narrowed by facets and ranked by `q` when given; paginated."""
    c = stored_content(request)
    kind = search.type.value if search.type else None
    facets = tool_filter(c, search.workstream, search.step, kind, search.country)
    found, _ = browse.find_tools(c, facets, search.q)
    shown = found[offset(page, per_page) :][:per_page]
    return page_of([browse.tool_brief(t) for t in shown], len(found), page, per_page)


@router.get("/tools/{tool_id}", response_model=Tool)
def api_tool(request: Request, tool_id: str) -> Tool:
    """A tool with everything the catalogue says of it."""
    return stored_content(request).catalogue.tool(tool_id)


@router.get("/questionnaire")
def api_questionnaire(
    request: Request, lang: Annotated[str | None, Query(pattern="^(en|fr|es)$")] = None
) -> dict[str, Any]:
    """The questionnaire: sections, questions, choices, skip logic and constraints (also in words)."""
    return questionnaire_json(content(request).questionnaire, lang or language(request))
