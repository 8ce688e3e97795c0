"""Plain-text renderings of the browse views for the terminal (no colour, safe in pipes)."""

from __future__ import annotations

import textwrap
from collections.abc import Iterable

from cer.content import Content
from cer.views.browse import ActionView, StepView, WorkstreamView
from tools_catalog.models import SupportProvider, Tool
from tools_catalog.search import SearchResult
from workstreams.models import Source, Step

WIDTH = 100
SOURCE_NOTES = {
    Source.read: "seen in a source",
    Source.listed: "title seen in a listing; the document itself was not seen",
    Source.inferred: "inferred: a reconstruction, not read in any source",
}


def _wrap(text: str, indent: str = "") -> str:
    return textwrap.fill(text, WIDTH, initial_indent=indent, subsequent_indent=indent)


def _bullet(text: str, indent: str = "  ") -> str:
    return textwrap.fill(text, WIDTH, initial_indent=f"{indent}- ", subsequent_indent=f"{indent}  ")


def _inferred(source: Source) -> str:
    return " (inferred)" if source is Source.inferred else ""


def tool_line(tool: Tool, indent: str = "") -> str:
    year = str(tool.year) if tool.year else "----"
    where = f" · {', '.join(tool.countries)}" if tool.countries else ""
    return (
        f"{indent}{tool.id}  {tool.type.value:<9} {year}  {tool.title}  [{' '.join(tool.workstreams)}]{where}"
    )


def step_heading(step: Step) -> str:
    return f"Step {step.number} · {step.name}{_inferred(step.source)}  ({step.kind.value})"


def steps_overview(views: Iterable[StepView]) -> str:
    lines = ["The nine steps of the change process: 1–6 in sequence, 7–9 alongside them.", ""]
    for view in views:
        lines += [step_heading(view.step), _wrap(view.step.tagline, "  ")]
        for av in view.actions:
            a = av.action
            tools = " ".join(t.id for t in av.tools) or "–"
            lines.append(
                f"  {a.id:<4} {a.name}{_inferred(a.source)}  [{' '.join(a.workstreams)}]  tools: {tools}"
            )
        lines.append("")
    return "\n".join(lines).rstrip() + "\n"


def _action_block(content: Content, av: ActionView) -> list[str]:
    a = av.action
    names = "; ".join(f"{w} {content.framework.workstream(w).name}" for w in a.workstreams)
    lines = [f"  {a.id}  {a.name}{_inferred(a.source)}", _wrap(f"Workstreams: {names}", "       ")]
    if a.detail:
        lines.append(_wrap(a.detail, "       "))
    if a.timing:
        lines.append(f"       When: {a.timing.note}")
    lines += [_bullet(s, "       ") for s in a.sub_activities]
    lines += [tool_line(t, "       ") for t in av.tools] or ["       (no tool linked to this action yet)"]
    return lines


def step_detail(content: Content, view: StepView) -> str:
    step = view.step
    lines = [step_heading(step), _wrap(step.tagline), "", "Objectives"]
    lines += [_bullet(o, "  ") for o in step.objectives]
    if step.notes:
        lines += ["", "Notes"] + [_bullet(n, "  ") for n in step.notes]
    lines += ["", "Main actions"]
    for av in view.actions:
        lines += _action_block(content, av) + [""]
    if view.other_tools:
        lines += [f"Other tools for step {step.number}"] + [tool_line(t, "  ") for t in view.other_tools]
    return "\n".join(lines).rstrip() + "\n"


def workstreams_overview(content: Content) -> str:
    lines = ["The seven workstreams. Not every country needs every one.", ""]
    for ws in content.framework.workstreams:
        n_actions = len(content.framework.actions_for(ws.code))
        n_tools = sum(ws.code in t.workstreams for t in content.catalogue.tools)
        lines.append(
            f"{ws.code}  {ws.name} {ws.qualifier or ''}".rstrip()
            + f"  ({n_actions} actions, {n_tools} tools)"
        )
        lines.append(_wrap(ws.scope, "   "))
        lines += [_wrap(f"May not apply when: {c}", "   ") for c in ws.may_not_apply_when]
        if ws.always_applies_because:
            lines.append(_wrap(f"Always applies: {ws.always_applies_because}", "   "))
        lines.append("")
    return "\n".join(lines).rstrip() + "\n"


