"""Running the change with Prefect: `cer run`, `cer signoff`, `cer signoffs`, `cer runs`, `cer worker`.

Parameters and answers are validated here, before Prefect is even imported: a bad value is refused, naming
each bad field, and no flow run is created.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import asdict
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from cer.cli.app import JsonOpt, _content, _print, app, cli_errors
from cer.cli.diagnose import _date
from cer.cli.remote import no_acting_as, remote
from cer.cli.tracking import AsUser, _user

if TYPE_CHECKING:
    from sqlmodel import Session

    from cer.runtime.prefect_env import PrefectSettings
    from cer.services.runs import Launcher

run_app = typer.Typer(
    help="Start flow runs on the Prefect server (served by `cer worker`).", no_args_is_help=True
)
app.add_typer(run_app, name="run")

CountryArg = Annotated[str, typer.Argument(help="ISO 3166 code, e.g. MWI.")]
WorkstreamArg = Annotated[str, typer.Argument(help="Workstream letter A–G.")]


def _prefect() -> PrefectSettings:
    """Point Prefect at the configured server; refuse clearly when it is not running."""
    from flows.launch import prefect_or_refuse

    return prefect_or_refuse()


def _launcher() -> Launcher:
    from flows.launch import PrefectLauncher

    return PrefectLauncher()


def _session() -> Session:
    from cer.db.session import open_session
    from cer.runtime.config import get_settings

    return open_session(get_settings())


@run_app.command("workstream")
@cli_errors
def run_workstream(
    code: WorkstreamArg,
    country: Annotated[str, typer.Option(help="ISO 3166 code, e.g. MWI.")],
    param: Annotated[
        list[str] | None,
        typer.Option(help="name=value, repeatable; lists comma-separated: service_lines=procurement,ict"),
    ] = None,
    start: Annotated[str | None, typer.Option(help="Earliest start of new tasks, YYYY-MM-DD.")] = None,
    lead: Annotated[str | None, typer.Option(help="Lead agency of the tasks the run creates.")] = None,
    as_: AsUser = None,
    json_: JsonOpt = False,
) -> None:
    """Start a workstream flow for a country, e.g. B with `--param service_lines=procurement,ict`."""
    from cer.services import runs
    from cer.services.access import local_operator
    from workstreams.parameters import parse_cli_values

    values: dict[str, Any] = parse_cli_values(code, param or [])
    if start is not None:
        values["start"] = _date(start, "--start").isoformat()
    if lead is not None:
        values["lead_agency"] = lead
    with _session() as session:
        started = runs.start_workstream_run(
            session=session,
            who=local_operator(_user(as_)),
            country=country,
            workstream=code,
            values=values,
            launcher=_launcher(),
        )
    _print(lambda: asdict(started), json_, lambda: _started_text(asdict(started)))


@run_app.command("change-process")
@cli_errors
def run_change_process(
    country: CountryArg,
    answers: Annotated[Path, typer.Argument(help="Answers file (YAML or JSON).")],
    start: Annotated[str | None, typer.Option(help="Plan start date YYYY-MM-DD (default: today).")] = None,
    as_: AsUser = None,
    json_: JsonOpt = False,
) -> None:
    """Diagnose, create or merge the plan, and start the selected workstreams — as one Prefect flow run."""
    from cer.services import diagnosis

    answer_set = diagnosis.read_answers(answers)
    day = _date(start, "--start") if start else dt.date.today()
    # Refuse bad answers here, listing every problem, before a run is created.
    report = diagnosis.run(_content(), answer_set, country=country, start=day, draft=False)
    code = report.country.code
    parameters = {
        "country": code,
        "answers": answer_set.model_dump(mode="json"),
        "start": start and day.isoformat(),
        "by": _user(as_),
    }
    from cer.services import runs
    from cer.services.access import local_operator

    with _session() as session:
        started = runs.start_change_process(
            session=session,
            who=local_operator(_user(as_)),
            country=code,
            parameters=parameters,
            launcher=_launcher(),
        )
    _print(lambda: asdict(started), json_, lambda: _started_text(asdict(started)))


def _started_text(started: dict[str, Any]) -> str:
    return (
        f"Started {started['flow']} for {started['country']}: "
        f"run {started['name']} ({started['flow_run_id']})\n"
        f"  follow it: cer runs {started['country']}   or in Prefect's UI: {started['url']}\n"
    )


@app.command()
@cli_errors
def signoff(
    country: CountryArg,
    code: WorkstreamArg,
    step: Annotated[int, typer.Option(help="The step 1–6 to sign off.")],
    note: Annotated[
        str | None, typer.Option(help="Why the step is done although tasks are still open (required then).")
    ] = None,
    as_: AsUser = None,
    json_: JsonOpt = False,
) -> None:
    """Sign a step of a country's workstream off; a run waiting for it goes on to the next step."""
    from cer.services import runs
    from cer.services.access import local_operator
    from cer.views.render_tracking import signoff_json

    if (server := remote()) is not None:
        no_acting_as(as_)
        body = {"country": country, "workstream": code, "step": step, "note": note}
        data = server.call("POST", "/api/signoffs", body=body)
        _print(lambda: data, json_, lambda: _signoff_text(data))
        return
    with _session() as session:
        signed = runs.sign_off_step(
            session=session,
            who=local_operator(_user(as_)),
            country=country,
            workstream=code,
            step=step,
            note=note,
            framework=_content().framework,
            launcher=_launcher(),
        )
    data = signoff_json(signed)
    _print(lambda: data, json_, lambda: _signoff_text(data))


