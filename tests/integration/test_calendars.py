"""A plan's tasks as calendars (issue 18, part 4): events on due dates ('ics') and to-dos ('todo.ics'), read
back by the two libraries calendar programs are built on, `icalendar` and `vobject`."""

from __future__ import annotations

import datetime as dt

import icalendar
import pytest
import vobject
from sqlmodel import Session

from cer.content import Content
from cer.db.tables import PlanRow, TaskRow
from cer.services.plans import create_plan, get_plan, plan_tasks
from cer.services.tasks import TaskChange, get_task, update_task
from cer.views import calendars
from tests.factories import advance, make_report
from workstreams.status import TaskStatus

STATUSES = ("not_started", "in_progress", "blocked", "completed", "dropped")


@pytest.fixture
def plan(session: Session, content: Content) -> PlanRow:
    """Malawi's plan with its first five tasks in each status, in STATUSES' order."""
    report, answers = make_report(content, "malawi")
    made = create_plan(session=session, report=report, answer_set=answers, by="rco")
    refs = [f"MWI-{t.key}" for t in plan_tasks(session=session, plan=made)[:5]]
    session.info["refs"] = dict(zip(STATUSES, refs, strict=True))
    advance(session, refs[1], TaskStatus.in_progress)
    _change(session, refs[2], TaskChange(status=TaskStatus.blocked, reason="waiting for the ministry"))
    advance(session, refs[3], TaskStatus.in_progress, TaskStatus.completed)
    _change(session, refs[4], TaskChange(status=TaskStatus.dropped, reason="done by another team"))
    _change(session, refs[0], TaskChange(lead="WFP", contributors=["OMT", "Ministère, Planning"]))
    return get_plan(session=session, country="MWI")


def _change(session: Session, ref: str, change: TaskChange) -> None:
    version = get_task(session=session, ref=ref).version
    update_task(session=session, ref=ref, expected_version=version, change=change, by="x")


def _tasks(session: Session, plan: PlanRow) -> list[TaskRow]:
    return plan_tasks(session=session, plan=plan)


def _by_status(session: Session) -> dict[str, TaskRow]:
    """The fixture's task in each status, by status."""
    refs: dict[str, str] = session.info["refs"]
    return {status: get_task(session=session, ref=ref) for status, ref in refs.items()}


def _components(text: bytes, kind: str) -> dict[str, icalendar.cal.Component]:
    return {str(c["UID"]): c for c in icalendar.Calendar.from_ical(text).walk(kind)}


def _uid(task: TaskRow) -> str:
    return f"MWI-{task.key}@cer-toolkit"


def _utc(moment: dt.datetime) -> dt.datetime:
    aware = moment if moment.tzinfo else moment.replace(tzinfo=dt.UTC)
    return aware.astimezone(dt.UTC).replace(microsecond=0)


@pytest.mark.usefixtures("plan")
def test_the_plan_has_a_task_in_each_status(session: Session) -> None:
    assert {name: task.status for name, task in _by_status(session).items()} == {s: s for s in STATUSES}


def test_events_are_stamped_with_each_task_s_last_change_not_the_export_time(
    session: Session, plan: PlanRow
) -> None:
    tasks = _tasks(session, plan)
    events = _components(
        calendars.plan_calendar("ics", plan, tasks, dt.datetime(2030, 1, 1, tzinfo=dt.UTC)), "VEVENT"
    )
    for task in tasks:
        assert events[_uid(task)]["DTSTAMP"].dt == _utc(task.updated_at), task.key


def test_completed_work_is_never_a_confirmed_event_and_dropped_work_is_cancelled(
    session: Session, plan: PlanRow
) -> None:
    tasks = _by_status(session)
    events = _components(
        calendars.plan_calendar("ics", plan, _tasks(session, plan), dt.datetime.now(dt.UTC)), "VEVENT"
    )
    status = {name: events[_uid(task)].get("STATUS") for name, task in tasks.items()}
    assert status == {
        "not_started": "CONFIRMED",
        "in_progress": "CONFIRMED",
        "blocked": "CONFIRMED",
        "completed": None,
        "dropped": "CANCELLED",
    }
    summaries = {name: str(events[_uid(task)]["SUMMARY"]) for name, task in tasks.items()}
    assert summaries["completed"].startswith(f"Done: MWI-{tasks['completed'].key} ")
    assert summaries["blocked"].startswith("Blocked, due: ") and summaries["in_progress"].startswith("Due: ")


def test_an_event_is_all_day_on_the_due_date_and_says_who_leads_and_contributes_in_words(
    session: Session, plan: PlanRow
) -> None:
    tasks = _by_status(session)
    events = _components(calendars.to_ics(plan, _tasks(session, plan)).encode(), "VEVENT")
    first = events[_uid(tasks["not_started"])]
    assert first["DTSTART"].dt == tasks["not_started"].due
    assert first["DTEND"].dt == tasks["not_started"].due + dt.timedelta(days=1)
    described = str(first["DESCRIPTION"]).splitlines()
    assert described[:3] == ["Lead: WFP", "Contributors: OMT, Ministère, Planning", "Status: not started"]
    assert "Reason: waiting for the ministry" in str(events[_uid(tasks["blocked"])]["DESCRIPTION"])
    assert "Status: in progress since " in str(events[_uid(tasks["in_progress"])]["DESCRIPTION"])


