"""The change process for a country: diagnose, create or merge the plan, start the selected workstreams.

Each selected workstream's flow is started through its deployment (so it runs on whichever worker is free,
and can suspend for its sign-offs) with an idempotency key of plan + workstream + answers, and only where
no run of that workstream is still going: running the change process again starts nothing twice.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from typing import Any
from uuid import UUID

from prefect import flow, get_run_logger, task
from prefect.client.orchestration import get_client
from prefect.client.schemas.filters import FlowRunFilter, FlowRunFilterId
from prefect.client.schemas.objects import FlowRun
from prefect.client.schemas.sorting import FlowRunSort
from prefect.context import get_run_context
from prefect.deployments import run_deployment
from prefect.exceptions import ObjectNotFound
from pydantic import BaseModel, ConfigDict, Field, model_validator

from cer.content import get_content
from cer.db.session import open_session
from cer.runtime.config import get_settings
from cer.services import planning, plans, workflow
from diagnostics.answers import AnswerSet
from flows.launch import DEPLOYMENT  # every flow is deployed under this name: "workstream-b/cer"
from flows.workstream import RETRY
from workstreams.errors import InvalidRequest
from workstreams.parameters import FLOW_NAMES, CountryCode, Name


class ChangeProcessRun(BaseModel):
    """Answers (a whole answers document) or the number of a stored diagnosis to take up again."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    country: CountryCode
    answers: AnswerSet | None = None
    diagnosis_id: int | None = Field(default=None, ge=1)
    start: dt.date | None = Field(default=None, description="Plan start (default: today)")
    by: Name = "cer-toolkit"

    @model_validator(mode="after")
    def _one_source(self) -> ChangeProcessRun:
        if (self.answers is None) == (self.diagnosis_id is None):
            raise ValueError("give either answers or diagnosis_id")
        return self


@task(name="diagnose-and-plan", **RETRY)
def diagnose_and_plan(params: ChangeProcessRun, flow_run_id: str) -> dict[str, Any]:
    """Create the plan from the answers, or merge them into the plan the country has."""
    content = get_content()
    with open_session(get_settings()) as session:
        if params.diagnosis_id is not None:
            country, answer_set = plans.stored_answers(session=session, diagnosis_id=params.diagnosis_id)
            if country != params.country:
                raise InvalidRequest(
                    f"diagnosis {params.diagnosis_id} is {country}'s, not {params.country}'s"
                )
        else:
            assert params.answers is not None
            answer_set = params.answers
        plan, what = planning.plan_from_answers(
            session=session,
            content=content,
            answer_set=answer_set,
            country=params.country,
            start=params.start,
            by=params.by,
        )
        workflow.link_flow_run(
            session=session,
            flow_run_id=flow_run_id,
            flow="change-process",
            country=plan.country_code,
            plan_id=plan.id,
            workstream=None,
            parameters=params.model_dump(mode="json"),
            by=params.by,
        )
        digest = hashlib.sha256(
            json.dumps(answer_set.model_dump(mode="json"), sort_keys=True).encode()
        ).hexdigest()[:16]
        tasks = plans.plan_tasks(session=session, plan=plan)
        leads: dict[str, str] = {}
        for t in tasks:
            leads.setdefault(t.workstream, t.lead)
        return {
            "plan_id": plan.id,
            "diagnosis_id": plan.diagnosis_id,
            "answers_digest": digest,
            "what": what,
            "selected": plan.selected,
            "leads": leads,
        }


@task(name="start-workstreams")
def start_workstreams(country: str, planned: dict[str, Any], by: str) -> dict[str, str]:
    """Start each selected workstream's flow; returns code -> flow run id, or why none was started.

    A workstream with a run still going (waiting for a sign-off, say) is left to it: that run sees the
    merged plan at its next step. The same answers give the same idempotency key, so running the change
    process twice starts nothing twice.
    """
    logger = get_run_logger()
    started: dict[str, str] = {}
    active = _active_runs(planned["plan_id"])
    for code in planned["selected"]:
        if code in active:
            started[code] = f"already running: {active[code]}"
            continue
        parameters = {"params": {"country": country, "plan_id": planned["plan_id"], "by": by}}
        try:
            run: FlowRun = run_deployment(  # type: ignore[assignment]  # sync here: a FlowRun
                f"{FLOW_NAMES[code]}/{DEPLOYMENT}",
                parameters=parameters,
                timeout=0,
                as_subflow=False,
                idempotency_key=f"plan-{planned['plan_id']}-{code}-answers-{planned['answers_digest']}",
            )
        except ObjectNotFound:
            logger.warning(
                "no deployment %s/%s: start `cer worker` to serve it", FLOW_NAMES[code], DEPLOYMENT
            )
            started[code] = "not deployed"
            continue
        with open_session(get_settings()) as session:
            workflow.link_flow_run(
                session=session,
                flow_run_id=str(run.id),
                flow=FLOW_NAMES[code],
                country=country,
                plan_id=planned["plan_id"],
                workstream=code,
                parameters=parameters["params"],
                by=by,
            )
        started[code] = str(run.id)
    return started


def _active_runs(plan_id: int) -> dict[str, str]:
    """Workstream -> id of a linked run of this plan that has not finished."""
    with open_session(get_settings()) as session:
        links = {
            link.flow_run_id: link.workstream
            for link in workflow.flow_runs_of_plan(session=session, plan_id=plan_id)
            if link.workstream
        }
    if not links:
        return {}
    with get_client(sync_client=True) as client:
        runs = client.read_flow_runs(  # the sync client needs limit and sort spelled out
            limit=len(links),
            sort=FlowRunSort.ID_DESC,
            flow_run_filter=FlowRunFilter(id=FlowRunFilterId(any_=[UUID(i) for i in links])),
        )
    return {links[str(r.id)]: str(r.id) for r in runs if r.state is not None and not r.state.is_final()}


@flow(name="change-process", flow_run_name="Change process — {params.country}")
def change_process(params: ChangeProcessRun) -> dict[str, Any]:
    """Diagnose a country, create or merge its plan, and start its selected workstreams."""
    flow_run = get_run_context().flow_run  # type: ignore[union-attr]
    assert flow_run is not None
    planned = diagnose_and_plan(params, str(flow_run.id))
    started = start_workstreams(params.country, planned, params.by)
    return {**planned, "started": started}
