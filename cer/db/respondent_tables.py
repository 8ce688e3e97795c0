"""A country's diagnostic round: several respondents answer the questionnaire, each their own answers kept;
the coordinator decides the questions they disagree on and diagnoses the consensus."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import JSON, Column, UniqueConstraint
from sqlmodel import Field, SQLModel

from cer.db.columns import when as _when


class DiagnosticRoundRow(SQLModel, table=True):
    """A round of answers for a country: open while respondents answer; one open round per country."""

    __tablename__ = "diagnosticround"
    __table_args__ = (UniqueConstraint("country_code", "number", name="uq_diagnosticround_country_number"),)
    id: int | None = Field(default=None, primary_key=True)
    country_code: str = Field(foreign_key="country.code", index=True, max_length=3)
    number: int = Field(description="1 for the country's first round, then 2, 3…")
    questionnaire_version: str = Field(max_length=20)
    status: str = Field(default="open", max_length=10, description="'open' or 'closed'")
    opened_by: str = Field(max_length=120)
    opened_at: dt.datetime = _when()


class RespondentRow(SQLModel, table=True):
    """One respondent of a round (a user, an agency, an imported submission) and their own answers."""

    __tablename__ = "respondent"
    __table_args__ = (UniqueConstraint("round_id", "label", name="uq_respondent_round_label"),)
    id: int | None = Field(default=None, primary_key=True)
    round_id: int = Field(foreign_key="diagnosticround.id", index=True)
    label: str = Field(max_length=120, description="The user's name, the agency's acronym, the submitter")
    kind: str = Field(max_length=10, description="'user', 'agency' or 'import'")
    user_id: int | None = Field(default=None, foreign_key="user.id", description="The user who answers")
    answers: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    provenance: dict[str, Any] | None = Field(
        default=None, sa_column=Column(JSON, nullable=True), description="Where imported answers came from"
    )
    created_at: dt.datetime = _when()
    updated_at: dt.datetime = _when()
    updated_by: str = Field(max_length=120)


class ConsensusDecisionRow(SQLModel, table=True):
    """The coordinator's answer to one question of a round, and why."""

    __tablename__ = "consensusdecision"
    __table_args__ = (UniqueConstraint("round_id", "question", name="uq_consensusdecision_round_question"),)
    id: int | None = Field(default=None, primary_key=True)
    round_id: int = Field(foreign_key="diagnosticround.id", index=True)
    question: str = Field(max_length=60)
    value: Any = Field(default=None, sa_column=Column(JSON, nullable=True))
    why: str | None = Field(default=None, max_length=2000)
    decided_by: str = Field(max_length=120)
    decided_at: dt.datetime = _when()


class ConsensusDiagnosisRow(SQLModel, table=True):
    """A diagnosis made from a round's consensus, with the spread of the answers per question: the facts
    its reasons cite ("4 of 6 agencies answered no")."""

    __tablename__ = "consensusdiagnosis"
    id: int | None = Field(default=None, primary_key=True)
    round_id: int = Field(foreign_key="diagnosticround.id", index=True)
    diagnosis_id: int = Field(foreign_key="diagnosis.id", unique=True)
    respondent_kind: str = Field(max_length=10, description="'agency' when every respondent is one")
    spreads: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
