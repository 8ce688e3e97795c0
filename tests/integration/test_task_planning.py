"""Managing a plan's tasks (issue 16, item 4): a note, an assignee, dependencies without cycles, dates that
carry the tasks depending on them along (or a warning), a status dated in the past, progress notes — each
change recorded, anything refused leaving the plan as it was; on SQLite and PostgreSQL."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlmodel import Session, select

from cer.content import Content
from cer.content.calendars import plan_calendar
from cer.db.tables import PlanRow, TaskEventRow, TaskRow
from cer.services import access, users
from cer.services.access import local_operator
from cer.services.plans import create_plan
from cer.services.reports import country_report
from cer.services.scheduling import follow_dependencies
from cer.services.tasks import TaskChange, TaskFilter, edit_task, find_tasks, get_task, task_history
from cer.views import reports
from tests.factories import advance, make_report
from workstreams.errors import InvalidRequest
from workstreams.status import TaskStatus

ME = local_operator("rco")
TODAY = dt.date.today()


@pytest.fixture
def planned(session: Session, content: Content) -> Session:
    report, answers = make_report(content, "malawi")
    create_plan(session=session, report=report, answer_set=answers, by="rco")
    return session


def tasks_of(session: Session) -> dict[str, TaskRow]:
    session.expire_all()
    return {t.key: t for t in session.exec(select(TaskRow)).all()}


def with_dependants(session: Session) -> tuple[str, list[str]]:
    """A task other open tasks depend on, and those that do."""
    tasks = tasks_of(session)
    found = {k: sorted(d for d, t in tasks.items() if k in t.depends_on) for k in tasks}
    key = min((k for k, ds in found.items() if ds), key=lambda k: (tasks[k].start, k))
    return key, found[key]


def everything(session: Session) -> list[tuple[object, ...]]:
    """Every task's state and every event: what a refused change must leave as it was."""
    session.expire_all()
    rows = session.exec(select(TaskRow).order_by(TaskRow.id)).all()
    events = session.exec(select(TaskEventRow)).all()
    return [(t.key, t.start, t.due, t.depends_on, t.version, t.assignee, t.note) for t in rows] + [
        (e.id,) for e in events
    ]


def test_moving_a_task_later_moves_the_tasks_that_depend_on_it_and_says_so(planned: Session) -> None:
    key, dependants = with_dependants(planned)
    task = get_task(session=planned, ref=f"MWI-{key}")
    due = task.due + dt.timedelta(days=400)  # past everything: every task after it must move
    edited = edit_task(session=planned, who=ME, task=f"MWI-{key}", change=TaskChange(due=due, lead="WFP"))
    assert (edited.task.due, edited.task.lead) == (due, "WFP")
    assert {t.key for t in edited.moved} >= set(dependants)
    tasks = tasks_of(planned)
    for t in tasks.values():  # every dependency the move touched still holds
        for before in t.depends_on:
            if before == key or before in {m.key for m in edited.moved}:
                assert t.start > tasks[before].due, (t.key, before)
    moved = task_history(session=planned, ref=f"MWI-{dependants[0]}")
    assert {e.field for e in moved} >= {"start"} and all(
        e.comment == f"moved to follow MWI-{key}" for e in moved
    )
    assert edited.conflicts == []
    plan = planned.exec(select(PlanRow)).one()
    days_off = plan_calendar(plan.calendar, "MWI", task.start)  # Malawi's weekend and public holidays
    assert all(days_off.is_working_day(t.start) and days_off.is_working_day(t.due) for t in edited.moved)


def test_a_plan_that_does_not_follow_its_dependencies_warns_which_tasks_now_start_too_early(
    planned: Session,
) -> None:
    follow_dependencies(session=planned, who=ME, country="MWI", follow=False, today=TODAY)
    key, dependants = with_dependants(planned)
    before = {k: (t.start, t.due) for k, t in tasks_of(planned).items() if k != key}
    task = get_task(session=planned, ref=f"MWI-{key}")
    edited = edit_task(
        session=planned,
        who=ME,
        task=f"MWI-{key}",
        change=TaskChange(due=task.due + dt.timedelta(days=400)),
    )
    assert edited.moved == []
    assert {k: (t.start, t.due) for k, t in tasks_of(planned).items() if k != key} == before
    assert {(d, p) for d, p in edited.conflicts} >= {(f"MWI-{d}", f"MWI-{key}") for d in dependants}


