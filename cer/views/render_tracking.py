"""Tracked plans, tasks, runs and sign-offs as terminal text (their JSON is cer.views.public's models)."""

from __future__ import annotations

from collections import Counter

from cer.views.public import (
    FlowRunPublic,
    ImportPublic,
    PlanWithTasks,
    RevisionPublic,
    SignOffCodePublic,
    SignOffPublic,
    StartedRunPublic,
    StepPublic,
    TaskEdited,
    TaskEventPublic,
    TaskPublic,
)
from cer.views.run_states import words


def tasks_table(tasks: list[TaskPublic]) -> str:
    if not tasks:
        return "No tasks match.\n"
    head = f"{'TASK':<12} {'VER':>3}  {'STATUS':<12} {'DUE':<10}  {'WS':<7} {'LEAD':<16} TITLE (* critical)"
    lines = [head]
    for t in tasks:
        mark = "  *" if t.critical else ""
        ws = ",".join(t.workstreams)  # a shared task serves several: "A,B,G"
        row = f"{t.ref:<12} {t.version:>3}  {t.status:<12} {t.due}  {ws:<7} {t.lead:<16}"
        lines.append(f"{row} {t.title}{mark}")
    return "\n".join(lines) + "\n"


def edited_text(task: TaskEdited) -> str:
    """The task as changed, the tasks it moved and the conflicts it leaves."""
    text = tasks_table([task])
    if task.assignee or task.progress_note:
        text += f"Assigned to {task.assignee or '—'}"
        text += f" · progress ({task.progress_on}): {task.progress_note}\n" if task.progress_note else "\n"
    if task.moved:
        text += f"Moved to follow it: {', '.join(task.moved)}\n"
    for c in task.conflicts:
        text += f"Warning: {c.task} starts before {c.depends_on}, which it depends on, ends\n"
    return text


def plan_text(found: PlanWithTasks) -> str:
    plan, tasks = found.plan, found.tasks
    counts = Counter(t.status for t in tasks)
    summary = ", ".join(f"{n} {status.replace('_', ' ')}" for status, n in sorted(counts.items()))
    head = (
        f"Plan for {plan.country}: {plan.start} to {plan.end} · workstreams {' '.join(plan.workstreams)} · "
        f"{len(tasks)} tasks ({summary})\nQuestionnaire {plan.questionnaire_version} · content "
        f"{plan.content_version} · created by {plan.created_by} on {plan.created_at:%Y-%m-%d}\n"
    )
    timing = plan.schedule.lines({t.key: t.title for t in tasks}) if plan.schedule else []
    return head + "".join(f"{line}\n" for line in timing) + "\n" + tasks_table(tasks)


def history_text(events: list[TaskEventPublic]) -> str:
    if not events:
        return "No changes yet.\n"
    lines = []
    for e in events:
        what = f"comment: {e.comment}" if e.field == "comment" else f"{e.field}: {e.old} → {e.new}"
        why = f" ({e.comment})" if e.comment and e.field != "comment" else ""
        lines.append(f"{e.at:%Y-%m-%d %H:%M} {e.by}: {what}{why}")
    return "\n".join(lines) + "\n"


def revision_text(revision: RevisionPublic) -> str:
    parts = [
        ("Added", revision.added),
        ("Reinstated", revision.reinstated),
        ("Dropped", revision.dropped),
        ("Re-planned", revision.changed),
    ]
    lines = [f"{label} ({len(keys)}): {', '.join(keys) if keys else '–'}" for label, keys in parts]
    return "Re-diagnosis recorded.\n" + "\n".join(lines) + "\n"


def started_text(started: StartedRunPublic) -> str:
    what = "Already running, not started again" if started.already_running else "Started"
    return (
        f"{what}: {started.name} ({started.flow_run_id})\n"
        f"  follow it: cer runs {started.country}   or in Prefect's UI: {started.url}\n"
    )


def signoff_text(signed: SignOffPublic) -> str:
    head = "was already signed off" if signed.already_signed else "signed off"
    lines = [
        f"{signed.country} {signed.workstream} step {signed.step} {head} by {signed.signed_by} "
        f"on {signed.signed_at:%Y-%m-%d %H:%M} UTC"
    ]
    if signed.note:
        lines.append(f"  note: {signed.note}")
    if signed.open_tasks:
        lines.append(f"  open at sign-off: {', '.join(signed.open_tasks)}")
    lines += [f"  resumed run {run_id}" for run_id in signed.resumed_runs]
    if signed.prefect:
        lines.append(f"  {signed.prefect}")
    return "\n".join(lines) + "\n"


def steps_text(country: str, workstream: str, steps: list[StepPublic]) -> str:
    out = [
        f"{country.upper()} {workstream.upper()}: steps 1–6",
        f"  {'step':<6}{'tasks':>6}{'open':>6}  state",
    ]
    for s in steps:
        if s.signed_by:
            state = f"signed off by {s.signed_by} on {s.signed_at:%Y-%m-%d}"
        else:
            state = "open, waiting for sign-off" if s.opened else "not opened yet"
        out.append(f"  {s.step:<6}{s.tasks:>6}{s.open:>6}  {state}")
    return "\n".join(out) + "\n"


def runs_text(country: str, runs: list[FlowRunPublic]) -> str:
    if not runs:
        return f"No flow runs for {country.upper()} yet (cer run workstream …, cer run change-process …)\n"
    out = []
    for r in runs:
        state = r.in_words or words(None, None)
        out.append(f"{r.created_at:%Y-%m-%d %H:%M}  {r.name or r.flow}: {state}  ({r.flow_run_id})")
    return "\n".join(out) + "\n"


def code_text(issued: SignOffCodePublic) -> str:
    return (
        f"Sign-off code for {issued.country} {issued.workstream} step {issued.step}: {issued.code}\n"
        f"  type it into the form of the run waiting for that step (Prefect's UI): it signs the step off as "
        f"{issued.username}, once, until {issued.expires_at:%Y-%m-%d %H:%M} UTC\n"
    )


def import_text(found: ImportPublic) -> str:
    """What an import did (or, for a dry run, would do): columns read, statuses mapped, each row, problems."""
    verb = "Imported" if found.imported else "Checked"
    lines = [f"{verb} {found.filename} into {found.country}'s plan (header in row {found.header_row})."]
    lines += ["Columns read:", *(f"  {name:<22} ← {column}" for name, column in found.mapping.items())]
    if found.statuses:
        lines += [
            "Statuses:",
            *(f"  {text!r} → {ours.replace('_', ' ')}" for text, ours in found.statuses.items()),
        ]
    for r in found.rows:
        target = f" ({r.task})" if r.task else ""
        changes = f": {', '.join(r.changes)}" if r.changes else ""
        lines.append(f"  row {r.row:<4} {r.ref:<8} {r.what}{target}{changes}")
    if found.problems:
        lines.append(f"{len(found.problems)} problem(s); nothing is imported until they are fixed:")
        lines += [
            f"  row {p.row}{', column ' + p.column if p.column else ''}: {p.message}" for p in found.problems
        ]
    else:
        would = "" if found.imported else "would be "
        lines.append(
            f"{found.added} {would}added, {found.updated} {would}updated, {found.unchanged} unchanged."
        )
    return "\n".join(lines) + "\n"