def test_to_dos_carry_status_percent_complete_dates_and_completion_for_each_status(
    session: Session, plan: PlanRow
) -> None:
    tasks = _by_status(session)
    todos = _components(calendars.to_todo_ics(plan, _tasks(session, plan)).encode(), "VTODO")
    seen = {
        name: (str(todos[_uid(t)]["STATUS"]), todos[_uid(t)].get("PERCENT-COMPLETE"))
        for name, t in tasks.items()
    }
    assert seen == {
        "not_started": ("NEEDS-ACTION", 0),
        "in_progress": ("IN-PROCESS", 50),
        "blocked": ("IN-PROCESS", 50),
        "completed": ("COMPLETED", 100),
        "dropped": ("CANCELLED", None),
    }
    for name, task in tasks.items():
        todo = todos[_uid(task)]
        assert todo["DUE"].dt == task.due and todo["DTSTART"].dt == task.start
        assert ("COMPLETED" in todo) == (name == "completed")
    done = tasks["completed"]
    assert todos[_uid(done)]["COMPLETED"].dt == _utc(done.updated_at)  # completed today: its last change
    assert str(todos[_uid(tasks["blocked"])]["SUMMARY"]).startswith("Blocked: MWI-")
    assert str(todos[_uid(tasks["dropped"])]["DESCRIPTION"]).splitlines()[2].startswith("Status: dropped")


def test_a_to_do_completed_on_an_earlier_day_is_completed_at_noon_utc_of_that_day() -> None:
    task = TaskRow(
        plan_id=1, key="B-4.1", workstream="B", step=4, action="4.1", title="t", lead="OMT",
        start=dt.date(2027, 1, 4), due=dt.date(2027, 1, 29), duration_days=20, status="completed",
        status_on=dt.date(2027, 1, 20), updated_at=dt.datetime(2027, 1, 22, 8, 30),
    )  # fmt: skip
    assert calendars.completed_at(task) == dt.datetime(2027, 1, 20, 12, tzinfo=dt.UTC)
    todo = calendars.todo(task, "MWI")
    assert todo["DTSTAMP"].dt == dt.datetime(2027, 1, 22, 8, 30, tzinfo=dt.UTC)
    assert todo["COMPLETED"].to_ical() == b"20270120T120000Z"  # COMPLETED is a UTC date-time (RFC 5545)


@pytest.mark.parametrize("fmt", calendars.FORMATS)
def test_both_shapes_are_valid_to_icalendar_and_vobject(session: Session, plan: PlanRow, fmt: str) -> None:
    _change(session, f"MWI-{_tasks(session, plan)[0].key}", TaskChange(comment="a comment", lead="UNDP; OMT"))
    tasks = _tasks(session, plan)
    data = calendars.plan_calendar(fmt, plan, tasks)
    kind = "VEVENT" if fmt == "ics" else "VTODO"
    assert len(_components(data, kind)) == len(tasks)
    parsed = vobject.readOne(data.decode())
    assert parsed.validate(raiseException=True)  # every component and property, their counts and values
    items = list(getattr(parsed, f"{kind.lower()}_list"))
    assert len(items) == len(tasks) and parsed.x_wr_calname.value == "CER plan MWI"
    for item in items:
        assert item.dtstamp.value.tzinfo is not None and item.sequence.value.isdigit()
    lines = data.split(b"\r\n")
    assert max(len(line) for line in lines) <= 75 and lines[-1] == b""  # folded, CRLF line ends


def test_uids_and_bytes_are_stable_across_exports_and_sequence_is_the_version(
    session: Session, plan: PlanRow
) -> None:
    tasks = _tasks(session, plan)
    for fmt in calendars.FORMATS:
        first = calendars.plan_calendar(fmt, plan, tasks, dt.datetime(2027, 1, 1, tzinfo=dt.UTC))
        again = calendars.plan_calendar(fmt, plan, tasks, dt.datetime(2027, 2, 1, tzinfo=dt.UTC))
        assert first == again  # the same tasks, the same file: a feed's ETag changes only with a task
    before = _components(calendars.plan_calendar("todo.ics", plan, tasks), "VTODO")
    changed = tasks[0]
    _change(session, f"MWI-{changed.key}", TaskChange(lead="UNICEF"))
    after = _components(calendars.plan_calendar("todo.ics", plan, _tasks(session, plan)), "VTODO")
    assert set(after) == set(before) == {_uid(t) for t in tasks}
    assert int(after[_uid(changed)]["SEQUENCE"]) == int(before[_uid(changed)]["SEQUENCE"]) + 1
    assert after[_uid(changed)]["DTSTAMP"].dt >= before[_uid(changed)]["DTSTAMP"].dt


def test_people_s_words_stay_text_in_a_calendar(session: Session, plan: PlanRow) -> None:
    ref = f"MWI-{_tasks(session, plan)[0].key}"
    _change(session, ref, TaskChange(lead="A;B,C\\D", contributors=["X; Y", "Z"], comment="é"))
    text = calendars.to_todo_ics(plan, _tasks(session, plan))
    assert "Lead: A\\;B\\,C\\\\D" in text.replace("\r\n ", "")  # escaped as RFC 5545 TEXT
    todo = _components(text.encode(), "VTODO")[f"{ref}@cer-toolkit"]
    assert str(todo["DESCRIPTION"]).splitlines()[:2] == ["Lead: A;B,C\\D", "Contributors: X; Y, Z"]


def test_an_unknown_calendar_format_is_refused(plan: PlanRow) -> None:
    with pytest.raises(ValueError, match="no calendar format 'vcs'"):
        calendars.plan_calendar("vcs", plan, [])
