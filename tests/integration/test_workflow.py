"""Running a workstream, without Prefect: template tasks, step opening, sign-offs, deadline monitoring.

These are the services the flows call; the flows themselves are tested with a real Prefect server in
tests/flows. Every test runs on SQLite and on PostgreSQL.
"""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import text, update
from sqlalchemy.exc import DBAPIError
from sqlmodel import Session, col, func, select

from cer.content import Content
from cer.db.tables import NotificationRow, PlanRow, StepSignOffRow, TaskEventRow, TaskRow
from cer.services.monitoring import MonitorSettings, monitor_plans
from cer.services.plans import create_plan, get_plan, plan_tasks
from cer.services.rediagnosis import rediagnose_plan
from cer.services.workflow import materialize, open_step, sign_off, workstream_steps
from tests.factories import advance, make_report
from workstreams.errors import InvalidRequest
from workstreams.parameters import run_parameters
from workstreams.status import TaskStatus


def _plan(session: Session, content: Content, example: str = "malawi") -> PlanRow:
    report, answers = make_report(content, example)
    return create_plan(session=session, report=report, answer_set=answers, by="rco@mw")


def _materialize(
    session: Session, content: Content, code: str, **values: object
) -> tuple[list[str], list[str]]:
    params = run_parameters(code, {"country": "MWI", "by": "coordinator", **values})
    done = materialize(
        session=session,
        code=code,
        params=params,
        templates=content.templates[code],
        framework=content.framework,
    )
    return done.created, done.existing


def _keys(session: Session, plan: PlanRow, code: str) -> list[str]:
    return sorted(t.key for t in plan_tasks(session=session, plan=plan) if t.workstream == code)


def test_service_lines_become_one_stock_take_and_one_cost_benefit_task_each(
    session: Session, content: Content
) -> None:
    plan = _plan(session, content)
    before = _keys(session, plan, "B")
    created, existing = _materialize(
        session,
        content,
        "B",
        service_lines=["procurement", "ict"],
        lead_agency="WFP",
        participating_agencies=["UNICEF", "UNDP"],
    )
    assert (
        created
        == [
            "B-2.4/stocktake-procurement",
            "B-2.4/stocktake-ict",
            "B-4.1/cost-benefit-procurement",
            "B-4.1/cost-benefit-ict",
        ]
        and existing == []
    )
    assert _keys(session, plan, "B") == sorted(before + created)
    tasks = {t.key: t for t in plan_tasks(session=session, plan=plan)}
    ict = tasks["B-4.1/cost-benefit-ict"]
    base = tasks["4.1"]  # the business process review B shares with G
    assert (ict.step, ict.action, ict.template, ict.lead, ict.contributors) == (
        4,
        "4.1",
        "cost-benefit-ict",
        "WFP",
        ["UNICEF", "UNDP"],
    )
    assert ict.title == "Cost-benefit analysis of common ICT services"
    # placed with the plan's own task for the action, after the same predecessors, on working days
    assert ict.start == base.start and ict.depends_on == base.depends_on
    assert ict.due > ict.start and ict.due.weekday() < 5
    assert ict.provenance[0] == "service_lines includes ICT"
    event = session.exec(select(TaskEventRow).where(TaskEventRow.task_id == ict.id)).one()
    assert (event.field, event.by) == ("created", "coordinator")


def test_running_the_same_workstream_again_adds_only_what_is_new(session: Session, content: Content) -> None:
    plan = _plan(session, content)
    _materialize(session, content, "B", service_lines=["procurement"])
    advance(session, "MWI-B-2.4/stocktake-procurement", TaskStatus.in_progress)
    count = session.exec(select(func.count()).select_from(TaskRow)).one()
    created, existing = _materialize(session, content, "B", service_lines=["procurement"])
    assert created == [] and existing == ["B-2.4/stocktake-procurement", "B-4.1/cost-benefit-procurement"]
    assert session.exec(select(func.count()).select_from(TaskRow)).one() == count
    created, _ = _materialize(session, content, "B", service_lines=["procurement", "travel"])
    assert created == ["B-2.4/stocktake-travel", "B-4.1/cost-benefit-travel"]
    # the task worked on kept its work
    kept = session.exec(select(TaskRow).where(TaskRow.key == "B-2.4/stocktake-procurement")).one()
    assert kept.status == "in_progress" and kept.plan_id == plan.id


