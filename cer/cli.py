"""The `cer` command line. Commands parse, call one function, render; nothing heavy is imported at start.

Browse commands import the content modules lazily, so `cer --help` stays fast and never imports
Prefect or the web stack.
"""

from __future__ import annotations

import datetime as dt
import functools
import json
import sys
from collections.abc import Callable
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, ParamSpec, TypeVar

import typer

if TYPE_CHECKING:
    from cer.content import Content

P = ParamSpec("P")
R = TypeVar("R")

app = typer.Typer(
    help="cer-toolkit: the UN Framework and Toolkit for Coherence, Effectiveness and Relevance (CER).",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
tools_app = typer.Typer(help="Browse, search and show the tool catalogue.", no_args_is_help=True)
content_app = typer.Typer(help="Check the YAML content and export its JSON Schemas.", no_args_is_help=True)
app.add_typer(tools_app, name="tools")
app.add_typer(content_app, name="content")

JsonOpt = Annotated[bool, typer.Option("--json", help="Print JSON for scripts instead of text.")]
WorkstreamOpt = Annotated[str | None, typer.Option("--workstream", "-w", help="Workstream letter A–G.")]
StepOpt = Annotated[int | None, typer.Option("--step", "-s", help="Step number 1–9.")]


class ToolTypeChoice(StrEnum):
    guidance = "guidance"
    template = "template"
    example = "example"
    checklist = "checklist"
    training = "training"


class Language(StrEnum):
    en = "en"
    fr = "fr"
    es = "es"


class _State:
    content_root: Path | None = None


STATE = _State()


@app.callback()
def _options(
    content_root: Annotated[
        Path | None,
        typer.Option(
            envvar="CER_CONTENT_ROOT", help="Folder holding workstreams/ and tools_catalog/ content."
        ),
    ] = None,
) -> None:
    STATE.content_root = content_root


def cli_errors(fn: Callable[P, R]) -> Callable[P, R]:
    """Map domain errors to messages and exit codes: 2 for an unknown id or filter, 1 for bad content."""

    @functools.wraps(fn)
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
        from cer.content import ContentError
        from diagnostics.answers import AnswersError
        from workstreams.errors import InvalidRequest, NotFound

        try:
            return fn(*args, **kwargs)
        except (NotFound, InvalidRequest) as exc:
            typer.echo(f"Error: {exc}", err=True)
            raise typer.Exit(2) from None
        except AnswersError as exc:
            typer.echo(f"The answers have {len(exc.problems)} problem(s):", err=True)
            for problem in exc.problems:
                typer.echo(f"  {problem}", err=True)
            raise typer.Exit(2) from None
        except ContentError as exc:
            typer.echo(str(exc), err=True)
            raise typer.Exit(1) from None

    return wrapper


def _content() -> Content:
    from cer.content import get_content

    return get_content(_root())


def _print(data: Callable[[], Any], as_json: bool, text: Callable[[], str]) -> None:
    """Print JSON or text, building only the one asked for."""
    if as_json:
        typer.echo(json.dumps(data(), indent=2, ensure_ascii=False, default=str))
    else:
        sys.stdout.write(text())


@app.command()
@cli_errors
def steps(
    number: Annotated[int | None, typer.Argument(help="A step number 1–9.")] = None, json_: JsonOpt = False
) -> None:
    """The step-by-step view: each step's main actions, their workstreams and their tools."""
    from cer import browse, render

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
    from cer import browse, render

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
    from cer import render
    from cer.facets import tool_filter

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
    from cer import browse, render

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
    from cer import render

    c = _content()
    tool = c.catalogue.tool(tool_id)
    _print(lambda: tool.model_dump(mode="json"), json_, lambda: render.tool_detail(c, tool))


@app.command()
@cli_errors
def support(workstream: WorkstreamOpt = None, step: StepOpt = None, json_: JsonOpt = False) -> None:
    """Who offers change-management support, for which workstreams and steps."""
    from cer import render
    from cer.facets import checked_step, checked_workstream

    c = _content()
    found = c.catalogue.providers_for(checked_workstream(c, workstream), checked_step(c, step))
    _print(lambda: [p.model_dump(mode="json") for p in found], json_, lambda: render.providers_list(found))


@app.command()
@cli_errors
def questionnaire(
    lang: Annotated[Language, typer.Option(help="Language of labels (English is complete).")] = Language.en,
    json_: JsonOpt = False,
) -> None:
    """The diagnostic questionnaire, with its skip logic and constraints in plain words."""
    from cer import render_diagnosis as rd

    q = _content().questionnaire
    _print(lambda: rd.questionnaire_json(q, lang.value), json_, lambda: rd.questionnaire_text(q, lang.value))


@app.command()
@cli_errors
def diagnose(
    answers: Annotated[Path, typer.Argument(help="Answers file (YAML or JSON); see examples/.")],
    country: Annotated[
        str | None, typer.Option(help="ISO 3166 code, e.g. MWI (default: the file's).")
    ] = None,
    start: Annotated[str | None, typer.Option(help="Plan start date YYYY-MM-DD (default: today).")] = None,
    draft: Annotated[bool, typer.Option(help="Accept unanswered required questions.")] = False,
    json_: JsonOpt = False,
    md: Annotated[bool, typer.Option("--md", help="Print the report as Markdown.")] = False,
) -> None:
    """Select workstreams, actions and tools with reasons, and build the dated step-by-step plan."""
    from cer import diagnosis
    from cer import render_diagnosis as rd

    if json_ and md:
        raise _invalid("choose one of --json and --md")
    c = _content()
    report = diagnosis.run(
        c, diagnosis.read_answers(answers), country=country, start=_date(start), draft=draft
    )
    _print(lambda: diagnosis.report_json(report), json_, lambda: rd.report(c, report, md=md))


def _date(text: str | None) -> dt.date:
    try:
        day = dt.date.fromisoformat(text) if text else dt.date.today()
    except ValueError:
        raise _invalid(f"--start {text!r} is not a date like 2027-01-15") from None
    if not 2000 <= day.year <= 2100:
        raise _invalid(f"--start {text} is outside 2000–2100")
    return day


def _invalid(message: str) -> Exception:
    from workstreams.errors import InvalidRequest

    return InvalidRequest(message)


@content_app.command("validate")
def content_validate(json_: JsonOpt = False) -> None:
    """Load every content file, check every cross-reference, print all problems (exit 1 if any)."""
    from cer.content import ContentError, load_content

    try:
        c = load_content(_root())
    except ContentError as exc:
        problems = [{"file": p.file, "path": p.path, "message": p.message} for p in exc.problems]
        report = f"{exc}\n"
        _print(lambda: {"ok": False, "problems": problems}, json_, lambda: report)
        raise typer.Exit(1) from None
    summary = ", ".join(f"{n} {k}" for k, n in c.counts().items())
    data = {"ok": True, "version": c.version, "counts": c.counts()}
    _print(lambda: data, json_, lambda: f"Content OK (version {c.version}): {summary}.\n")


@content_app.command("schema")
def content_schema(
    out: Annotated[
        Path | None, typer.Option(help="Folder to write into; default: schemas/ beside the content.")
    ] = None,
    json_: JsonOpt = False,
) -> None:
    """Write the JSON Schemas of the content files (editors use them; a test keeps them current)."""
    from cer.content import default_root, write_schemas

    target = (out or (_root() or default_root()) / "schemas").resolve()
    try:
        written = [str(p) for p in write_schemas(target)]
    except OSError as exc:
        typer.echo(f"Error: cannot write the schemas to {target}: {exc.strerror or exc}", err=True)
        raise typer.Exit(1) from None
    _print(lambda: {"written": written}, json_, lambda: "".join(f"wrote {p}\n" for p in written))


@app.command()
@cli_errors
def up(json_: JsonOpt = False) -> None:
    """Start the product on embedded defaults (today: check the content and print the overview)."""
    from cer import render

    c = _content()
    _print(lambda: {"version": c.version, "counts": c.counts()}, json_, lambda: render.welcome(c))


def _root() -> Path | None:
    return STATE.content_root.resolve() if STATE.content_root else None


def main() -> None:
    app()
