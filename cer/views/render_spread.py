"""The spread of several respondents' answers in the reader's language: "4 of 6 agencies answered “No”".

A consensus diagnosis keeps, per question, how many respondents answered and how many gave each value
(cer.services.consensus, diagnostics.consensus.facts). A reason that quotes an answer to such a question is
said with its spread after it: "You answered “No” to “…”: still to do. (4 of 6 agencies answered “No”)".
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from cer.content import Content
from cer.views.i18n import translations
from cer.views.reason_words import in_words
from diagnostics.consensus import Spread, facts
from diagnostics.questionnaire import QuestionType
from diagnostics.selection import Reason


def spread_words(
    question: str, facts: Mapping[str, Any], value: Any, word: str, content: Content, lang: str | None = None
) -> str:
    """How many of the respondents gave `value` to `question` ("4 of 6 agencies answered “No”"); for several
    choices, each chosen choice ("3 of 5 agencies ticked “Cash”; …")."""
    lang = lang or content.lang
    t = translations(lang)
    total = int(facts.get("answered", 0))
    counts = {_k(v): int(n) for v, n in facts.get("counts", [])}
    values = value if isinstance(value, list) else [value]
    said = []
    for v in values:
        label = answer_words(content, question, v, lang)
        n = counts.get(_k(v), 0)
        if facts.get("several"):
            template = (
                t.ngettext(
                    "%(count)s of %(total)s agency ticked “%(answer)s”",
                    "%(count)s of %(total)s agencies ticked “%(answer)s”",
                    total,
                )
                if word == "agency"
                else t.ngettext(
                    "%(count)s of %(total)s respondent ticked “%(answer)s”",
                    "%(count)s of %(total)s respondents ticked “%(answer)s”",
                    total,
                )
            )
        else:
            template = (
                t.ngettext(
                    "%(count)s of %(total)s agency answered “%(answer)s”",
                    "%(count)s of %(total)s agencies answered “%(answer)s”",
                    total,
                )
                if word == "agency"
                else t.ngettext(
                    "%(count)s of %(total)s respondent answered “%(answer)s”",
                    "%(count)s of %(total)s respondents answered “%(answer)s”",
                    total,
                )
            )
        said.append(template % {"count": n, "total": total, "answer": label})
    if facts.get("decided_by"):
        said.append(t.gettext("decided by %(who)s") % {"who": facts["decided_by"]})
    return "; ".join(said)


def said_spread(s: Spread, word: str, content: Content, lang: str | None = None) -> str:
    """Every answer given to the question and how many gave it, most given first ("4 of 6 agencies answered
    “No”; 2 of 6 agencies answered “Yes”"); "" when nobody answered."""
    known = facts(s)
    return "; ".join(spread_words(s.question, known, v, word, content, lang) for v, _ in known["counts"])


def cited(
    reason: Reason | Mapping[str, Any],
    spreads: Mapping[str, Mapping[str, Any]],
    word: str,
    content: Content,
    lang: str | None = None,
) -> str:
    """`reason` in words (cer.views.reason_words.in_words), with the spread of each answer it quotes after it
    when the diagnosis was made from several respondents' answers."""
    text = in_words(reason, content, lang)
    answers = reason.answers if isinstance(reason, Reason) else (reason.get("answers") or {})
    spread = [
        spread_words(q, spreads[q], v, word, content, lang)
        for q, v in answers.items()
        if q in spreads and v not in (None, "", [])
    ]
    return f"{text} ({'; '.join(spread)})" if spread else text


def answer_words(content: Content, question: str, value: Any, lang: str | None = None) -> str:
    """An answer as the reader reads it: a choice's label (several: joined by commas), else the value."""
    q = content.questionnaire.questions.get(question)
    if isinstance(value, list):
        return ", ".join(answer_words(content, question, v, lang) for v in value)
    if q is not None and _choice(q.type):
        return content.questionnaire.choice_label(q, str(value), lang or content.lang)
    return str(value)


def _choice(kind: QuestionType) -> bool:
    return kind in (QuestionType.single, QuestionType.multiple, QuestionType.yes_no, QuestionType.readiness)


def _k(value: Any) -> str:
    return str(value)