def test_each_workstream_takes_its_own_parameters(session: Session, content: Content) -> None:
    _plan(session, content)
    assert _materialize(
        session,
        content,
        "D",
        premises_options=["lease"],
        security_constraint=True,
        co_locating_agencies=["UNFPA"],
    )[0] == [  # fmt: skip
        "D-2.4/security-assessment",
        "D-3.1/appraise-lease",
    ]
    d = session.exec(select(TaskRow).where(TaskRow.key == "D-3.1/appraise-lease")).one()
    assert "UNFPA" in d.contributors and "(UNFPA)" in d.description
    assert _materialize(session, content, "C", communications_group_exists=True, audiences=["media"])[0] == [
        "C-8.3/messages-media"
    ]
    assert _materialize(session, content, "F", fund_arrangement="pooled", reporting_cycle="quarterly")[0] == [
        "F-3.3/fund-setup",
        "F-9.2/reporting-quarterly",
    ]
    e = _materialize(session, content, "E", funding_target_usd=2_500_000, funding_sources=["ifis"])[0]
    assert e == ["E-3.3/target", "E-6.1/approach-ifis"]
    target = session.exec(select(TaskRow).where(TaskRow.key == "E-3.3/target")).one()
    assert target.title == "Joint resource mobilization strategy for US$ 2,500,000"
    reporting = session.exec(select(TaskRow).where(TaskRow.key == "F-9.2/reporting-quarterly")).one()
    assert reporting.ongoing and reporting.step == 9


def test_a_workstream_the_plan_did_not_select_cannot_run(session: Session, content: Content) -> None:
    report, answers = make_report(content, "somalia")
    create_plan(session=session, report=report, answer_set=answers, by="rco")
    params = run_parameters("D", {"country": "SOM", "premises_options": ["lease"]})
    with pytest.raises(InvalidRequest, match="workstream D is not selected in SOM's plan .*security"):
        materialize(
            session=session,
            code="D",
            params=params,
            templates=content.templates["D"],
            framework=content.framework,
        )
    assert session.exec(select(func.count()).select_from(TaskRow).where(TaskRow.workstream == "D")).one() == 0


def test_a_failure_in_the_middle_of_materializing_leaves_nothing_and_a_retry_finishes(
    session: Session, content: Content
) -> None:
    plan = _plan(session, content)
    before = _keys(session, plan, "B")
    _inject_insert_failure(session, "B-4.1/cost-benefit-ict")
    with pytest.raises(DBAPIError, match="injected"):
        _materialize(session, content, "B", service_lines=["procurement", "ict"])
    session.rollback()
    assert _keys(session, plan, "B") == before  # the stock-takes inserted before the failure are gone too
    _remove_insert_failure(session)
    created, _ = _materialize(session, content, "B", service_lines=["procurement", "ict"])
    assert len(created) == 4
    assert len(_keys(session, plan, "B")) == len(before) + 4 == len(set(_keys(session, plan, "B")))


def _inject_insert_failure(session: Session, key: str) -> None:
    """A database trigger that refuses one task row: a real failure half-way through the inserts."""
    if session.get_bind().dialect.name == "sqlite":
        session.execute(
            text(
                f"CREATE TRIGGER fail_once BEFORE INSERT ON task WHEN NEW.key = '{key}' "
                "BEGIN SELECT RAISE(ABORT, 'injected failure'); END"
            )
        )
    else:
        session.execute(
            text(
                "CREATE FUNCTION fail_task() RETURNS trigger AS $$ "
                "BEGIN RAISE EXCEPTION 'injected failure'; END $$ LANGUAGE plpgsql"
            )
        )
        session.execute(
            text(
                f"CREATE TRIGGER fail_once BEFORE INSERT ON task FOR EACH ROW WHEN (NEW.key = '{key}') "
                "EXECUTE FUNCTION fail_task()"
            )
        )
    session.commit()


def _remove_insert_failure(session: Session) -> None:
    if session.get_bind().dialect.name == "sqlite":
        session.execute(text("DROP TRIGGER fail_once"))
    else:
        session.execute(text("DROP TRIGGER fail_once ON task"))
    session.commit()


