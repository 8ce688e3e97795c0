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

from prefect import flow, get_run_logger, task
from prefect.context import get_run_context
from pydantic import BaseModel, ConfigDict, Field, model_validator

from cer.content import get_content
from cer.db.session import open_session
from cer.runtime.config import get_settings
from cer.services import planning, plans, runs, workflow
from cer.services.access import local_operator
from diagnostics.answers import AnswerSet
from flows.launch import PrefectLauncher
from flows.workstream import RETRY
from workstreams.errors import InvalidRequest
from workstreams.parameters import CountryCode, Name


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
        adopted = planning.adopt_answers(
            session=session,
            content=content,
            answer_set=answer_set,
            country=params.country,
            start=params.start,
            by=params.by,
        )
        plan, what = adopted.plan, adopted.what
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
        for t in sorted(tasks, key=lambda t: len(t.workstreams) > 1):  # a workstream's own tasks first
            for code in t.workstreams:
                leads.setdefault(code, t.lead)
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

    Through the one use case (cer.services.runs.start_workstream_run): a workstream with a run still going
    (waiting for a sign-off, say) is left to it — that run sees the merged plan at its next step — so running
    the change process twice starts nothing twice.
    """
    logger = get_run_logger()
    started: dict[str, str] = {}
    for code in planned["selected"]:
        try:
            with open_session(get_settings()) as session:
                run = runs.start_workstream_run(
                    session=session, who=local_operator(by), country=country, workstream=code,
                    values={"plan_id": planned["plan_id"]}, launcher=PrefectLauncher(),
                )  # fmt: skip
        except InvalidRequest as exc:
            logger.warning("workstream %s not started: %s", code, exc)
            started[code] = f"not started: {exc}"
            continue
        started[code] = f"already running: {run.flow_run_id}" if run.already_running else run.flow_run_id
    return started


@flow(name="change-process", flow_run_name="Change process — {params.country}")
def change_process(params: ChangeProcessRun) -> dict[str, Any]:
    """Diagnose a country, create or merge its plan, and start its selected workstreams."""
    flow_run = get_run_context().flow_run  # type: ignore[union-attr]
    assert flow_run is not None
    planned = diagnose_and_plan(params, str(flow_run.id))
    started = start_workstreams(params.country, planned, params.by)
    return {**planned, "started": started}
