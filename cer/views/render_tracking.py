"""Tracked plans, tasks, runs and sign-offs as terminal text (their JSON is cer.views.public's models)."""

from __future__ import annotations

from collections import Counter

from cer.content import get_content
from cer.views import task_words
from cer.views.i18n import current_language, say
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
from cer.views.render_words import day, moment, status_word
from cer.views.run_states import said


def tasks_table(tasks: list[TaskPublic]) -> str:
    if not tasks:
        return say("No tasks match.") + "\n"
    width = 10 if all(day(t.due) == t.due.isoformat() for t in tasks) else 13
    h = [
        say("TASK"),
        say("VER"),
        say("STATUS"),
        say("DUE"),
        say("WS"),
        say("LEAD"),
        say("TITLE (* critical)"),
    ]
    head = f"{h[0]:<12} {h[1]:>3}  {h[2]:<12} {h[3]:<{width}}  {h[4]:<7} {h[5]:<16} {h[6]}"
    lines = [head]
    shown = get_content(lang=current_language())  # toolkit tasks' words in the command line's language
    for t in tasks:
        mark = "  *" if t.critical else ""
        ws = ",".join(t.workstreams)  # a shared task serves several: "A,B,G"
        status, due = status_word(t.status), day(t.due)
        lead = task_words.who(t.lead, shown)
        row = f"{t.ref:<12} {t.version:>3}  {status:<12} {due:<{width}}  {ws:<7} {lead:<16}"
        lines.append(f"{row} {task_words.title(t, shown)}{mark}")
    return "\n".join(lines) + "\n"


def edited_text(task: TaskEdited) -> str:
    """The task as changed, the tasks it moved and the conflicts it leaves."""
    text = tasks_table([task])
    if task.assignee or task.progress_note:
        text += say("Assigned to %(user)s", user=task.assignee or "—")
        progress = say("progress (%(day)s): %(note)s", day=day(task.progress_on), note=task.progress_note)
        text += f" · {progress}\n" if task.progress_note else "\n"
    if task.moved:
        text += say("Moved to follow it:") + f" {', '.join(task.moved)}\n"
    for c in task.conflicts:
        text += (
            say("Warning: %(task)s starts before %(other)s, which it depends on, ends", task=c.task,
                other=c.depends_on) + "\n"
        )  # fmt: skip
    return text


def plan_text(found: PlanWithTasks) -> str:
    plan, tasks = found.plan, found.tasks
    counts = Counter(t.status for t in tasks)
    summary = ", ".join(
        f"{n} {status_word(status).replace('_', ' ')}" for status, n in sorted(counts.items())
    )
    head = say(
        "Plan for %(country)s: %(start)s to %(end)s · workstreams %(workstreams)s · %(num)s tasks "
        "(%(summary)s)", country=plan.country, start=day(plan.start), end=day(plan.end),
        workstreams=" ".join(plan.workstreams), num=len(tasks), summary=summary,
    ) + "\n" + say(
        "Questionnaire %(questionnaire)s · content %(content)s · created by %(user)s on %(day)s",
        questionnaire=plan.questionnaire_version, content=plan.content_version, user=plan.created_by,
        day=day(plan.created_at.date()),
    ) + "\n"  # fmt: skip
    timing = plan.schedule.lines({t.key: t.title for t in tasks}) if plan.schedule else []
    return head + "".join(f"{line}\n" for line in timing) + "\n" + tasks_table(tasks)


def history_text(events: list[TaskEventPublic]) -> str:
    if not events:
        return say("No changes yet.") + "\n"
    lines = []
    for e in events:
        if e.field == "comment":
            what = say("comment: %(words)s", words=e.comment)
        else:
            old, new = (
                status_word(v) if e.field == "status" and isinstance(v, str) else v for v in (e.old, e.new)
            )
            what = f"{e.field}: {old} → {new}"
        why = f" ({e.comment})" if e.comment and e.field != "comment" else ""
        lines.append(f"{moment(e.at)} {e.by}: {what}{why}")
    return "\n".join(lines) + "\n"


def revision_text(revision: RevisionPublic) -> str:
    parts = [
        (say("Added"), revision.added),
        (say("Reinstated"), revision.reinstated),
        (say("Dropped"), revision.dropped),
        (say("Re-planned"), revision.changed),
    ]
    lines = [f"{label} ({len(keys)}): {', '.join(keys) if keys else '–'}" for label, keys in parts]
    return say("Re-diagnosis recorded.") + "\n" + "\n".join(lines) + "\n"


def started_text(started: StartedRunPublic) -> str:
    what = say("Already running, not started again") if started.already_running else say("Started")
    command = f"cer runs {started.country}"
    follow = say("follow it: %(command)s   or in Prefect's UI: %(url)s", command=command, url=started.url)
    return f"{what}: {started.name} ({started.flow_run_id})\n  {follow}\n"


