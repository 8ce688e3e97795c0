"""Several respondents answer the same questionnaire for a country; a coordinator settles one answer per
question. Pure: given the questionnaire and each respondent's answers (label → values), per question the
answers given (who said what), their spread, whether they agree, the majority and the ties to decide.

How an answer is proposed (the default a coordinator may change):
- one value (readiness, yes/no, single choice, number, date, text): the value given most often, compared as
  given (two texts differing by a letter are two values); two or more values given equally often are a tie,
  and the question waits for a decision;
- several choices (select_multiple): choice by choice, a choice is in the answer when more than half of those
  who answered ticked it; a choice ticked by exactly half is a tie. Identical sets of choices are agreement.
Unanswered is never counted: "4 of 6 said no" means 6 respondents answered that question.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from diagnostics.questionnaire import Questionnaire, QuestionType

Key = Any  # a value as compared: a string, a number, or for several choices a sorted tuple


@dataclass(frozen=True)
class Spread:
    """The answers to one question, side by side."""

    question: str
    several: bool  # a select_multiple question: `counts` are per choice
    given: tuple[tuple[str, Any], ...]  # (respondent, value) for each respondent who answered, in order
    counts: tuple[tuple[Any, int], ...]  # value (or choice) → how many gave it, most first
    respondents: int  # how many respondents there are (answered or not)
    proposal: Any = None  # the majority answer; None when nobody answered or a tie leaves it open
    tied: tuple[Any, ...] = ()  # values (or choices) given equally often at the top: decide

    @property
    def answered(self) -> int:
        return len(self.given)

    @property
    def agreement(self) -> bool:
        """Everyone who answered gave the same answer (and at least one did)."""
        return bool(self.given) and len({_key(v) for _, v in self.given}) == 1

    @property
    def tie(self) -> bool:
        return bool(self.tied)

    def count(self, value: Any) -> int:
        """How many gave `value` (for several choices: how many ticked that choice)."""
        wanted = value if self.several else _key(value)
        return next((n for v, n in self.counts if (v if self.several else _key(v)) == wanted), 0)

    def who(self, value: Any) -> list[str]:
        """The respondents who gave `value` (for several choices: who ticked it)."""
        if self.several:
            return [label for label, v in self.given if value in v]
        return [label for label, v in self.given if _key(v) == _key(value)]


@dataclass(frozen=True)
class Decision:
    """A coordinator's answer to one question, and why."""

    question: str
    value: Any
    why: str | None = None
    by: str | None = None


@dataclass(frozen=True)
class Consensus:
    """The answer chosen per question: the coordinator's decision, else the majority."""

    answers: dict[str, Any]
    undecided: list[str] = field(default_factory=list)  # ties with no decision yet
    decided: list[str] = field(default_factory=list)  # questions a decision answered

    @property
    def settled(self) -> bool:
        return not self.undecided


def _key(value: Any) -> Key:
    if isinstance(value, list | tuple):
        return tuple(sorted(str(v) for v in value))
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, bool):
        return str(value).lower()
    return value


def _given(respondents: Mapping[str, Mapping[str, Any]], qid: str) -> tuple[tuple[str, Any], ...]:
    return tuple(
        (label, answers[qid])
        for label, answers in respondents.items()
        if answers.get(qid) not in (None, "", [])
    )


def spread(
    questionnaire: Questionnaire, respondents: Mapping[str, Mapping[str, Any]], question: str
) -> Spread:
    """The answers to `question` side by side (`respondents`: label → that respondent's answers)."""
    q = questionnaire.questions[question]
    given = _given(respondents, question)
    if q.type is QuestionType.multiple:
        return _several(questionnaire.allowed_values(q), question, given, len(respondents))
    order = {v: i for i, v in enumerate(questionnaire.allowed_values(q))}
    tally = Counter(_key(v) for _, v in given)
    first: dict[Key, Any] = {}
    for _, v in given:
        first.setdefault(_key(v), v)
    ranked = sorted(tally.items(), key=lambda kv: (-kv[1], order.get(kv[0], len(order)), str(kv[0])))
    counts = tuple((first[k], n) for k, n in ranked)
    top = [v for v, n in counts if n == counts[0][1]] if counts else []
    if len(top) > 1:
        return Spread(question, False, given, counts, len(respondents), None, tuple(top))
    return Spread(question, False, given, counts, len(respondents), top[0] if top else None)


def _several(
    allowed: tuple[str, ...], qid: str, given: tuple[tuple[str, Any], ...], respondents: int
) -> Spread:
    ticks = Counter(str(choice) for _, value in given for choice in set(value))
    order = {v: i for i, v in enumerate(allowed)}
    counts = tuple(sorted(ticks.items(), key=lambda kv: (-kv[1], order.get(kv[0], len(order)), kv[0])))
    half = len(given) / 2
    tied = tuple(c for c, n in counts if n == half)
    if not given:
        return Spread(qid, True, given, counts, respondents)
    chosen = sorted((c for c, n in counts if n > half), key=lambda c: order.get(c, len(order)))
    return Spread(qid, True, given, counts, respondents, None if tied else chosen, tied)


def spreads(questionnaire: Questionnaire, respondents: Mapping[str, Mapping[str, Any]]) -> list[Spread]:
    """Every question's spread, in the questionnaire's order."""
    return [spread(questionnaire, respondents, qid) for qid in questionnaire.questions]


def consensus(spread_list: list[Spread], decisions: Mapping[str, Decision]) -> Consensus:
    """The answer per question: a decision where there is one, else the majority; ties without a decision
    are `undecided` (and left out of the answers)."""
    answers: dict[str, Any] = {}
    undecided, decided = [], []
    for s in spread_list:
        decision = decisions.get(s.question)
        if decision is not None:
            if decision.value not in (None, "", []):
                answers[s.question] = decision.value
            decided.append(s.question)
        elif s.tie:
            undecided.append(s.question)
        elif s.proposal not in (None, []):
            answers[s.question] = s.proposal
    return Consensus(answers, undecided, decided)


def facts(s: Spread) -> dict[str, Any]:
    """A spread as stored with a consensus diagnosis, to be said in words beside the reasons that quote the
    question: how many answered, and how many gave each value (each choice)."""
    return {
        "answered": s.answered,
        "respondents": s.respondents,
        "several": s.several,
        "counts": [[_plain(v), n] for v, n in s.counts],
    }


def _plain(value: Any) -> Any:
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, tuple):
        return list(value)
    return value
