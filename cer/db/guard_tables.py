"""Tables that guard what may happen: one run per workstream at a time (claims), the limits on failed
sign-ins, one-time sign-off codes."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import Column, DateTime, Index, UniqueConstraint
from sqlmodel import Field, SQLModel

from cer.db.columns import when as _when


class RunClaimRow(SQLModel, table=True):
    """A workstream of a country being run: at most one at a time (the unique constraint decides between two
    starts at the same moment). Taken before the run is created, given its run's id once Prefect has it;
    released when a start finds the run over."""

    __tablename__ = "runclaim"
    __table_args__ = (UniqueConstraint("country_code", "workstream", name="uq_runclaim_workstream"),)
    id: int | None = Field(default=None, primary_key=True)
    country_code: str = Field(max_length=3)
    workstream: str = Field(max_length=1)
    flow_run_id: str | None = Field(
        default=None, max_length=36, description="None while the run is being made"
    )
    claimed_by: str = Field(max_length=120)
    claimed_at: dt.datetime = _when()


class SignInAttemptRow(SQLModel, table=True):
    """A sign-in attempt, counted as failed until it succeeds: the limits on failed sign-ins hold across
    every process and machine that shares the database."""

    __tablename__ = "signinattempt"
    __table_args__ = (Index("ix_signinattempt_address_at", "address", "at"),)
    id: int | None = Field(default=None, primary_key=True)
    address: str = Field(max_length=64)
    username: str = Field(max_length=60)
    at: dt.datetime = _when()
    forgiven: bool = Field(default=False, description="The user signed in since: no longer counted for them")


class SignOffCodeRow(SQLModel, table=True):
    """A one-time code that signs one step of one country's workstream off as the account it was made for:
    what a person types in the sign-off form of a run waiting in Prefect's UI, which has no sign-in of ours.
    Only its SHA-256 is kept."""

    __tablename__ = "signoffcode"
    id: int | None = Field(default=None, primary_key=True)
    code_hash: str = Field(max_length=64, unique=True)
    country_code: str = Field(max_length=3)
    workstream: str = Field(max_length=1)
    step: int
    username: str = Field(max_length=60, description="Whose sign-off it is")
    created_at: dt.datetime = _when()
    expires_at: dt.datetime = Field(sa_column=Column(DateTime(timezone=True), nullable=False))
    used_at: dt.datetime | None = Field(
        default=None, sa_column=Column(DateTime(timezone=True), nullable=True)
    )
