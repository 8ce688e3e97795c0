"""Running the change with Prefect: `cer run`, `cer signoff`, `cer signoffs`, `cer runs`, `cer worker` — on
the database, or on a server's API when `CER_SERVER_URL` is set (cer.cli.backend).

Parameters and answers are validated before a run is created: a bad value is refused, naming each bad field,
and no flow run exists.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from cer.cli.app import AsUser, CountryArg, JsonOpt, WorkstreamArg, app, cli_errors, day, emit
from cer.cli.backends import backend

run_app = typer.Typer(
    help="Start flow runs on the Prefect server (served by `cer worker`).", no_args_is_help=True
)
app.add_typer(run_app, name="run")


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
    from cer.views.render_tracking import started_text
    from cer.views.requests import FlowRunRequest
    from workstreams.parameters import parse_cli_values

    values = parse_cli_values(code, param or []) | {
        "start": start and day(start, "--start"),
        "lead_agency": lead,
    }
    request = FlowRunRequest.of(country=country, workstream=code, parameters=_given(values))
    started = backend(as_).start_workstream(request)
    emit(started, json_, lambda: started_text(started))


def _given(values: dict[str, object]) -> dict[str, object]:
    return {k: v.isoformat() if hasattr(v, "isoformat") else v for k, v in values.items() if v is not None}


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
    from cer.services.diagnosis import read_answers
    from cer.views.render_tracking import started_text

    when = day(start, "--start") if start else None
    started = backend(as_).start_change_process(read_answers(answers), country, when)
    emit(started, json_, lambda: started_text(started))


@app.command()
@cli_errors
def signoff(
    country: CountryArg,
    code: WorkstreamArg,
    step: Annotated[int, typer.Option(help="The step 1–6 to sign off.")],
    note: Annotated[
        str | None, typer.Option(help="Why the step is done although tasks are still open (required then).")
    ] = None,
    code_only: Annotated[
        bool, typer.Option("--code", help="Sign nothing: make a one-time code for the waiting run's form.")
    ] = False,
    as_: AsUser = None,
    json_: JsonOpt = False,
) -> None:
    """Sign a step of a country's workstream off; a run waiting for it goes on to the next step. With --code,
    a one-time code that signs it off as you in the form of the run waiting in Prefect's UI."""
    from cer.views import render_tracking as rt
    from cer.views.requests import SignOffCodeRequest, SignOffRequest

    if code_only:
        issued = backend(as_).signoff_code(SignOffCodeRequest.of(country=country, workstream=code, step=step))
        emit(issued, json_, lambda: rt.code_text(issued))
        return
    signed = backend(as_).sign_off(SignOffRequest.of(country=country, workstream=code, step=step, note=note))
    emit(signed, json_, lambda: rt.signoff_text(signed))


@app.command()
@cli_errors
def signoffs(country: CountryArg, code: WorkstreamArg, json_: JsonOpt = False) -> None:
    """Steps 1–6 of a country's workstream: tasks, open tasks, opened by a run, signed off by whom."""
    from cer.views.render_tracking import steps_text

    steps = backend().steps(country, code)
    emit(steps, json_, lambda: steps_text(country, code, steps))


@app.command()
@cli_errors
def runs(country: CountryArg, json_: JsonOpt = False) -> None:
    """The flow runs started for a country's plan (newest first), with their state on the Prefect server."""
    from cer.views.render_tracking import runs_text

    found = backend().runs(country)
    emit(found, json_, lambda: runs_text(country, found))
