"""Tracked plans and tasks: `cer db`, `cer plan`, `cer tasks` — on the database, or on a server's API when
`CER_SERVER_URL` is set (cer.cli.backend)."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from cer.cli.app import (
    AsUser,
    CountryArg,
    JsonOpt,
    WorkstreamOpt,
    app,
    cli_errors,
    content,
    day,
    emit,
    invalid,
)
from cer.cli.backend import TaskQuery
from cer.cli.backends import backend

if TYPE_CHECKING:
    from cer.services.tasks import TaskChange
    from workstreams.status import TaskStatus

db_app = typer.Typer(help="Set up the database.", no_args_is_help=True)
plan_app = typer.Typer(help="Country plans: create from answers, show, re-diagnose.", no_args_is_help=True)
tasks_app = typer.Typer(help="Tracked tasks: list, update, history.", no_args_is_help=True)
app.add_typer(db_app, name="db")
app.add_typer(plan_app, name="plan")
app.add_typer(tasks_app, name="tasks")
AnswersArg = Annotated[Path, typer.Argument(help="Answers file (YAML or JSON).")]


@db_app.command("upgrade")
@cli_errors
def db_upgrade(json_: JsonOpt = False) -> None:
    """Create or migrate the database (CER_DATABASE_URL; default SQLite under var/)."""
    from cer.runtime.config import get_settings
    from cer.services.setup import prepare_database

    url = get_settings().database_url
    schema = prepare_database(url=url, questionnaire=content().questionnaire)
    emit({"database": url, "schema": schema}, json_, lambda: f"Database ready at schema {schema}: {url}\n")


@plan_app.command("create")
@cli_errors
def plan_create(
    answers: AnswersArg,
    country: Annotated[str | None, typer.Option(help="ISO 3166 code (default: the file's).")] = None,
    start: Annotated[str | None, typer.Option(help="Plan start date YYYY-MM-DD (default: today).")] = None,
    as_: AsUser = None,
    json_: JsonOpt = False,
) -> None:
    """Diagnose the answers and store the plan with all its tasks (one transaction)."""
    from cer.services.diagnosis import read_answers
    from cer.views import render_tracking as rt

    created = backend(as_).create_plan(read_answers(answers), country, day(start))
    emit(created, json_, lambda: rt.plan_text(created))


@plan_app.command("show")
@cli_errors
def plan_show(country: CountryArg, json_: JsonOpt = False) -> None:
    """A country's plan: dates, workstreams, every task with its status, due date and lead."""
    from cer.views import render_tracking as rt

    found = backend().plan(country)
    emit(found, json_, lambda: rt.plan_text(found))


@plan_app.command("rediagnose")
@cli_errors
def plan_rediagnose(
    country: CountryArg, answers: AnswersArg, as_: AsUser = None, json_: JsonOpt = False
) -> None:
    """Re-diagnose from new answers and merge: kept tasks keep their work, unneeded ones are dropped."""
    from cer.services.diagnosis import read_answers
    from cer.views import render_tracking as rt

    revision = backend(as_).rediagnose(country, read_answers(answers))
    emit(revision, json_, lambda: rt.revision_text(revision))


@tasks_app.command("list")
@cli_errors
def tasks_list(
    country: Annotated[str, typer.Option(help="ISO 3166 code, e.g. MWI.")],
    workstream: WorkstreamOpt = None,
    status: Annotated[
        str | None, typer.Option(help="not_started, in_progress, blocked, completed, dropped")
    ] = None,
    overdue: Annotated[bool, typer.Option(help="Only open tasks past their due date.")] = False,
    json_: JsonOpt = False,
) -> None:
    """A country's tasks, narrowed by workstream, status or lateness."""
    from cer.views import render_tracking as rt
    from cer.views.facets import checked_workstream

    query = TaskQuery(country, checked_workstream(content(), workstream), _status(status), overdue)
    found = backend().tasks(query)
    emit(found, json_, lambda: rt.tasks_table(found))


@tasks_app.command("update")
@cli_errors
def tasks_update(
    ref: Annotated[str, typer.Argument(help="Task number or reference, e.g. MWI-B-4.1.")],
    status: Annotated[str | None, typer.Option(help="New status.")] = None,
    reason: Annotated[str | None, typer.Option(help="Why (needed to block or drop).")] = None,
    lead: Annotated[str | None, typer.Option(help="New lead agency or group.")] = None,
    contributors: Annotated[str | None, typer.Option(help="Comma-separated contributors.")] = None,
    start: Annotated[str | None, typer.Option(help="New start date YYYY-MM-DD.")] = None,
    due: Annotated[str | None, typer.Option(help="New due date YYYY-MM-DD.")] = None,
    comment: Annotated[str | None, typer.Option(help="A comment for the history.")] = None,
    version: Annotated[
        int | None, typer.Option(help="The version you saw (default: the current one).")
    ] = None,
    as_: AsUser = None,
    json_: JsonOpt = False,
) -> None:
    """Change a task's status, owners or dates, or comment on it; every change is recorded."""
    from cer.views import render_tracking as rt

    change = _change(status, reason, lead, contributors, start, due, comment)
    task = backend(as_).change_task(ref, change, version)
    emit(task, json_, lambda: rt.tasks_table([task]))


@tasks_app.command("history")
@cli_errors
def tasks_history(
    ref: Annotated[str, typer.Argument(help="Task number or reference.")], json_: JsonOpt = False
) -> None:
    """Every change to a task: who, when, what it was and what it became."""
    from cer.views import render_tracking as rt

    events = backend().history(ref)
    emit(events, json_, lambda: rt.history_text(events))


def _change(
    status: str | None,
    reason: str | None,
    lead: str | None,
    contributors: str | None,
    start: str | None,
    due: str | None,
    comment: str | None,
) -> TaskChange:
    """The command's options as a change: None leaves a field as it is."""
    from cer.services.tasks import TaskChange

    people = [p.strip() for p in contributors.split(",") if p.strip()] if contributors is not None else None
    return TaskChange(
        status=_status(status),
        reason=reason,
        lead=lead,
        contributors=people,
        start=day(start, "--start") if start else None,
        due=day(due, "--due") if due else None,
        comment=comment,
    )


def _status(text: str | None) -> TaskStatus | None:
    from workstreams.status import TaskStatus

    if text is None:
        return None
    try:
        return TaskStatus(text.strip().lower().replace(" ", "_"))
    except ValueError:
        raise invalid(
            f"unknown status {text!r}; use one of: {', '.join(s.value for s in TaskStatus)}"
        ) from None
