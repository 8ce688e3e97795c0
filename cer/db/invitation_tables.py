"""Invitations: a person asked by e-mail to join with a role in a country, through a one-time link."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import Column, DateTime
from sqlmodel import Field, SQLModel

from cer.db.columns import when as _when


class InvitationRow(SQLModel, table=True):
    """Who was invited, to which role and country, by whom. The link's token is random; only its SHA-256 is
    kept. Usable once, until it expires or is withdrawn. `pending_email` holds the address while the
    invitation waits (None once accepted, withdrawn or found expired): unique, so two people inviting the
    same address at the same moment make one invitation, whatever the database."""

    __tablename__ = "invitation"

    id: int | None = Field(default=None, primary_key=True)
    token_hash: str = Field(max_length=64, unique=True)
    name: str = Field(max_length=120, description="The invited person's name, e.g. 'Amina Diallo'")
    email: str = Field(max_length=254, index=True)
    pending_email: str | None = Field(default=None, max_length=254, unique=True)
    country_code: str = Field(max_length=3, description="ISO 3166-1 alpha-3")
    role: str = Field(max_length=20, description="viewer, member or coordinator")
    invited_by: str = Field(max_length=120, description="The inviter's username")
    created_at: dt.datetime = _when()
    expires_at: dt.datetime = Field(sa_column=Column(DateTime(timezone=True), nullable=False))
    emailed_at: dt.datetime | None = Field(
        default=None,
        sa_column=Column(DateTime(timezone=True), nullable=True),
        description="When the link was e-mailed; None when no e-mail was sent (no SMTP server)",
    )
    accepted_at: dt.datetime | None = Field(default=None, sa_column=Column(DateTime(timezone=True)))
    user_id: int | None = Field(default=None, foreign_key="user.id", description="The account it made")
    revoked_at: dt.datetime | None = Field(default=None, sa_column=Column(DateTime(timezone=True)))
    revoked_by: str | None = Field(default=None, max_length=120)
