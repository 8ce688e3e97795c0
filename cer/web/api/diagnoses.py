"""Diagnoses: diagnose a country's answers and store the result; read a stored one."""

from __future__ import annotations

import datetime as dt
from typing import Annotated

from fastapi import APIRouter, Query, Request

from cer.services import diagnoses
from cer.views.public import DiagnosisPublic
from cer.web.api.errors import PERSONAL
from cer.web.deps import DB, CurrentUser, RowId, stored_content
from diagnostics.answers import AnswerSet

router = APIRouter(prefix="/api", tags=["api"], responses=PERSONAL)


@router.post("/diagnoses", status_code=201, response_model=DiagnosisPublic)
def api_diagnose(
    request: Request,
    answers: AnswerSet,
    session: DB,
    who: CurrentUser,
    draft: Annotated[bool, Query(description="Accept unanswered required questions")] = False,
) -> DiagnosisPublic:
    """Diagnose a country's answers and store it: workstreams, actions, tools with reasons, and the plan.
    Needs the member role in the country (the coordinator role to override a decision)."""
    row, report = diagnoses.diagnose(
        session=session, who=who, content=stored_content(request), answer_set=answers, draft=draft
    )
    return DiagnosisPublic.of(report, id=row.id)


@router.get("/diagnoses/{diagnosis_id}", response_model=DiagnosisPublic)
def api_diagnosis(request: Request, diagnosis_id: RowId, session: DB, who: CurrentUser) -> DiagnosisPublic:
    """A stored diagnosis, as it was diagnosed (made again from its answers)."""
    row, report = diagnoses.stored_diagnosis(
        session=session,
        who=who,
        diagnosis_id=diagnosis_id,
        content=stored_content(request),
        today=dt.date.today(),
    )
    return DiagnosisPublic.of(report, id=row.id, created_by=row.created_by, created_at=row.created_at)
