"""Several respondents per country, as the JSON API and `cer respondents --json` answer: the round's
respondents and their answers, the answers side by side per question, the coordinator's decisions, and a
consensus diagnosis with the spread its reasons cite; and what the API accepts to change them."""

from __future__ import annotations

import datetime as dt
from typing import Any, Literal

from pydantic import Field

from cer.content import Content
from cer.db.tables import DiagnosticRoundRow, RespondentRow
from cer.services.consensus import ConsensusDiagnosis, QuestionSide, SideBySide
from cer.views.public import DiagnosisPublic
from cer.views.public_base import Public
from cer.views.render_spread import cited, said_spread
from cer.views.requests import Body
from diagnostics.rules import Effect
from diagnostics.selection import Reason


class RoundPublic(Public):
    number: int = Field(description="1 for the country's first round, then 2, 3…")
    status: str = Field(description="open or closed")
    questionnaire_version: str
    opened_by: str
    opened_at: dt.datetime


class RespondentPublic(Public):
    id: int
    label: str = Field(description="The user's name, the agency's acronym or the submitter")
    kind: str = Field(description="user, agency or import")
    user_id: int | None = None
    answers: dict[str, Any]
    provenance: dict[str, Any] | None = Field(
        default=None, description="An imported submission's id, uuid, time and submitter"
    )
    updated_by: str
    updated_at: dt.datetime

    @classmethod
    def of(cls, row: RespondentRow) -> RespondentPublic:
        return cls.model_validate(row)


class RespondentsPublic(Public):
    country: str
    round: RoundPublic | None = Field(description="None until someone answers")
    respondents: list[RespondentPublic]

    @classmethod
    def of(cls, country: str, seen: SideBySide) -> RespondentsPublic:
        return cls(
            country=country,
            round=_round(seen.round),
            respondents=[RespondentPublic.of(r) for r in seen.respondents],
        )


class ValueCount(Public):
    value: Any
    count: int
    respondents: list[str] = Field(description="Who gave it (for several choices: who ticked it)")


class DecisionPublic(Public):
    question: str
    value: Any
    why: str | None
    decided_by: str
    decided_at: dt.datetime


class QuestionConsensus(Public):
    question: str
    several: bool = Field(description="Several choices: counts are per choice")
    respondents: int = Field(description="Respondents in the round")
    answered: int = Field(description="Respondents who answered this question")
    agreement: bool
    counts: list[ValueCount] = Field(description="Most given first")
    majority: Any = Field(description="The answer given most often (None: a tie, or no answer)")
    tie: bool = Field(description="Two or more answers given equally often: the coordinator decides")
    tied: list[Any]
    decision: DecisionPublic | None
    chosen: Any = Field(description="The consensus's answer: the decision, else the majority")
    spread: str = Field(description="In words: '4 of 6 agencies answered “No”'")

    @classmethod
    def of(cls, side: QuestionSide, word: str, content: Content) -> QuestionConsensus:
        s = side.spread
        decision = DecisionPublic.model_validate(side.decision) if side.decision else None
        return cls(
            question=s.question,
            several=s.several,
            respondents=s.respondents,
            answered=s.answered,
            agreement=s.agreement,
            counts=[ValueCount(value=v, count=n, respondents=s.who(v)) for v, n in s.counts],
            majority=s.proposal,
            tie=s.tie,
            tied=list(s.tied),
            decision=decision,
            chosen=side.chosen,
            spread=said_spread(s, word, content),
        )


class ConsensusPublic(Public):
    country: str
    round: RoundPublic | None
    respondents: list[str] = Field(description="The respondents' labels, in the order they joined")
    word: Literal["agency", "respondent"] = Field(description="agency when every respondent is one")
    questions: list[QuestionConsensus] = Field(description="The questions someone answered or decided")
    undecided: list[str] = Field(description="Ties waiting for the coordinator's decision")
    answers: dict[str, Any] = Field(description="The consensus: the answer per question")

    @classmethod
    def of(cls, country: str, seen: SideBySide, content: Content) -> ConsensusPublic:
        shown = [q for q in seen.questions if q.spread.given or q.decision is not None]
        return cls(
            country=country,
            round=_round(seen.round),
            respondents=[r.label for r in seen.respondents],
            word="agency" if seen.word == "agency" else "respondent",
            questions=[QuestionConsensus.of(q, seen.word, content) for q in shown],
            undecided=seen.consensus.undecided,
            answers=seen.consensus.answers,
        )


class CitedReason(Public):
    about: str = Field(description="'workstream B', 'action 4.1 in B' or 'tool T054'")
    text: str = Field(description="The reason in words, with the spread of the answers it quotes")


class ConsensusDiagnosisPublic(Public):
    diagnosis: DiagnosisPublic
    spreads: dict[str, Any] = Field(description="Per question: answered, respondents, counts per value")
    word: str
    cited: list[CitedReason] = Field(description="The decisions' reasons that quote a spread, in words")

    @classmethod
    def of(cls, done: ConsensusDiagnosis, content: Content) -> ConsensusDiagnosisPublic:
        return cls(
            diagnosis=DiagnosisPublic.of(done.report, id=done.row.id, created_by=done.row.created_by),
            spreads=done.spreads,
            word=done.word,
            cited=[CitedReason(about=a, text=t) for a, t in citations(done, content)],
        )


def citations(done: ConsensusDiagnosis, content: Content, lang: str | None = None) -> list[tuple[str, str]]:
    """(what was decided, the reason in words with its spread) for each reason that selected a workstream or
    made an action needed and quotes an answer with a spread; an action's reason once for all its
    workstreams ("action 1.2 in A, B")."""
    d = done.report.diagnosis
    found: dict[tuple[str, str], list[str]] = {}
    for w in (w for w in d.workstreams if w.selected):
        for r in _citing(w.reasons, done):
            found.setdefault(("workstream " + w.code, cited(r, done.spreads, done.word, content, lang)), [])
    for a in d.needed:
        for r in _citing(a.reasons, done):
            found.setdefault((a.action, cited(r, done.spreads, done.word, content, lang)), []).append(
                a.workstream
            )
    return [
        (f"action {about} in {', '.join(codes)}" if codes else about, text)
        for (about, text), codes in found.items()
    ]


def _citing(reasons: list[Reason], done: ConsensusDiagnosis) -> list[Reason]:
    return [r for r in reasons if r.effect is Effect.include and any(q in done.spreads for q in r.answers)]


def _round(found: DiagnosticRoundRow | None) -> RoundPublic | None:
    return RoundPublic.model_validate(found) if found is not None else None


# ---- what the API accepts ----------------------------------------------------------------------------------


class RespondentCreate(Body):
    kind: Literal["user", "agency"] = Field(
        default="user", description="user: you answer as yourself; agency: a coordinator adds an agency"
    )
    label: str | None = Field(default=None, max_length=120, description="The agency's acronym (kind agency)")
    answers: dict[str, Any] = Field(default_factory=dict, description="Question id → answer; partial is fine")


class AnswersUpdate(Body):
    answers: dict[str, Any] = Field(description="Question id → answer: replaces the respondent's answers")


class DecisionRequest(Body):
    value: Any = Field(description="The consensus's answer to the question; null withdraws the decision")
    why: str | None = Field(default=None, max_length=2000, description="Why, in a sentence or two")
