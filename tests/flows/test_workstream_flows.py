"""Workstream flows run for real on a Prefect server: tasks per parameter, idempotence, failure, sign-offs."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

import pytest
from prefect.client.orchestration import get_client
from sqlalchemy import text
from sqlmodel import Session, col, func, select

from cer.content import Content
from cer.db.tables import FlowRunLinkRow, PlanRow, StepSignOffRow, TaskRow
from cer.services.plans import plan_tasks
from cer.services.workflow import sign_off
from flows.workstream import WORKSTREAM_FLOWS
from workstreams.parameters import RUN_PARAMETERS, run_name

pytestmark = pytest.mark.usefixtures("prefect_api")

# What each workstream's parameters should add, for one set of parameters each.
CASES: dict[str, tuple[dict[str, Any], list[str]]] = {
    "A": (
        {"results_groups": ["Health", "Education"]},
        ["A-3.2/results-matrix-health", "A-3.2/results-matrix-education"],
    ),
    "B": (
        {"service_lines": ["procurement", "ict"]},
        [
            "B-2.4/stocktake-procurement",
            "B-2.4/stocktake-ict",
            "B-4.1/cost-benefit-procurement",
            "B-4.1/cost-benefit-ict",
        ],
    ),
    "C": (
        {"communications_group_exists": False, "audiences": ["staff"]},
        ["C-8.1/form-uncg", "C-8.3/messages-staff"],
    ),
    "D": (
        {
            "premises_options": ["lease", "un_house_new_build"],
            "security_constraint": True,
            "co_locating_agencies": ["UNFPA", "WFP"],
        },
        ["D-2.4/security-assessment", "D-3.1/appraise-lease", "D-3.1/appraise-un-house-new-build"],
    ),
    "E": (
        {"funding_target_usd": 1_000_000, "funding_sources": ["one_fund"]},
        ["E-3.3/target", "E-6.1/approach-one-fund"],
    ),
    "F": (
        {"fund_arrangement": "pass_through", "reporting_cycle": "semi_annual"},
        ["F-3.3/fund-setup", "F-9.2/reporting-semi-annual"],
    ),
    "G": (
        {"sponsor": "Resident Coordinator", "change_governance": "task_force"},
        ["G-1.2/sponsor", "G-9.1/governance-task-force"],
    ),
}


def _params(code: str, **values: Any) -> Any:
    return RUN_PARAMETERS[code].model_validate({"country": "MWI", "by": "coordinator", **values})


def _sign_off_g(session: Session, content: Content, steps: Iterable[int], note: str) -> None:
    for step in steps:
        sign_off(
            session=session,
            country="MWI",
            code="G",
            step=step,
            by="rc",
            note=note,
            framework=content.framework,
        )


def _template_keys(session: Session, plan: PlanRow, code: str) -> list[str]:
    session.expire_all()
    return [t.key for t in plan_tasks(session=session, plan=plan) if t.workstream == code and t.template]


@pytest.mark.parametrize("code", list(CASES))
def test_every_workstream_flow_creates_the_tasks_its_parameters_imply(
    code: str, session: Session, malawi: PlanRow
) -> None:
    values, expected = CASES[code]
    state = WORKSTREAM_FLOWS[code](_params(code, **values), return_state=True)
    assert state.is_completed(), state
    result = state.result()
    assert sorted(result["created"]) == sorted(expected)
    assert sorted(_template_keys(session, malawi, code)) == sorted(expected)
    # outside a deployment the run stops at the first step without a sign-off, having opened it
    assert result["waiting_for_step"] == 1 and result["signed_off"] == []
    opened = {
        t.step for t in plan_tasks(session=session, plan=malawi) if t.workstream == code and t.opened_at
    }
    assert opened <= {1} and (
        opened
        or not any(t.step == 1 for t in plan_tasks(session=session, plan=malawi) if t.workstream == code)
    )
    link = session.exec(select(FlowRunLinkRow).where(FlowRunLinkRow.workstream == code)).one()
    assert (link.plan_id, link.flow, link.country_code) == (malawi.id, f"workstream-{code.lower()}", "MWI")
    assert link.parameters | values == link.parameters  # the run's parameters are kept with the link
    with get_client(sync_client=True) as client:  # and the run is on the Prefect server, named for people
        run = client.read_flow_run(link.flow_run_id)
    assert run.state is not None and run.state.is_completed()
    assert run.name == run_name(code, "MWI", dt.date.today())  # 'MWI · B Common Services · 2026-11-30'


@pytest.mark.usefixtures("malawi")
def test_running_a_workstream_flow_twice_yields_the_same_tasks(session: Session) -> None:
    params = _params("B", service_lines=["hr", "banking"])
    first = WORKSTREAM_FLOWS["B"](params)
    tasks_after_first = session.exec(select(func.count()).select_from(TaskRow)).one()
    second = WORKSTREAM_FLOWS["B"](params)
    assert (
        len(first["created"]) == 4
        and second["created"] == []
        and sorted(second["existing"]) == sorted(first["created"])
    )
    assert session.exec(select(func.count()).select_from(TaskRow)).one() == tasks_after_first
    assert len(session.exec(select(FlowRunLinkRow)).all()) == 2  # two runs, each linked once


def test_a_failure_mid_materialization_then_a_retry_leaves_no_duplicates(
    session: Session, malawi: PlanRow
) -> None:
    # A database trigger refuses the third new row: the first two were already inserted in the transaction.
    session.execute(
        text(
            "CREATE TRIGGER fail_once BEFORE INSERT ON task WHEN NEW.key = 'B-4.1/cost-benefit-procurement' "
            "BEGIN SELECT RAISE(ABORT, 'injected failure'); END"
        )
    )
    session.commit()
    params = _params("B", service_lines=["procurement", "ict"])
    state = WORKSTREAM_FLOWS["B"](params, return_state=True)
    assert state.is_failed()  # after the Prefect task's own retries
    assert (
        _template_keys(session, malawi, "B") == []
    )  # all or nothing: the two inserted rows were rolled back
    session.execute(text("DROP TRIGGER fail_once"))
    session.commit()
    result = WORKSTREAM_FLOWS["B"](params)  # the coordinator runs it again
    assert len(result["created"]) == 4
    keys = _template_keys(session, malawi, "B")
    assert len(keys) == len(set(keys)) == 4


def test_a_run_goes_through_the_steps_already_signed_off_and_stops_at_the_next(
    session: Session, malawi: PlanRow, content: Content
) -> None:
    _sign_off_g(session, content, (1, 2), "agreed")
    result = WORKSTREAM_FLOWS["G"](_params("G"))
    assert result["signed_off"] == [1, 2] and result["waiting_for_step"] == 3
    session.expire_all()
    opened = sorted(
        {t.step for t in plan_tasks(session=session, plan=malawi) if t.workstream == "G" and t.opened_at}
    )
    steps_with_tasks = sorted(
        {t.step for t in plan_tasks(session=session, plan=malawi) if t.workstream == "G"}
    )
    assert opened == [s for s in steps_with_tasks if s <= 3]
    _sign_off_g(session, content, range(3, 7), "done")
    finished = WORKSTREAM_FLOWS["G"](_params("G"))
    assert finished["signed_off"] == [1, 2, 3, 4, 5, 6] and finished["waiting_for_step"] is None
    assert session.exec(select(func.count()).select_from(StepSignOffRow)).one() == 6


@pytest.mark.usefixtures("malawi")
def test_bad_parameters_are_refused_before_any_run_starts(session: Session) -> None:
    from pydantic import ValidationError

    with pytest.raises(ValidationError) as caught:
        _params("B", service_lines=["procurement", "catering"], unknown=1)
    assert {".".join(map(str, e["loc"])) for e in caught.value.errors()} == {"service_lines.1", "unknown"}
    assert session.exec(select(func.count()).select_from(FlowRunLinkRow)).one() == 0
    # A plan that does not select the workstream fails the run at its first task, clearly, creating nothing.
    session.execute(text("UPDATE plan SET workstreams = '[]'"))
    session.commit()
    state = WORKSTREAM_FLOWS["B"](_params("B", service_lines=["ict"]), return_state=True)
    assert state.is_failed() and "not selected" in str(state.message) + repr(
        state.result(raise_on_failure=False)
    )
    assert (
        session.exec(select(func.count()).select_from(TaskRow).where(col(TaskRow.template) != "")).one() == 0
    )
