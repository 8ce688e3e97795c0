"""Running the change with Prefect: `cer run`, `cer signoff`, `cer signoffs`, `cer runs`, `cer worker`.

Parameters and answers are validated here, before Prefect is even imported: a bad value is refused, naming
each bad field, and no flow run is created.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from cer.cli.app import JsonOpt, _content, _print, app, cli_errors
from cer.cli.diagnose import _date, _invalid
from cer.cli.remote import no_acting_as, remote
from cer.cli.tracking import AsUser, _user

if TYPE_CHECKING:
    from cer.prefect_env import PrefectSettings

run_app = typer.Typer(
    help="Start flow runs on the Prefect server (served by `cer worker`).", no_args_is_help=True
)
app.add_typer(run_app, name="run")

CountryArg = Annotated[str, typer.Argument(help="ISO 3166 code, e.g. MWI.")]
WorkstreamArg = Annotated[str, typer.Argument(help="Workstream letter A–G.")]


def _prefect() -> PrefectSettings:
    """Point Prefect at the configured server; refuse clearly when it is not running."""
    from cer.prefect_env import server_is_up, use_prefect

    settings = use_prefect()
    if not server_is_up(settings):
        raise _invalid(f"no Prefect server answers at {settings.api_url}: start it with `make run` (cer up)")
    return settings


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
    from workstreams.parameters import parse_cli_values, run_parameters

    code = code.strip().upper()
    values: dict[str, Any] = parse_cli_values(code, param or [])
    values.update({"country": country, "by": _user(as_)})
    if start is not None:
        values["start"] = _date(start, "--start").isoformat()
    if lead is not None:
        values["lead_agency"] = lead
    params = run_parameters(code, values)  # refuses bad fields, naming each, before any run exists
    _check_plan(params.country, code)
    _prefect()  # before Prefect is imported: it reads its settings once
    from flows.workstream import FLOW_NAMES

    started = _start(
        FLOW_NAMES[code], {"params": params.model_dump(mode="json")}, params.country, code, params.by
    )
    _print(lambda: started, json_, lambda: _started_text(started))


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
    from cer import diagnosis

    answer_set = diagnosis.read_answers(answers)
    day = _date(start, "--start") if start else dt.date.today()
    # Refuse bad answers here, listing every problem, before a run is created.
    report = diagnosis.run(_content(), answer_set, country=country, start=day, draft=False)
    code = report.country.code
    parameters = {
        "params": {
            "country": code,
            "answers": answer_set.model_dump(mode="json"),
            "start": start and day.isoformat(),
            "by": _user(as_),
        }
    }
    started = _start("change-process", parameters, code, None, _user(as_))
    _print(lambda: started, json_, lambda: _started_text(started))


def _check_plan(country: str, code: str) -> None:
    from cer.config import get_settings
    from cer.db.session import open_session
    from cer.services.plans import get_plan
    from cer.services.workflow import check_selected

    with open_session(get_settings()) as session:
        check_selected(get_plan(session=session, country=country), code)


def _start(flow: str, parameters: dict[str, Any], country: str, code: str | None, by: str) -> dict[str, Any]:
    from flows.launch import start_run

    return start_run(flow, parameters, country, code, by)


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
    from cer.config import get_settings
    from cer.db.session import open_session
    from cer.render_tracking import signoff_json
    from cer.services.workflow import sign_off

    if (server := remote()) is not None:
        no_acting_as(as_)
        body = {"country": country, "workstream": code, "step": step, "note": note}
        data = server.call("POST", "/api/signoffs", body=body)
        _print(lambda: data, json_, lambda: _signoff_text(data))
        return
    by = _user(as_)
    with open_session(get_settings()) as session:
        done = sign_off(
            session=session,
            country=country,
            code=code,
            step=step,
            by=by,
            note=note,
            framework=_content().framework,
        )
        data = signoff_json(done, country)
    data["resumed_runs"], data["prefect"] = _resume(data["country"], data["workstream"])
    _print(lambda: data, json_, lambda: _signoff_text(data))


def _resume(country: str, code: str) -> tuple[list[str], str | None]:
    from flows.launch import resume_signed

    return resume_signed(country, code)


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
    from cer.config import get_settings
    from cer.db.session import open_session
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
    from cer.config import get_settings
    from cer.db.session import open_session
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
