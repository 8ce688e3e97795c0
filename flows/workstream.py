"""Workstreams A–G as Prefect flows: materialize the run's tasks, then walk steps 1–6 with sign-offs.

A run, for one country and workstream:
1. links itself to the plan (the plan lists its runs) and adds the tasks its parameters imply, once;
2. for each sequential step 1–6: opens the step's tasks, and unless the step is already signed off, waits
   for the sign-off. Run from a deployment it *suspends* (`suspend_flow_run` with a typed sign-off form):
   the process exits, nothing holds a worker, and a sign-off from `cer signoff`, the web or Prefect's UI
   resumes it — on any worker, after any restart. The resumed run starts again from the top; every step
   before is idempotent and the sign-offs are in the database, so it goes straight to where it stopped.
   Run without a deployment (a plain call, a test) it stops at the first unsigned step and says so; run it
   again after the sign-off.

Prefect tasks are coarse — one for the links, one for all the tasks, one per step — because each costs
milliseconds of orchestration. The work itself is in `cer.services.workflow`.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from prefect import Flow, flow, get_run_logger, task
from prefect.cache_policies import NO_CACHE
from prefect.client.schemas.objects import State
from prefect.context import get_run_context
from prefect.flow_runs import suspend_flow_run

from cer.content import get_content
from cer.db.session import open_session
from cer.runtime.config import get_settings
from cer.services import signoff_codes, workflow
from workstreams.errors import InvalidRequest, NotFound
from workstreams.parameters import (
    FLOW_NAMES,
    BudgetaryFrameworkRun,
    CommonServicesRun,
    CommunicationsRun,
    OrganizationalChangeRun,
    PremisesRun,
    ProgrammeRun,
    ResourceMobilizationRun,
    StepSignOffInput,
    WorkstreamRun,
    run_name,
)


def transient_only(_task: object, _task_run: object, state: State[Any]) -> bool:
    """Retry what may pass next time (a locked or unreachable database), never a refused request."""
    error = state.result(raise_on_failure=False)
    return not isinstance(error, InvalidRequest | NotFound)


# No caching: every task is idempotent in the database, results are not persisted, and a cache key would
# cost hashing the inputs and the task's source on every call.
RETRY: dict[str, Any] = {
    "retries": 2,
    "retry_delay_seconds": 1,
    "retry_condition_fn": transient_only,
    "cache_policy": NO_CACHE,
}


@task(name="link-run", **RETRY)
def link_run(code: str, params: WorkstreamRun, flow_run_id: str) -> int:
    """Check the plan and the workstream, and record this run on the plan. Returns the plan id."""
    with open_session(get_settings()) as session:
        plan = workflow.plan_for(session=session, params=params)
        workflow.check_selected(plan, code)
        workflow.link_flow_run(
            session=session,
            flow_run_id=flow_run_id,
            flow=FLOW_NAMES[code],
            country=params.country,
            plan_id=plan.id,
            workstream=code,
            parameters=params.model_dump(mode="json"),
            by=params.by,
        )
        return plan.id or 0


@task(name="materialize-tasks", **RETRY)
def materialize_tasks(code: str, params: WorkstreamRun) -> dict[str, list[str]]:
    """Add the tasks the parameters imply, all or nothing; a retry or re-run adds none twice."""
    content = get_content()
    with open_session(get_settings()) as session:
        done = workflow.materialize(
            session=session,
            code=code,
            params=params,
            templates=content.templates.get(code, []),
            framework=content.framework,
        )
    return {"created": done.created, "existing": done.existing}


@task(name="open-step", **RETRY)
def open_step(plan_id: int, code: str, step: int) -> bool:
    """Open the step's tasks for work; returns whether the step is already signed off."""
    with open_session(get_settings()) as session:
        workflow.open_step(session=session, plan_id=plan_id, code=code, step=step)
        return step in workflow.signed_steps(session=session, plan_id=plan_id, code=code)


@task(name="record-sign-off", **RETRY)
def record_sign_off(
    country: str, code: str, step: int, given: StepSignOffInput, flow_run_id: str
) -> str | None:
    """Record a sign-off given through the run's form, as the account its code is for; returns why it was
    refused (a wrong code, open tasks without a note), or None."""
    with open_session(get_settings()) as session:
        try:
            signoff_codes.sign_off_by_code(
                session=session,
                country=country,
                workstream=code,
                step=step,
                code=given.code,
                note=given.note,
                framework=get_content().framework,
                flow_run_id=flow_run_id,
            )
        except InvalidRequest as exc:
            return str(exc)
    return None


