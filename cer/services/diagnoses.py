"""Diagnoses, the same for every door: diagnose a country's answers and store the result, read one back with
its country's access rule, override one of its decisions with a justification (a new diagnosis)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

from pydantic import ValidationError
from sqlmodel import Session, col, select

from cer.content import Content
from cer.db.tables import DiagnosisRow
from cer.services.access import Action, Principal, require
from cer.services.diagnosis import Report, run
from cer.services.drafts import diagnosis_report, record_diagnosis
from cer.services.errors import Conflict, InvalidFields
from cer.services.plans import stored_answers
from diagnostics.answers import AnswerSet, Override
from workstreams.errors import N_, Message, NotFound

STALE = N_(
    "diagnosis %(number)s was changed meanwhile: diagnosis %(newest)s holds the decisions made since. "
    "Nothing was decided; decide again on diagnosis %(newest)s if it is still needed."
)


class Superseded(Conflict):
    """A decision posted on a diagnosis that a newer one already builds on (a form from an older tab, or
    the back button): deciding there would drop the decisions made since. `newest`: the diagnosis to use."""

    def __init__(self, number: int, newest: int) -> None:
        super().__init__(STALE, number=number, newest=newest)
        self.newest = newest


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
    (coordinator): a new diagnosis of the same answers, where a decision made before on the same item gives
    way to this one. Bad fields → InvalidFields; AnswersError when the override names something the content
    does not know. Conflict (`Superseded`) when a newer diagnosis builds on this one: see `newest_in_line`."""
    row = diagnosis_for(session=session, diagnosis_id=diagnosis_id, who=who, action=Action.manage_plan)
    newer = newest_in_line(session=session, row=row)
    if newer is not None:
        raise Superseded(diagnosis_id, newer.id or 0)
    country, answer_set = stored_answers(session=session, diagnosis_id=row.id or diagnosis_id)
    values = {k: v.strip() for k, v in fields.items() if v.strip()} | {"by": who.username}  # empty: missing
    try:
        override = Override.model_validate(values)
    except ValidationError as exc:
        raise InvalidFields.from_validation(exc) from None
    same = (override.target, override.id, override.workstream)
    kept = [o for o in answer_set.overrides if (o.target, o.id, o.workstream) != same]  # decided again
    new_set = answer_set.model_copy(update={"overrides": [*kept, override]})
    stored, _ = diagnose(session=session, who=who, content=content, answer_set=new_set, country=country)
    return stored


def newest_in_line(*, session: Session, row: DiagnosisRow) -> DiagnosisRow | None:
    """The newest diagnosis made after `row` that builds on it — the same country and answers, every item
    decided in `row` decided there too (perhaps otherwise) — or None: `row` is the newest of its line. A
    decision is made on the newest only, so that none made since is dropped."""
    decided = {_item(o) for o in row.overrides}
    newer = select(DiagnosisRow).where(
        DiagnosisRow.country_code == row.country_code, col(DiagnosisRow.id) > (row.id or 0)
    )
    for later in session.exec(newer.order_by(col(DiagnosisRow.id).desc())):
        if later.answers == row.answers and decided <= {_item(o) for o in later.overrides}:
            return later
    return None


def _item(override: Mapping[str, Any]) -> tuple[Any, Any, Any]:
    """What a stored override decides on: (target, id, workstream)."""
    return override.get("target"), override.get("id"), override.get("workstream")


def stored_diagnosis(
    *, session: Session, who: Principal, diagnosis_id: int, content: Content, today: dt.date
) -> tuple[DiagnosisRow, Report]:
    """A stored diagnosis and its report (made again from its answers), if `who` may read the plan."""
    diagnosis_for(session=session, diagnosis_id=diagnosis_id, who=who, action=Action.read_plan)
    return diagnosis_report(session=session, content=content, diagnosis_id=diagnosis_id, today=today)
