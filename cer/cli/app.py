"""The shared parts of the `cer` command line: the Typer apps, options, error mapping and output."""

from __future__ import annotations

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
        from cer.services.errors import Conflict
        from diagnostics.answers import AnswersError
        from workstreams.errors import InvalidRequest, NotFound

        try:
            return fn(*args, **kwargs)
        except (NotFound, InvalidRequest) as exc:
            typer.echo(f"Error: {exc}", err=True)
            raise typer.Exit(2) from None
        except Conflict as exc:
            typer.echo(f"Conflict: {exc}", err=True)
            raise typer.Exit(3) from None
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


def _root() -> Path | None:
    return STATE.content_root.resolve() if STATE.content_root else None
