"""Tracked plans and tasks: `cer db`, `cer plan`, `cer tasks` — on the database, or on a server's API when
`CER_SERVER_URL` is set (cer.cli.backend)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from cer.cli.app import (
    AsUser,
    CountryArg,
    FinishByOpt,
    JsonOpt,
    WorkstreamOpt,
    app,
    cli_errors,
    content,
    day,
    emit,
    invalid,
    say,
)
from cer.cli.backend import PlanTiming, TaskQuery
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
WeekendOpt = Annotated[str | None, typer.Option(help="Weekend days, e.g. fri,sat (default: the country's).")]
HolidayOpt = Annotated[list[str] | None, typer.Option(help="A day off to add: YYYY-MM-DD[=name]; repeat.")]
WorkingDayOpt = Annotated[list[str] | None, typer.Option(help="A holiday worked: YYYY-MM-DD; repeat.")]
MapOpt = Annotated[
    list[str] | None,
    typer.Option(
        "--map",
        help="FIELD=COLUMN: read COLUMN (a letter, number or header) as FIELD; FIELD= reads nothing as it. "
        "Fields: ref, title, sub_actions, lead, contributing, lead_and_contributing, start, due, status, "
        "progress, workstream, step, action. Repeat. Without it, columns are recognised by their headers.",
    ),
]


@db_app.command("upgrade")
@cli_errors
def db_upgrade(json_: JsonOpt = False) -> None:
    """Create or migrate the database (CER_DATABASE_URL; default SQLite under var/)."""
    from cer.runtime.config import get_settings
    from cer.services.setup import prepare_database

    url = get_settings().database_url
    schema = prepare_database(url=url, questionnaire=content().questionnaire)
    emit(
        {"database": url, "schema": schema},
        json_,
        lambda: say("Database ready at schema %(schema)s: %(url)s", schema=schema, url=url) + "\n",
    )


@plan_app.command("create")
@cli_errors
def plan_create(
    answers: AnswersArg,
    country: Annotated[str | None, typer.Option(help="ISO 3166 code (default: the file's).")] = None,
    start: Annotated[str | None, typer.Option(help="Plan start date YYYY-MM-DD (default: today).")] = None,
    finish_by: FinishByOpt = None,
    weekend: WeekendOpt = None,
    holiday: HolidayOpt = None,
    working_day: WorkingDayOpt = None,
    as_: AsUser = None,
    json_: JsonOpt = False,
) -> None:
    """Diagnose the answers and store the plan with all its tasks (one transaction), on the country's working
    calendar, backward from a target date when there is one."""
    from cer.services.diagnosis import read_answers
    from cer.views import render_tracking as rt
    from cer.views.requests import calendar_edit

    target = day(finish_by, "--finish-by") if finish_by else None
    timing = PlanTiming(day(start), target, calendar_edit(weekend, holiday or [], working_day or []))
    created = backend(as_).create_plan(read_answers(answers), country, timing)
    emit(created, json_, lambda: rt.plan_text(created))


@plan_app.command("import")
@cli_errors
def plan_import(
    country: CountryArg,
    file: Annotated[Path, typer.Argument(help="The plan kept elsewhere: an .xlsx workbook or a .csv file.")],
    dry_run: Annotated[bool, typer.Option(help="Only check: what would change, and every problem.")] = False,
    map_: MapOpt = None,
    workstream: WorkstreamOpt = None,
    as_: AsUser = None,
    json_: JsonOpt = False,
) -> None:
    """Import an action plan kept in Excel or CSV (a title above the header is fine): each row becomes a task,
    or updates the one it became last time (by its reference number); all or nothing."""
    from cer.views import render_tracking as rt

    found = backend(as_).import_plan(country, import_request(file, map_, workstream, dry_run))
    emit(found, json_, lambda: rt.import_text(found))
    if found.problems:
        raise typer.Exit(2)


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
    country: Annotated[
        str | None, typer.Option(help="ISO 3166 code, e.g. MWI (needed without --mine or --agency).")
    ] = None,
    workstream: WorkstreamOpt = None,
    status: Annotated[
        str | None, typer.Option(help="not_started, in_progress, blocked, completed, dropped")
    ] = None,
    overdue: Annotated[bool, typer.Option(help="Only open tasks past their due date.")] = False,
    mine: Annotated[bool, typer.Option(help="Only yours: assigned to you, or led by your agency.")] = False,
    agency: Annotated[
        str | None, typer.Option(help="Only an agency's: it leads or contributes, e.g. WFP.")
    ] = None,
    json_: JsonOpt = False,
) -> None:
    """A country's tasks, or yours or an agency's everywhere, narrowed by workstream, status or lateness."""
    from cer.views import render_tracking as rt
    from cer.views.facets import checked_workstream

    if not (country or mine or agency):
        raise invalid("say which tasks: --country MWI, --mine or --agency WFP")
    ws = checked_workstream(content(), workstream)
    query = TaskQuery(country, ws, _status(status), overdue, mine, agency)
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
    as_of: Annotated[
        str | None,
        typer.Option(help="The day the new status took effect, YYYY-MM-DD (not after today)."),
    ] = None,
    assignee: Annotated[str | None, typer.Option(help="The user doing it (a username; '' clears).")] = None,
    depends_on: Annotated[
        str | None, typer.Option(help="Comma-separated tasks it depends on, e.g. MWI-B-4.1 ('' for none).")
    ] = None,
    note: Annotated[str | None, typer.Option(help="Your team's note on the task.")] = None,
    progress: Annotated[str | None, typer.Option(help="A progress note, in words.")] = None,
    progress_on: Annotated[str | None, typer.Option(help="The day it describes (default: today).")] = None,
    title: Annotated[str | None, typer.Option(help="A custom task's new title.")] = None,
    description: Annotated[str | None, typer.Option(help="A custom task's new description.")] = None,
    version: Annotated[
        int | None, typer.Option(help="The version you saw (default: the current one).")
    ] = None,
    as_: AsUser = None,
    json_: JsonOpt = False,
) -> None:
    """Change a task's status (possibly as of an earlier day), owners, assignee, dates, dependencies, note or
    progress, or comment on it; every change is recorded, and dependants follow when the plan says so."""
    from cer.views import render_tracking as rt

    options = {k: v for k, v in locals().items() if k not in ("ref", "version", "as_", "json_", "rt")}
    task = backend(as_).change_task(ref, _change(**options), version)
    emit(task, json_, lambda: rt.edited_text(task))


@tasks_app.command("add")
@cli_errors
def tasks_add(
    country: CountryArg,
    title: Annotated[str, typer.Option(help="What the task is.")],
    step: Annotated[int, typer.Option(help="The toolkit step (1–9) it belongs to.")],
    workstream: Annotated[list[str], typer.Option(help="A workstream it serves (repeat for more).")],
    lead: Annotated[str, typer.Option(help="The lead: an agency, or a group such as OMT.")],
    contributors: Annotated[str | None, typer.Option(help="Comma-separated contributors.")] = None,
    start: Annotated[
        str | None, typer.Option(help="Start YYYY-MM-DD (default: plan start or today).")
    ] = None,
    due: Annotated[str | None, typer.Option(help="Due YYYY-MM-DD (default: 10 working days on).")] = None,
    depends_on: Annotated[str | None, typer.Option(help="Comma-separated tasks it depends on.")] = None,
    description: Annotated[str, typer.Option(help="What it is about.")] = "",
    assignee: Annotated[str | None, typer.Option(help="The user doing it (a username).")] = None,
    as_: AsUser = None,
    json_: JsonOpt = False,
) -> None:
    """Add a task of your own to a country's plan; it is tracked like the toolkit's."""
    from cer.views import render_tracking as rt
    from cer.views.requests import TaskCreate

    options = {k: v for k, v in locals().items() if k not in ("country", "as_", "json_", "rt", "TaskCreate")}
    task = backend(as_).add_task(country, TaskCreate.of(**_new_task(**options)))
    emit(task, json_, lambda: rt.edited_text(task))


@tasks_app.command("history")
@cli_errors
def tasks_history(
    ref: Annotated[str, typer.Argument(help="Task number or reference.")], json_: JsonOpt = False
) -> None:
    """Every change to a task: who, when, what it was and what it became."""
    from cer.views import render_tracking as rt

    events = backend().history(ref)
    emit(events, json_, lambda: rt.history_text(events))


def _change(**options: str | None) -> TaskChange:
    """The command's options as a change: None leaves a field as it is."""
    from cer.services.tasks import TaskChange

    def listed(text: str | None) -> list[str] | None:
        return [p.strip() for p in text.split(",") if p.strip()] if text is not None else None

    def dated(name: str, option: str) -> dt.date | None:
        text = options.pop(name)
        return day(text, option) if text else None

    dates = {"start": "--start", "due": "--due", "as_of": "--as-of", "progress_on": "--progress-on"}
    days = {name: dated(name, option) for name, option in dates.items()}
    status = _status(options.pop("status"))
    people, after = listed(options.pop("contributors")), listed(options.pop("depends_on"))
    return TaskChange(
        **options, status=status, contributors=people, depends_on=after, start=days["start"], due=days["due"],
        status_on=days["as_of"], progress_on=days["progress_on"],
    )  # fmt: skip


