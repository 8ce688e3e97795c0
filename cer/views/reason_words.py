"""A diagnosis' reasons in the reader's language, made again from what each reason records.

A diagnosis stores each reason with its kind, its source (a rule, a question, a link) and the answers that
fired it, beside the words it was written in. Shown in another language, the words are made again from those
facts and the content in that language: a rule's reason from the translated rule with the answers as that
language labels them, a readiness reason from the question, a tool's link from the action. Where the facts do
not suffice (a reason from an older content, say) the stored words are shown as they are.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from typing import Any

from cer.content import Content, translations
from cer.views.i18n import N_
from cer.views.i18n import translations as interface
from diagnostics.questionnaire import Question, QuestionType
from diagnostics.selection import Reason

Say = Callable[[str], str]
_OVERRIDE = re.compile(r"^Overridden by the country team(?: \((?P<who>.*?)\))?: (?P<why>.*)$", re.S)
_UNAPPLIED = re.compile(
    r"^The override of action (?P<action>\S+) had no effect: (?:workstream (?P<code>[A-Z])|any)"
)
_TAILS = {"yes": N_("already in place"), "na": N_("marked not applicable")}
_STILL_TO_DO = N_("still to do")


def in_words(reason: Reason | Mapping[str, Any], content: Content, lang: str | None = None) -> str:
    """`reason` (a Reason, or one as the JSON API shows it) in `lang` (by default the content's)."""
    if not isinstance(reason, Reason):
        reason = Reason(
            reason["kind"], reason["source"], reason["effect"], reason["text"], reason.get("answers") or {}
        )
    lang = lang or content.lang
    say = interface(lang).gettext
    made = _remade(reason, content, say)
    if made is not None:
        return made
    return translations.catalogue(lang).get(reason.text, reason.text)


def _remade(reason: Reason, content: Content, say: Say) -> str | None:
    questionnaire = content.questionnaire
    if reason.kind == "rule":
        return _rule(reason, content)
    if reason.kind == "readiness":
        question = questionnaire.questions.get(reason.source)
        if question is None:
            return None
        label = question.label.get(content.lang)
        if reason.source not in reason.answers:
            return say("Not assessed yet: “%(question)s” has no answer.") % {"question": label}
        value = reason.answers[reason.source]
        tail = say(_TAILS.get(str(value), _STILL_TO_DO))
        answer = _shown(question, value, content)
        return say("You answered “%(answer)s” to “%(question)s”: %(tail)s.") % {
            "answer": answer,
            "question": label,
            "tail": tail,
        }
    if reason.kind == "link":
        code, _, action = reason.source.partition(":")
        if not code or not action:
            return None
        name = content.framework.action(action).name
        return say("Supports %(action)s “%(name)s”, needed in workstream %(code)s.") % {
            "action": action,
            "name": name,
            "code": code,
        }
    if reason.kind == "override":
        return _override(reason.text, say)
    return None


def _rule(reason: Reason, content: Content) -> str | None:
    rules = content.rules
    found = next(
        (
            r
            for r in (*rules.workstream_rules, *rules.action_rules, *rules.tool_rules)
            if r.id == reason.source
        ),
        None,
    )
    if found is None or not found.placeholders <= set(reason.answers):
        return None
    shown = {
        q: _shown(content.questionnaire.questions[q], reason.answers[q], content) for q in found.placeholders
    }
    try:
        return str(found.reason.format_map(shown))
    except (KeyError, ValueError):
        return None


def _shown(question: Question, value: Any, content: Content) -> str:
    questionnaire, lang = content.questionnaire, content.lang
    if value is None:
        return interface(lang).gettext("(no answer)")
    if isinstance(value, list):
        return ", ".join(questionnaire.choice_label(question, v, lang) for v in value)
    if question.type in (QuestionType.single, QuestionType.yes_no, QuestionType.readiness):
        return questionnaire.choice_label(question, value, lang)
    return str(value)


def _override(text: str, say: Say) -> str | None:
    if found := _OVERRIDE.match(text):
        if found["who"]:
            return say("Overridden by the country team (%(who)s): %(why)s") % {
                "who": found["who"],
                "why": found["why"],
            }
        return say("Overridden by the country team: %(why)s") % {"why": found["why"]}
    if found := _UNAPPLIED.match(text):
        if found["code"]:
            template = N_(
                "The override of action %(action)s had no effect: workstream %(code)s is not selected or "
                "lacks the action."
            )
        else:
            template = N_(
                "The override of action %(action)s had no effect: no selected workstream has the action."
            )
        return str(say(template) % {"action": found["action"], "code": found["code"]})
    return None