def test_steps_are_signed_off_in_order_and_open_tasks_need_a_reason(
    session: Session, content: Content
) -> None:
    plan = _plan(session, content, "somalia")  # Somalia's B has open work in step 1
    fw = content.framework
    with pytest.raises(InvalidRequest, match="step 1 of SOM B is not signed off yet"):
        sign_off(session=session, country="SOM", code="B", step=2, by="rc", note=None, framework=fw)
    with pytest.raises(InvalidRequest, match=r"step 1 of SOM B has 7 open task\(s\): SOM-1.1, .*note"):
        sign_off(session=session, country="SOM", code="B", step=1, by="rc", note=None, framework=fw)
    assert session.exec(select(func.count()).select_from(StepSignOffRow)).one() == 0
    done = sign_off(
        session=session, country="SOM", code="B", step=1, by="rc", note="agreed at the retreat", framework=fw
    )
    assert not done.already and done.row.open_tasks[:2] == ["1.1", "1.2"] and done.row.signed_by == "rc"
    again = sign_off(
        session=session, country="som", code="b", step=1, by="someone else", note=None, framework=fw
    )
    assert again.already and again.row.signed_by == "rc"  # idempotent: the first sign-off stands
    with pytest.raises(InvalidRequest, match="step 7 runs alongside"):
        sign_off(session=session, country="SOM", code="B", step=7, by="rc", note="x", framework=fw)
    # step 2's tasks all done: no note needed
    for t in plan_tasks(session=session, plan=plan):
        if t.workstream == "B" and t.step == 2:
            advance(session, f"SOM-{t.key}", TaskStatus.in_progress, TaskStatus.completed)
    assert (
        sign_off(session=session, country="SOM", code="B", step=2, by="rc", note=None, framework=fw).row.note
        is None
    )
    states = workstream_steps(session=session, country="SOM", code="B")
    assert [(s.step, s.signed_off is not None) for s in states][:3] == [(1, True), (2, True), (3, False)]
    assert states[1].open == 0 and states[0].open == 7


def test_opening_a_step_marks_its_tasks_once(session: Session, content: Content) -> None:
    plan = _plan(session, content)
    assert open_step(session=session, plan_id=plan.id or 0, code="B", step=2) == 1  # B-2.4
    assert open_step(session=session, plan_id=plan.id or 0, code="B", step=2) == 0
    opened = [t.key for t in plan_tasks(session=session, plan=plan) if t.opened_at is not None]
    assert opened == ["B-2.4"]
    assert [s.opened for s in workstream_steps(session=session, country="MWI", code="B")][:3] == [
        False,
        True,
        False,
    ]


def test_monitoring_flags_exactly_the_overdue_tasks_once(session: Session, content: Content) -> None:
    plan = _plan(session, content)
    tasks = plan_tasks(session=session, plan=plan)
    moved = [t for t in tasks if t.workstream == "C"]
    # Move C's tasks into the past; one of them is finished and must not be flagged.
    session.execute(
        update(TaskRow)
        .where(col(TaskRow.id).in_([t.id for t in moved]))
        .values(start=dt.date(2026, 12, 21), due=dt.date(2027, 1, 4))
    )
    session.commit()
    done = moved[0]
    advance(session, f"MWI-{done.key}", TaskStatus.in_progress, TaskStatus.completed)
    today = dt.date(2027, 1, 15)  # the plan starts today: nothing else is due before
    no_escalation = MonitorSettings(soon_days=0, escalate_after_days=100_000)
    new = monitor_plans(session=session, today=today, settings=no_escalation)
    assert sorted(n.task_id for n in new) == sorted(t.id for t in moved[1:])
    assert {n.kind for n in new} == {"overdue"}
    first = new[0]
    assert (
        first.recipient == session.get(TaskRow, first.task_id).lead
        and "overdue by 11 day(s)" in first.subject
    )
    # run again the same day, or the next: nothing new
    assert monitor_plans(session=session, today=today, settings=no_escalation) == []
    assert monitor_plans(session=session, today=today + dt.timedelta(days=1), settings=no_escalation) == []