def run_workstream(code: str, params: WorkstreamRun) -> dict[str, Any]:
    """The body every workstream flow shares."""
    logger = get_run_logger()
    flow_run = get_run_context().flow_run  # type: ignore[union-attr]
    assert flow_run is not None
    run_id = str(flow_run.id)
    plan_id = link_run(code, params, run_id)
    made = materialize_tasks(code, params)
    logger.info(
        "%s %s: %d task(s) added, %d already there",
        params.country,
        code,
        len(made["created"]),
        len(made["existing"]),
    )
    signed: list[int] = []
    for step in workflow.SEQUENTIAL_STEPS:
        if open_step(plan_id, code, step):
            signed.append(step)
            continue
        if flow_run.deployment_id is None:
            logger.info("step %d waits for its sign-off; run the workstream again once it is signed", step)
            return _summary(params, code, plan_id, made, signed, waiting_for=step)
        attempt = 0
        while True:  # a refused sign-off (open tasks, no note) asks again, with a fresh key
            logger.info(
                "waiting for the sign-off of step %d (cer signoff %s %s --step %d)",
                step,
                params.country,
                code,
                step,
            )
            given = suspend_flow_run(wait_for_input=StepSignOffInput, key=f"sign-off-{step}-{attempt}")
            refused = record_sign_off(params.country, code, step, given, run_id)
            if refused is None:
                break
            logger.warning("sign-off of step %d refused: %s", step, refused)
            attempt += 1
        signed.append(step)
    return _summary(params, code, plan_id, made, signed, waiting_for=None)


def _summary(
    params: WorkstreamRun,
    code: str,
    plan_id: int,
    made: dict[str, list[str]],
    signed: list[int],
    waiting_for: int | None,
) -> dict[str, Any]:
    return {
        "country": params.country,
        "workstream": code,
        "plan_id": plan_id,
        "created": made["created"],
        "existing": made["existing"],
        "signed_off": signed,
        "waiting_for_step": waiting_for,
    }


def _kept_name() -> str:
    """The run's name for people: the one it was given when it was made (workstreams.parameters.run_name,
    e.g. 'MWI · B Common Services · 2026-11-30'), kept while it runs; a run called directly gets one too."""
    from prefect.runtime import flow_run

    given = str(flow_run.name or "")
    if " · " in given:
        return given
    params = flow_run.parameters.get("params") or {}
    country = params.get("country", "") if isinstance(params, dict) else getattr(params, "country", "")
    return run_name(str(flow_run.flow_name)[-1].upper(), str(country), dt.date.today())


@flow(name=FLOW_NAMES["A"], flow_run_name=_kept_name)
def workstream_a(params: ProgrammeRun) -> dict[str, Any]:
    """A UN Programme: plan and deliver the UN's development support together."""
    return run_workstream("A", params)


@flow(name=FLOW_NAMES["B"], flow_run_name=_kept_name)
def workstream_b(params: CommonServicesRun) -> dict[str, Any]:
    """B Common Services and Harmonized Business Practices: a stock-take and cost-benefit per service line."""
    return run_workstream("B", params)


@flow(name=FLOW_NAMES["C"], flow_run_name=_kept_name)
def workstream_c(params: CommunicationsRun) -> dict[str, Any]:
    """C Joint Communications: the UN Communications Group and messages per audience."""
    return run_workstream("C", params)


@flow(name=FLOW_NAMES["D"], flow_run_name=_kept_name)
def workstream_d(params: PremisesRun) -> dict[str, Any]:
    """D Common Premises: security assessment and one appraisal per premises option."""
    return run_workstream("D", params)


@flow(name=FLOW_NAMES["E"], flow_run_name=_kept_name)
def workstream_e(params: ResourceMobilizationRun) -> dict[str, Any]:
    """E Joint Resource Mobilization: the joint target and an approach per funding source."""
    return run_workstream("E", params)


@flow(name=FLOW_NAMES["F"], flow_run_name=_kept_name)
def workstream_f(params: BudgetaryFrameworkRun) -> dict[str, Any]:
    """F Common Budgetary Framework: the fund arrangement and the reporting cycle."""
    return run_workstream("F", params)


@flow(name=FLOW_NAMES["G"], flow_run_name=_kept_name)
def workstream_g(params: OrganizationalChangeRun) -> dict[str, Any]:
    """G Organizational Change: the sponsor and the body that steers the change."""
    return run_workstream("G", params)


WORKSTREAM_FLOWS: dict[str, Flow[Any, dict[str, Any]]] = {
    "A": workstream_a,
    "B": workstream_b,
    "C": workstream_c,
    "D": workstream_d,
    "E": workstream_e,
    "F": workstream_f,
    "G": workstream_g,
}
