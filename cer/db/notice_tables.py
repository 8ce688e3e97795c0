"""Notices waiting for a browser's next page ("The answers were saved"): held here, never in the address."""

from __future__ import annotations

import datetime as dt

from sqlmodel import Field, SQLModel

from cer.db.columns import when as _when


class NoticeRow(SQLModel, table=True):
    """A notice for the browser holding the cookie whose SHA-256 is `key_hash`; taken (deleted) when shown."""

    __tablename__ = "notice"
    id: int | None = Field(default=None, primary_key=True)
    key_hash: str = Field(index=True, max_length=64)
    text: str = Field(max_length=2000)
    created_at: dt.datetime = _when()
