"""Browse the toolkit: steps, workstreams, tools, support, and `cer up`."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated

import typer

if TYPE_CHECKING:
    from cer.runtime.config import Settings

from cer.cli.app import (
    JsonOpt,
    StepOpt,
    ToolTypeChoice,
    WorkstreamOpt,
    _content,
    _print,
    app,
    cli_errors,
    tools_app,
)


@app.command()
@cli_errors
def steps(
    number: Annotated[int | None, typer.Argument(help="A step number 1–9.")] = None, json_: JsonOpt = False
) -> None:
    """The step-by-step view: each step's main actions, their workstreams and their tools."""
    from cer.views import browse, render

    c = _content()
    if number is None:
        views = browse.all_steps(c)
        _print(lambda: [browse.step_json(v) for v in views], json_, lambda: render.steps_overview(views))
    else:
        view = browse.step_view(c, number)
        _print(lambda: browse.step_json(view), json_, lambda: render.step_detail(c, view))


@app.command()
@cli_errors
def workstreams(
    code: Annotated[str | None, typer.Argument(help="A workstream letter A–G.")] = None,
    json_: JsonOpt = False,
) -> None:
    """The by-workstream view: scope, when it may not apply, its actions, tools and support."""
    from cer.views import browse, render

    c = _content()
    if code is None:
        _print(
            lambda: [w.model_dump(mode="json") for w in c.framework.workstreams],
            json_,
            lambda: render.workstreams_overview(c),
        )
    else:
        view = browse.workstream_view(c, code)
        _print(lambda: browse.workstream_json(view), json_, lambda: render.workstream_detail(view))


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

    c = _content()
    tools = c.catalogue.filter(tool_filter(c, workstream, step, type_.value if type_ else None, country))
    _print(lambda: [t.model_dump(mode="json") for t in tools], json_, lambda: render.tools_table(tools))


@tools_app.command("search")
@cli_errors
def tools_search(
    query: Annotated[str, typer.Argument(help="Words to look for, e.g. 'common premises'.")],
    limit: Annotated[int, typer.Option(min=1, max=200, help="How many results at most.")] = 10,
    json_: JsonOpt = False,
) -> None:
    """Ranked search over title, summary, publisher, country and tags (typos and plurals tolerated)."""
    from cer.views import browse, render

    result = _content().catalogue.search(query, limit=limit)
    _print(
        lambda: [browse.hit_json(h) for h in result.hits], json_, lambda: render.search_results(query, result)
    )


@tools_app.command("show")
@cli_errors
def tools_show(
    tool_id: Annotated[str, typer.Argument(help="A tool id, e.g. T054.")], json_: JsonOpt = False
) -> None:
    """Everything the catalogue knows about one tool."""
    from cer.views import render

    c = _content()
    tool = c.catalogue.tool(tool_id)
    _print(lambda: tool.model_dump(mode="json"), json_, lambda: render.tool_detail(c, tool))


@app.command()
@cli_errors
def support(workstream: WorkstreamOpt = None, step: StepOpt = None, json_: JsonOpt = False) -> None:
    """Who offers change-management support, for which workstreams and steps."""
    from cer.views import render
    from cer.views.facets import checked_step, checked_workstream

    c = _content()
    found = c.catalogue.providers_for(checked_workstream(c, workstream), checked_step(c, step))
    _print(lambda: [p.model_dump(mode="json") for p in found], json_, lambda: render.providers_list(found))


def first_admin(settings: Settings) -> str | None:
    """On a database without users, the first admin's generated password; else None."""
    from cer.cli.users import operator
    from cer.db.session import open_session
    from cer.services.users import ensure_first_admin

    with open_session(settings) as session:
        return ensure_first_admin(session=session, by=operator())


@app.command()
@cli_errors
def up(
    check: Annotated[
        bool, typer.Option("--check", help="Only check the content and migrate the database, then exit.")
    ] = False,
    json_: JsonOpt = False,
) -> None:
    """Start the product: check, migrate, run a Prefect server, a worker and the website (Ctrl-C stops)."""
    from cer.runtime.config import get_settings
    from cer.services.setup import prepare_database
    from cer.services.users import FIRST_ADMIN
    from cer.views import render

    c = _content()
    settings = get_settings()
    url = settings.database_url
    schema = prepare_database(url=url, questionnaire=c.questionnaire)
    password = first_admin(settings)
    data: dict[str, object] = {"version": c.version, "counts": c.counts(), "database": url, "schema": schema}
    data["first_admin"] = {"username": FIRST_ADMIN, "password": password} if password else None
    admin = (
        f"First admin created: user {FIRST_ADMIN}, password (shown once, keep it safe): {password}\n"
        f"Change it with: cer users password {FIRST_ADMIN}\n"
        if password
        else ""
    )
    _print(
        lambda: data, json_, lambda: render.welcome(c) + f"Database ready at schema {schema}: {url}\n" + admin
    )
    if check:
        return
    from cer.runtime.prefect_env import prefect_settings
    from cer.runtime.stack import Stack, StackError

    prefect = prefect_settings()
    from cer.runtime.web import web_port

    stack = Stack(
        prefect=prefect,
        log_dir=settings.var_dir / "logs",
        say=lambda line: typer.echo(line, err=True),
        web_port=web_port(),
    )
    try:
        stack.start()
        typer.echo(
            f"\ncer-toolkit is running.\n  Website:     {stack.web_url}\n  Prefect UI:  {prefect.ui_url}\n"
            f"  Prefect API: {prefect.api_url}\n"
            f"  Logs:        {settings.var_dir / 'logs'}\n"
            "Try: cer demo, then cer run workstream B --country MWI --param service_lines=procurement,ict\n"
            "Ctrl-C stops everything.",
            err=True,
        )
        stack.run_until_stopped()
    except StackError as exc:
        stack.stop()
        typer.echo(f"Error: {exc}", err=True)
        raise typer.Exit(1) from None
    except BaseException:
        stack.stop()
        raise


@app.command()
@cli_errors
def serve(
    host: Annotated[str, typer.Option(help="Address to listen on.")] = "127.0.0.1",
    port: Annotated[int | None, typer.Option(help="Port (default: CER_WEB_PORT or 8000).")] = None,
) -> None:
    """Run the website (the toolkit's browse sections and the JSON API under /api) until Ctrl-C."""
    import uvicorn

    from cer.runtime.prefect_env import use_prefect
    from cer.runtime.web import web_port

    use_prefect()  # before any route imports Prefect, which reads its settings once
    uvicorn.run(
        "cer.web.app:create_app", factory=True, host=host, port=port or web_port(), log_level="warning"
    )
