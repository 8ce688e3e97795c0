"""The shared parts of the `cer` command line: the Typer apps, options, error mapping and output."""

from __future__ import annotations

import datetime as dt
import functools
import getpass
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
FinishByOpt = Annotated[
    str | None,
    typer.Option(
        help="Plan backward to finish by YYYY-MM-DD (default: the next programme cycle's start, when the "
        "answers give one after the start); says by how many working days it does not fit, and why."
    ),
]


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
    ar = "ar"


class _State:
    content_root: Path | None = None


STATE = _State()
LangOpt = Annotated[
    Language | None,
    typer.Option(
        "--lang",
        case_sensitive=False,
        help="Language of the text printed: en, fr, es or ar (default: CER_LANG, else en); --json keys and "
        "values stay English.",
    ),
]


@app.callback()
def _options(
    ctx: typer.Context,
    content_root: Annotated[
        Path | None,
        typer.Option(
            envvar="CER_CONTENT_ROOT", help="Folder holding workstreams/ and tools_catalog/ content."
        ),
    ] = None,
    lang: LangOpt = None,
) -> None:
    from cer.runtime.config import language
    from cer.views.i18n import using_language
    from workstreams.errors import InvalidRequest

    STATE.content_root = content_root
    try:
        chosen = lang.value if lang else language()
    except InvalidRequest as exc:
        typer.echo(f"Error: {exc}", err=True)
        raise typer.Exit(2) from None
    ctx.with_resource(using_language(chosen))  # until the command ends (a test's next command starts anew)


def cli_errors(fn: Callable[P, R]) -> Callable[P, R]:
    """Errors to messages and exit codes: 2 bad request or answers, 3 conflict, 4 refused (a remote server's
    401 or 403), 1 bad content or database."""

    @functools.wraps(fn)
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
        from cer.content import ContentError
        from cer.services.errors import Conflict, Forbidden, Unauthenticated
        from cer.views.i18n import say
        from diagnostics.answers import AnswersError
        from workstreams.errors import InvalidRequest, NotFound

        try:
            return fn(*args, **kwargs)
        except (NotFound, InvalidRequest) as exc:
            typer.echo(say("Error: %(message)s", message=exc), err=True)
            raise typer.Exit(2) from None
        except Conflict as exc:
            typer.echo(say("Conflict: %(message)s", message=exc), err=True)
            raise typer.Exit(3) from None
        except (Forbidden, Unauthenticated) as exc:
            typer.echo(say("Refused: %(message)s", message=exc), err=True)
            raise typer.Exit(4) from None
        except AnswersError as exc:
            n = len(exc.problems)
            typer.echo(say("The answers have %(num)s problem(s):", num=n), err=True)
            for problem in exc.problems:
                typer.echo(f"  {problem}", err=True)
            raise typer.Exit(2) from None
        except ContentError as exc:
            typer.echo(str(exc), err=True)
            raise typer.Exit(1) from None
        except Exception as exc:  # only database errors are turned into a message; the rest propagate
            if (message := _database_error(exc)) is None:
                raise
            typer.echo(say("Error: %(message)s", message=message), err=True)
            raise typer.Exit(1) from None

    return wrapper


def _database_error(exc: Exception) -> str | None:
    """A one-line account of a database failure (unreachable, refused, too long a value), else None."""
    if "sqlalchemy" not in sys.modules:  # no database was used: it cannot be a database error
        return None
    from sqlalchemy.exc import DBAPIError

    if not isinstance(exc, DBAPIError):
        return None
    from cer.views.i18n import say

    detail = str(exc.orig).strip().splitlines()[0] if exc.orig else str(exc)
    return say("the database refused the request or could not be reached: %(detail)s", detail=detail)


def content(as_json: bool = False) -> Content:
    """The toolkit's content to show, in the command line's language (step names, workstreams, tools);
    for `--json` (`as_json`), English, as scripts read it whatever the language."""
    from cer.content import get_content
    from cer.views.i18n import current_language

    return get_content(content_root(), lang="en" if as_json else current_language())


def stored_content() -> Content:
    """The toolkit's content as plans store it (English titles), whatever language the command line speaks."""
    from cer.content import get_content

    return get_content(content_root())


def emit(data: Any, as_json: bool, text: Callable[[], str]) -> None:
    """Print JSON (`data`, or what it makes when it is a function; models as their JSON) or text, building
    only the one asked for."""
    if not as_json:
        sys.stdout.write(text())
        return
    value = data() if callable(data) else data
    if isinstance(value, list):
        value = [v.model_dump(mode="json") if hasattr(v, "model_dump") else v for v in value]
    elif hasattr(value, "model_dump"):
        value = value.model_dump(mode="json")
    typer.echo(json.dumps(value, indent=2, ensure_ascii=False, default=str))


def content_root() -> Path | None:
    return STATE.content_root.resolve() if STATE.content_root else None


def day(text: str | None, option: str = "--start") -> dt.date:
    """A date given on the command line (default: today), refused clearly unless it is a real one."""
    from workstreams.dates import in_range

    try:
        found = dt.date.fromisoformat(text) if text else dt.date.today()
    except ValueError:
        raise invalid("%(option)s %(text)r is not a date like 2027-01-15", option=option, text=text) from None
    try:
        return in_range(found)
    except ValueError as exc:
        raise invalid("%(option)s %(text)s: %(problem)s", option=option, text=text, problem=exc) from None


def say(text: str, /, **variables: object) -> str:
    """`text` in the command line's language (cer.views.i18n.say, imported only when a command speaks, so
    that `cer --help` loads no catalogue)."""
    from cer.views.i18n import say as said

    return said(text, **variables)


def invalid(message: str, /, **variables: object) -> Exception:
    """A refused request, its message (marked for translation) in the command line's language."""
    from cer.views.i18n import say
    from workstreams.errors import InvalidRequest

    return InvalidRequest(say(message, **variables))


def acting_user(as_: str | None) -> str:
    """Who a change made on the database is signed by: `--as`, else CER_USER, else the login name."""
    from cer.runtime.config import get_settings

    return as_ or get_settings().user or getpass.getuser()


AsUser = Annotated[str | None, typer.Option("--as", help="Who makes the change (default: your login name).")]
CountryArg = Annotated[str, typer.Argument(help="ISO 3166 code, e.g. MWI.")]
WorkstreamArg = Annotated[str, typer.Argument(help="Workstream letter A–G.")]
