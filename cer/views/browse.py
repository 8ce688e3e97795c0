"""Views that combine the framework and the catalogue: the step-by-step and by-workstream pages.

Shared by the CLI and (later) the web app; each view has a JSON form for `--json` and the API.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from cer.content import Content
from tools_catalog.catalogue import ToolFilter
from tools_catalog.models import SupportProvider, Tool
from tools_catalog.search import Hit
from workstreams.models import Action, Step, Workstream


@dataclass(frozen=True)
class ActionView:
    action: Action
    tools: list[Tool]


@dataclass(frozen=True)
class StepView:
    step: Step
    actions: list[ActionView]
    other_tools: list[Tool]  # tools for the step that no action of it names


@dataclass(frozen=True)
class WorkstreamView:
    workstream: Workstream
    actions: list[ActionView]
    tools: list[Tool]
    providers: list[SupportProvider]


def step_view(content: Content, number: int) -> StepView:
    step = content.framework.step(number)
    catalogue = content.catalogue
    actions = [ActionView(a, catalogue.filter(ToolFilter(action=a.id))) for a in step.actions]
    linked = {t.id for av in actions for t in av.tools}
    others = [t for t in catalogue.filter(ToolFilter(step=number)) if t.id not in linked]
    return StepView(step, actions, others)


def all_steps(content: Content) -> list[StepView]:
    return [step_view(content, s.number) for s in content.framework.steps]


def workstream_view(content: Content, code: str) -> WorkstreamView:
    ws = content.framework.workstream(code)
    catalogue = content.catalogue
    actions = [
        ActionView(a, catalogue.filter(ToolFilter(action=a.id, workstream=ws.code)))
        for a in content.framework.actions_for(ws.code)
    ]
    # Tools made for this workstream come before the cross-cutting ones that serve every workstream.
    tools = sorted(catalogue.filter(ToolFilter(workstream=ws.code)), key=lambda t: (len(t.workstreams), t.id))
    return WorkstreamView(ws, actions, tools, catalogue.providers_for(workstream=ws.code))


def find_tools(
    content: Content, facets: ToolFilter, query: str | None
) -> tuple[list[Tool], dict[str, list[str]]]:
    """The tools that pass the facets — ranked by `query` when there is one — and the search's corrections."""
    catalogue = content.catalogue
    if not (query and query.strip()):
        return catalogue.filter(facets), {}
    allowed = {t.id for t in catalogue.filter(facets)}
    result = catalogue.search(query, limit=len(catalogue.tools))
    return [h.tool for h in result.hits if h.tool.id in allowed], result.corrections


def tool_brief(tool: Tool) -> dict[str, Any]:
    return {
        "id": tool.id,
        "title": tool.title,
        "type": tool.type.value,
        "year": tool.year,
        "countries": tool.countries,
        "source": tool.source.value,
    }


def action_json(view: ActionView) -> dict[str, Any]:
    return {**view.action.model_dump(mode="json"), "tools": [tool_brief(t) for t in view.tools]}


def step_json(view: StepView) -> dict[str, Any]:
    data = view.step.model_dump(mode="json", exclude={"actions"})
    return {
        **data,
        "actions": [action_json(a) for a in view.actions],
        "other_tools": list(map(tool_brief, view.other_tools)),
    }


def workstream_json(view: WorkstreamView) -> dict[str, Any]:
    return {
        **view.workstream.model_dump(mode="json"),
        "actions": [action_json(a) for a in view.actions],
        "tools": [tool_brief(t) for t in view.tools],
        "providers": [p.id for p in view.providers],
    }


def hit_json(hit: Hit) -> dict[str, Any]:
    return {
        **tool_brief(hit.tool),
        "score": hit.score,
        "matched": list(hit.matched),
        "workstreams": hit.tool.workstreams,
        "steps": hit.tool.steps,
    }
