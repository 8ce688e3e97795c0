"""Deadline monitoring: reminders for overdue and due-soon tasks, escalation of tasks left without change.

Each notification has a key saying what it is about — kind, task, due date (and for an escalation, the day
of the task's last change) — so monitoring every day writes one reminder per task and due date, not one per
day, and a re-run or a retried flow writes none twice. Moving a task's due date makes it a new reminder.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, select

from cer.db.tables import NotificationRow, PlanRow, TaskRow, utcnow
from workstreams.status import OPEN, lateness, task_reference


@dataclass(frozen=True)
class MonitorSettings:
    soon_days: int = 14  # "due soon": due within this many days
    escalate_after_days: int = 10  # an overdue task unchanged for this long goes to the plan's coordinator


def monitor_plans(
    *, session: Session, today: dt.date, settings: MonitorSettings | None = None, country: str | None = None
) -> list[NotificationRow]:
    """Write the reminders and escalations due today that were not written before; returns the new ones."""
    settings = settings or MonitorSettings()
    for attempt in (1, 2):
        wanted = _wanted(session, today, settings, country)
        known = set(
            session.exec(
                select(NotificationRow.key).where(col(NotificationRow.key).in_([n.key for n in wanted]))
            ).all()
        )
        new = [n for n in wanted if n.key not in known]
        try:
            session.add_all(new)
            session.commit()
        except IntegrityError:  # a parallel run wrote some of them first: take the rest
            session.rollback()
            if attempt == 2:
                raise
            continue
        for n in new:
            session.refresh(n)
        return new
    raise AssertionError("unreachable")


def _wanted(
    session: Session, today: dt.date, settings: MonitorSettings, country: str | None
) -> list[NotificationRow]:
    query = select(TaskRow, PlanRow).join(PlanRow).where(col(TaskRow.status).in_([s.value for s in OPEN]))
    if country is not None:
        query = query.where(PlanRow.country_code == country.strip().upper())
    found: list[NotificationRow] = []
    for task, plan in session.exec(
        query.order_by(col(PlanRow.country_code), col(TaskRow.due), col(TaskRow.key))
    ).all():
        overdue, soon = lateness(task.status, task.due, today, settings.soon_days)
        ref = task_reference(plan.country_code, task.key)
        if overdue:
            days = (today - task.due).days
            found.append(
                _note(
                    plan,
                    task,
                    "overdue",
                    task.lead,
                    f"{ref} is overdue by {days} day(s): {task.title}",
                    today,
                )
            )
            unchanged = (today - task.updated_at.date()).days
            if unchanged >= settings.escalate_after_days:
                coordinator = plan.coordinator or plan.created_by
                found.append(
                    _note(
                        plan,
                        task,
                        "escalation",
                        coordinator,
                        f"{ref} is {days} day(s) overdue and unchanged for {unchanged} days: {task.title}",
                        today,
                        extra=task.updated_at.date().isoformat(),
                    )
                )
        elif soon:
            found.append(
                _note(plan, task, "due_soon", task.lead, f"{ref} is due on {task.due}: {task.title}", today)
            )
    return found


def _note(
    plan: PlanRow, task: TaskRow, kind: str, recipient: str, subject: str, today: dt.date, extra: str = ""
) -> NotificationRow:
    key = f"{kind}:{task.id}:{task.due.isoformat()}" + (f":{extra}" if extra else "")
    body = (
        f"{subject}\n\nCountry: {plan.country_code}\n"
        f"Workstream: {', '.join(task.workstreams)}, step {task.step}\n"
        f"Lead: {task.lead}\nStart: {task.start}  Due: {task.due}  Status: {task.status}\n"
        f"(checked on {today})"
    )
    return NotificationRow(
        key=key[:120],
        plan_id=plan.id or 0,
        task_id=task.id,
        kind=kind,
        recipient=recipient,
        subject=subject[:300],
        body=body,
    )


def unsent(*, session: Session, limit: int = 500) -> list[NotificationRow]:
    query = (
        select(NotificationRow)
        .where(col(NotificationRow.sent_at).is_(None))
        .order_by(col(NotificationRow.id))
    )
    return list(session.exec(query.limit(limit)).all())


def unsent_reminders(
    *, session: Session, limit: int = 500
) -> list[tuple[NotificationRow, TaskRow | None, PlanRow | None]]:
    """What is still to e-mail, each with its task and plan as they are now (to write it in a language)."""
    rows = unsent(session=session, limit=limit)
    tasks = {
        t.id: t for t in session.exec(select(TaskRow).where(col(TaskRow.id).in_([r.task_id for r in rows])))
    }
    plans = {
        p.id: p for p in session.exec(select(PlanRow).where(col(PlanRow.id).in_([r.plan_id for r in rows])))
    }
    return [(r, tasks.get(r.task_id), plans.get(r.plan_id)) for r in rows]


def mark_sent(*, session: Session, ids: list[int]) -> None:
    for row in session.exec(select(NotificationRow).where(col(NotificationRow.id).in_(ids))).all():
        row.sent_at = utcnow()
        session.add(row)
    session.commit()


def notifications(*, session: Session, country: str | None = None, limit: int = 200) -> list[NotificationRow]:
    query = select(NotificationRow)
    if country is not None:
        query = query.join(PlanRow).where(PlanRow.country_code == country.strip().upper())
    return list(session.exec(query.order_by(col(NotificationRow.id).desc()).limit(limit)).all())
