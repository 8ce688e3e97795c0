"""Running the change, the same from every door: start a workstream's run, sign a step off and resume the run
waiting for it.

The website, the JSON API and the command line each call these once. Prefect is reached through a
`Launcher` the caller passes in (`flows.launch.PrefectLauncher`), so services never import `flows` or Prefect.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Protocol

from sqlmodel import Session

from cer.services.access import Action, Principal, require
from cer.services.plans import get_plan
from cer.services.workflow import SignOff, check_selected, link_flow_run, sign_off
from workstreams.framework import Framework
from workstreams.parameters import FLOW_NAMES, run_parameters


@dataclass(frozen=True)
class LaunchedRun:
    """A flow run the Prefect server has accepted."""

    flow_run_id: str
    name: str
    url: str  # the run's page in Prefect's UI


class Launcher(Protocol):
    """Prefect, as the services need it. `start` refuses (InvalidRequest) when no server or worker can take
    the run; `resume_signed` answers the runs it resumed, or why it could not try."""

    def start(self, flow: str, parameters: dict[str, Any]) -> LaunchedRun: ...

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
    params = run_parameters(code, {**values, "country": plan.country_code, "by": who.username})
    check_selected(plan, code)
    launched = launcher.start(FLOW_NAMES[code], {"params": params.model_dump(mode="json")})
    return _record(
        session, who, launched, FLOW_NAMES[code], plan.country_code, code, params.model_dump(mode="json")
    )


def start_change_process(
    *, session: Session, who: Principal, country: str, parameters: dict[str, Any], launcher: Launcher
) -> StartedRun:
    """Start the change-process flow (diagnose, plan, start the workstreams) for a country (coordinator)."""
    require(who, Action.manage_plan, country)
    launched = launcher.start("change-process", {"params": parameters})
    return _record(session, who, launched, "change-process", country.strip().upper(), None, parameters)


def _record(
    session: Session,
    who: Principal,
    launched: LaunchedRun,
    flow: str,
    country: str,
    code: str | None,
    parameters: dict[str, Any],
) -> StartedRun:
    link_flow_run(
        session=session,
        flow_run_id=launched.flow_run_id,
        flow=flow,
        country=country,
        plan_id=None,
        workstream=code,
        parameters=parameters,
        by=who.username,
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