def test_a_dependency_cycle_is_refused_naming_it_and_nothing_is_written(planned: Session) -> None:
    key, dependants = with_dependants(planned)
    seen = everything(planned)
    with pytest.raises(InvalidRequest, match=rf"cycle: MWI-{key} → MWI-{dependants[0]} → MWI-{key}"):
        edit_task(session=planned, who=ME, task=f"MWI-{key}", change=TaskChange(depends_on=[dependants[0]]))
    with pytest.raises(InvalidRequest, match="is not a task of MWI's plan"):
        edit_task(session=planned, who=ME, task=f"MWI-{key}", change=TaskChange(depends_on=["Z-9.9"]))
    with pytest.raises(InvalidRequest, match="cannot depend on itself"):
        edit_task(session=planned, who=ME, task=f"MWI-{key}", change=TaskChange(depends_on=[f"MWI-{key}"]))
    assert everything(planned) == seen


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.data())
def test_any_dependencies_that_would_loop_are_refused_and_leave_the_plan_as_it_was(
    planned: Session, data: st.DataObject
) -> None:
    tasks = tasks_of(planned)
    key = data.draw(st.sampled_from(sorted(tasks)))
    downstream, todo = set(), [key]
    while todo:
        k = todo.pop()
        for d, t in tasks.items():
            if k in t.depends_on and d not in downstream:
                downstream.add(d)
                todo.append(d)
    if not downstream:
        return
    loop = data.draw(st.sampled_from(sorted(downstream)))
    seen = everything(planned)
    with pytest.raises(InvalidRequest, match="would make a cycle"):
        edit_task(session=planned, who=ME, task=f"MWI-{key}", change=TaskChange(depends_on=[loop]))
    assert everything(planned) == seen


def test_a_toolkit_task_keeps_its_title_and_takes_a_local_note(planned: Session) -> None:
    key, _ = with_dependants(planned)
    title = get_task(session=planned, ref=f"MWI-{key}").title
    with pytest.raises(InvalidRequest, match="keeps the toolkit's title"):
        edit_task(session=planned, who=ME, task=f"MWI-{key}", change=TaskChange(title="Our own words"))
    edited = edit_task(
        session=planned, who=ME, task=f"MWI-{key}", change=TaskChange(note="Led jointly\nwith OMT")
    )
    assert (edited.task.title, edited.task.note) == (title, "Led jointly\nwith OMT")


def test_a_task_is_assigned_only_to_an_active_user_with_a_role_in_its_country(planned: Session) -> None:
    for name in ("amina", "bo"):
        users.create_user(
            session=planned, username=name, name=name.title(), password="a long passphrase", by="t"
        )
    users.grant(session=planned, username="amina", country="MWI", role="member", by="t")
    key, _ = with_dependants(planned)
    with pytest.raises(InvalidRequest, match="bo has no role in MWI"):
        edit_task(session=planned, who=ME, task=f"MWI-{key}", change=TaskChange(assignee="bo"))
    with pytest.raises(InvalidRequest, match="no active user 'nobody'"):
        edit_task(session=planned, who=ME, task=f"MWI-{key}", change=TaskChange(assignee="nobody"))
    edited = edit_task(session=planned, who=ME, task=f"MWI-{key}", change=TaskChange(assignee="Amina"))
    assert edited.task.assignee == "amina"
    cleared = edit_task(session=planned, who=ME, task=f"MWI-{key}", change=TaskChange(assignee=""))
    assert cleared.task.assignee is None


def test_a_status_dated_in_the_past_keeps_both_dates_and_one_in_the_future_is_refused(
    planned: Session,
) -> None:
    key, _ = with_dependants(planned)
    advance(planned, f"MWI-{key}", TaskStatus.in_progress)
    version = get_task(session=planned, ref=f"MWI-{key}").version
    tomorrow = TaskChange(status=TaskStatus.completed, status_on=TODAY + dt.timedelta(days=1))
    with pytest.raises(InvalidRequest, match="is in the future"):
        edit_task(session=planned, who=ME, task=f"MWI-{key}", change=tomorrow, expected_version=version)
    march = TODAY - dt.timedelta(days=20)
    done = TaskChange(status=TaskStatus.completed, status_on=march)
    edited = edit_task(session=planned, who=ME, task=f"MWI-{key}", change=done, expected_version=version)
    assert (edited.task.status, edited.task.status_on) == ("completed", march)
    last = task_history(session=planned, ref=f"MWI-{key}")[-1]
    assert (last.field, last.new, last.as_of, last.at.date()) == ("status", "completed", march, TODAY)


