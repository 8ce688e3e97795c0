"""The coordinator's side of a country's diagnostic round: the respondents' answers side by side per
question (who said what, the spread, agreement, the majority, ties), a decision per question with why, and
the diagnosis of the consensus — the same diagnosis and plan as one set of answers gives, with the spread of
the answers kept beside it for its reasons to cite ("4 of 6 agencies answered no")."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from pydantic import ValidationError
from sqlmodel import Session, select

from cer.content import Content
from cer.db.tables import (
    ConsensusDecisionRow,
    ConsensusDiagnosisRow,
    DiagnosisRow,
    DiagnosticRoundRow,
    RespondentRow,
    utcnow,
)
from cer.services import audit
from cer.services.access import Action, Principal, require
from cer.services.diagnosis import Report, run
from cer.services.errors import Conflict, InvalidFields
from cer.services.plans import ensure_country, store_diagnosis
from cer.services.respondents import country_code, current_round, round_respondents
from diagnostics import consensus as domain
from diagnostics.answers import AnswerSet
from diagnostics.questionnaire import QuestionType
from workstreams.errors import N_, Message, NotFound
from workstreams.status import check_text

MAX_WHY = 2000


@dataclass(frozen=True)
class QuestionSide:
    """One question, its answers side by side, and the answer the consensus takes."""

    spread: domain.Spread
    decision: ConsensusDecisionRow | None
    chosen: Any  # the decision's value, else the majority; None when undecided or unanswered


@dataclass(frozen=True)
class SideBySide:
    round: DiagnosticRoundRow | None  # None: the country has no round yet
    respondents: list[RespondentRow]
    questions: list[QuestionSide]  # in the questionnaire's order
    consensus: domain.Consensus
    word: str  # "agency" when every respondent speaks for an agency, else "respondent"


def side_by_side(*, session: Session, who: Principal, content: Content, country: str) -> SideBySide:
    """The country's newest round, its answers side by side (member role: those who answer see the others)."""
    code = country_code(country)
    require(who, Action.diagnose, code)
    found = current_round(session=session, country=code)
    if found is None:
        return SideBySide(None, [], [], domain.Consensus({}), "respondent")
    rows = round_respondents(session=session, round_id=found.id or 0)
    decided = {d.question: d for d in _decisions(session, found)}
    spreads = domain.spreads(content.questionnaire, {r.label: r.answers for r in rows})
    decisions = {q: domain.Decision(q, d.value, d.why, d.decided_by) for q, d in decided.items()}
    agreed = domain.consensus(spreads, decisions)
    sides = [QuestionSide(s, decided.get(s.question), agreed.answers.get(s.question)) for s in spreads]
    return SideBySide(found, rows, sides, agreed, _word(rows))


def _word(rows: list[RespondentRow]) -> str:
    agencies = all(r.kind == "agency" or (r.provenance or {}).get("agency") for r in rows)
    return "agency" if rows and agencies else "respondent"


def _decisions(session: Session, found: DiagnosticRoundRow) -> list[ConsensusDecisionRow]:
    return list(session.exec(select(ConsensusDecisionRow).where(ConsensusDecisionRow.round_id == found.id)))


def decide(
    *,
    session: Session,
    who: Principal,
    content: Content,
    country: str,
    question: str,
    value: Any,
    why: str | None = None,
) -> ConsensusDecisionRow | None:
    """The coordinator's answer to `question` in the country's open round, and why; None (or "") withdraws
    the decision (the majority answers again). Returns the decision, committed (None when withdrawn)."""
    code = country_code(country)
    require(who, Action.manage_plan, code)
    found = _open(session, code)
    typed = _typed(content, question, value)
    why = (why or "").strip() or None
    check_text(comment=why)
    if why is not None and len(why) > MAX_WHY:
        raise InvalidFields.of("why", N_("at most %(most)s characters"), most=MAX_WHY)
    row = session.exec(
        select(ConsensusDecisionRow).where(
            ConsensusDecisionRow.round_id == found.id, ConsensusDecisionRow.question == question
        )
    ).first()
    detail = {"question": question, "value": typed, "why": why}
    audit.record(
        session=session,
        actor=who.username,
        action="consensus_decided",
        country=code,
        target=question,
        **detail,
    )
    if typed is None:
        if row is not None:
            session.delete(row)
        session.commit()
        return None
    row = row or ConsensusDecisionRow(round_id=found.id or 0, question=question, decided_by=who.username)
    row.value, row.why, row.decided_by, row.decided_at = typed, why, who.username, utcnow()
    session.add(row)
    session.commit()
    session.refresh(row)
    return row


