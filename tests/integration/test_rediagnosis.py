"""Re-diagnosis merges the new plan into the tracked one without losing anyone's work."""

from __future__ import annotations

from sqlmodel import Session, select

from cer.content import Content
from cer.db.tables import PlanRevisionRow
from cer.services.plans import create_plan, get_plan
from cer.services.rediagnosis import rediagnose_plan
from cer.services.tasks import TaskChange, get_task, task_history, update_task
from tests.factories import advance, list_tasks, make_report
from workstreams.status import TaskStatus


def _plan_malawi(session: Session, content: Content) -> None:
    report, answers = make_report(content, "malawi")
    create_plan(session=session, report=report, answer_set=answers, by="rco")


def test_new_answers_drop_what_is_no_longer_needed_with_the_reason(
    session: Session, content: Content
) -> None:
    _plan_malawi(session, content)
    report, answers = make_report(content, "malawi", security_allows_colocation="no", suitable_building=None)
    revision = rediagnose_plan(session=session, report=report, answer_set=answers, by="rco")
    premises = list_tasks(session=session, country="MWI", workstream="D")
    assert premises and {t.status for t in premises} == {"dropped"}
    assert sorted(revision.dropped) == sorted(t.key for t in premises)
    reason = premises[0].status_reason or ""
    assert reason.startswith("No longer needed after re-diagnosis: workstream D is no longer selected")
    assert "security situation" in reason
    event = task_history(session=session, ref=f"MWI-{premises[0].key}")[-1]
    assert (event.field, event.old, event.new) == ("status", "not_started", "dropped")


def test_a_shared_task_stays_open_for_the_workstreams_still_selected(
    session: Session, content: Content
) -> None:
    _plan_malawi(session, content)
    assert "D" in get_task(session=session, ref="MWI-3.1").workstreams
    report, answers = make_report(content, "malawi", security_allows_colocation="no", suitable_building=None)
    rediagnose_plan(session=session, report=report, answer_set=answers, by="rco")
    strategy = get_task(session=session, ref="MWI-3.1")  # one integrated strategy, premises or not
    assert strategy.status == "not_started" and "D" not in strategy.workstreams
    event = task_history(session=session, ref="MWI-3.1")[-1]
    assert (
        event.field == "replanned" and "D" in event.old["workstreams"] and "D" not in event.new["workstreams"]
    )


def test_completed_work_stays_completed_and_kept_tasks_keep_their_history(
    session: Session, content: Content
) -> None:
    _plan_malawi(session, content)
    advance(session, "MWI-D-2.4", TaskStatus.in_progress, TaskStatus.completed)
    update_task(
        session=session, ref="MWI-B-4.1", expected_version=1, change=TaskChange(lead="UNDP"), by="omt"
    )
    report, answers = make_report(content, "malawi", security_allows_colocation="no", suitable_building=None)
    rediagnose_plan(session=session, report=report, answer_set=answers, by="rco")
    assert get_task(session=session, ref="MWI-D-2.4").status == "completed"
    kept = get_task(session=session, ref="MWI-B-4.1")
    assert (kept.lead, kept.status) == ("UNDP", "not_started")
    assert [e.field for e in task_history(session=session, ref="MWI-B-4.1")][0] == "lead"


def test_tasks_needed_again_come_back_and_new_ones_are_added(session: Session, content: Content) -> None:
    _plan_malawi(session, content)
    report, answers = make_report(content, "malawi", security_allows_colocation="no", suitable_building=None)
    rediagnose_plan(session=session, report=report, answer_set=answers, by="rco")
    report, answers = make_report(content, "malawi", dq01="no", iq16="no")  # back to D; more to do
    revision = rediagnose_plan(session=session, report=report, answer_set=answers, by="rco")
    assert "D-2.4" in revision.reinstated
    assert get_task(session=session, ref="MWI-D-2.4").status == "not_started"
    assert "1.1" in revision.added  # step 1 was done; the new answer says 1.1 is not
    now = {t.key: t for t in list_tasks(session=session, country="MWI")}
    assert set(revision.added) <= set(now) and now["1.1"].status == "not_started"
    revisions = session.exec(select(PlanRevisionRow).order_by(PlanRevisionRow.id)).all()
    assert len(revisions) == 2 and revisions[-1].id == revision.id
    assert get_plan(session=session, country="MWI").diagnosis_id == revision.diagnosis_id


def test_the_same_answers_again_change_nothing(session: Session, content: Content) -> None:
    _plan_malawi(session, content)
    report, answers = make_report(content, "malawi")
    revision = rediagnose_plan(session=session, report=report, answer_set=answers, by="rco")
    assert (revision.added, revision.dropped, revision.reinstated, revision.changed) == ([], [], [], [])
    assert all(t.version == 1 for t in list_tasks(session=session, country="MWI"))


def test_a_task_a_person_dropped_stays_dropped_and_added_tasks_say_where_they_came_from(
    session: Session, content: Content
) -> None:
    _plan_malawi(session, content)
    drop = TaskChange(status=TaskStatus.dropped, reason="No longer needed after re-diagnosis: my own words")
    update_task(session=session, ref="MWI-D-5.1", expected_version=1, change=drop, by="omt")
    report, answers = make_report(content, "malawi", dq01="no")
    revision = rediagnose_plan(session=session, report=report, answer_set=answers, by="rco")
    assert get_task(session=session, ref="MWI-D-5.1").status == "dropped"  # a person's decision stands
    assert "D-5.1" not in revision.reinstated
    created = task_history(session=session, ref="MWI-A-1.1")
    assert [(e.field, e.comment) for e in created] == [("created", "Added by re-diagnosis")]


def test_completed_work_no_longer_needed_is_reported_and_the_plan_follows_the_new_diagnosis(
    session: Session, content: Content
) -> None:
    _plan_malawi(session, content)
    advance(session, "MWI-D-2.4", TaskStatus.in_progress, TaskStatus.completed)
    report, answers = make_report(content, "malawi", security_allows_colocation="no", suitable_building=None)
    revision = rediagnose_plan(session=session, report=report, answer_set=answers, by="rco")
    assert revision.completed_not_needed == ["D-2.4"]
    plan = get_plan(session=session, country="MWI")
    open_dues = [t.due for t in list_tasks(session=session, country="MWI") if t.status != "dropped"]
    assert plan.end == max(open_dues)
    assert not set(plan.selected) & {"D"}


def test_replanned_tasks_record_their_facts_before_and_after(session: Session, content: Content) -> None:
    _plan_malawi(session, content)
    report, answers = make_report(
        content, "malawi", dq01="no"
    )  # 1.1 comes in before step 2: dependencies change
    revision = rediagnose_plan(session=session, report=report, answer_set=answers, by="rco")
    assert "2.1" in revision.changed
    event = task_history(session=session, ref="MWI-2.1")[-1]
    assert event.field == "replanned" and "depends_on" in event.old and "1.1" in event.new["depends_on"]
