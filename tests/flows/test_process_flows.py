"""The change process, deadline monitoring and periodic reports, run as Prefect flows on a real server."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from prefect.client.orchestration import get_client
from sqlalchemy import update
from sqlmodel import Session, col, func, select

from cer.db.tables import FlowRunLinkRow, NotificationRow, PlanRow, ProgressReportRow, TaskRow
from cer.services.plans import plan_tasks
from diagnostics.answers import AnswerSet
from flows.change_process import ChangeProcessRun, change_process
from flows.launch import DEPLOYMENT
from flows.monitoring import monitor_plans, progress_report
from flows.workstream import WORKSTREAM_FLOWS
from tests.factories import make_report
from tests.smtp_inbox import smtp_inbox

pytestmark = pytest.mark.usefixtures("prefect_api")


@pytest.fixture(scope="module")
def deployed(prefect_api: str) -> None:  # noqa: ARG001  (registers on that server)
    """The workstream deployments registered on the server (no worker: their runs stay scheduled)."""
    for fl in WORKSTREAM_FLOWS.values():
        fl.to_deployment(name=DEPLOYMENT).apply()


@pytest.mark.usefixtures("deployed")
def test_the_change_process_plans_the_country_and_starts_its_workstreams_once(
    session: Session, content
) -> None:  # type: ignore[no-untyped-def]
    _, answers = make_report(content, "somalia")
    params = ChangeProcessRun(country="SOM", answers=answers, start=dt.date(2027, 1, 15), by="rco@so")
    result = change_process(params)
    assert result["what"] == "created" and result["selected"] == [
        "A",
        "B",
        "C",
        "E",
        "F",
        "G",
    ]  # no D: security
    plan = session.exec(select(PlanRow).where(PlanRow.country_code == "SOM")).one()
    tasks = plan_tasks(session=session, plan=plan)
    assert len(tasks) == 56  # 104 (action, workstream) pairs: what is done once for the change is one task
    assert [t.key for t in tasks].count("1.1") == 1 and not any(t.key.endswith("-1.1") for t in tasks)
    started = result["started"]
    assert sorted(started) == ["A", "B", "C", "E", "F", "G"]
    with get_client(sync_client=True) as client:
        for code, run_id in started.items():
            run = client.read_flow_run(run_id)
            assert run.parameters["params"]["plan_id"] == plan.id and run.state is not None
            assert run.state.is_scheduled()  # waiting for a worker
            assert run.deployment_id is not None
            assert client.read_flow(run.flow_id).name == f"workstream-{code.lower()}"
    links = session.exec(select(FlowRunLinkRow).where(FlowRunLinkRow.plan_id == plan.id)).all()
    assert sorted(link.workstream or "-" for link in links) == ["-", "A", "B", "C", "E", "F", "G"]
    # again, with the same answers: the plan is merged, nothing new is started (the runs are still waiting)
    again = change_process(params)
    assert again["what"] == "merged" and all(
        v.startswith("already running") for v in again["started"].values()
    )
    assert (
        session.exec(
            select(func.count())
            .select_from(FlowRunLinkRow)
            .where(col(FlowRunLinkRow.workstream).is_not(None))
        ).one()
        == 6
    )


def test_the_change_process_refuses_bad_answers_before_it_runs() -> None:
    from pydantic import ValidationError

    with pytest.raises(ValidationError) as caught:
        ChangeProcessRun.model_validate({"country": "SOMALIA", "answers": {"answers": {}}})
    fields = {".".join(map(str, e["loc"])) for e in caught.value.errors()}
    assert fields == {"country", "answers.questionnaire_version"}
    with pytest.raises(ValidationError, match="either answers or diagnosis_id"):
        ChangeProcessRun(country="SOM")
    with pytest.raises(ValidationError, match="either answers or diagnosis_id"):
        ChangeProcessRun(country="SOM", answers=AnswerSet(questionnaire_version="2026.1"), diagnosis_id=1)


def test_monitor_plans_flags_exactly_the_overdue_tasks_of_a_plan_moved_into_the_past(
    session: Session, malawi: PlanRow
) -> None:
    moved = [t for t in plan_tasks(session=session, plan=malawi) if t.workstream in ("C", "E")]
    session.execute(
        update(TaskRow)
        .where(col(TaskRow.id).in_([t.id for t in moved]))
        .values(start=dt.date(2026, 12, 1), due=dt.date(2027, 1, 8))
    )
    session.commit()
    result = monitor_plans(today=dt.date(2027, 1, 15), soon_days=0, escalate_after_days=100_000)
    assert result["new"] == {"overdue": len(moved), "due_soon": 0, "escalation": 0}
    flagged = session.exec(select(NotificationRow.task_id).where(NotificationRow.kind == "overdue")).all()
    assert sorted(flagged) == sorted(t.id for t in moved)
    assert result["sent"] == 0  # no SMTP server configured: stored, not sent
    again = monitor_plans(today=dt.date(2027, 1, 15), soon_days=0, escalate_after_days=100_000)
    assert again["new"] == {"overdue": 0, "due_soon": 0, "escalation": 0}
    assert session.exec(select(func.count()).select_from(NotificationRow)).one() == len(moved)


def test_progress_report_stores_every_country_report_and_the_portfolio(
    session: Session, malawi: PlanRow, tmp_path: Path
) -> None:
    written = progress_report(today=dt.date(2027, 3, 1), by="scheduler")
    folder = tmp_path / "var" / "reports" / "2027-03-01"
    assert sorted(Path(p).name for p in written) == ["MWI.html", "MWI.md", "portfolio.html", "portfolio.md"]
    assert all(Path(p).parent == folder for p in written)
    assert "Malawi" in (folder / "MWI.md").read_text(encoding="utf-8")
    assert (
        session.exec(select(func.count()).select_from(ProgressReportRow)).one() == 2
    )  # MWI and the portfolio
    assert malawi.id


def test_monitor_plans_emails_each_reminder_once_when_smtp_is_configured(
    session: Session, malawi: PlanRow, monkeypatch: pytest.MonkeyPatch
) -> None:
    with smtp_inbox() as (port, received):
        monkeypatch.setenv("CER_SMTP_HOST", "127.0.0.1")
        monkeypatch.setenv("CER_SMTP_PORT", str(port))
        monkeypatch.setenv("CER_SMTP_TO", "rco@mw.example")
        monkeypatch.setenv("CER_SMTP_FROM", "cer@mw.example")
        late = [t for t in plan_tasks(session=session, plan=malawi) if t.workstream == "F"]
        session.execute(
            update(TaskRow)
            .where(col(TaskRow.id).in_([t.id for t in late]))
            .values(start=dt.date(2027, 1, 4), due=dt.date(2027, 1, 8))
        )
        session.commit()
        result = monitor_plans(today=dt.date(2027, 1, 15), soon_days=0, escalate_after_days=100_000)
        assert result["sent"] == len(late) == len(received)
        assert {m["To"] for m in received} == {
            "rco@mw.example"
        }  # agencies have no address: the RC Office's box
        assert all(
            m["Subject"].startswith("[cer-toolkit] MWI-F-") and "overdue" in m["Subject"] for m in received
        )
        assert (
            monitor_plans(today=dt.date(2027, 1, 15), soon_days=0, escalate_after_days=100_000)["sent"] == 0
        )
        assert len(received) == len(late)  # nothing sent twice
        unsent = session.exec(
            select(func.count()).select_from(NotificationRow).where(col(NotificationRow.sent_at).is_(None))
        )
        assert unsent.one() == 0
