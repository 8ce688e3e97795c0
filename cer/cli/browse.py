"""Browse the toolkit: steps, workstreams, tools, support, and `cer up`."""

from __future__ import annotations

from typing import Annotated

import typer

from cer.cli.app import (
    JsonOpt,
    StepOpt,
    ToolTypeChoice,
    WorkstreamOpt,
    app,
    cli_errors,
    content,
    emit,
    tools_app,
)


@app.command()
@cli_errors
def steps(
    number: Annotated[int | None, typer.Argument(help="A step number 1–9.")] = None, json_: JsonOpt = False
) -> None:
    """The step-by-step view: each step's main actions, their workstreams and their tools."""
    from cer.views import browse, render

    c = content(json_)
    if number is None:
        views = browse.all_steps(c)
        emit(lambda: [browse.step_json(v) for v in views], json_, lambda: render.steps_overview(views))
    else:
        view = browse.step_view(c, number)
        emit(lambda: browse.step_json(view), json_, lambda: render.step_detail(c, view))


@app.command()
@cli_errors
def workstreams(
    code: Annotated[str | None, typer.Argument(help="A workstream letter A–G.")] = None,
    json_: JsonOpt = False,
) -> None:
    """The by-workstream view: scope, when it may not apply, its actions, tools and support."""
    from cer.views import browse, render

    c = content(json_)
    if code is None:
        emit(
            lambda: [w.model_dump(mode="json") for w in c.framework.workstreams],
            json_,
            lambda: render.workstreams_overview(c),
        )
    else:
        view = browse.workstream_view(c, code)
        emit(lambda: browse.workstream_json(view), json_, lambda: render.workstream_detail(view))


@tools_app.command("list")
@cli_errors
def tools_list(
    workstream: WorkstreamOpt = None,
    step: StepOpt = None,
    type_: Annotated[
        ToolTypeChoice | None, typer.Option("--type", "-t", case_sensitive=False, help="Kind of tool.")
    ] = None,
    country: Annotated[
        str | None, typer.Option("--country", "-c", help="Pilot country of an example.")
    ] = None,
    json_: JsonOpt = False,
) -> None:
    """List tools, narrowed by workstream, step, type and country."""
    from cer.views import render
    from cer.views.facets import tool_filter

    c = content(json_)
    tools = c.catalogue.filter(tool_filter(c, workstream, step, type_.value if type_ else None, country))
    emit(lambda: [t.model_dump(mode="json") for t in tools], json_, lambda: render.tools_table(tools))


@tools_app.command("search")
@cli_errors
def tools_search(
    query: Annotated[str, typer.Argument(help="Words to look for, e.g. 'common premises'.")],
    limit: Annotated[int, typer.Option(min=1, max=200, help="How many results at most.")] = 10,
    json_: JsonOpt = False,
) -> None:
    """Ranked search over title, summary, publisher, country and tags (typos and plurals tolerated)."""
    from cer.views import browse, render

    result = content(json_).catalogue.search(query, limit=limit)
    emit(
        lambda: [browse.hit_json(h) for h in result.hits], json_, lambda: render.search_results(query, result)
    )


@tools_app.command("show")
@cli_errors
def tools_show(
    tool_id: Annotated[str, typer.Argument(help="A tool id, e.g. T054.")], json_: JsonOpt = False
) -> None:
    """Everything the catalogue knows about one tool."""
    from cer.views import render

    c = content(json_)
    tool = c.catalogue.tool(tool_id)
    emit(lambda: tool.model_dump(mode="json"), json_, lambda: render.tool_detail(c, tool))


@app.command()
@cli_errors
def support(workstream: WorkstreamOpt = None, step: StepOpt = None, json_: JsonOpt = False) -> None:
    """Who offers change-management support, for which workstreams and steps."""
    from cer.views import render
    from cer.views.facets import checked_step, checked_workstream

    c = content(json_)
    found = c.catalogue.providers_for(checked_workstream(c, workstream), checked_step(c, step))
    emit(lambda: [p.model_dump(mode="json") for p in found], json_, lambda: render.providers_list(found))
