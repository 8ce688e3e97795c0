"""Several respondents per country: the round's respondents and their answers, the answers side by side
(the consensus), the coordinator's decision per question, and the diagnosis of the consensus."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path, Query, Request

from cer.services import consensus, respondents
from cer.views.public_respondents import (
    AnswersUpdate,
    ConsensusDiagnosisPublic,
    ConsensusPublic,
    DecisionRequest,
    RespondentCreate,
    RespondentPublic,
    RespondentsPublic,
)
from cer.web.api.errors import PERSONAL
from cer.web.deps import DB, CurrentUser, RowId, stored_content

router = APIRouter(prefix="/api", tags=["api"], responses=PERSONAL)
Code = Annotated[str, Path(max_length=60, description="ISO 3166 alpha-3, e.g. MWI")]
QuestionId = Annotated[str, Path(max_length=60, description="A question's id, e.g. dq05")]


@router.get("/countries/{code}/respondents", response_model=RespondentsPublic)
def api_respondents(request: Request, code: Code, session: DB, who: CurrentUser) -> RespondentsPublic:
    """The country's round and its respondents with their answers (member role)."""
    seen = consensus.side_by_side(session=session, who=who, content=stored_content(request), country=code)
    return RespondentsPublic.of(respondents.country_code(code), seen)


@router.post("/countries/{code}/respondents", status_code=201, response_model=RespondentPublic)
def api_add_respondent(
    request: Request, code: Code, body: RespondentCreate, session: DB, who: CurrentUser
) -> RespondentPublic:
    """Answer as yourself (kind user, member role; again: your answers are replaced), or add an agency
    that answers (kind agency, coordinator role). Each respondent's answers are kept apart."""
    row = respondents.join_round(
        session=session, who=who, content=stored_content(request), country=code, **body.model_dump()
    )
    return RespondentPublic.of(row)


@router.put("/countries/{code}/respondents/{respondent_id}/answers", response_model=RespondentPublic)
def api_respondent_answers(
    request: Request, code: Code, respondent_id: RowId, body: AnswersUpdate, session: DB, who: CurrentUser
) -> RespondentPublic:
    """Replace a respondent's answers: your own (member role), anyone's (coordinator role)."""
    row = respondents.save_answers(
        session=session, who=who, content=stored_content(request), country=code,
        respondent_id=respondent_id, answers=body.answers,
    )  # fmt: skip
    return RespondentPublic.of(row)


@router.get("/countries/{code}/consensus", response_model=ConsensusPublic)
def api_consensus(request: Request, code: Code, session: DB, who: CurrentUser) -> ConsensusPublic:
    """The answers side by side per question: who said what, the spread, agreement, the majority, ties
    waiting for a decision, the decisions taken and the consensus's answers (member role)."""
    content = stored_content(request)
    seen = consensus.side_by_side(session=session, who=who, content=content, country=code)
    return ConsensusPublic.of(respondents.country_code(code), seen, content)


@router.put("/countries/{code}/consensus/{question}", response_model=ConsensusPublic)
def api_decide(
    request: Request, code: Code, question: QuestionId, body: DecisionRequest, session: DB, who: CurrentUser
) -> ConsensusPublic:
    """Decide the consensus's answer to a question, with why (coordinator role); null withdraws it."""
    content = stored_content(request)
    consensus.decide(
        session=session, who=who, content=content, country=code, question=question, **body.model_dump()
    )
    seen = consensus.side_by_side(session=session, who=who, content=content, country=code)
    return ConsensusPublic.of(respondents.country_code(code), seen, content)


@router.post("/countries/{code}/consensus/diagnose", status_code=201, response_model=ConsensusDiagnosisPublic)
def api_diagnose_consensus(
    request: Request,
    code: Code,
    session: DB,
    who: CurrentUser,
    draft: Annotated[bool, Query(description="Accept unanswered required questions")] = False,
) -> ConsensusDiagnosisPublic:
    """Diagnose the consensus (coordinator role): a stored diagnosis and its plan, like POST /api/diagnoses,
    with the spread of the answers its reasons cite. Refused (409) while a tie waits for a decision."""
    content = stored_content(request)
    done = consensus.diagnose_consensus(session=session, who=who, content=content, country=code, draft=draft)
    return ConsensusDiagnosisPublic.of(done, content)
