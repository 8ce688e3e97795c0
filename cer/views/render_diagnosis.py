"""The diagnosis report and the questionnaire, as terminal text or Markdown."""

from __future__ import annotations

import textwrap
from collections.abc import Mapping
from typing import Any

from cer.content import Content
from cer.services.diagnosis import Report
from cer.views.i18n import N_, say, translations, using_language
from cer.views.reason_words import in_words
from cer.views.render_words import day
from cer.views.schedule import calendar_words, target_lines
from diagnostics.describe import describe
from diagnostics.expressions import Expression
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
    title = say("Diagnosis for %(country)s (%(code)s)", country=r.country.name, code=r.country.code)
    doc.lines += [f"# {title}" if md else title]
    doc.lines.append(
        say("Questionnaire %(questionnaire)s · content %(content)s · plan %(start)s to %(end)s",
            questionnaire=d.questionnaire_version, content=r.content_version, start=day(plan.start),
            end=day(plan.end))
    )  # fmt: skip
    days = calendar_words(r.calendar.choice, r.calendar.public_known)
    doc.lines.append(say("Working days: %(days)s.", days=days))
    if plan.requested_start:
        asked, start = day(plan.requested_start), day(plan.start)
        doc.lines.append(
            say("%(asked)s is not a working day: the plan starts %(start)s.", asked=asked, start=start)
        )
    titles = {t.id: t.title for t in plan.tasks}
    doc.lines += target_lines(plan.finish_by, plan.shortfall_days, list(plan.chain), titles)
    _answers(doc, r, content)
    _selection(doc, content, r)
    doc.heading(say("Plan by step (%(num)s tasks; * = on the critical path)", num=len(plan.tasks)))
    head = ["", say("Task"), say("Lead"), say("Start"), say("Due"), say("Slack"), say("After")]
    for step in fw.steps:
        tasks = sorted((t for t in plan.tasks if t.step == step.number), key=lambda t: (t.start, t.id))
        if tasks:
            doc.heading(say("Step %(number)s · %(name)s", number=step.number, name=step.name), 3)
            doc.table(head, [_row(t) for t in tasks])
    return doc.text()


def _answers(doc: _Doc, r: Report, content: Content) -> None:
    d = r.diagnosis
    if d.answers.missing:
        num = len(d.answers.missing)
        doc.lines.append(say("Draft: %(num)s required question(s) not answered yet.", num=num))
    if d.answers.ignored:
        ignored = ", ".join(d.answers.ignored)
        doc.lines.append(say("Set aside (not asked, given the other answers): %(ids)s.", ids=ignored))
    doc.lines += [in_words(reason, content) for reason in d.unapplied]


def _selection(doc: _Doc, content: Content, r: Report) -> None:
    """The workstreams, actions and tools selected, each with its reasons."""
    fw, d = content.framework, r.diagnosis
    doc.heading(say("Workstreams"))
    for w in d.workstreams:
        mark = say("selected") if w.selected else say("not selected")
        doc.bullet(f"{w.code} {fw.workstream(w.code).title}: {mark}. {in_words(w.reasons[0], content)}")
        for extra in w.reasons[1:]:
            doc.bullet(in_words(extra, content), 1)
    doc.heading(say("Needed actions (%(num)s)", num=len(d.needed)))
    for a in d.needed:
        why = [in_words(x, content) for x in a.reasons if x.effect is Effect.include]
        doc.bullet(f"{a.workstream} · {a.action} {fw.action(a.action).name}: {' '.join(why[:2])}")
    doc.heading(say("Recommended tools (%(num)s)", num=len(d.tools)))
    for t in d.tools:
        doc.bullet(f"{t.tool} {content.catalogue.tool(t.tool).title}: {in_words(t.reasons[0], content)}")
    for t in d.tools_excluded:
        tool = f"{t.tool} {content.catalogue.tool(t.tool).title}"
        doc.bullet(say("Not recommended: %(tool)s.", tool=tool) + f" {in_words(t.reasons[0], content)}")


def _row(t: PlannedTask) -> list[str]:
    slack = say("ongoing") if t.slack_days is None else say("%(days)sd", days=t.slack_days)
    after = ", ".join(t.depends_on) or "–"
    return ["*" if t.critical else "", f"{t.id} {t.title}", t.lead, day(t.start), day(t.due), slack, after]


def questionnaire_text(q: Questionnaire, lang: str) -> str:
    """The questionnaire in words, its labels and our own words in `lang` (a command's own `--lang` wins
    over the command line's)."""
    with using_language(lang):
        return _questionnaire_text(q, lang)


def _questionnaire_text(q: Questionnaire, lang: str) -> str:
    doc = _Doc(md=False)
    doc.lines.append(say("%(title)s (version %(version)s)", title=q.title.get(lang), version=q.version))
    coverage = ", ".join(f"{k} {v}%" for k, v in translation_coverage(q).items())
    doc.lines.append(say("Languages: %(coverage)s", coverage=coverage))
    required = "  " + say("(required)")
    for section in q.sections:
        doc.heading(section.title.get(lang))
        for question in section.questions:
            doc.lines.append(
                f"{question.id}  {question.label.get(lang)}{required if question.required else ''}"
            )
            for line in _question_details(q, question, lang):
                doc.bullet(line, 1)
    return doc.text()


def condition_in_words(expr: Expression | None, q: Questionnaire, lang: str) -> str | None:
    """A skip-logic or constraint condition in `lang`: questions and choices by their labels, the phrases
    around them from the catalogue (None: no condition)."""
    return describe(expr, q, lang, translations(lang).gettext) if expr is not None else None


