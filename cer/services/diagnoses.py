"""Diagnoses, the same for every door: diagnose a country's answers and store the result, read one back with
its country's access rule, override one of its decisions with a justification (a new diagnosis)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping

from pydantic import ValidationError
from sqlmodel import Session

from cer.content import Content
from cer.db.tables import DiagnosisRow
from cer.services.access import Action, Principal, require
from cer.services.diagnosis import Report, run
from cer.services.drafts import diagnosis_report, record_diagnosis
from cer.services.errors import InvalidFields
from cer.services.plans import stored_answers
from diagnostics.answers import AnswerSet, Override
from workstreams.errors import N_, Message, NotFound


def diagnosis_for(*, session: Session, diagnosis_id: int, who: Principal, action: Action) -> DiagnosisRow:
    """A stored diagnosis, if `who` may do `action` in its country (NotFound for an unknown id)."""
    row = session.get(DiagnosisRow, diagnosis_id)
    if row is None:
        raise NotFound(
            N_("diagnosis"), diagnosis_id, [Message(N_("the number of a stored diagnosis (in its address)"))]
        )
    require(who, action, row.country_code)
    return row


def diagnose(
    *,
    session: Session,
    who: Principal,
    content: Content,
    answer_set: AnswerSet,
    country: str | None = None,
    draft: bool = False,
    draft_id: str | None = None,
) -> tuple[DiagnosisRow, Report]:
    """Diagnose a country's answers and store the diagnosis (member in the country; coordinator when the
    answers override a decision). Overrides are signed by `who`, whatever name they carried."""
    signed = [o.model_copy(update={"by": who.username}) for o in answer_set.overrides]
    answer_set = answer_set.model_copy(update={"overrides": signed})
    report = run(content, answer_set, country=country, start=dt.date.today(), draft=draft)
    require(who, Action.manage_plan if signed else Action.diagnose, report.country.code)
    row = record_diagnosis(
        session=session, report=report, answer_set=answer_set, by=who.username, draft_id=draft_id
    )
    return row, report


def override_decision(
    *, session: Session, who: Principal, content: Content, diagnosis_id: int, fields: Mapping[str, str]
) -> DiagnosisRow:
    """Override the rules for one workstream, action or tool of a diagnosis, with a justification
    (coordinator): a new diagnosis of the same answers. Bad fields → InvalidFields; AnswersError when the
    override names something the content does not know."""
    row = diagnosis_for(session=session, diagnosis_id=diagnosis_id, who=who, action=Action.manage_plan)
    country, answer_set = stored_answers(session=session, diagnosis_id=row.id or diagnosis_id)
    values = {k: (v.strip() or None) for k, v in fields.items()} | {"by": who.username}
    try:
        override = Override.model_validate(values)
    except ValidationError as exc:
        raise InvalidFields.from_validation(exc) from None
    new_set = answer_set.model_copy(update={"overrides": [*answer_set.overrides, override]})
    stored, _ = diagnose(session=session, who=who, content=content, answer_set=new_set, country=country)
    return stored


def stored_diagnosis(
    *, session: Session, who: Principal, diagnosis_id: int, content: Content, today: dt.date
) -> tuple[DiagnosisRow, Report]:
    """A stored diagnosis and its report (made again from its answers), if `who` may read the plan."""
    diagnosis_for(session=session, diagnosis_id=diagnosis_id, who=who, action=Action.read_plan)
    return diagnosis_report(session=session, content=content, diagnosis_id=diagnosis_id, today=today)
