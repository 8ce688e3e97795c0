"""The diagnosis report and the questionnaire, as terminal text or Markdown."""

from __future__ import annotations

import textwrap
from typing import Any

from cer.content import Content
from cer.services.diagnosis import Report
from cer.views.schedule import target_lines
from diagnostics.describe import describe
from diagnostics.planner import PlannedTask
from diagnostics.questionnaire import LANGUAGES, Question, Questionnaire
from diagnostics.rules import Effect


class _Doc:
    """Headings, bullets and tables that come out as Markdown or as plain text."""

    def __init__(self, md: bool) -> None:
        self.md = md
        self.lines: list[str] = []

    def heading(self, text: str, level: int = 2) -> None:
        self.lines += ["", f"{'#' * level} {text}" if self.md else text.upper() if level == 2 else text, ""]

    def bullet(self, text: str, indent: int = 0) -> None:
        pad = "  " * indent
        if self.md:
            self.lines.append(f"{pad}- {text}")
        else:
            self.lines.append(
                textwrap.fill(text, 100, initial_indent=f"{pad}  - ", subsequent_indent=f"{pad}    ")
            )

    def table(self, header: list[str], rows: list[list[str]]) -> None:
        if self.md:
            self.lines += ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
            self.lines += ["| " + " | ".join(c.replace("|", "\\|") for c in row) + " |" for row in rows]
            return
        widths = [max(len(str(c)) for c in col) for col in zip(header, *rows, strict=True)]
        for row in [header, *rows]:
            self.lines.append(
                "  " + "  ".join(str(c).ljust(w) for c, w in zip(row, widths, strict=True)).rstrip()
            )

    def text(self) -> str:
        return "\n".join(self.lines).strip() + "\n"


def report(content: Content, r: Report, md: bool = False) -> str:
    fw, d, plan = content.framework, r.diagnosis, r.plan
    doc = _Doc(md)
    title = f"Diagnosis for {r.country.name} ({r.country.code})"
    doc.lines += [f"# {title}" if md else title]
    doc.lines.append(
        f"Questionnaire {d.questionnaire_version} · content {r.content_version} · "
        f"plan {plan.start.isoformat()} to {plan.end.isoformat()}"
    )
    doc.lines.append(f"Working days: {r.calendar.describe()}.")
    if plan.requested_start:
        asked, start = plan.requested_start.isoformat(), plan.start.isoformat()
        doc.lines.append(f"{asked} is not a working day: the plan starts {start}.")
    titles = {t.id: t.title for t in plan.tasks}
    doc.lines += target_lines(plan.finish_by, plan.shortfall_days, list(plan.chain), titles)
    if d.answers.missing:
        doc.lines.append(f"Draft: {len(d.answers.missing)} required question(s) not answered yet.")
    if d.answers.ignored:
        doc.lines.append(f"Set aside (not asked, given the other answers): {', '.join(d.answers.ignored)}.")
    doc.lines += [reason.text for reason in d.unapplied]
    doc.heading("Workstreams")
    for w in d.workstreams:
        mark = "selected" if w.selected else "not selected"
        doc.bullet(f"{w.code} {fw.workstream(w.code).name}: {mark}. {w.reasons[0].text}")
        for extra in w.reasons[1:]:
            doc.bullet(extra.text, 1)
    doc.heading(f"Needed actions ({len(d.needed)})")
    for a in d.needed:
        why = [x.text for x in a.reasons if x.effect is Effect.include]
        doc.bullet(f"{a.workstream} · {a.action} {fw.action(a.action).name}: {' '.join(why[:2])}")
    doc.heading(f"Recommended tools ({len(d.tools)})")
    for t in d.tools:
        doc.bullet(f"{t.tool} {content.catalogue.tool(t.tool).title}: {t.reasons[0].text}")
    for t in d.tools_excluded:
        doc.bullet(f"Not recommended: {t.tool} {content.catalogue.tool(t.tool).title}. {t.reasons[0].text}")
    doc.heading(f"Plan by step ({len(plan.tasks)} tasks; * = on the critical path)")
    for step in fw.steps:
        tasks = sorted((t for t in plan.tasks if t.step == step.number), key=lambda t: (t.start, t.id))
        if tasks:
            doc.heading(f"Step {step.number} · {step.name}", 3)
            doc.table(["", "Task", "Lead", "Start", "Due", "Slack", "After"], [_row(t) for t in tasks])
    return doc.text()


def _row(t: PlannedTask) -> list[str]:
    slack = "ongoing" if t.slack_days is None else f"{t.slack_days}d"
    after = ", ".join(t.depends_on) or "–"
    return [
        "*" if t.critical else "",
        f"{t.id} {t.title}",
        t.lead,
        t.start.isoformat(),
        t.due.isoformat(),
        slack,
        after,
    ]


def questionnaire_text(q: Questionnaire, lang: str) -> str:
    doc = _Doc(md=False)
    doc.lines.append(f"{q.title.get(lang)} (version {q.version})")
    doc.lines.append("Languages: " + ", ".join(f"{k} {v}%" for k, v in translation_coverage(q).items()))
    for section in q.sections:
        doc.heading(section.title.get(lang))
        for question in section.questions:
            doc.lines.append(
                f"{question.id}  {question.label.get(lang)}{'  (required)' if question.required else ''}"
            )
            for line in _question_details(q, question, lang):
                doc.bullet(line, 1)
    return doc.text()


def _question_details(q: Questionnaire, question: Question, lang: str) -> list[str]:
    details = [_answer_kind(q, question, lang)]
    if question.relevant_expr:
        details.append(f"Asked only when {describe(question.relevant_expr, q, lang)}.")
    if question.constraint_expr:
        details.append(f"Valid when {describe(question.constraint_expr, q, lang)}.")
    if question.actions:
        details.append(
            f"Step {question.step}; a 'no' or 'partly' opens action(s) {', '.join(question.actions)}."
        )
    if question.hint:
        details.append(question.hint.get(lang))
    return details


def _answer_kind(q: Questionnaire, question: Question, lang: str) -> str:
    choices = q.choices(question)
    if not choices:
        return f"Answer: {question.type.value}."
    shown = ", ".join(f"{c.value} ({c.label.get(lang)})" for c in choices)
    return f"Answer {'one or more' if question.type.value == 'multiple' else 'one'} of: {shown}."


def questionnaire_json(q: Questionnaire, lang: str) -> dict[str, Any]:
    data = q.model_dump(mode="json")
    for section in data["sections"]:
        for item in section["questions"]:
            question = q.questions[item["id"]]
            item["relevant_in_words"] = (
                describe(question.relevant_expr, q, lang) if question.relevant_expr else None
            )
            item["constraint_in_words"] = (
                describe(question.constraint_expr, q, lang) if question.constraint_expr else None
            )
    data["translation_coverage"] = translation_coverage(q)
    return data


def translation_coverage(q: Questionnaire) -> dict[str, int]:
    """Percentage of question labels translated, per language."""
    labels = [question.label for question in q.questions.values()]
    return {
        lang: round(100 * sum(1 for lb in labels if getattr(lb, lang)) / len(labels)) for lang in LANGUAGES
    }
