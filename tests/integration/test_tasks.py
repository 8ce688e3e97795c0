"""Changing tracked tasks: allowed transitions, an event for every change, and no lost update."""

from __future__ import annotations

import datetime as dt
import threading

import pytest
from sqlalchemy import Engine
from sqlmodel import Session

from cer.content import Content
from cer.services.errors import Conflict
from cer.services.plans import create_plan
from cer.services.tasks import TaskChange, get_task, task_history, update_task
from tests.factories import list_tasks, make_report
from workstreams.errors import InvalidRequest, NotFound
from workstreams.status import IllegalTransition, TaskStatus

IN_PROGRESS, COMPLETED = TaskStatus.in_progress, TaskStatus.completed


@pytest.fixture
def planned(session: Session, content: Content) -> Session:
    report, answers = make_report(content, "malawi")
    create_plan(session=session, report=report, answer_set=answers, by="rco")
    return session


def test_a_task_moves_through_its_life_and_every_change_is_recorded(planned: Session) -> None:
    task = update_task(
        session=planned, ref="MWI-B-4.1", expected_version=1, change=TaskChange(status=IN_PROGRESS), by="omt"
    )
    assert (task.status, task.version) == ("in_progress", 2)
    change = TaskChange(status=COMPLETED, lead="UNICEF", comment="BOS concept note agreed")
    task = update_task(session=planned, ref="MWI-B-4.1", expected_version=2, change=change, by="ana@unicef")
    assert (task.status, task.lead, task.version) == ("completed", "UNICEF", 3)
    history = [
        (e.by, e.field, e.old, e.new, e.comment) for e in task_history(session=planned, ref="MWI-B-4.1")
    ]
    assert history == [
        ("omt", "status", "not_started", "in_progress", None),
        ("ana@unicef", "status", "in_progress", "completed", None),
        ("ana@unicef", "lead", "WFP", "UNICEF", None),
        ("ana@unicef", "comment", None, None, "BOS concept note agreed"),
    ]


def test_an_illegal_transition_is_refused_and_changes_nothing(planned: Session) -> None:
    with pytest.raises(IllegalTransition, match="a not_started task cannot become completed"):
        update_task(
            session=planned, ref="MWI-B-4.1", expected_version=1, change=TaskChange(status=COMPLETED), by="x"
        )
    with pytest.raises(IllegalTransition, match="give a reason"):
        update_task(
            session=planned,
            ref="MWI-B-4.1",
            expected_version=1,
            change=TaskChange(status=TaskStatus.dropped),
            by="x",
        )
    task = get_task(session=planned, ref="MWI-B-4.1")
    assert (task.status, task.version) == ("not_started", 1)
    assert task_history(session=planned, ref="MWI-B-4.1") == []


def test_dropping_needs_a_reason_and_reopening_brings_the_task_back(planned: Session) -> None:
    drop = TaskChange(status=TaskStatus.dropped, reason="Covered by the Business Operations Strategy")
    task = update_task(session=planned, ref="MWI-B-4.1", expected_version=1, change=drop, by="omt")
    assert (task.status, task.status_reason) == ("dropped", "Covered by the Business Operations Strategy")
    task = update_task(
        session=planned,
        ref="MWI-B-4.1",
        expected_version=2,
        change=TaskChange(status=TaskStatus.not_started),
        by="omt",
    )
    assert task.status == "not_started"


def test_a_change_based_on_a_stale_version_is_refused_naming_the_current_state(planned: Session) -> None:
    update_task(
        session=planned, ref="MWI-B-4.1", expected_version=1, change=TaskChange(lead="UNDP"), by="first"
    )
    with pytest.raises(
        Conflict, match="changed since version 1: it is now version 2, status not_started, lead UNDP"
    ):
        update_task(
            session=planned, ref="MWI-B-4.1", expected_version=1, change=TaskChange(lead="WHO"), by="second"
        )
    assert get_task(session=planned, ref="MWI-B-4.1").lead == "UNDP"
    assert len(task_history(session=planned, ref="MWI-B-4.1")) == 1


def test_two_people_making_the_same_change_the_second_is_told_of_the_first(planned: Session) -> None:
    """Both start from version 1 and pick "in progress": the second hears that the task changed (a
    conflict to reload), not that in progress → in progress is not a transition."""
    start = TaskChange(status=TaskStatus.in_progress)
    update_task(session=planned, ref="MWI-B-4.1", expected_version=1, change=start, by="first")
    with pytest.raises(Conflict, match="changed since version 1: it is now version 2, status in_progress"):
        update_task(session=planned, ref="MWI-B-4.1", expected_version=1, change=start, by="second")
    # a comment on a task someone changed meanwhile is still recorded: it changes nothing on the task
    update_task(session=planned, ref="MWI-B-4.1", expected_version=1, change=TaskChange(comment="ok"), by="x")
    assert [e.field for e in task_history(session=planned, ref="MWI-B-4.1")] == ["status", "comment"]