def _question_details(q: Questionnaire, question: Question, lang: str) -> list[str]:
    details = [_answer_kind(q, question, lang)]
    if asked := condition_in_words(question.relevant_expr, q, lang):
        details.append(say("Asked only when %(condition)s.", condition=asked))
    if valid := condition_in_words(question.constraint_expr, q, lang):
        details.append(say("Valid when %(condition)s.", condition=valid))
    if question.actions:
        details.append(
            say("Step %(step)s; a 'no' or 'partly' opens action(s) %(actions)s.", step=question.step,
                actions=", ".join(question.actions))
        )  # fmt: skip
    if question.hint:
        details.append(question.hint.get(lang))
    return details


def _answer_kind(q: Questionnaire, question: Question, lang: str) -> str:
    choices = q.choices(question)
    if not choices:
        return say("Answer: %(kind)s.", kind=question.type.value)
    shown = ", ".join(f"{c.value} ({c.label.get(lang)})" for c in choices)
    if question.type.value == "multiple":
        return say("Answer one or more of: %(choices)s.", choices=shown)
    return say("Answer one of: %(choices)s.", choices=shown)


def questionnaire_json(q: Questionnaire, lang: str) -> dict[str, Any]:
    data = q.model_dump(mode="json")
    for section in data["sections"]:
        for item in section["questions"]:
            question = q.questions[item["id"]]
            item["relevant_in_words"] = condition_in_words(question.relevant_expr, q, lang)
            item["constraint_in_words"] = condition_in_words(question.constraint_expr, q, lang)
    data["translation_coverage"] = translation_coverage(q)
    return data


def translation_coverage(q: Questionnaire) -> dict[str, int]:
    """Percentage of question labels translated, per language."""
    labels = [question.label for question in q.questions.values()]
    return {
        lang: round(100 * sum(1 for lb in labels if getattr(lb, lang)) / len(labels)) for lang in LANGUAGES
    }


# ---- the result page's decisions, each with its place in the page ------------------------------------------

_PREFIX = {"workstream": "ws", "action": "a", "tool": "t"}
N_ACTIONS = N_("Actions not needed")  # the groups of the select "Include something else"
N_TOOLS = N_("Tools not recommended")


def anchor(target: str, item: str, workstream: str | None = None) -> str:
    """Where an item's decision is in the result page: `ws-D`, `a-D-4-1` (an action in a workstream),
    `t-T054`; an action decided in every workstream, the actions' heading."""
    if target == "action" and not workstream:
        return "actions-h"
    parts = [_PREFIX.get(target, "x"), *([workstream] if target == "action" and workstream else []), item]
    return "-".join(p.replace(".", "-") for p in parts)


def item_name(content: Content, target: str, item: str) -> str:
    """An item as a person knows it: "D Common Premises", "4.1 Establish the OMT", "T054 Title"."""
    if target == "workstream":
        return f"{item} {content.framework.workstream(item).title}"
    if target == "action":
        return f"{item} {content.framework.action(item).name}"
    return f"{item} {content.catalogue.tool(item).title}"


def overridden(item: Mapping[str, Any]) -> bool:
    """Whether a person's decision (not the rules) decided this item: its first reason is an override."""
    reasons = item.get("reasons") or []
    return bool(reasons) and reasons[0].get("kind") == "override"


class Decisions:
    """The result (`DiagnosisPublic` as JSON) as its page shows it: the actions needed and those a person
    excluded, by step; the tools recommended and those excluded, by workstream; what else may be included."""

    def __init__(self, result: Mapping[str, Any], content: Content) -> None:
        self.result, self.content = result, content
        excluded = [a | {"excluded": True} for a in result["actions_not_needed"] if overridden(a)]
        shown = sorted([*result["actions"], *excluded], key=lambda a: (a["step"], a["id"], a["workstream"]))
        self.steps: list[tuple[int, list[dict[str, Any]]]] = []
        for a in shown:
            if not self.steps or self.steps[-1][0] != a["step"]:
                self.steps.append((a["step"], []))
            self.steps[-1][1].append(a)
        self.tools = [*result["tools"], *(t | {"excluded": True} for t in result["tools_excluded"])]
        by_workstream: dict[str, list[dict[str, Any]]] = {}
        for t in self.tools:  # grouped by the first workstream each tool serves, in the framework's order
            by_workstream.setdefault(content.catalogue.tool(t["id"]).workstreams[0], []).append(t)
        self.tool_groups = [(w.code, by_workstream[w.code]) for w in content.framework.workstreams
                            if w.code in by_workstream]  # fmt: skip
        self.selected = sum(1 for w in result["workstreams"] if w["selected"])

    def open_group(self, target: str, items: list[dict[str, Any]], at: str | None) -> bool:
        """A group of actions or tools is shown open when a person decided one of them, or when one's form
        was refused (the form at `at`)."""
        return any(overridden(i) or anchor(target, i["id"], i.get("workstream")) == at for i in items)

    def others(self) -> list[tuple[str, list[tuple[str, str]]]]:
        """What the result leaves out and a person may include, as the select's groups of (value, label):
        the actions not needed in a selected workstream, the tools not recommended."""
        fw = self.content.framework
        actions = [
            (
                f"action:{a['id']}@{a['workstream']}",
                f"{a['workstream']} · {a['id']} {fw.action(a['id']).name}",
            )
            for a in sorted(self.result["actions_not_needed"], key=lambda a: (a["workstream"], a["id"]))
            if not overridden(a)
        ]
        taken = {t["id"] for t in self.tools}
        tools = [
            (f"tool:{t.id}", f"{t.id} {t.title}") for t in self.content.catalogue.tools if t.id not in taken
        ]
        return [(N_ACTIONS, actions), (N_TOOLS, tools)]