def test_progress_notes_are_kept_in_history_and_the_latest_shows_in_the_country_report(
    planned: Session, content: Content
) -> None:
    key, _ = with_dependants(planned)
    early = TODAY - dt.timedelta(days=7)
    edit_task(
        session=planned,
        who=ME,
        task=f"MWI-{key}",
        change=TaskChange(progress="Concept note drafted", progress_on=early),
    )
    edit_task(
        session=planned,
        who=ME,
        task=f"MWI-{key}",
        change=TaskChange(progress="Concept note | agreed by the UNCT"),
    )
    notes = [
        (e.new, e.as_of) for e in task_history(session=planned, ref=f"MWI-{key}") if e.field == "progress"
    ]
    assert notes == [("Concept note drafted", early), ("Concept note | agreed by the UNCT", None)]
    report = country_report(session=planned, country="MWI", today=TODAY)
    html = reports.render_country(report, content, "html")
    md = reports.render_country(report, content, "md")
    day = f"{TODAY.day} {TODAY:%B %Y}"  # the report's dates are dates, in words
    assert f"{day}: Concept note | agreed by the UNCT" in html
    assert f"{day}: Concept note \\| agreed by the UNCT" in md
    with pytest.raises(InvalidRequest, match="progress note is empty"):
        edit_task(session=planned, who=ME, task=f"MWI-{key}", change=TaskChange(progress="  "))


def test_my_tasks_are_those_assigned_to_me_or_led_by_my_agency_and_an_agency_s_are_split_by_role(
    planned: Session,
) -> None:
    users.create_user(session=planned, username="amina", name="Amina", password="a long passphrase", by="t")
    users.grant(session=planned, username="amina", country="MWI", role="member", by="t")
    amina = users.set_agency(session=planned, username="amina", agency="WFP", by="t")
    key, _ = with_dependants(planned)
    edit_task(
        session=planned,
        who=ME,
        task=f"MWI-{key}",
        change=TaskChange(assignee="amina", contributors=["wfp", "OMT"]),
    )
    who = access.principal(session=planned, user=amina)
    assert who.agency == "WFP"
    tasks = tasks_of(planned)
    led = {k for k, t in tasks.items() if t.lead.lower() == "wfp"}
    contributing = {k for k, t in tasks.items() if "wfp" in [c.lower() for c in t.contributors]}
    mine = {t.key for t, _ in find_tasks(session=planned, who=who, which=TaskFilter(mine=True))[1]}
    assert mine == led | {key}
    as_lead = find_tasks(session=planned, who=who, which=TaskFilter(agency="Wfp", agency_role="lead"))[1]
    as_contributor = find_tasks(
        session=planned, who=who, which=TaskFilter(agency="WFP", agency_role="contributor")
    )[1]
    assert {t.key for t, _ in as_lead} == led and {t.key for t, _ in as_contributor} == contributing
    assert key in contributing
    assert find_tasks(session=planned, who=who, which=TaskFilter(agency="W%"))[0] == 0  # no wildcards


def test_a_shared_task_is_named_as_a_dependency_by_its_old_per_workstream_reference(planned: Session) -> None:
    """'MWI-B-2.1' was the B copy of 2.1 before shared actions became one task: it still names that task."""
    tasks = tasks_of(planned)
    shared = next(k for k, t in tasks.items() if "-" not in k and len(t.workstreams) > 1)
    later = next(k for k, t in tasks.items() if t.step > tasks[shared].step and shared not in t.depends_on)
    old_name = f"MWI-{tasks[shared].workstreams[-1]}-{shared}"
    edit_task(session=planned, who=ME, task=f"MWI-{later}", change=TaskChange(depends_on=[old_name]))
    assert tasks_of(planned)[later].depends_on == [shared]


def test_a_task_made_longer_than_its_slack_puts_it_on_the_critical_path_and_the_page_says_so(
    planned: Session,
) -> None:
    """Slack and the critical path follow the plan's dates: before, they kept the planner's first figures
    whatever was moved, so the plan page named the wrong chain."""
    before = {k: (t.critical, t.slack_days, t.version) for k, t in tasks_of(planned).items()}
    side = min((k for k, t in tasks_of(planned).items() if (t.slack_days or 0) > 5 and not t.ongoing))
    task = get_task(session=planned, ref=f"MWI-{side}")
    assert not task.critical
    plan = planned.exec(select(PlanRow)).one()
    days = plan_calendar(plan.calendar, "MWI", task.start)
    due = days.add_working_days(task.due, (task.slack_days or 0) + 3)  # 3 working days past its slack
    edit_task(session=planned, who=ME, task=f"MWI-{side}", change=TaskChange(due=due))
    after = tasks_of(planned)
    assert after[side].critical and after[side].slack_days == 0
    was_critical = {k for k, (critical, _, _) in before.items() if critical}
    assert {after[k].slack_days for k in was_critical} >= {0, 3}  # part of the old chain now has 3 days
    moved = {k for k, t in after.items() if t.version != before[k][2]}
    assert moved <= {side, *(k for k, t in after.items() if side in t.depends_on or t.start > task.due)}
    # A dropped task has no slack and is on no path.
    edit_task(session=planned, who=ME, task=f"MWI-{side}", change=TaskChange(status=TaskStatus.dropped,
              reason="done by the OMT already"))  # fmt: skip
    dropped = tasks_of(planned)[side]
    assert (dropped.critical, dropped.slack_days) == (False, None)
