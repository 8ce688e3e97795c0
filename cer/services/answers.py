"""The questionnaire answered in the browser: answers kept as a draft and diagnosed when asked; a stored
diagnosis shown with the plan its country has."""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection
from dataclasses import dataclass
from typing import Any

from sqlmodel import Session, select

from cer.content import Content
from cer.db.tables import DiagnosisDraftRow, DiagnosisRow, PlanRow
from cer.services.access import NEEDS, Action, Principal, require
from cer.services.diagnoses import diagnose, stored_diagnosis
from cer.services.diagnosis import Report
from cer.services.drafts import draft_for, save_draft
from cer.services.errors import Forbidden
from diagnostics.answers import AnswerSet
from workstreams.errors import N_

NO_ROLE_TO_KEEP = N_("keeping answers needs the member role in a country (ask an admin: cer users grant)")


@dataclass(frozen=True)
class Answered:
    draft: DiagnosisDraftRow | None  # None: no answer given, nothing stored
    diagnosis: DiagnosisRow | None  # stored when asked to diagnose


def may_keep_answers(who: Principal, country: str | None = None) -> bool:
    """`who` may keep answers for `country` (the member role there) or, for no country yet, as a draft of
    their own (the member role in some country)."""
    if country:
        return who.can(Action.diagnose, country)
    return any(role >= NEEDS[Action.diagnose] for role in who.roles.values())


def answer_questionnaire(
    *,
    session: Session,
    who: Principal,
    content: Content,
    draft_id: str | None,
    country: str | None,
    answers: dict[str, Any],
    diagnose_them: bool,
    replacing: Collection[str] | None = None,
) -> Answered:
    """Keep `answers` as a draft (a new one, or `draft_id`'s) and, with `diagnose_them`, diagnose them and
    store the diagnosis. Answers for a country need the member role there (Forbidden, nothing written);
    answers for no country yet are a draft of one's own (the member role somewhere). No answer at all is not
    a draft: nothing is stored (`Answered(None, None)`). `replacing`: the answers are a page's, for those
    questions; the draft's others are kept (see `save_draft`), and the draft's answers as saved are
    diagnosed."""
    version = content.questionnaire.version
    if draft_id:
        draft_for(session=session, draft_id=draft_id, who=who, action=Action.diagnose)
    if country:
        require(who, Action.diagnose, country)
    elif not may_keep_answers(who):
        raise Forbidden(NO_ROLE_TO_KEEP)
    if not answers and not draft_id:
        return Answered(None, None)
    draft = save_draft(
        session=session,
        draft_id=draft_id,
        questionnaire_version=version,
        country=country,
        answers=answers,
        by=who.username,
        replacing=replacing,
    )
    if not diagnose_them:
        return Answered(draft, None)
    answer_set = AnswerSet(questionnaire_version=version, country=country, answers=dict(draft.answers))
    stored, _ = diagnose(
        session=session, who=who, content=content, answer_set=answer_set, country=country, draft_id=draft.id
    )
    return Answered(draft, stored)


@dataclass(frozen=True)
class ShownDiagnosis:
    row: DiagnosisRow
    report: Report  # made again from its answers
    plan: PlanRow | None  # the plan its country has, if any


def diagnosis_with_plan(
    *, session: Session, who: Principal, content: Content, diagnosis_id: int, today: dt.date
) -> ShownDiagnosis:
    """A stored diagnosis, its report and its country's plan, if `who` may read that country's plan."""
    row, report = stored_diagnosis(
        session=session, who=who, diagnosis_id=diagnosis_id, content=content, today=today
    )
    plan = session.exec(select(PlanRow).where(PlanRow.country_code == row.country_code)).first()
    return ShownDiagnosis(row, report, plan)
