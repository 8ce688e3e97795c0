"""Re-diagnosis: when a country's answers change, rebuild the plan and merge it into the one being tracked.

Tasks still needed keep their status, dates, owners and history (their derived facts — dependencies, tools,
provenance, critical path — are refreshed); open tasks no longer needed are dropped with the reason, never
deleted, and completed ones stay completed; tasks dropped by an earlier re-diagnosis and needed again are
reinstated; new tasks are added. The diff is returned and recorded as a PlanRevision; every task change
writes an event.
"""

from __future__ import annotations

from typing import Any

from sqlmodel import Session

from cer.db.tables import PlanRevision, Task, TaskEvent
from cer.diagnosis import Report, workstreams_json
from cer.services.plans import get_plan, plan_tasks, store_diagnosis, task_row
from cer.services.tasks import guarded_update, task_ref
from diagnostics.answers import AnswerSet
from diagnostics.planner import PlannedTask
from workstreams.status import OPEN, TaskStatus

DROPPED_PREFIX = "No longer needed after re-diagnosis"
DERIVED = ("title", "description", "depends_on", "tools", "provenance", "critical", "slack_days", "ongoing")


def rediagnose_plan(*, session: Session, report: Report, answer_set: AnswerSet, by: str) -> PlanRevision:
    plan = get_plan(session=session, country=report.country.code)
    code = plan.country_code
    diagnosis = store_diagnosis(session=session, report=report, answer_set=answer_set, by=by)
    existing = {t.key: t for t in plan_tasks(session=session, plan=plan)}
    planned = {t.id: t for t in report.plan.tasks}
    revision = PlanRevision(plan_id=plan.id or 0, diagnosis_id=diagnosis.id or 0, by=by)
    for key, new in planned.items():
        task = existing.get(key)
        if task is None:
            session.add(task_row(plan.id or 0, new))
            revision.added.append(key)
        elif task.status == TaskStatus.dropped and (task.status_reason or "").startswith(DROPPED_PREFIX):
            _change(session, task, code, by, {"status": TaskStatus.not_started.value, "status_reason": None})
            revision.reinstated.append(key)
        elif changes := _derived_changes(task, new):
            _change(session, task, code, by, changes)
            revision.changed.append(key)
    why_not = _why_not_needed(report)
    for key, task in existing.items():
        if key not in planned and TaskStatus(task.status) in OPEN:  # completed work stays completed
            why = why_not.get(key) or why_not.get(task.workstream) or "the new answers no longer call for it"
            reason = f"{DROPPED_PREFIX}: {why}"
            _change(session, task, code, by, {"status": TaskStatus.dropped.value, "status_reason": reason})
            revision.dropped.append(key)
    plan.diagnosis_id = diagnosis.id or 0
    plan.workstreams = workstreams_json(report)
    session.add(plan)
    session.add(revision)
    session.commit()
    session.refresh(revision)
    return revision


def _derived_changes(task: Task, new: PlannedTask) -> dict[str, Any]:
    return {name: getattr(new, name) for name in DERIVED if getattr(new, name) != getattr(task, name)}


def _change(session: Session, task: Task, country: str, by: str, values: dict[str, Any]) -> None:
    """A guarded update of one task and its event: a status change, or one 'replanned' for derived facts."""
    old_status = task.status
    ref = task_ref(task, country)
    guarded_update(session=session, task=task, expected_version=task.version, values=values, ref=ref)
    if "status" in values:
        event = TaskEvent(
            task_id=task.id or 0,
            by=by,
            field="status",
            old=old_status,
            new=values["status"],
            comment=values.get("status_reason"),
        )
    else:
        note = "facts derived from the new diagnosis refreshed"
        event = TaskEvent(task_id=task.id or 0, by=by, field="replanned", old=sorted(values), comment=note)
    session.add(event)


def _why_not_needed(report: Report) -> dict[str, str]:
    """'<workstream>-<action>' or '<workstream>' -> why it is no longer needed, from the new diagnosis."""
    d = report.diagnosis
    why = {f"{a.workstream}-{a.action}": a.reasons[0].text for a in d.actions if not a.needed}
    for w in d.workstreams:
        if not w.selected:
            why[w.code] = f"workstream {w.code} is no longer selected: {w.reasons[0].text}"
    return why