def _new_task(**options: object) -> dict[str, object]:
    """`cer tasks add`'s options as a TaskCreate's fields: lists split, dates read."""

    def listed(text: object) -> list[str]:
        return [p.strip() for p in str(text).split(",") if p.strip()] if text is not None else []

    workstreams = options.pop("workstream")
    dates = {k: day(str(options[k]), f"--{k}") if options[k] else None for k in ("start", "due")}
    lists = {k: listed(options[k]) for k in ("contributors", "depends_on")}
    return options | dates | lists | {"workstreams": workstreams}


@plan_app.command("schedule")
@cli_errors
def plan_schedule(
    country: CountryArg,
    follow: Annotated[
        bool,
        typer.Option(
            "--follow-dependencies/--no-follow-dependencies",
            help="Moving a task moves the tasks that depend on it, or only warns.",
        ),
    ],
    json_: JsonOpt = False,
) -> None:
    """Whether moving a task moves the tasks that depend on it (needs the coordinator role)."""
    plan = backend().follow_dependencies(country, follow)
    text = (
        say("In %(country)s's plan, moving a task moves the tasks that depend on it.", country=plan.country)
        if plan.follow_dependencies
        else say("In %(country)s's plan, moving a task no longer moves the tasks that depend on it (it warns "
                 "instead).", country=plan.country)
    )  # fmt: skip
    emit(plan, json_, lambda: text + "\n")


