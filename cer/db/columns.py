"""Column helpers every table module shares: the current time (UTC, aware) and a timestamp column."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import Column, DateTime
from sqlmodel import Field


def utcnow() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def when() -> Any:
    """A timestamp with time zone, set to now when the row is made."""
    return Field(
        default_factory=utcnow, sa_column=Column(DateTime(timezone=True), nullable=False, default=utcnow)
    )
