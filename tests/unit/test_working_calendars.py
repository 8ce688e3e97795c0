"""Working calendars (a country's weekend and holidays, the UN's, a plan's own changes) and plans made on
them: forward from a start, or backward from a target date with the shortfall and its chain when it does not
fit."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cer.content import Content, get_content
from cer.content.calendars import calendar_in_use, day_names, default_choice, years_around
from cer.services.diagnosis import Report, run
from diagnostics.calendar import WorkingCalendar
from diagnostics.planner import Plan, PlannedTask
from diagnostics.working_calendars import CalendarEdit, DayOff
from tests.factories import make_answer_set, make_answers, random_answers
from workstreams.errors import InvalidFields

CHRISTMAS_2027 = dt.date(2027, 12, 24)  # a Friday
COUNTRIES = ["MWI", "SOM", "VNM", "AFG", "NPL", "ISR", "FRA"]  # Friday–Saturday weekends among them


def _report(
    content: Content,
    answers: dict[str, Any],
    country: str = "MWI",
    start: dt.date = dt.date(2027, 1, 15),
    **kw: Any,
) -> Report:
    return run(content, make_answer_set(content, answers), country=country, start=start, draft=False, **kw)


def test_working_days_skip_weekends_and_holidays_both_ways() -> None:
    calendar = WorkingCalendar({4, 5}, {CHRISTMAS_2027, dt.date(2027, 12, 27)})  # Friday–Saturday weekend
    thursday = dt.date(2027, 12, 23)
    assert calendar.add_working_days(thursday, 1) == dt.date(2027, 12, 26)  # Sunday; Friday is a holiday
    assert calendar.add_working_days(dt.date(2027, 12, 28), -2) == thursday  # back over Monday's holiday
    assert calendar.first_working_day(CHRISTMAS_2027) == dt.date(2027, 12, 26)
    assert calendar.last_working_day(dt.date(2027, 12, 27)) == dt.date(2027, 12, 26)
    assert calendar.working_days_between(thursday, dt.date(2027, 12, 28)) == 2
    assert calendar.add_working_days(dt.date(2027, 1, 1), 3000) > dt.date(2038, 1, 1)  # grows as asked
    with pytest.raises(ValueError, match="weekend"):
        WorkingCalendar({0, 1, 2, 3})


@settings(max_examples=60, deadline=None)
@given(
    weekend=st.sets(st.integers(0, 6), min_size=1, max_size=3),
    holidays=st.sets(st.dates(dt.date(2026, 1, 1), dt.date(2029, 12, 31)), max_size=40),
    day=st.dates(dt.date(2026, 1, 1), dt.date(2029, 12, 31)),
    days=st.integers(-400, 400),
)
def test_counting_working_days_agrees_with_adding_them(
    weekend: set[int], holidays: set[dt.date], day: dt.date, days: int
) -> None:
    calendar = WorkingCalendar(weekend, holidays)
    first = calendar.first_working_day(day)
    landed = calendar.add_working_days(first, days)
    assert calendar.is_working_day(first) and calendar.is_working_day(landed)
    assert calendar.working_days_between(first, landed) == days
    walk, step = first, dt.timedelta(days=1 if days >= 0 else -1)
    for _ in range(abs(days)):  # one working day at a time, the slow way
        walk += step
        while not calendar.is_working_day(walk):
            walk += step
    assert walk == landed


def test_a_country_calendar_has_its_weekend_its_holidays_and_the_uns(content: Content) -> None:
    years = years_around(dt.date(2027, 1, 15))
    somalia = default_choice("SOM")
    names = day_names(content.calendars, somalia, years)
    assert "Christmas Day (UN)" in names[dt.date(2027, 12, 25)]  # a UN holiday, not Somalia's
    assert "Independence Day" in names[dt.date(2027, 6, 26)]  # Somalia's, from the holidays package
    assert default_choice("AFG").weekend == (4, 5)  # Friday–Saturday
    edited = default_choice("MWI").edited(
        CalendarEdit(
            add=(DayOff(date=dt.date(2027, 3, 10), name="UNCT retreat"),), remove=(dt.date(2027, 7, 6),)
        )
    )
    working = calendar_in_use(content.calendars, edited, years).working
    assert not working.is_working_day(dt.date(2027, 3, 10))
    assert working.is_working_day(dt.date(2027, 7, 6))  # Malawi's Independence Day, worked in this plan
    assert "1 day(s) off added" in edited.describe() and "1 holiday(s) worked" in edited.describe()


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    answers=random_answers(get_content()),
    country=st.sampled_from(COUNTRIES),
    start=st.dates(dt.date(2026, 1, 1), dt.date(2030, 12, 31)),
)
def test_no_task_starts_or_falls_due_on_a_day_off_of_the_countrys_calendar(
    answers: dict[str, Any], country: str, start: dt.date
) -> None:
    report = _report(get_content(), answers, country, start)
    working = report.calendar.working
    assert (
        working
        == calendar_in_use(get_content().calendars, default_choice(country), years_around(start)).working
    )  # the country's own calendar
    for t in report.plan.tasks:
        assert working.is_working_day(t.start) and working.is_working_day(t.due), (t.id, t.start, t.due)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    answers=random_answers(get_content()),
    country=st.sampled_from(COUNTRIES),
    start=st.dates(dt.date(2026, 1, 1), dt.date(2030, 12, 31)),
    months=st.integers(1, 40),
)
def test_a_backward_plan_finishes_by_its_target_or_says_by_how_much_and_why_not(
    answers: dict[str, Any], country: str, start: dt.date, months: int
) -> None:
    target = start + dt.timedelta(days=30 * months)
    report = _report(get_content(), answers, country, start, finish_by=target)
    plan, working = report.plan, report.calendar.working
    network = {t.id: t for t in plan.tasks if not t.ongoing}
    assert plan.finish_by == target
    if not network:  # nothing to do: nothing to place
        return
    chain = [network[key] for key in plan.chain]
    for before, after in zip(chain, chain[1:], strict=False):  # each waits for the one before, at once
        assert before.id in after.depends_on
        assert working.add_working_days(before.due, 1) == after.start
    length = sum(t.duration_days for t in chain)  # the chain decides the plan's length
    first = min(t.start for t in network.values())
    assert chain[0].start == first and chain[-1].due == plan.end
    assert length == working.working_days_between(first, plan.end) + 1
    if plan.shortfall_days == 0:
        assert plan.end <= target and all(t.start >= start and t.due <= target for t in plan.tasks)
        _as_late_as_possible(plan, working)
    else:  # planned forward from the start, the shortfall counted on the calendar
        room = working.working_days_between(
            working.first_working_day(start), working.last_working_day(target)
        )
        assert plan.shortfall_days == length - (room + 1) > 0
        assert first == plan.start == working.first_working_day(start)
    for t in plan.tasks:
        assert working.is_working_day(t.start) and working.is_working_day(t.due)
        assert all(network[d].due < t.start for d in t.depends_on)


def _as_late_as_possible(plan: Plan, working: WorkingCalendar) -> None:
    """Every task ends right before a task that waits for it, or on the last working day of the target."""
    last = working.last_working_day(plan.finish_by or plan.end)
    network = [t for t in plan.tasks if not t.ongoing]
    for t in network:
        after: list[PlannedTask] = [s for s in network if t.id in s.depends_on]
        latest = min((working.add_working_days(s.start, -1) for s in after), default=last)
        assert t.due == latest, (t.id, t.due, latest)


def test_the_next_programme_cycle_is_the_default_target(content: Content) -> None:
    answers = make_answers(content, readiness="no", next_cycle_start="2029-07-01")
    report = _report(content, answers)
    assert report.plan.finish_by == dt.date(2029, 7, 1) and report.plan.shortfall_days == 0
    assert report.plan.end <= dt.date(2029, 7, 1) < report.plan.end + dt.timedelta(days=7)
    assert min(t.start for t in report.plan.tasks) > report.plan.start  # the work starts as late as it can
    too_soon = _report(content, make_answers(content, readiness="no", next_cycle_start="2027-09-01"))
    assert too_soon.plan.shortfall_days > 200  # all seven workstreams cannot fit in eight months
    assert too_soon.plan.chain[0] == "1.2" and too_soon.plan.chain[-1].endswith("6.3")
    past = _report(content, make_answers(content, readiness="no", next_cycle_start="2026-01-01"))
    assert past.plan.finish_by is None  # a cycle that started already is no target


def test_a_target_before_the_start_is_refused(content: Content) -> None:
    with pytest.raises(InvalidFields, match="finish_by"):
        _report(content, make_answers(content), finish_by=dt.date(2027, 1, 1))


def test_a_plan_with_all_seven_workstreams_spans_twelve_to_twenty_four_months(content: Content) -> None:
    plan = _report(content, make_answers(content, readiness="no")).plan
    assert {c for t in plan.tasks for c in t.workstreams} == set("ABCDEFG")
    months = (plan.end - plan.start).days / 30.44
    assert 12 <= months <= 24, months
    step_one = [t for t in plan.tasks if t.step == 1 and not t.ongoing]
    assert step_one and all(t.due > plan.start + dt.timedelta(days=14) for t in step_one)  # not a fortnight
