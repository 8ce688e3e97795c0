"""Calendar feed tokens: the credential in the address of a read-only calendar a person subscribes to."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import Column, DateTime
from sqlmodel import Field, SQLModel

from cer.db.columns import when as _when


class FeedTokenRow(SQLModel, table=True):
    """A calendar feed's address: its owner's tasks ('mine') or a country's plan, read with the owner's
    access at the time it is read. Only the token's SHA-256 is kept; the address is shown once."""

    __tablename__ = "feedtoken"

    id: int | None = Field(default=None, primary_key=True)
    user_id: int = Field(foreign_key="user.id", index=True)
    scope: str = Field(max_length=4, description="'mine', or a country's ISO 3166 alpha-3 code")
    name: str = Field(max_length=80, description="What it is for, e.g. 'my phone'")
    prefix: str = Field(max_length=12, description="Its first characters, to tell addresses apart in lists")
    token_hash: str = Field(max_length=64, unique=True)
    created_at: dt.datetime = _when()
    last_used_at: dt.datetime | None = Field(default=None, sa_column=Column(DateTime(timezone=True)))
    revoked_at: dt.datetime | None = Field(default=None, sa_column=Column(DateTime(timezone=True)))