def test_overdue_tasks_left_unchanged_are_escalated_to_the_coordinator_once(
    session: Session, content: Content
) -> None:
    plan = _plan(session, content)
    session.execute(
        update(TaskRow)
        .where(col(TaskRow.plan_id) == plan.id)
        .values(updated_at=dt.datetime(2027, 2, 1, tzinfo=dt.UTC))
    )
    session.commit()
    day = dt.date(2027, 3, 1)
    touched = next(t for t in plan_tasks(session=session, plan=plan) if t.due < day)
    advance(session, f"MWI-{touched.key}", TaskStatus.in_progress)  # changed lately: not escalated
    session.execute(
        update(TaskRow)
        .where(col(TaskRow.id) == touched.id)
        .values(updated_at=dt.datetime(2027, 2, 25, tzinfo=dt.UTC))
    )
    session.commit()
    settings = MonitorSettings(soon_days=0, escalate_after_days=20)
    new = monitor_plans(session=session, today=day, settings=settings)
    overdue = {t.id for t in plan_tasks(session=session, plan=plan) if t.due < day}
    assert {n.task_id for n in new if n.kind == "overdue"} == overdue
    assert {n.task_id for n in new if n.kind == "escalation"} == overdue - {touched.id}
    assert {n.recipient for n in new if n.kind == "escalation"} == {"rco@mw"}
    assert monitor_plans(session=session, today=day, settings=settings) == []


def test_tasks_due_soon_get_a_reminder(session: Session, content: Content) -> None:
    plan = _plan(session, content)
    first_due = min(t.due for t in plan_tasks(session=session, plan=plan))
    due = [t for t in plan_tasks(session=session, plan=plan) if t.due == first_due]
    new = monitor_plans(
        session=session, today=first_due - dt.timedelta(days=3), settings=MonitorSettings(soon_days=7)
    )
    assert sorted(n.task_id for n in new) == sorted(t.id for t in due)
    assert {n.kind for n in new} == {"due_soon"}
    assert session.exec(select(func.count()).select_from(NotificationRow)).one() == len(due)


def test_a_rediagnosis_leaves_the_tasks_of_a_run_alone(session: Session, content: Content) -> None:
    plan = _plan(session, content)
    _materialize(session, content, "B", service_lines=["ict"])
    report, answers = make_report(content, "malawi", resident_agencies=17)
    revision = rediagnose_plan(session=session, report=report, answer_set=answers, by="rco")
    assert not [k for k in revision.dropped if "/" in k]
    kept = [
        t for t in plan_tasks(session=session, plan=get_plan(session=session, country="MWI")) if t.template
    ]
    assert {t.status for t in kept} == {"not_started"} and len(kept) == 2 and plan.id


def test_a_reminder_is_written_in_the_emails_language_from_its_facts(
    session: Session, content: Content
) -> None:
    """Stored in English; e-mailed in CER_LANG's language, with the dates as that language writes them."""
    from cer.services.monitoring import unsent_reminders
    from cer.views.i18n import translations
    from cer.views.notification_words import email

    plan = _plan(session, content)
    late = next(t for t in plan_tasks(session=session, plan=plan) if t.workstream == "C")
    session.execute(
        update(TaskRow)
        .where(col(TaskRow.id) == late.id)
        .values(start=dt.date(2026, 12, 21), due=dt.date(2027, 1, 4))
    )
    session.commit()
    monitor_plans(session=session, today=dt.date(2027, 1, 15), settings=MonitorSettings(0, 20))
    reminders = {(n.kind, n.task_id): (n, t, p) for n, t, p in unsent_reminders(session=session)}
    note, task, about = reminders[("overdue", late.id)]
    english, body = email(note, task, about, "en")
    assert english == f"MWI-{late.key} is overdue by 11 days: {late.title}"
    assert "Due: 4 Jan 2027" in body and "Status: not started" in body and "(checked on 15 Jan 2027)" in body
    french, corps = email(note, task, about, "fr")
    assert french.startswith(f"MWI-{late.key} ") and "11" in french and "overdue" not in french
    assert "4 janv. 2027" in corps and translations("fr").gettext("not started") in corps
    assert translations("fr").gettext("not started") != "not started"
    escalated, _ = email(*reminders[("escalation", late.id)], "es")
    assert "11" in escalated and "overdue" not in escalated
