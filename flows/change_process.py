"""The change process for a country: diagnose, create or merge the plan, start the selected workstreams.

Each selected workstream's flow is started through its deployment (so it runs on whichever worker is free,
and can suspend for its sign-offs) with an idempotency key of plan + workstream + diagnosis: running the
change process again for the same diagnosis starts nothing twice.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from prefect import flow, get_run_logger, task
from prefect.client.schemas.objects import FlowRun
from prefect.context import get_run_context
from prefect.deployments import run_deployment
from prefect.exceptions import ObjectNotFound
from pydantic import BaseModel, ConfigDict, Field, model_validator

from cer.config import get_settings
from cer.content import get_content
from cer.db.session import open_session
from cer.services import plans, workflow
from diagnostics.answers import AnswerSet
from flows.workstream import FLOW_NAMES
from workstreams.parameters import CountryCode, Name

DEPLOYMENT = "cer"  # every flow is deployed under this name: "workstream-b/cer"


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


@task(name="diagnose-and-plan", retries=1, retry_delay_seconds=1)
def diagnose_and_plan(params: ChangeProcessRun, flow_run_id: str) -> dict[str, Any]:
    """Create the plan from the answers, or merge them into the plan the country has."""
    content = get_content()
    with open_session(get_settings()) as session:
        if params.diagnosis_id is not None:
            country, answer_set = plans.stored_answers(session=session, diagnosis_id=params.diagnosis_id)
            if country != params.country:
                raise ValueError(f"diagnosis {params.diagnosis_id} is {country}'s, not {params.country}'s")
        else:
            assert params.answers is not None
            answer_set = params.answers
        plan, what = plans.plan_from_answers(
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
        tasks = plans.plan_tasks(session=session, plan=plan)
        leads: dict[str, str] = {}
        for t in tasks:
            leads.setdefault(t.workstream, t.lead)
        return {
            "plan_id": plan.id,
            "diagnosis_id": plan.diagnosis_id,
            "what": what,
            "selected": [w["code"] for w in plan.workstreams if w.get("selected")],
            "leads": leads,
        }


@task(name="start-workstreams")
def start_workstreams(country: str, planned: dict[str, Any], by: str) -> dict[str, str]:
    """Start each selected workstream's flow once per diagnosis; returns code -> flow run id or problem."""
    logger = get_run_logger()
    started: dict[str, str] = {}
    for code in planned["selected"]:
        parameters = {"params": {"country": country, "plan_id": planned["plan_id"], "by": by}}
        try:
            run: FlowRun = run_deployment(  # type: ignore[assignment]  # sync here: a FlowRun
                f"{FLOW_NAMES[code]}/{DEPLOYMENT}",
                parameters=parameters,
                timeout=0,
                as_subflow=False,
                idempotency_key=f"plan-{planned['plan_id']}-{code}-diagnosis-{planned['diagnosis_id']}",
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


@flow(name="change-process", flow_run_name="Change process — {params.country}")
def change_process(params: ChangeProcessRun) -> dict[str, Any]:
    """Diagnose a country, create or merge its plan, and start its selected workstreams."""
    flow_run = get_run_context().flow_run  # type: ignore[union-attr]
    assert flow_run is not None
    planned = diagnose_and_plan(params, str(flow_run.id))
    started = start_workstreams(params.country, planned, params.by)
    return {**planned, "started": started}
