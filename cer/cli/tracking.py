"""Tracked plans and tasks in the database: `cer db`, `cer plan`, `cer tasks`."""

from __future__ import annotations

import datetime as dt
import getpass
import os
from pathlib import Path
from typing import TYPE_CHECKING, Annotated
from urllib.parse import quote

import typer

from cer.cli.app import JsonOpt, WorkstreamOpt, _content, _print, app, cli_errors
from cer.cli.diagnose import _date, _invalid
from cer.cli.remote import Remote, as_tasks, no_acting_as, remote
from cer.cli.remote import tasks as tasks_of

if TYPE_CHECKING:
    from workstreams.status import TaskStatus

db_app = typer.Typer(help="Set up the database.", no_args_is_help=True)
plan_app = typer.Typer(help="Country plans: create from answers, show.", no_args_is_help=True)
tasks_app = typer.Typer(help="Tracked tasks: list, update, history.", no_args_is_help=True)
app.add_typer(db_app, name="db")
app.add_typer(plan_app, name="plan")
app.add_typer(tasks_app, name="tasks")
AsUser = Annotated[str | None, typer.Option("--as", help="Who makes the change (default: your login name).")]


def _user(name: str | None) -> str:
    return name or os.environ.get("CER_USER") or getpass.getuser()


@db_app.command("upgrade")
@cli_errors
def db_upgrade(json_: JsonOpt = False) -> None:
    """Create or migrate the database (CER_DATABASE_URL; default SQLite under var/)."""
    from cer.runtime.config import get_settings
    from cer.services.setup import prepare_database

    url = get_settings().database_url
    schema = prepare_database(url=url, questionnaire=_content().questionnaire)
    _print(
        lambda: {"database": url, "schema": schema},
        json_,
        lambda: f"Database ready at schema {schema}: {url}\n",
    )


@plan_app.command("create")
@cli_errors
def plan_create(
    answers: Annotated[Path, typer.Argument(help="Answers file (YAML or JSON).")],
    country: Annotated[str | None, typer.Option(help="ISO 3166 code (default: the file's).")] = None,
    start: Annotated[str | None, typer.Option(help="Plan start date YYYY-MM-DD (default: today).")] = None,
    as_: AsUser = None,
    json_: JsonOpt = False,
) -> None:
    """Diagnose the answers and store the plan with all its tasks (one transaction)."""
    from cer.db.session import open_session
    from cer.runtime.config import get_settings
    from cer.services import diagnosis
    from cer.services.plans import create_plan, plan_tasks
    from cer.views import render_tracking as rt

    answer_set = diagnosis.read_answers(answers)
    report = diagnosis.run(_content(), answer_set, country=country, start=_date(start), draft=False)
    with open_session(get_settings()) as session:
        plan = create_plan(session=session, report=report, answer_set=answer_set, by=_user(as_))
        tasks = plan_tasks(session=session, plan=plan)
        _print(lambda: rt.plan_json(plan, tasks), json_, lambda: rt.plan_text(plan, tasks))