def _signoff_text(data: dict[str, Any]) -> str:
    head = "was already signed off" if data["already_signed"] else "signed off"
    lines = [
        f"{data['country']} {data['workstream']} step {data['step']} {head} by {data['signed_by']} "
        f"on {data['signed_at'][:16].replace('T', ' ')} UTC"
    ]
    if data["note"]:
        lines.append(f"  note: {data['note']}")
    if data["open_tasks"]:
        lines.append(f"  open at sign-off: {', '.join(data['open_tasks'])}")
    for run_id in data["resumed_runs"]:
        lines.append(f"  resumed run {run_id}")
    if data["prefect"]:
        lines.append(f"  {data['prefect']}")
    return "\n".join(lines) + "\n"


@app.command()
@cli_errors
def signoffs(country: CountryArg, code: WorkstreamArg, json_: JsonOpt = False) -> None:
    """Steps 1–6 of a country's workstream: tasks, open tasks, opened by a run, signed off by whom."""
    from cer.db.session import open_session
    from cer.runtime.config import get_settings
    from cer.services.workflow import workstream_steps

    with open_session(get_settings()) as session:
        states = workstream_steps(session=session, country=country, code=code.strip().upper())
    rows = [
        {
            "step": s.step,
            "tasks": s.tasks,
            "open": s.open,
            "opened": s.opened,
            "signed_by": s.signed_off.signed_by if s.signed_off else None,
            "signed_at": s.signed_off.signed_at.isoformat() if s.signed_off else None,
            "note": s.signed_off.note if s.signed_off else None,
        }
        for s in states
    ]

    def text() -> str:
        out = [f"{country.upper()} {code.upper()}: steps 1–6", f"  {'step':<6}{'tasks':>6}{'open':>6}  state"]
        for r in rows:
            state = (
                f"signed off by {r['signed_by']} on {str(r['signed_at'])[:10]}"
                if r["signed_by"]
                else ("open, waiting for sign-off" if r["opened"] else "not opened yet")
            )
            out.append(f"  {r['step']:<6}{r['tasks']:>6}{r['open']:>6}  {state}")
        return "\n".join(out) + "\n"

    _print(lambda: rows, json_, text)


@app.command()
@cli_errors
def runs(country: CountryArg, json_: JsonOpt = False) -> None:
    """The flow runs started for a country's plan, with their state on the Prefect server."""
    from cer.db.session import open_session
    from cer.runtime.config import get_settings
    from cer.services.workflow import flow_runs

    with open_session(get_settings()) as session:
        links = flow_runs(session=session, country=country)
    rows: list[dict[str, Any]] = [
        {
            "flow_run_id": link.flow_run_id,
            "flow": link.flow,
            "workstream": link.workstream,
            "started_by": link.started_by,
            "created_at": link.created_at.isoformat(),
            "state": None,
            "waiting_for_step": None,
        }
        for link in links
    ]
    from flows.launch import run_states

    states = run_states([row["flow_run_id"] for row in rows]) or {}
    for row in rows:
        row["state"], row["waiting_for_step"] = states.get(row["flow_run_id"], (None, None))

    def text() -> str:
        if not rows:
            return (
                f"No flow runs for {country.upper()} yet (cer run workstream …, cer run change-process …)\n"
            )
        out = []
        for r in rows:
            waiting = f", waiting for step {r['waiting_for_step']}" if r["waiting_for_step"] else ""
            state = r["state"] or "state unknown (Prefect server not reachable)"
            out.append(
                f"{r['created_at'][:16].replace('T', ' ')}  {r['flow']:<16} {state}{waiting}  "
                f"{r['flow_run_id']}"
            )
        return "\n".join(out) + "\n"

    _print(lambda: rows, json_, text)


@app.command()
@cli_errors
def worker(
    pool: Annotated[
        str | None, typer.Option(help="Register on this Prefect process work pool and start a worker on it.")
    ] = None,
    limit: Annotated[int | None, typer.Option(help="At most this many flow runs at once.")] = None,
) -> None:
    """Serve every deployment (workstreams A–G, change-process, monitor-plans, progress-report)."""
    settings = _prefect()
    if pool is None:
        from flows.deployments import serve

        typer.echo(f"Serving cer-toolkit's flows from {settings.api_url} (Ctrl-C stops)")
        serve(limit=limit)
        return
    import os
    import sys

    from flows.deployments import deploy_to_pool

    names = deploy_to_pool(pool)
    typer.echo(f"Registered {len(names)} deployments on work pool {pool}; starting a worker (Ctrl-C stops)")
    command = [sys.executable, "-m", "prefect", "worker", "start", "--pool", pool, "--type", "process"]
    if limit is not None:
        command += ["--limit", str(limit)]
    sys.stdout.flush()
    # The worker takes this process's place: a signal sent to `cer worker` reaches it, none is left behind.
    os.execv(sys.executable, command)
