"""The audit trail: who did what, when, to what.

Accounts, roles, tokens and sign-ins are AuditEvents, written in the same transaction as the change they
record. Changes already kept with their author — task changes (TaskEvent), plans (Plan, PlanRevision),
sign-offs (StepSignOff), flow starts (FlowRunLink) — are read from where they are, so nothing is written twice
and the trail cannot disagree with the record.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from sqlmodel import Session, col, select

from cer.db.tables import (
    AuditEventRow,
    FlowRunLinkRow,
    PlanRevisionRow,
    PlanRow,
    StepSignOffRow,
    TaskEventRow,
    TaskRow,
)
from cer.services import access_news


def record(
    *, session: Session, actor: str, action: str, target: str = "", country: str | None = None, **detail: Any
) -> None:
    """Add an event to the session; the caller's commit writes it with the change it records (and, for a
    change of access, tells the other websites: cer.services.access_news)."""
    session.add(AuditEventRow(actor=actor, action=action, country_code=country, target=target, detail=detail))
    if action in access_news.ACCESS_CHANGES:
        access_news.announce(session)


@dataclass(frozen=True)
class Entry:
    at: dt.datetime
    actor: str
    action: str
    country: str | None
    target: str
    detail: dict[str, Any]

    def json(self) -> dict[str, Any]:
        return {
            "at": self.at.isoformat(),
            "actor": self.actor,
            "action": self.action,
            "country": self.country,
            "target": self.target,
            "detail": self.detail,
        }


def _aware(when: dt.datetime) -> dt.datetime:
    return when if when.tzinfo else when.replace(tzinfo=dt.UTC)  # SQLite hands back naive UTC


def trail(
    *, session: Session, country: str | None = None, since: dt.datetime | None = None, limit: int = 200
) -> list[Entry]:
    """The newest `limit` entries, newest first; of one country (and nothing about accounts) when given."""
    code = country.strip().upper() if country else None
    entries: list[Entry] = []

    events = select(AuditEventRow).order_by(col(AuditEventRow.at).desc()).limit(limit)
    if code:
        events = events.where(AuditEventRow.country_code == code)
    if since:
        events = events.where(col(AuditEventRow.at) >= since)
    for e in session.exec(events).all():
        entries.append(Entry(_aware(e.at), e.actor, e.action, e.country_code, e.target, dict(e.detail)))

    changes = (
        select(TaskEventRow, TaskRow.key, PlanRow.country_code)
        .join(TaskRow, col(TaskRow.id) == col(TaskEventRow.task_id))
        .join(PlanRow, col(PlanRow.id) == col(TaskRow.plan_id))
        .order_by(col(TaskEventRow.at).desc())
        .limit(limit)
    )
    if code:
        changes = changes.where(PlanRow.country_code == code)
    if since:
        changes = changes.where(col(TaskEventRow.at) >= since)
    for ev, key, cc in session.exec(changes).all():
        action = "task_commented" if ev.field == "comment" else "task_changed"
        detail: dict[str, Any] = (
            {"comment": ev.comment} if ev.field == "comment" else {ev.field: [ev.old, ev.new]}
        )
        if ev.field != "comment" and ev.comment:
            detail["comment"] = ev.comment
        entries.append(Entry(_aware(ev.at), ev.by, action, cc, f"{cc}-{key}", detail))

    plans = select(PlanRow)
    if code:
        plans = plans.where(PlanRow.country_code == code)
    for p in session.exec(plans).all():
        entries.append(
            Entry(_aware(p.created_at), p.created_by, "plan_created", p.country_code, p.country_code, {})
        )
        for r in session.exec(select(PlanRevisionRow).where(PlanRevisionRow.plan_id == p.id)).all():
            detail = {"added": r.added, "diagnosis_id": r.diagnosis_id}
            entries.append(
                Entry(_aware(r.at), r.by, "plan_rediagnosed", p.country_code, p.country_code, detail)
            )
        for s in session.exec(select(StepSignOffRow).where(StepSignOffRow.plan_id == p.id)).all():
            detail = {"note": s.note, "open_tasks": s.open_tasks}
            target = f"{p.country_code} {s.workstream} step {s.step}"
            entries.append(
                Entry(_aware(s.signed_at), s.signed_by, "step_signed_off", p.country_code, target, detail)
            )

    runs = select(FlowRunLinkRow)
    if code:
        runs = runs.where(FlowRunLinkRow.country_code == code)
    for f in session.exec(runs).all():
        detail = {"flow_run_id": f.flow_run_id, "workstream": f.workstream}
        entries.append(
            Entry(_aware(f.created_at), f.started_by, "flow_started", f.country_code, f.flow, detail)
        )

    if since:
        entries = [e for e in entries if e.at >= _aware(since)]
    entries.sort(key=lambda e: e.at, reverse=True)
    return entries[:limit]
