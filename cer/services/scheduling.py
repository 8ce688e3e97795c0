"""What a change to a task's dates or dependencies does to the rest of its plan: a cycle is refused, naming
it; the tasks that depend on it move when the plan follows its dependencies, or are named as conflicts.

The checks are called by cer.services.tasks inside its transaction; `follow_dependencies` (the plan's
setting) is a use case of its own.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

from sqlalchemy import update
from sqlmodel import Session, col, select

from cer.db.tables import MembershipRow, PlanRow, TaskRow, UserRow
from cer.services import audit
from cer.services.access import EVERY_COUNTRY, Action, Principal, principal, require
from cer.services.plans import get_plan
from cer.services.progress import CountryProgress, plan_progress
from diagnostics.calendar import MONDAY_TO_FRIDAY, WorkingCalendar
from diagnostics.dependencies import Slot, conflicts, find_cycle, push_dependants, slack
from workstreams.errors import N_, InvalidRequest, Message
from workstreams.status import TaskStatus, parse_reference, task_reference

FIXED = {TaskStatus.completed.value, TaskStatus.dropped.value}  # their dates are history: never moved
STARTED = {TaskStatus.in_progress.value, TaskStatus.completed.value}  # held at their own start


@dataclass(frozen=True)
class Replan:
    """The dependants to move (key → new dates) and the conflicts left: (dependant, predecessor) keys."""

    moves: dict[str, Slot]
    conflicts: list[tuple[str, str]]


def follow_dependencies(
    *, session: Session, who: Principal, country: str, follow: bool, today: dt.date
) -> CountryProgress:
    """Set whether moving a task moves its dependants (True) or only warns of the conflict (False); needs
    the coordinator role in the country. Answers the plan with its progress on `today`."""
    require(who, Action.manage_plan, country)
    plan = get_plan(session=session, country=country)
    if plan.follow_dependencies != follow:
        plan.follow_dependencies = follow
        session.add(plan)
        audit.record(session=session, actor=who.username, action="plan_scheduling", country=plan.country_code,
                     target=plan.country_code, follow_dependencies=follow)  # fmt: skip
        session.commit()
    return plan_progress(session=session, who=who, country=country, today=today)


def plan_tasks_by_key(*, session: Session, plan_id: int) -> dict[str, TaskRow]:
    return {t.key: t for t in session.exec(select(TaskRow).where(TaskRow.plan_id == plan_id)).all()}


def dependency_keys(
    *, plan: PlanRow, task: TaskRow, names: list[str], tasks: dict[str, TaskRow]
) -> list[str]:
    """The keys `names` give (keys such as 'B-4.1' or references such as 'MWI-B-4.1'), each a task of the
    plan other than `task`, and no cycle made: otherwise InvalidRequest naming the task or the cycle."""
    keys: list[str] = []
    for name in names:
        key = _shared(_key(plan.country_code, name), tasks)
        if key not in tasks:
            raise InvalidRequest(
                N_("%(name)s is not a task of %(country)s's plan: give references such as %(example)s"),
                name=repr(name.strip()),
                country=plan.country_code,
                example=task_reference(plan.country_code, next(iter(sorted(tasks)), "B-4.1")),
            )
        if key == task.key:
            raise InvalidRequest(
                N_("%(task)s cannot depend on itself"), task=task_reference(plan.country_code, key)
            )
        if key not in keys:
            keys.append(key)
    graph = {k: list(t.depends_on) for k, t in tasks.items()} | {task.key: keys}
    cycle = find_cycle(graph)
    if cycle:
        if task.key in cycle:  # told from the task being changed: 'it → … → it'
            at = cycle.index(task.key)
            cycle = [*cycle[at:-1], *cycle[:at], task.key]
        chain = " → ".join(task_reference(plan.country_code, k) for k in cycle)
        raise InvalidRequest(
            N_("these dependencies would make a cycle: %(chain)s; nothing was changed"), chain=chain
        )
    return keys


def replan(
    *, plan: PlanRow, task: TaskRow, tasks: dict[str, TaskRow], calendar: WorkingCalendar = MONDAY_TO_FRIDAY
) -> Replan:
    """After `task` (as it now is) changed dates or dependencies: the dependants to move, if the plan follows
    its dependencies, and the conflicts that remain (with the task's own predecessors, or every one when
    the plan does not follow them). Moved tasks keep their length in working days of `calendar`."""
    slots = {k: Slot(t.start, t.due, t.status not in FIXED) for k, t in tasks.items()} | {
        task.key: Slot(task.start, task.due, True)
    }
    graph = {k: list(t.depends_on) for k, t in tasks.items()} | {task.key: list(task.depends_on)}
    moves = push_dependants(slots, graph, task.key, calendar) if plan.follow_dependencies else {}
    after = slots | moves
    return Replan(moves, conflicts(after, graph, [task.key, *moves]))


def refresh_slack(*, session: Session, tasks: Iterable[TaskRow], calendar: WorkingCalendar) -> None:
    """After a change of dates, dependencies or status: each task's slack and place on the critical path
    computed again from the plan's tasks as they now are (diagnostics.dependencies.slack; dropped and ongoing
    tasks have none). They are derived facts: written without a new version, so no one's edit of another
    task is refused for them."""
    rows = list(tasks)
    network = {t.key: t for t in rows if not t.ongoing and t.status != TaskStatus.dropped.value}
    found = slack(
        {k: Slot(t.start, t.due) for k, t in network.items()},
        {k: t.depends_on for k, t in network.items()},
        calendar,
        started=[k for k, t in network.items() if t.status in STARTED],
    )
    for t in rows:
        days = found.get(t.key)
        critical = days is not None and days <= 0
        if (t.critical, t.slack_days) != (critical, days):
            session.execute(
                update(TaskRow).where(col(TaskRow.id) == t.id).values(critical=critical, slack_days=days)
            )


def check_assignee(*, session: Session, username: str, country: str) -> str | None:
    """The username of an active user with a role in `country` ('' clears the assignee: None)."""
    name = username.strip().lower()
    if not name:
        return None
    user = session.exec(select(UserRow).where(UserRow.username == name)).first()
    if user is None or not user.active:
        raise InvalidRequest(
            N_("no active user %(name)s: give the username of an account (cer users list)"), name=repr(name)
        )
    if not principal(session=session, user=user).can(Action.read_plan, country):
        raise InvalidRequest(
            N_("%(name)s has no role in %(country)s: ask an admin to grant one (cer users grant)"),
            name=name,
            country=country,
        )
    return name


def assignable(*, session: Session, country: str) -> list[tuple[str, str]]:
    """The active users with a role in `country` (or in every one), as (username, name), by username."""
    rows = session.exec(
        select(UserRow, MembershipRow)
        .join(MembershipRow, col(MembershipRow.user_id) == col(UserRow.id))
        .where(col(UserRow.active), col(MembershipRow.country_code).in_([country.upper(), EVERY_COUNTRY]))
        .order_by(col(UserRow.username))
    ).all()
    return list(dict.fromkeys((u.username, u.name) for u, _ in rows))


def check_day(day: dt.date | None, today: dt.date, what: str) -> None:
    if day is not None and day > today:
        raise InvalidRequest(
            N_("the %(what)s date %(day)s is in the future: give today or an earlier day"),
            what=Message(what),
            day=day,
        )


def _shared(key: str, tasks: dict[str, TaskRow]) -> str:
    """'B-1.1' names the shared task '1.1' when that serves B (the reference it had before it was shared)."""
    workstream, _, action = key.partition("-")
    found = tasks.get(action)
    return action if key not in tasks and found is not None and workstream in found.workstreams else key


def _key(country: str, name: str) -> str:
    text = name.strip()
    if text.upper().startswith(f"{country}-"):
        return parse_reference(text)[1]
    return parse_reference(f"{country}-{text}")[1]