def test_bad_changes_are_refused_and_change_nothing(planned: Session) -> None:
    task = get_task(session=planned, ref="MWI-B-4.1")
    with pytest.raises(InvalidRequest, match="is before the start"):
        update_task(session=planned, ref="MWI-B-4.1", expected_version=1,
                    change=TaskChange(due=task.start - dt.timedelta(days=1)), by="x")  # fmt: skip
    with pytest.raises(InvalidRequest, match="nothing to change"):
        update_task(
            session=planned, ref="MWI-B-4.1", expected_version=1, change=TaskChange(comment="  "), by="x"
        )
    with pytest.raises(NotFound, match="unknown task 'MWI-Z-9.9'"):
        update_task(session=planned, ref="MWI-Z-9.9", expected_version=1, change=TaskChange(lead="X"), by="x")
    assert get_task(session=planned, ref="MWI-B-4.1").version == 1


def test_tasks_are_listed_by_workstream_status_and_lateness(planned: Session) -> None:
    everything = list_tasks(session=planned, country="MWI")
    only_b = list_tasks(session=planned, country="mwi", workstream="b")
    assert only_b and all("B" in t.workstreams for t in only_b) and len(only_b) < len(everything)
    assert {"4.1", "B-5.1"} <= {t.key for t in only_b}  # B's own tasks and those it shares with others
    first = everything[0]
    update_task(
        session=planned, ref=str(first.id), expected_version=1, change=TaskChange(status=IN_PROGRESS), by="x"
    )
    assert [t.id for t in list_tasks(session=planned, country="MWI", status=IN_PROGRESS)] == [first.id]
    late = list_tasks(session=planned, country="MWI", overdue_on=first.due + dt.timedelta(days=1))
    assert first.id in {t.id for t in late}
    assert all(t.due <= first.due for t in late)
    assert list_tasks(session=planned, country="MWI", overdue_on=first.start) == []


def test_twenty_concurrent_updates_on_postgresql_lose_nothing(
    postgres_engine: Engine, content: Content
) -> None:
    engine = postgres_engine
    with Session(engine) as s:
        report, answers = make_report(content, "malawi")
        create_plan(session=s, report=report, answer_set=answers, by="rco")
        version = get_task(session=s, ref="MWI-B-4.1").version
    outcomes: list[str] = []
    barrier = threading.Barrier(20)

    def worker(i: int) -> None:
        with Session(engine) as s:
            barrier.wait()
            try:
                change = TaskChange(lead=f"Agency {i}", comment=f"take-over {i}")
                update_task(session=s, ref="MWI-B-4.1", expected_version=version, change=change, by=str(i))
                outcomes.append("applied")
            except Conflict:
                outcomes.append("conflict")

    threads = [threading.Thread(target=worker, args=(i,)) for i in range(20)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(outcomes) == 20
    assert outcomes.count("applied") == 1  # all read the same version: exactly one may win
    with Session(engine) as s:
        task = get_task(session=s, ref="MWI-B-4.1")
        events = task_history(session=s, ref="MWI-B-4.1")
        assert task.version == version + 1
        assert [e.field for e in events] == ["lead", "comment"]
        assert events[0].new == task.lead


def test_a_comment_needs_no_version_and_changes_none(planned: Session) -> None:
    update_task(session=planned, ref="MWI-B-4.1", expected_version=1, change=TaskChange(lead="UNDP"), by="a")
    task = update_task(
        session=planned, ref="MWI-B-4.1", expected_version=1, change=TaskChange(comment="Noted"), by="b"
    )
    assert task.version == 2
    assert [e.field for e in task_history(session=planned, ref="MWI-B-4.1")] == ["lead", "comment"]


def test_overlong_or_control_character_input_is_refused_on_every_database(planned: Session) -> None:
    bad = [
        TaskChange(lead="x" * 500),
        TaskChange(lead="bell\x07"),
        TaskChange(contributors=["ok", "y" * 200]),
    ]
    for change in bad:
        with pytest.raises(InvalidRequest):
            update_task(session=planned, ref="MWI-B-4.1", expected_version=1, change=change, by="x")
    with pytest.raises(InvalidRequest, match="the name is"):
        update_task(
            session=planned, ref="MWI-B-4.1", expected_version=1, change=TaskChange(lead="A"), by="u" * 200
        )
    assert get_task(session=planned, ref="MWI-B-4.1").version == 1
