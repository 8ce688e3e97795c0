"""Plain-text renderings of the browse views for the terminal (no colour, safe in pipes)."""

from __future__ import annotations

import textwrap
from collections.abc import Iterable

from cer.content import Content
from cer.views.browse import ActionView, StepView, WorkstreamView
from cer.views.i18n import N_, say
from tools_catalog.models import SupportProvider, Tool
from tools_catalog.search import SearchResult
from workstreams.models import Source, Step

WIDTH = 100
TRY = 'cer steps · cer steps 4 · cer workstreams D · cer tools search "common premises" · cer --help'
SOURCE_NOTES = {
    Source.read: N_("seen in a source"),
    Source.listed: N_("title seen in a listing; the document itself was not seen"),
    Source.inferred: N_("inferred: a reconstruction, not read in any source"),
}


def _wrap(text: str, indent: str = "") -> str:
    return textwrap.fill(text, WIDTH, initial_indent=indent, subsequent_indent=indent)


def _bullet(text: str, indent: str = "  ") -> str:
    return textwrap.fill(text, WIDTH, initial_indent=f"{indent}- ", subsequent_indent=f"{indent}  ")


def _inferred(source: Source) -> str:
    return " (" + say("inferred") + ")" if source is Source.inferred else ""


def tool_line(tool: Tool, indent: str = "") -> str:
    year = str(tool.year) if tool.year else "----"
    where = f" · {', '.join(tool.countries)}" if tool.countries else ""
    return (
        f"{indent}{tool.id}  {tool.type.value:<9} {year}  {tool.title}  [{' '.join(tool.workstreams)}]{where}"
    )


def step_heading(step: Step) -> str:
    heading = say("Step %(number)s · %(name)s", number=step.number, name=step.name)
    return f"{heading}{_inferred(step.source)}  ({step.kind.value})"


def steps_overview(views: Iterable[StepView]) -> str:
    lines = [say("The nine steps of the change process: 1–6 in sequence, 7–9 alongside them."), ""]
    for view in views:
        lines += [step_heading(view.step), _wrap(view.step.tagline, "  ")]
        for av in view.actions:
            a = av.action
            tools = " ".join(t.id for t in av.tools) or "–"
            lines.append(
                f"  {a.id:<4} {a.name}{_inferred(a.source)}  [{' '.join(a.workstreams)}]  "
                + say("tools: %(ids)s", ids=tools)
            )
        lines.append("")
    return "\n".join(lines).rstrip() + "\n"


def _action_block(content: Content, av: ActionView) -> list[str]:
    a = av.action
    names = "; ".join(f"{w} {content.framework.workstream(w).title}" for w in a.workstreams)
    lines = [
        f"  {a.id}  {a.name}{_inferred(a.source)}",
        _wrap(say("Workstreams: %(names)s", names=names), "       "),
    ]
    if a.detail:
        lines.append(_wrap(a.detail, "       "))
    if a.timing:
        lines.append("       " + say("When: %(timing)s", timing=a.timing.note))
    lines += [_bullet(s, "       ") for s in a.sub_activities]
    none = "       " + say("(no tool linked to this action yet)")
    lines += [tool_line(t, "       ") for t in av.tools] or [none]
    return lines


def step_detail(content: Content, view: StepView) -> str:
    step = view.step
    lines = [step_heading(step), _wrap(step.tagline), "", say("Objectives")]
    lines += [_bullet(o, "  ") for o in step.objectives]
    if step.notes:
        lines += ["", say("Notes")] + [_bullet(n, "  ") for n in step.notes]
    lines += ["", say("Main actions")]
    for av in view.actions:
        lines += _action_block(content, av) + [""]
    if view.other_tools:
        lines += [say("Other tools for step %(number)s", number=step.number)]
        lines += [tool_line(t, "  ") for t in view.other_tools]
    return "\n".join(lines).rstrip() + "\n"


def workstreams_overview(content: Content) -> str:
    lines = [say("The seven workstreams. Not every country needs every one."), ""]
    for ws in content.framework.workstreams:
        n_actions = len(content.framework.actions_for(ws.code))
        n_tools = sum(ws.code in t.workstreams for t in content.catalogue.tools)
        lines.append(
            f"{ws.code}  {ws.name} {ws.qualifier or ''}".rstrip()
            + "  ("
            + say("%(actions)s actions, %(tools)s tools", actions=n_actions, tools=n_tools)
            + ")"
        )
        lines.append(_wrap(ws.scope, "   "))
        lines += [_wrap(say("May not apply when: %(case)s", case=c), "   ") for c in ws.may_not_apply_when]
        if ws.always_applies_because:
            lines.append(_wrap(say("Always applies: %(why)s", why=ws.always_applies_because), "   "))
        lines.append("")
    return "\n".join(lines).rstrip() + "\n"


