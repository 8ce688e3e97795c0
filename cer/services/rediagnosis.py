"""Re-diagnosis: when a country's answers change, rebuild the plan and merge it into the one being tracked.

What happens to each task is decided by `workstreams.status.merge`. Kept tasks keep their status, dates,
owners and history, and get their derived facts (dependencies, tools, provenance, critical path) refreshed;
open tasks no longer needed are dropped with the reason, never deleted; completed ones stay completed and
are reported; tasks an earlier re-diagnosis dropped come back when needed again; new tasks are added. The
plan row is locked for the whole merge, so task updates (which take a shared lock on it) wait rather than
interleave. Every change writes an event; the diff is returned and recorded as a PlanRevision.
"""

from __future__ import annotations

from typing import Any

from sqlmodel import Session, select

from cer.db.tables import PlanRevisionRow, PlanRow, TaskEventRow, TaskRow
from cer.services.diagnosis import Report, workstream_choices
from cer.services.plans import (
    get_plan,
    plan_tasks,
    schedule_values,
    store_diagnosis,
    task_row,
    task_values,
)
from cer.services.tasks import guarded_update
from diagnostics.answers import AnswerSet
from workstreams.status import TaskStatus, merge, task_reference

DERIVED = (
    "title",
    "description",
    "workstream",
    "workstreams",
    "depends_on",
    "tools",
    "provenance",
    "critical",
    "slack_days",
    "ongoing",
)


def rediagnose_plan(*, session: Session, report: Report, answer_set: AnswerSet, by: str) -> PlanRevisionRow:
    plan_id = get_plan(session=session, country=report.country.code).id
    plan = session.exec(select(PlanRow).where(PlanRow.id == plan_id).with_for_update()).one()
    diagnosis = store_diagnosis(session=session, report=report, answer_set=answer_set, by=by)
    # Tasks a workstream run added from its parameters are the run's, not the diagnosis's: a re-diagnosis
    # leaves them alone while their workstream stays selected, and drops the open ones when it is not.
    selected = set(report.diagnosis.selected)
    existing = {
        t.key: t
        for t in plan_tasks(session=session, plan=plan)
        if not t.template or t.workstream not in selected
    }
    planned = {t.id: t for t in report.plan.tasks}
    decision = merge(
        {k: (TaskStatus(t.status), t.dropped_by_rediagnosis) for k, t in existing.items()}, list(planned)
    )
    for key in decision.add:
        task = task_row(plan.id or 0, planned[key])
        session.add(task)
        session.flush()
        session.add(
            TaskEventRow(task_id=task.id or 0, by=by, field="created", comment="Added by re-diagnosis")
        )
    changed = []
    for key in decision.reinstate + decision.keep:
        values = _derived(existing[key], task_values(plan.id or 0, planned[key]))
        if key in decision.reinstate:
            values |= {
                "status": TaskStatus.not_started.value,
                "status_reason": None,
                "dropped_by_rediagnosis": False,
            }
        if values:
            _change(session, existing[key], plan.country_code, by, values, "Needed again after re-diagnosis")
            changed += [key] if key in decision.keep else []
    why_not = _why_not_needed(report)
    for key in decision.drop:
        task = existing[key]
        why = why_not.get(key) or why_not.get(task.workstream) or "the new answers no longer call for it"
        values = {
            "status": TaskStatus.dropped.value,
            "status_reason": f"No longer needed after re-diagnosis: {why}",
            "dropped_by_rediagnosis": True,
        }
        _change(session, task, plan.country_code, by, values, "Dropped by re-diagnosis")
    _refresh_plan(session, plan, report, diagnosis.id or 0)
    revision = PlanRevisionRow(
        plan_id=plan.id or 0,
        diagnosis_id=diagnosis.id or 0,
        by=by,
        added=decision.add,
        reinstated=decision.reinstate,
        dropped=decision.drop,
        changed=changed,
        completed_not_needed=decision.completed_not_needed,
    )
    session.add(revision)
    session.commit()
    session.refresh(revision)
    return revision


def _derived(task: TaskRow, new: dict[str, Any]) -> dict[str, Any]:
    return {name: new[name] for name in DERIVED if new[name] != getattr(task, name)}


def _change(
    session: Session, task: TaskRow, country: str, by: str, values: dict[str, Any], note: str
) -> None:
    """A guarded update of one task and its event: a status change, or the derived facts before and after."""
    old = {name: getattr(task, name) for name in values}
    guarded_update(
        session=session,
        task=task,
        expected_version=task.version,
        values=values,
        ref=task_reference(country, task.key),
    )
    if "status" in values:
        event = TaskEventRow(
            task_id=task.id or 0,
            by=by,
            field="status",
            old=old["status"],
            new=values["status"],
            comment=values.get("status_reason") or note,
        )
    else:
        event = TaskEventRow(
            task_id=task.id or 0,
            by=by,
            field="replanned",
            old=_plain(old),
            new=_plain(values),
            comment="Facts derived from the new diagnosis",
        )
    session.add(event)


def _plain(values: dict[str, Any]) -> dict[str, Any]:
    return {k: v.isoformat() if hasattr(v, "isoformat") else v for k, v in values.items()}


def _refresh_plan(session: Session, plan: PlanRow, report: Report, diagnosis_id: int) -> None:
    session.flush()
    open_dues = [t.due for t in plan_tasks(session=session, plan=plan) if t.status != TaskStatus.dropped]
    plan.diagnosis_id = diagnosis_id
    plan.workstreams = workstream_choices(report)
    plan.questionnaire_version = report.diagnosis.questionnaire_version
    plan.content_version = report.content_version
    plan.end = max(open_dues, default=plan.end)
    for name, value in schedule_values(report).items():
        setattr(plan, name, value)
    session.add(plan)


def _why_not_needed(report: Report) -> dict[str, str]:
    """'<workstream>-<action>', '<action>' (a shared one) or '<workstream>' -> why it is no longer needed,
    from the new diagnosis."""
    d = report.diagnosis
    why = {f"{a.workstream}-{a.action}": a.reasons[0].text for a in d.actions if not a.needed}
    for a in d.actions:
        if not a.needed:
            why.setdefault(a.action, a.reasons[0].text)
    for w in d.workstreams:
        if not w.selected:
            why[w.code] = f"workstream {w.code} is no longer selected: {w.reasons[0].text}"
    return why
