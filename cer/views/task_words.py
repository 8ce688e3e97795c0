"""A plan's toolkit tasks in the reader's language.

A task the diagnosis made keeps the toolkit's English words in the database (its title, description, lead
and contributors are the same for every reader, and a re-diagnosis compares them), and is shown in the
reader's language: its words made again from the content in that language. A task the country team wrote or
imported, a workstream run's task, and a task whose stored words are no longer the content's (made from an
older content) are shown as they are.
"""

from __future__ import annotations

from typing import Any

from cer.content import Content, get_content, translations
from cer.views.i18n import translations as interface
from cer.views.reason_words import in_words
from diagnostics.answers import AnswersError, AnswerSet, validate_answers
from diagnostics.planner import task_words
from diagnostics.rules import Effect
from diagnostics.selection import Diagnosis, diagnose


def _made_by_the_toolkit(task: Any, english: Content) -> tuple[str, str] | None:
    if getattr(task, "custom", False) or getattr(task, "template", "") or not getattr(task, "action", None):
        return None
    try:
        made = task_words(english.framework, task.action, task.workstream)
    except (KeyError, LookupError, ValueError):
        return None
    return made if made[0] == task.title else None


def title(task: Any, content: Content) -> str:
    """The task's title as the reader reads it."""
    if content.lang == "en":
        return str(task.title)
    english = get_content(content.root)
    if _made_by_the_toolkit(task, english) is None:
        return str(task.title)
    return task_words(content.framework, task.action, task.workstream)[0]


def description(task: Any, content: Content) -> str:
    if content.lang == "en":
        return str(task.description)
    english = get_content(content.root)
    made = _made_by_the_toolkit(task, english)
    if made is None or made[1] != task.description:
        return str(task.description)
    step = content.framework.step(task.step)
    action = content.framework.action(task.action)
    details = " ".join(filter(None, [action.detail, *action.sub_activities]))
    heading = interface(content.lang).gettext("Step %(number)s · %(name)s.") % {
        "number": step.number,
        "name": step.name,
    }
    return f"{heading} {details}".strip()


def who(name: str | None, content: Content) -> str:
    """A lead or contributor: a planning role's name in the reader's language; anyone else as written."""
    if not name or content.lang == "en":
        return name or ""
    return translations.catalogue(content.lang).get(name, name)


def everyone(names: list[str] | None, content: Content) -> list[str]:
    return [who(n, content) for n in names or []]


def why(task: Any, diagnosis: Diagnosis | None, content: Content) -> list[str]:
    """Why the diagnosis made the task, in the content's language: the reasons the planner lists (those for
    the action in each of the task's workstreams, then each workstream's own), made again from the plan's
    diagnosis. The stored lines when the diagnosis no longer gives them (answers or content changed since)."""
    stored = [str(line) for line in getattr(task, "provenance", None) or []]
    if diagnosis is None or not stored or content.lang == "en":
        return stored
    english = get_content(content.root)
    if _lines(task, diagnosis, english) != stored:
        return stored
    return _lines(task, diagnosis, content)


def _lines(task: Any, diagnosis: Diagnosis, content: Content) -> list[str]:
    codes = list(task.workstreams)
    decisions = [d for d in diagnosis.actions if d.action == task.action and d.workstream in codes]
    lists = {id(d.reasons): d.reasons for d in decisions}.values()
    lines = list(
        dict.fromkeys(in_words(r, content) for rs in lists for r in rs if r.effect is Effect.include)
    )
    say = interface(content.lang).gettext
    workstreams = {w.code: w for w in diagnosis.workstreams}
    for code in codes:
        if code in workstreams and workstreams[code].reasons:
            reason = in_words(workstreams[code].reasons[0], content)
            lines.append(say("Workstream %(code)s applies: %(reason)s") % {"code": code, "reason": reason})
    return lines


def why_from(task: Any, answers: AnswerSet | None, content: Content) -> list[str]:
    """`why`, the plan's diagnosis made again from its stored answers (against the English content, whose
    words the stored lines are in); the stored lines when that is not possible."""
    stored = [str(line) for line in getattr(task, "provenance", None) or []]
    if answers is None or not stored or content.lang == "en":
        return stored
    english = get_content(content.root)
    try:
        validated = validate_answers(english.questionnaire, answers, final=False)
    except (AnswersError, ValueError):
        return stored
    diagnosis = diagnose(
        questionnaire=english.questionnaire,
        rules=english.rules,
        framework=english.framework,
        catalogue=english.catalogue,
        answers=validated,
    )
    return why(task, diagnosis, content)
