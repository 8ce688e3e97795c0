"""Tracked plans and tasks as terminal text and JSON."""

from __future__ import annotations

from collections import Counter
from typing import Any

from cer.db.tables import Plan, PlanRevision, Task, TaskEvent
from cer.services.runs import SignedOff
from workstreams.status import task_reference


def task_json(task: Task, country: str) -> dict[str, Any]:
    return {"ref": task_reference(country, task.key), **task.model_dump(mode="json")}


def signoff_json(signed: SignedOff) -> dict[str, Any]:
    """A sign-off as the CLI and the API report it, with the runs it resumed (or why none could be)."""
    row = signed.done.row
    return {
        "country": signed.country,
        "workstream": row.workstream,
        "step": row.step,
        "signed_by": row.signed_by,
        "signed_at": row.signed_at.isoformat(),
        "note": row.note,
        "open_tasks": row.open_tasks,
        "already_signed": signed.done.already,
        "resumed_runs": signed.resumed_runs,
        "prefect": signed.prefect,
    }


def plan_json(plan: Plan, tasks: list[Task]) -> dict[str, Any]:
    return {"plan": plan.model_dump(mode="json"), "tasks": [task_json(t, plan.country_code) for t in tasks]}


def tasks_table(tasks: list[Task], country: str) -> str:
    if not tasks:
        return "No tasks match.\n"
    lines = [f"{'TASK':<12} {'VER':>3}  {'STATUS':<12} {'DUE':<10}  {'LEAD':<16} TITLE (* critical)"]
    for t in tasks:
        mark = "  *" if t.critical else ""
        ref = task_reference(country, t.key)
        lines.append(f"{ref:<12} {t.version:>3}  {t.status:<12} {t.due}  {t.lead:<16} {t.title}{mark}")
    return "\n".join(lines) + "\n"


def plan_text(plan: Plan, tasks: list[Task]) -> str:
    counts = Counter(t.status for t in tasks)
    summary = ", ".join(f"{n} {status.replace('_', ' ')}" for status, n in sorted(counts.items()))
    selected = " ".join(plan.selected)
    head = (
        f"Plan for {plan.country_code}: {plan.start} to {plan.end} · workstreams {selected} · "
        f"{len(tasks)} tasks ({summary})\nQuestionnaire {plan.questionnaire_version} · content "
        f"{plan.content_version} · created by {plan.created_by} on {plan.created_at:%Y-%m-%d}\n\n"
    )
    return head + tasks_table(tasks, plan.country_code)


def history_text(events: list[TaskEvent]) -> str:
    if not events:
        return "No changes yet.\n"
    lines = []
    for e in events:
        what = f"comment: {e.comment}" if e.field == "comment" else f"{e.field}: {e.old} → {e.new}"
        why = f" ({e.comment})" if e.comment and e.field != "comment" else ""
        lines.append(f"{e.at:%Y-%m-%d %H:%M} {e.by}: {what}{why}")
    return "\n".join(lines) + "\n"


def revision_text(revision: PlanRevision) -> str:
    parts = [
        ("Added", revision.added),
        ("Reinstated", revision.reinstated),
        ("Dropped", revision.dropped),
        ("Re-planned", revision.changed),
    ]
    lines = [f"{label} ({len(keys)}): {', '.join(keys) if keys else '–'}" for label, keys in parts]
    return "Re-diagnosis recorded.\n" + "\n".join(lines) + "\n"
