"""Running the change, the same from every door: start a workstream's run, sign a step off and resume the run
waiting for it.

The website, the JSON API and the command line each call these once. Prefect is reached through a
`Launcher` the caller passes in (`flows.launch.PrefectLauncher`), so services never import `flows` or Prefect.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Protocol

from sqlmodel import Session

from cer.content import Content
from cer.db.tables import FlowRunLinkRow
from cer.services import claims
from cer.services.access import Action, Principal, require
from cer.services.diagnosis import run
from cer.services.plans import get_plan
from cer.services.workflow import SignOff, check_selected, flow_runs, link_flow_run, sign_off
from diagnostics.answers import AnswerSet
from workstreams.errors import N_, NotFound
from workstreams.framework import Framework
from workstreams.parameters import FLOW_NAMES, run_name, run_parameters


@dataclass(frozen=True)
class LaunchedRun:
    """A flow run the Prefect server has accepted."""

    flow_run_id: str
    name: str
    url: str  # the run's page in Prefect's UI


class Launcher(Protocol):
    """Prefect, as the services need it. `start` refuses (InvalidRequest) when no server or worker can take
    the run; `resume_signed` answers the runs it resumed, or why it could not try."""

    def start(self, flow: str, parameters: dict[str, Any], name: str | None = None) -> LaunchedRun: ...

    def describe(self, run_id: str) -> LaunchedRun:
        """A run's name and page; its id as its name when Prefect does not answer."""
        ...

    def resume_signed(self, country: str, workstream: str) -> tuple[list[str], str | None]: ...

    def states(self, run_ids: list[str]) -> dict[str, tuple[str, int | None]] | None:
        """(state, step it waits for) of each run; None when no Prefect server answers."""
        ...


@dataclass(frozen=True)
class StartedRun:
    flow: str
    flow_run_id: str
    name: str
    country: str
    workstream: str | None
    url: str
    already_running: bool = False  # the workstream's run that was going already: none was started


def start_workstream_run(
    *,
    session: Session,
    who: Principal,
    country: str,
    workstream: str,
    values: Mapping[str, Any],
    launcher: Launcher,
) -> StartedRun:
    """Start a workstream's flow for a country (coordinator): the plan must select the workstream and the
    parameters must be valid before any run exists; the run is recorded on the plan, signed by `who`."""
    require(who, Action.start_flow, country)
    plan = get_plan(session=session, country=country)
    code = workstream.strip().upper()
    if code not in FLOW_NAMES:  # a workstream the toolkit does not have: 404 in words, never a KeyError
        raise NotFound(N_("workstream"), code, sorted(FLOW_NAMES))
    flow = FLOW_NAMES[code]
    params = run_parameters(code, {**values, "country": plan.country_code, "by": who.username})
    check_selected(plan, code)
    going = claims.take(session=session, country=plan.country_code, workstream=code, by=who.username,
                        launcher=launcher)  # fmt: skip
    if going is not None:
        found = launcher.describe(going)
        return StartedRun(flow, going, found.name, plan.country_code, code, found.url, already_running=True)
    name = run_name(code, plan.country_code, dt.date.today())
    try:
        launched = launcher.start(flow, {"params": params.model_dump(mode="json")}, name=name)
    except BaseException:
        claims.release(session=session, country=plan.country_code, workstream=code)
        raise
    claims.give(session=session, country=plan.country_code, workstream=code, run_id=launched.flow_run_id)
    values = params.model_dump(mode="json")
    return _record(session, who, launched, flow, plan.country_code, code, values, plan_id=plan.id)


def start_change_process(
    *,
    session: Session,
    who: Principal,
    content: Content,
    answer_set: AnswerSet,
    country: str | None,
    start: dt.date | None,
    launcher: Launcher,
) -> StartedRun:
    """Start the change-process flow (diagnose, create or merge the plan, start the workstreams) for a
    country (coordinator). The answers are diagnosed first: bad ones are refused, every problem listed, and
    no run is created."""
    report = run(content, answer_set, country=country, start=start or dt.date.today(), draft=False)
    code = report.country.code
    require(who, Action.manage_plan, code)
    parameters = {
        "country": code,
        "answers": answer_set.model_dump(mode="json"),
        "start": start.isoformat() if start else None,
        "by": who.username,
    }
    launched = launcher.start("change-process", {"params": parameters})
    return _record(session, who, launched, "change-process", code, None, parameters)


def _record(
    session: Session,
    who: Principal,
    launched: LaunchedRun,
    flow: str,
    country: str,
    code: str | None,
    parameters: dict[str, Any],
    plan_id: int | None = None,
) -> StartedRun:
    link_flow_run(
        session=session,
        flow_run_id=launched.flow_run_id,
        flow=flow,
        country=country,
        plan_id=plan_id,
        workstream=code,
        parameters=parameters,
        by=who.username,
        name=launched.name,
    )
    return StartedRun(flow, launched.flow_run_id, launched.name, country, code, launched.url)


@dataclass(frozen=True)
class SignedOff:
    done: SignOff
    country: str
    resumed_runs: list[str] = field(default_factory=list)
    prefect: str | None = None  # why no run could be resumed now, when that is so


def sign_off_step(
    *,
    session: Session,
    who: Principal,
    country: str,
    workstream: str,
    step: int,
    note: str | None,
    framework: Framework,
    launcher: Launcher,
) -> SignedOff:
    """Sign a step off (coordinator), signed by `who`, then resume the run waiting for it. The sign-off is
    committed first: if resuming fails, the answer says so and `monitor-plans` resumes the run later."""
    require(who, Action.sign_off, country)
    done = sign_off(
        session=session,
        country=country,
        code=workstream.strip().upper(),
        step=step,
        by=who.username,
        note=note,
        framework=framework,
    )
    code, where = done.row.workstream, country.strip().upper()
    try:
        resumed, why_not = launcher.resume_signed(where, code)
    except Exception as exc:  # noqa: BLE001  (recorded already: never report a kept sign-off as failed)
        resumed, why_not = (
            [],
            f"the waiting run could not be resumed now ({exc}); monitor-plans will resume it",
        )
    return SignedOff(done, where, resumed, why_not)


@dataclass(frozen=True)
class RunsOfCountry:
    """A page of the flow runs started for a country (newest first) and how many there are; `states` holds
    Prefect's (state, step waited for) of each run shown, None when not asked or Prefect did not answer."""

    total: int
    links: list[FlowRunLinkRow]
    states: dict[str, tuple[str, int | None]] | None


def runs_of_country(
    *,
    session: Session,
    who: Principal,
    country: str,
    launcher: Launcher | None,
    workstream: str | None = None,
    offset: int = 0,
    limit: int | None = None,
) -> RunsOfCountry:
    """The runs `who` may see (the country's readers), asking `launcher` for their states when given one:
    an unreachable Prefect leaves them unknown, never fails the answer."""
    require(who, Action.read_plan, country)
    links = list(reversed(flow_runs(session=session, country=country, workstream=workstream)))
    shown = links[offset : None if limit is None else offset + limit]
    states = None
    if launcher is not None and shown:
        try:
            states = launcher.states([link.flow_run_id for link in shown])
        except Exception:  # noqa: BLE001  (Prefect unreachable mid-way: the states are unknown)
            states = None
    return RunsOfCountry(len(links), shown, states)
