"""The respondents page of a country (cer.web.pages.respondents): the round's answers side by side per
question, grouped by the questionnaire's sections and said in the reader's language — the spread in words,
who said what, agreement or the majority, a tie waiting for the coordinator's decision, the decision taken —
and the choices a decision may take."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from cer.content import Content
from cer.db.tables import ConsensusDecisionRow
from cer.services.consensus import QuestionSide, SideBySide
from cer.views.render_spread import answer_words, said_spread
from diagnostics.questionnaire import QuestionType


@dataclass(frozen=True)
class QuestionShown:
    id: str
    label: str
    spread: str  # "2 of 3 respondents answered “No”; 1 of 3 respondents answered “Yes”"
    said: list[tuple[str, list[str]]]  # (an answer in words, who gave it), most given first
    agreement: bool
    tie: bool  # a tie with no decision yet
    tied: list[str]  # the tied answers in words
    chosen: str  # the consensus's answer in words ("" when none)
    decision: ConsensusDecisionRow | None
    field: str  # "select", "multiple" or "input"
    choices: list[tuple[str, str]]  # (value, label) of a choice question
    current: list[str]  # the values the decision form starts with


@dataclass(frozen=True)
class SectionShown:
    title: str
    questions: list[QuestionShown]


def sections_shown(seen: SideBySide, content: Content) -> list[SectionShown]:
    """Each section with the questions someone answered or the coordinator decided, in the questionnaire's
    order; `content` in the reader's language."""
    by_id = {side.spread.question: side for side in seen.questions}
    shown = []
    for section in content.questionnaire.sections:
        questions = [
            _question(by_id[q.id], seen.word, content)
            for q in section.questions
            if q.id in by_id and (by_id[q.id].spread.given or by_id[q.id].decision is not None)
        ]
        if questions:
            shown.append(SectionShown(section.title.get(content.lang), questions))
    return shown


def _question(side: QuestionSide, word: str, content: Content) -> QuestionShown:
    s = side.spread
    q = content.questionnaire.questions[s.question]

    def words(value: Any) -> str:
        return answer_words(content, s.question, value)

    choice = q.type not in (QuestionType.integer, QuestionType.date, QuestionType.text)
    chosen = side.chosen
    return QuestionShown(
        id=s.question,
        label=q.label.get(content.lang),
        spread=said_spread(s, word, content),
        said=[(words(v), s.who(v)) for v, _ in s.counts],
        agreement=s.agreement,
        tie=s.tie and side.decision is None,
        tied=[words(v) for v in s.tied],
        chosen=words(chosen) if chosen not in (None, "", []) else "",
        decision=side.decision,
        field=("multiple" if q.type is QuestionType.multiple else "select") if choice else "input",
        choices=[(c.value, c.label.get(content.lang)) for c in content.questionnaire.choices(q)],
        current=_values(chosen),
    )


def _values(value: Any) -> list[str]:
    if value in (None, "", []):
        return []
    return [str(v) for v in value] if isinstance(value, list) else [str(value)]