def _status(text: str | None) -> TaskStatus | None:
    from workstreams.status import TaskStatus

    if text is None:
        return None
    try:
        return TaskStatus(text.strip().lower().replace(" ", "_"))
    except ValueError:
        known = ", ".join(s.value for s in TaskStatus)
        raise invalid("unknown status %(text)r; use one of: %(known)s", text=text, known=known) from None


def import_request(file: Path, pairs: list[str] | None, workstream: str | None, dry_run: bool) -> Any:
    """The request for `cer plan import`: the file read (at most 700 kB) and the --map pairs."""
    import base64

    from cer.services.sheet_reader import MAX_BYTES
    from cer.views.requests import PlanImportRequest

    try:
        data = file.read_bytes()
    except OSError as exc:
        raise invalid("cannot read %(file)s: %(problem)s", file=file, problem=exc.strerror or exc) from None
    if len(data) > MAX_BYTES:
        raise invalid(
            "%(file)s is %(size)s kB: import files are limited to 700 kB", file=file, size=len(data) // 1024
        )
    mapping = {name.strip(): column for name, _, column in (pair.partition("=") for pair in pairs or [])}
    return PlanImportRequest.of(filename=file.name, content_base64=base64.b64encode(data).decode(),
                                mapping=mapping, workstream=workstream, dry_run=dry_run)  # fmt: skip