def signoff_text(signed: SignOffPublic) -> str:
    facts = {"country": signed.country, "workstream": signed.workstream, "step": signed.step,
             "user": signed.signed_by, "when": moment(signed.signed_at)}  # fmt: skip
    lines = [
        say(
            "%(country)s %(workstream)s step %(step)s was already signed off by %(user)s on %(when)s UTC",
            **facts,
        )
        if signed.already_signed
        else say("%(country)s %(workstream)s step %(step)s signed off by %(user)s on %(when)s UTC", **facts)
    ]
    if signed.note:
        lines.append("  " + say("note: %(note)s", note=signed.note))
    if signed.open_tasks:
        lines.append("  " + say("open at sign-off: %(tasks)s", tasks=", ".join(signed.open_tasks)))
    lines += ["  " + say("resumed run %(run)s", run=run_id) for run_id in signed.resumed_runs]
    if signed.prefect:
        lines.append(f"  {signed.prefect}")
    return "\n".join(lines) + "\n"


def steps_text(country: str, workstream: str, steps: list[StepPublic]) -> str:
    h = (say("step"), say("tasks"), say("open"), say("state"))
    out = [
        say("%(country)s %(workstream)s: steps 1–6", country=country.upper(), workstream=workstream.upper()),
        f"  {h[0]:<6}{h[1]:>6}{h[2]:>6}  {h[3]}",
    ]
    for s in steps:
        if s.signed_by:
            state = say("signed off by %(user)s on %(day)s", user=s.signed_by,
                        day=day(s.signed_at.date()) if s.signed_at else "—")  # fmt: skip
        else:
            state = say("open, waiting for sign-off") if s.opened else say("not opened yet")
        out.append(f"  {s.step:<6}{s.tasks:>6}{s.open:>6}  {state}")
    return "\n".join(out) + "\n"


def runs_text(country: str, runs: list[FlowRunPublic]) -> str:
    if not runs:
        return (
            say("No flow runs for %(country)s yet (cer run workstream …, cer run change-process …)",
                country=country.upper()) + "\n"
        )  # fmt: skip
    out = []
    for r in runs:
        state = said(r.state, r.waiting_for_step) if r.in_words else said(None, None)
        out.append(f"{moment(r.created_at)}  {r.name or r.flow}: {state}  ({r.flow_run_id})")
    return "\n".join(out) + "\n"


def code_text(issued: SignOffCodePublic) -> str:
    head = say("Sign-off code for %(country)s %(workstream)s step %(step)s: %(code)s", country=issued.country,
               workstream=issued.workstream, step=issued.step, code=issued.code)  # fmt: skip
    tail = say(
        "type it into the form of the run waiting for that step (Prefect's UI): it signs the step off as "
        "%(user)s, once, until %(when)s UTC", user=issued.username, when=moment(issued.expires_at),
    )  # fmt: skip
    return f"{head}\n  {tail}\n"


def import_text(found: ImportPublic) -> str:
    """What an import did (or, for a dry run, would do): columns read, statuses mapped, each row, problems."""
    facts = {"file": found.filename, "country": found.country, "row": found.header_row}
    lines = [
        say("Imported %(file)s into %(country)s's plan (header in row %(row)s).", **facts)
        if found.imported
        else say("Checked %(file)s into %(country)s's plan (header in row %(row)s).", **facts)
    ]
    lines += [say("Columns read:"), *(f"  {name:<22} ← {column}" for name, column in found.mapping.items())]
    if found.statuses:
        lines += [
            say("Statuses:"),
            *(f"  {text!r} → {status_word(ours).replace('_', ' ')}" for text, ours in found.statuses.items()),
        ]
    row = say("row")
    for r in found.rows:
        target = f" ({r.task})" if r.task else ""
        changes = f": {', '.join(r.changes)}" if r.changes else ""
        lines.append(f"  {row} {r.row:<4} {r.ref:<8} {r.what}{target}{changes}")
    if found.problems:
        lines.append(
            say("%(num)s problem(s); nothing is imported until they are fixed:", num=len(found.problems))
        )
        lines += [_problem(p.row, p.column, p.message) for p in found.problems]
    else:
        counts = {"added": found.added, "updated": found.updated, "unchanged": found.unchanged}
        lines.append(
            say("%(added)s added, %(updated)s updated, %(unchanged)s unchanged.", **counts)
            if found.imported
            else say(
                "%(added)s would be added, %(updated)s would be updated, %(unchanged)s unchanged.", **counts
            )
        )
    return "\n".join(lines) + "\n"


def _problem(row: int, column: str | None, message: str) -> str:
    if column:
        return "  " + say(
            "row %(row)s, column %(column)s: %(message)s", row=row, column=column, message=message
        )
    return "  " + say("row %(row)s: %(message)s", row=row, message=message)