def workstream_detail(view: WorkstreamView) -> str:
    ws = view.workstream
    title = say(
        "Workstream %(code)s · %(name)s", code=ws.code, name=f"{ws.name} {ws.qualifier or ''}".rstrip()
    )
    lines = [title, _wrap(ws.scope), ""]
    note = say(SOURCE_NOTES[ws.may_not_apply_source])
    if ws.may_not_apply_when:
        lines.append(say("May not apply when (%(note)s):", note=note))
        lines += [_bullet(c, "  ") for c in ws.may_not_apply_when] + [""]
    if ws.always_applies_because:
        lines += [
            _wrap(say("Always applies (%(note)s): %(why)s", note=note, why=ws.always_applies_because)),
            "",
        ]
    lines.append(say("Main actions, step by step"))
    for av in view.actions:
        tools = " ".join(t.id for t in av.tools)
        lines.append(
            f"  {av.action.id:<4} {av.action.name}{_inferred(av.action.source)}"
            + ("  " + say("tools: %(ids)s", ids=tools) if tools else "")
        )
    lines += ["", say("Tools (%(num)s)", num=len(view.tools))] + [tool_line(t, "  ") for t in view.tools]
    if view.providers:
        lines += ["", say("Support")] + [f"  {p.name}" for p in view.providers]
    return "\n".join(lines).rstrip() + "\n"


def tools_table(tools: list[Tool]) -> str:
    if not tools:
        return say("No tools match these filters.") + "\n"
    return "\n".join(tool_line(t) for t in tools) + "\n\n" + say("%(num)s tool(s)", num=len(tools)) + "\n"


def search_results(query: str, result: SearchResult) -> str:
    lines = []
    if result.corrections:
        shown = "; ".join(f"{typed} → {', '.join(found)}" for typed, found in result.corrections.items())
        lines += ["(" + say("also matching: %(words)s", words=shown) + ")"]
    if not result.hits:
        return "\n".join([*lines, say("No tools match %(query)r.", query=query)]) + "\n"
    lines += [f"{h.score:7.2f}  {tool_line(h.tool)}" for h in result.hits]
    return "\n".join(lines) + "\n"


def welcome(content: Content) -> str:
    cat = content.catalogue
    return (
        workstreams_overview(content)
        + "\n"
        + say("%(tools)s tools and %(providers)s support providers loaded (content version %(version)s).",
              tools=len(cat.tools), providers=len(cat.providers), version=content.version)
        + "\n"
        + say("Try: %(commands)s", commands=TRY)
        + "\n"
    )  # fmt: skip


def tool_detail(content: Content, tool: Tool) -> str:
    fw = content.framework
    lines = [f"{tool.id} · {tool.title}", ""]
    year = tool.year or say("unknown")
    lines.append(
        say("Type: %(type)s   Year: %(year)s   Publisher: %(publisher)s", type=tool.type.value, year=year,
            publisher=tool.publisher)
    )  # fmt: skip
    workstreams = "; ".join(f"{w} {fw.workstream(w).title}" for w in tool.workstreams)
    lines.append(_wrap(say("Workstreams: %(names)s", names=workstreams)))
    lines.append(
        _wrap(say("Steps: %(names)s", names="; ".join(f"{s} {fw.step(s).name}" for s in tool.steps)))
    )
    if tool.actions:
        names = "; ".join(f"{a} {fw.action(a).name}" for a in tool.actions)
        links = "links " + tool.actions_source.value if tool.actions_source else ""
        lines.append(_wrap(say("Actions (%(links)s): %(names)s", links=links, names=names)))
    if tool.countries:
        lines.append(say("Countries: %(codes)s", codes=", ".join(tool.countries)))
    if tool.section:
        lines.append(say("Section: %(section)s", section=tool.section.value))
    lines.append(
        say("Source: %(source)s (%(note)s)", source=tool.source.value, note=say(SOURCE_NOTES[tool.source]))
    )
    if tool.url:
        lines.append(say("Seen at: %(url)s", url=tool.url))
    lines += ["", _wrap(tool.summary)]
    if tool.note:
        lines += ["", _wrap(say("Note: %(note)s", note=tool.note))]
    if tool.tags:
        lines += ["", say("Tags: %(tags)s", tags=", ".join(tool.tags))]
    return "\n".join(lines) + "\n"


def providers_list(providers: list[SupportProvider]) -> str:
    if not providers:
        return say("No support provider matches these filters.") + "\n"
    lines = []
    for p in providers:
        lines += [
            f"{p.name}{_inferred(p.source)}  [{' '.join(p.workstreams)}] "
            + say("steps %(numbers)s", numbers=",".join(map(str, p.steps)))
        ]
        lines += [_wrap(p.description, "  ")] + [_bullet(o, "    ") for o in p.offers] + [""]
    return "\n".join(lines).rstrip() + "\n"
