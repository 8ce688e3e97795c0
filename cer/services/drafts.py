"""Questionnaire drafts: answers saved as given (mistakes included) so that nothing typed is lost."""

from __future__ import annotations

import datetime as dt
import secrets
from collections.abc import Collection
from typing import Any

from sqlmodel import Session, col, select, update

from cer.content import Content
from cer.db.tables import DiagnosisDraftRow, DiagnosisRow, utcnow
from cer.services import diagnosis as diagnosing
from cer.services.access import Action, Principal, require
from cer.services.diagnosis import Report
from cer.services.errors import Forbidden
from cer.services.plans import ensure_country, store_diagnosis, stored_answers
from diagnostics.answers import AnswerSet
from workstreams.errors import N_, InvalidRequest, Message, NotFound
from workstreams.status import check_text

MAX_ANSWER_CHARS = 4000


def save_draft(
    *,
    session: Session,
    draft_id: str | None,
    questionnaire_version: str,
    country: str | None,
    answers: dict[str, Any],
    by: str,
    replacing: Collection[str] | None = None,
) -> DiagnosisDraftRow:
    """Create a draft (no `draft_id`) or change one's answers: all of them, or (`replacing`: a page's question
    ids) only those questions', the others kept as the draft holds them when saving — read again under a lock,
    so that what another page or person saved meanwhile stays. Returns the draft, committed."""
    if by:
        check_text(by=by)
    for qid, value in answers.items():
        if len(str(value)) > MAX_ANSWER_CHARS:
            raise InvalidRequest(
                N_("the answer to %(question)s is longer than %(most)s characters"),
                question=qid,
                most=MAX_ANSWER_CHARS,
            )
    draft = _locked(session, draft_id) if draft_id else None
    if draft is None:
        draft = DiagnosisDraftRow(id=secrets.token_urlsafe(16), questionnaire_version=questionnaire_version)
    others = {} if replacing is None else {k: v for k, v in draft.answers.items() if k not in replacing}
    draft.country_code = (country or "").strip().upper()[:3] or None
    draft.questionnaire_version = questionnaire_version
    draft.answers = others | dict(answers)
    draft.updated_by = by
    draft.updated_at = utcnow()
    session.add(draft)
    session.commit()
    session.refresh(draft)
    return draft


def _locked(session: Session, draft_id: str) -> DiagnosisDraftRow:
    """The draft as stored now, locked until the transaction ends: written first (a row lock in PostgreSQL,
    the write lock in SQLite), then read again."""
    touched = (
        update(DiagnosisDraftRow).where(col(DiagnosisDraftRow.id) == draft_id).values(updated_at=utcnow())
    )
    session.exec(touched)
    draft = session.get(DiagnosisDraftRow, draft_id, populate_existing=True)
    return draft if draft is not None else get_draft(session=session, draft_id=draft_id)


def get_draft(*, session: Session, draft_id: str) -> DiagnosisDraftRow:
    draft = session.get(DiagnosisDraftRow, draft_id)
    if draft is None:
        raise NotFound(
            N_("draft"), draft_id, [Message(N_("the link of a saved draft, from the Diagnose page"))]
        )
    return draft


def may_open(who: Principal, draft: DiagnosisDraftRow, action: Action = Action.read_plan) -> bool:
    """A draft of a country: its readers see it, its members change it; without a country yet, only the
    person who saved it (and an admin)."""
    if draft.country_code:
        return who.can(action, draft.country_code)
    return draft.updated_by == who.username or who.admin


def draft_for(
    *, session: Session, draft_id: str, who: Principal, action: Action = Action.read_plan
) -> DiagnosisDraftRow:
    """A draft, if `who` may do `action` with it (NotFound, then Forbidden)."""
    draft = get_draft(session=session, draft_id=draft_id)
    if not may_open(who, draft, action):
        if draft.country_code:
            require(who, action, draft.country_code)
        raise Forbidden(
            N_("draft %(id)s… is someone else's: only they (or an admin) may open it"), id=draft_id[:8]
        )
    return draft


def recent_drafts(*, session: Session, limit: int = 20) -> list[DiagnosisDraftRow]:
    """Drafts not yet diagnosed, newest first."""
    query = select(DiagnosisDraftRow).where(col(DiagnosisDraftRow.diagnosis_id).is_(None))
    return list(session.exec(query.order_by(col(DiagnosisDraftRow.updated_at).desc()).limit(limit)).all())


def readable_drafts(*, session: Session, who: Principal, limit: int = 100) -> list[DiagnosisDraftRow]:
    """The newest drafts `who` may open (see `may_open`), at most `limit`, among the 500 newest."""
    return [d for d in recent_drafts(session=session, limit=500) if may_open(who, d)][:limit]


def record_diagnosis(
    *, session: Session, report: Report, answer_set: AnswerSet, by: str, draft_id: str | None = None
) -> DiagnosisRow:
    """Store a diagnosis (and mark the draft it came from as diagnosed) in one transaction."""
    ensure_country(session, report)
    diagnosis = store_diagnosis(session=session, report=report, answer_set=answer_set, by=by)
    if draft_id:
        draft = get_draft(session=session, draft_id=draft_id)
        draft.diagnosis_id = diagnosis.id
        session.add(draft)
    session.commit()
    session.refresh(diagnosis)
    return diagnosis


def diagnosis_report(
    *, session: Session, content: Content, diagnosis_id: int, today: dt.date
) -> tuple[DiagnosisRow, Report]:
    """A stored diagnosis and its report, made again from its answers (the page and the API show it)."""
    row = session.get(DiagnosisRow, diagnosis_id)
    if row is None:
        raise NotFound(
            N_("diagnosis"), diagnosis_id, [Message(N_("the id of a stored diagnosis (its page's address)"))]
        )
    country, answer_set = stored_answers(session=session, diagnosis_id=diagnosis_id)
    report = diagnosing.run(content, answer_set, country=country, start=today, draft=not row.complete)
    return row, report