def workstream_detail(view: WorkstreamView) -> str:
    ws = view.workstream
    lines = [f"Workstream {ws.code} · {ws.name} {ws.qualifier or ''}".rstrip(), _wrap(ws.scope), ""]
    if ws.may_not_apply_when:
        lines.append(f"May not apply when ({SOURCE_NOTES[ws.may_not_apply_source]}):")
        lines += [_bullet(c, "  ") for c in ws.may_not_apply_when] + [""]
    if ws.always_applies_because:
        lines += [
            _wrap(f"Always applies ({SOURCE_NOTES[ws.may_not_apply_source]}): {ws.always_applies_because}"),
            "",
        ]
    lines.append("Main actions, step by step")
    for av in view.actions:
        tools = " ".join(t.id for t in av.tools)
        lines.append(
            f"  {av.action.id:<4} {av.action.name}{_inferred(av.action.source)}"
            + (f"  tools: {tools}" if tools else "")
        )
    lines += ["", f"Tools ({len(view.tools)})"] + [tool_line(t, "  ") for t in view.tools]
    if view.providers:
        lines += ["", "Support"] + [f"  {p.name}" for p in view.providers]
    return "\n".join(lines).rstrip() + "\n"


def tools_table(tools: list[Tool]) -> str:
    if not tools:
        return "No tools match these filters.\n"
    return "\n".join(tool_line(t) for t in tools) + f"\n\n{len(tools)} tool(s)\n"


def search_results(query: str, result: SearchResult) -> str:
    lines = []
    if result.corrections:
        shown = "; ".join(f"{typed} → {', '.join(found)}" for typed, found in result.corrections.items())
        lines += [f"(also matching: {shown})"]
    if not result.hits:
        return "\n".join([*lines, f"No tools match {query!r}."]) + "\n"
    lines += [f"{h.score:7.2f}  {tool_line(h.tool)}" for h in result.hits]
    return "\n".join(lines) + "\n"


def welcome(content: Content) -> str:
    cat = content.catalogue
    return (
        workstreams_overview(content)
        + f"\n{len(cat.tools)} tools and {len(cat.providers)} support providers loaded"
        + f" (content version {content.version}).\n"
        + "Try: cer steps · cer steps 4 · cer workstreams D · "
        + 'cer tools search "common premises" · cer --help\n'
    )


def tool_detail(content: Content, tool: Tool) -> str:
    fw = content.framework
    lines = [f"{tool.id} · {tool.title}", ""]
    lines.append(f"Type: {tool.type.value}   Year: {tool.year or 'unknown'}   Publisher: {tool.publisher}")
    lines.append(_wrap("Workstreams: " + "; ".join(f"{w} {fw.workstream(w).name}" for w in tool.workstreams)))
    lines.append(_wrap("Steps: " + "; ".join(f"{s} {fw.step(s).name}" for s in tool.steps)))
    if tool.actions:
        names = "; ".join(f"{a} {fw.action(a).name}" for a in tool.actions)
        lines.append(
            _wrap(f"Actions ({'links ' + tool.actions_source.value if tool.actions_source else ''}): {names}")
        )
    if tool.countries:
        lines.append("Countries: " + ", ".join(tool.countries))
    if tool.section:
        lines.append(f"Section: {tool.section.value}")
    lines.append(f"Source: {tool.source.value} ({SOURCE_NOTES[tool.source]})")
    if tool.url:
        lines.append(f"Seen at: {tool.url}")
    lines += ["", _wrap(tool.summary)]
    if tool.note:
        lines += ["", _wrap(f"Note: {tool.note}")]
    if tool.tags:
        lines += ["", "Tags: " + ", ".join(tool.tags)]
    return "\n".join(lines) + "\n"


def providers_list(providers: list[SupportProvider]) -> str:
    if not providers:
        return "No support provider matches these filters.\n"
    lines = []
    for p in providers:
        lines += [
            f"{p.name}{_inferred(p.source)}  [{' '.join(p.workstreams)}] steps {','.join(map(str, p.steps))}"
        ]
        lines += [_wrap(p.description, "  ")] + [_bullet(o, "    ") for o in p.offers] + [""]
    return "\n".join(lines).rstrip() + "\n"
