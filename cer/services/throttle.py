"""Sign-in is limited: after PER_USER failures for a username from one address, or PER_ADDRESS from one
address, within WINDOW, further attempts are refused for a while without checking the password. The counts
live in the database, so every process and machine serving the website counts together.

An attempt is counted as failed from the moment it is made, until it succeeds: attempts made at the same
moment cannot all slip under the limit."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import func, update
from sqlmodel import Session, col, delete, select

from cer.db.tables import SignInAttemptRow, utcnow

WINDOW = dt.timedelta(minutes=15)
PER_USER, PER_ADDRESS = 5, 20


class Throttled(Exception):
    """Too many failed sign-ins: try again in `wait` seconds."""

    def __init__(self, wait: int) -> None:
        super().__init__(f"too many failed sign-ins: try again in {wait} s")
        self.wait = wait


def attempt(*, session: Session, address: str, username: str) -> int:
    """Count an attempt (its id), or refuse it with Throttled when a limit is reached."""
    now = utcnow()
    since = now - WINDOW
    session.exec(delete(SignInAttemptRow).where(col(SignInAttemptRow.at) < since))
    recent = select(func.count(), func.min(SignInAttemptRow.at)).where(
        col(SignInAttemptRow.address) == address, col(SignInAttemptRow.at) >= since
    )
    by_address = session.exec(recent).one()
    by_user = session.exec(
        recent.where(col(SignInAttemptRow.username) == username, col(SignInAttemptRow.forgiven).is_(False))
    ).one()
    waits = [
        int((_aware(oldest) + WINDOW - now).total_seconds()) + 1
        for (count, oldest), limit in ((by_user, PER_USER), (by_address, PER_ADDRESS))
        if count >= limit and oldest is not None
    ]
    if waits:
        session.commit()
        raise Throttled(max(waits))
    row = SignInAttemptRow(address=address, username=username, at=now)
    session.add(row)
    session.commit()
    return row.id or 0


def succeeded(*, session: Session, address: str, username: str, attempt_id: int) -> None:
    """The attempt was right: it is not a failure, and the user's earlier failures from this address no
    longer count against them (they still count against the address)."""
    session.exec(delete(SignInAttemptRow).where(col(SignInAttemptRow.id) == attempt_id))
    session.exec(
        update(SignInAttemptRow)
        .where(col(SignInAttemptRow.address) == address, col(SignInAttemptRow.username) == username)
        .values(forgiven=True)
    )
    session.commit()


def _aware(when: dt.datetime) -> dt.datetime:
    return when if when.tzinfo else when.replace(tzinfo=dt.UTC)