@plan_app.command("show")
@cli_errors
def plan_show(
    country: Annotated[str, typer.Argument(help="ISO 3166 code, e.g. MWI.")], json_: JsonOpt = False
) -> None:
    """A country's plan: dates, workstreams, every task with its status, due date and lead."""
    from cer.views import render_tracking as rt

    if (server := remote()) is not None:
        brief = server.call("GET", f"/api/plans/{quote(country.strip(), safe='')}")
        items = tasks_of(server, brief["country"])
        text = f"Plan for {brief['country']}: {brief['start']} to {brief['end']} · {len(items)} tasks\n\n"
        text += rt.tasks_table(as_tasks(items), brief["country"])
        _print(lambda: {"plan": brief, "tasks": items}, json_, lambda: text)
        return
    from cer.db.session import open_session
    from cer.runtime.config import get_settings
    from cer.services.plans import get_plan, plan_tasks

    with open_session(get_settings()) as session:
        plan = get_plan(session=session, country=country)
        tasks = plan_tasks(session=session, plan=plan)
        _print(lambda: rt.plan_json(plan, tasks), json_, lambda: rt.plan_text(plan, tasks))


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

    if (server := remote()) is not None:
        _remote_list(
            server, country, checked_workstream(_content(), workstream), _status(status), overdue, json_
        )
        return
    from cer.db.session import open_session
    from cer.runtime.config import get_settings
    from cer.services.plans import get_plan
    from cer.services.tasks import list_tasks

    workstream = checked_workstream(_content(), workstream)
    with open_session(get_settings()) as session:
        code = get_plan(session=session, country=country).country_code
        found = list_tasks(session=session, country=code, workstream=workstream, status=_status(status),
                           overdue_on=dt.date.today() if overdue else None)  # fmt: skip
        _print(lambda: [rt.task_json(t, code) for t in found], json_, lambda: rt.tasks_table(found, code))


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
    from cer.db.session import open_session
    from cer.runtime.config import get_settings
    from cer.services.tasks import TaskChange, get_task, reference, update_task
    from cer.views import render_tracking as rt

    people = [p.strip() for p in contributors.split(",") if p.strip()] if contributors is not None else None
    dates = {"start": _date(start, "--start") if start else None, "due": _date(due, "--due") if due else None}
    change = TaskChange(
        status=_status(status), reason=reason, lead=lead, contributors=people, comment=comment, **dates
    )
    if (server := remote()) is not None:
        no_acting_as(as_)
        seen = version if version is not None else server.call("GET", f"/api/tasks/{quote(ref)}")["version"]
        fields = {k: v.isoformat() if isinstance(v, dt.date) else v for k, v in vars(change).items()}
        body = {"version": seen, **{k: v for k, v in fields.items() if v is not None}}
        data = server.call("PATCH", f"/api/tasks/{quote(ref)}", body=body)
        code = data["ref"].split("-")[0]
        _print(lambda: data, json_, lambda: rt.tasks_table(as_tasks([data]), code))
        return
    with open_session(get_settings()) as session:
        seen = version if version is not None else get_task(session=session, ref=ref).version
        task = update_task(session=session, ref=ref, expected_version=seen, change=change, by=_user(as_))
        country = reference(session=session, task=task).split("-")[0]
        _print(lambda: rt.task_json(task, country), json_, lambda: rt.tasks_table([task], country))


@tasks_app.command("history")
@cli_errors
def tasks_history(
    ref: Annotated[str, typer.Argument(help="Task number or reference.")], json_: JsonOpt = False
) -> None:
    """Every change to a task: who, when, what it was and what it became."""
    from cer.db.tables import TaskEvent
    from cer.views import render_tracking as rt

    if (server := remote()) is not None:
        items = server.call("GET", f"/api/tasks/{quote(ref)}/history")["items"]
        events = [TaskEvent.model_validate(item) for item in items]
        _print(lambda: items, json_, lambda: rt.history_text(events))
        return
    from cer.db.session import open_session
    from cer.runtime.config import get_settings
    from cer.services.tasks import task_history

    with open_session(get_settings()) as session:
        events = task_history(session=session, ref=ref)
        _print(lambda: [e.model_dump(mode="json") for e in events], json_, lambda: rt.history_text(events))


def _remote_list(
    server: Remote,
    country: str,
    workstream: str | None,
    status: TaskStatus | None,
    overdue: bool,
    json_: bool,
) -> None:
    from cer.views import render_tracking as rt
    from workstreams.status import lateness

    params = {"workstream": workstream, "status": status.value if status else None}
    items = tasks_of(server, country.strip().upper(), **params)
    if overdue:
        today = dt.date.today()
        items = [i for i in items if lateness(i["status"], dt.date.fromisoformat(i["due"]), today)[0]]
    code = country.strip().upper()
    _print(lambda: items, json_, lambda: rt.tasks_table(as_tasks(items), code))


def _status(text: str | None) -> TaskStatus | None:
    from workstreams.status import TaskStatus

    if text is None:
        return None
    try:
        return TaskStatus(text.strip().lower().replace(" ", "_"))
    except ValueError:
        raise _invalid(
            f"unknown status {text!r}; use one of: {', '.join(s.value for s in TaskStatus)}"
        ) from None


@plan_app.command("rediagnose")
@cli_errors
def plan_rediagnose(
    country: Annotated[str, typer.Argument(help="ISO 3166 code, e.g. MWI.")],
    answers: Annotated[Path, typer.Argument(help="The new answers file.")],
    as_: AsUser = None,
    json_: JsonOpt = False,
) -> None:
    """Re-diagnose from new answers and merge: kept tasks keep their work, unneeded ones are dropped."""
    from cer.db.session import open_session
    from cer.runtime.config import get_settings
    from cer.services import diagnosis
    from cer.services.access import local_operator
    from cer.services.planning import rediagnose
    from cer.views import render_tracking as rt

    answer_set = diagnosis.read_answers(answers)
    with open_session(get_settings()) as session:
        revision = rediagnose(
            session=session,
            who=local_operator(_user(as_)),
            country=country,
            answer_set=answer_set,
            content=_content(),
        )
        _print(lambda: revision.model_dump(mode="json"), json_, lambda: rt.revision_text(revision))