def _open(session: Session, code: str) -> DiagnosticRoundRow:
    found = current_round(session=session, country=code)
    if found is None:
        raise NotFound(N_("diagnostic round of"), code, [Message(N_("(no respondent has answered yet)"))])
    if found.status != "open":
        raise Conflict(N_("the round of %(code)s is closed: its answers no longer change"), code=code)
    return found


def _typed(content: Content, question: str, value: Any) -> Any:
    """A decided value as stored (JSON), checked against the question's type and choices."""
    q = content.questionnaire.questions.get(question)
    if q is None:
        raise NotFound(N_("question"), question, list(content.questionnaire.questions)[:10])
    if value is None or value == "" or value == []:
        return None
    if q.type is QuestionType.multiple and isinstance(value, str):
        value = [v.strip() for v in value.split(",") if v.strip()]
    try:
        typed = content.questionnaire.answer_model.model_validate({question: value}).model_dump()[question]
    except ValidationError as exc:
        raise InvalidFields.from_validation(exc) from None
    return typed.isoformat() if isinstance(typed, dt.date) else typed


@dataclass(frozen=True)
class ConsensusDiagnosis:
    row: DiagnosisRow
    report: Report
    spreads: dict[str, Any]  # question → the spread's facts (diagnostics.consensus.facts)
    word: str  # "agency" or "respondent"


def diagnose_consensus(
    *, session: Session, who: Principal, content: Content, country: str, draft: bool = False
) -> ConsensusDiagnosis:
    """Diagnose the round's consensus (coordinator): the same diagnosis and plan as one set of answers gives,
    stored with the spread of the answers per question. Refused (Conflict) while a tie waits for a decision;
    each respondent's answers stay as they are."""
    code = country_code(country)
    require(who, Action.manage_plan, code)
    found = _open(session, code)
    seen = side_by_side(session=session, who=who, content=content, country=code)
    if not seen.respondents:
        raise Conflict(N_("nobody has answered in %(code)s yet: nothing to diagnose"), code=code)
    if seen.consensus.undecided:
        raise Conflict(
            N_("decide the tied questions first: %(questions)s"),
            questions=", ".join(seen.consensus.undecided),
        )
    answer_set = AnswerSet(
        questionnaire_version=content.questionnaire.version, country=code, answers=seen.consensus.answers
    )
    report = run(content, answer_set, country=code, start=dt.date.today(), draft=draft)
    ensure_country(session, report)
    row = store_diagnosis(session=session, report=report, answer_set=answer_set, by=who.username)
    spreads = {
        s.spread.question: domain.facts(s.spread)
        | ({"decided_by": s.decision.decided_by} if s.decision else {})
        for s in seen.questions
        if s.spread.given
    }
    kept = ConsensusDiagnosisRow(
        round_id=found.id or 0, diagnosis_id=row.id or 0, respondent_kind=seen.word, spreads=spreads
    )
    session.add(kept)
    audit.record(
        session=session,
        actor=who.username,
        action="consensus_diagnosed",
        country=code,
        target=f"{code} round {found.number}",
        diagnosis_id=row.id,
        respondents=len(seen.respondents),
    )
    session.commit()
    session.refresh(row)
    return ConsensusDiagnosis(row, report, spreads, seen.word)


def diagnosis_spread(*, session: Session, diagnosis_id: int) -> tuple[dict[str, Any], str] | None:
    """The spread a consensus diagnosis was made from (question → facts) and the respondents' word; None for
    a diagnosis of one set of answers."""
    found = session.exec(
        select(ConsensusDiagnosisRow).where(ConsensusDiagnosisRow.diagnosis_id == diagnosis_id)
    ).first()
    return (dict(found.spreads), found.respondent_kind) if found is not None else None
