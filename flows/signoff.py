"""Sign-offs reach waiting runs: resume a suspended workstream run once its step is signed off.

A sign-off is recorded in the database first (by `cer signoff`, the web, or the run's own form in Prefect's
UI); then the run waiting for it is resumed with the same input. If no run was waiting yet (it was between
two steps, or no Prefect server was reachable), nothing is lost: the run finds the sign-off when it gets to
the step, and `monitor-plans` resumes any run still suspended on a step that is signed off.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from uuid import UUID

from prefect.client.orchestration import get_client
from prefect.client.schemas.filters import (
    FlowFilter,
    FlowFilterName,
    FlowRunFilter,
    FlowRunFilterState,
    FlowRunFilterStateType,
)
from prefect.client.schemas.objects import FlowRun, StateType
from prefect.client.schemas.sorting import FlowRunSort
from prefect.exceptions import ObjectNotFound
from prefect.flow_runs import resume_flow_run

from cer.db.session import open_session
from cer.runtime.config import get_settings
from cer.services import workflow
from workstreams.parameters import FLOW_NAMES

PAGE = 200
_KEY = re.compile(r"^sign-off-(\d+)-\d+$")


@dataclass(frozen=True)
class Resumed:
    flow_run_id: str
    country: str
    workstream: str
    step: int


def waiting_step(run: FlowRun) -> int | None:
    """The step a suspended workstream run waits for, from its pause key ('sign-off-<step>-<attempt>')."""
    if run.state is None or not run.state.is_paused():
        return None
    match = _KEY.match(run.state.state_details.pause_key or "")
    return int(match.group(1)) if match else None


def resume_signed_runs(country: str | None = None, workstream: str | None = None) -> list[Resumed]:
    """Resume every suspended workstream run (of a country and workstream) whose step is signed off."""
    names = [FLOW_NAMES[workstream]] if workstream else list(FLOW_NAMES.values())
    runs: list[FlowRun] = []
    with get_client(sync_client=True) as client:
        while True:  # page through: a portfolio has a suspended run per country and workstream
            page = client.read_flow_runs(  # the sync client needs limit and sort spelled out
                limit=PAGE,
                offset=len(runs),
                sort=FlowRunSort.ID_DESC,
                flow_filter=FlowFilter(name=FlowFilterName(any_=names)),
                flow_run_filter=FlowRunFilter(
                    state=FlowRunFilterState(type=FlowRunFilterStateType(any_=[StateType.PAUSED]))
                ),
            )
            runs += page
            if len(page) < PAGE:
                break
    resumed: list[Resumed] = []
    with open_session(get_settings()) as session:
        for run in runs:
            step = waiting_step(run)
            link = workflow.link_for(session=session, flow_run_id=str(run.id))
            if step is None or link is None or link.plan_id is None or link.workstream is None:
                continue
            if country is not None and link.country_code != country.strip().upper():
                continue
            signed = workflow.signed_steps(session=session, plan_id=link.plan_id, code=link.workstream)
            if step not in signed:
                continue
            row = signed[step]
            try:
                resume_flow_run(run.id, run_input={"note": row.note})  # signed off in cer: no code needed
            except (RuntimeError, ObjectNotFound):  # resumed by someone else meanwhile, or gone
                continue
            resumed.append(Resumed(str(run.id), link.country_code, link.workstream, step))
    return resumed


def run_name(flow_run_id: str) -> str | None:
    """The run's name; None for a run Prefect does not have."""
    from prefect.exceptions import ObjectNotFound

    try:
        with get_client(sync_client=True) as client:
            return str(client.read_flow_run(UUID(flow_run_id)).name)
    except (ObjectNotFound, ValueError):
        return None


def run_state(flow_run_id: str) -> tuple[str, str, int | None]:
    """(state type, state name, step it waits for) of a flow run."""
    with get_client(sync_client=True) as client:
        run = client.read_flow_run(UUID(flow_run_id))
    state = run.state
    return (state.type.value if state else "UNKNOWN", (state.name or "") if state else "", waiting_step(run))
