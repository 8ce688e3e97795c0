"""Web sign-ins: a random token in an HTTP-only cookie, its SHA-256 in WebSession, an expiry.

A session is used, not trusted: every request finds it by the token's digest, refuses it once expired (and
deletes it), and reads the user's current roles, so a disabled account or a revoked role takes effect at
the next request. Signing out, changing one's password or being disabled deletes the rows.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets

from sqlmodel import Session, col, delete, select

from cer.db.tables import UserRow, WebSessionRow, utcnow
from cer.services import audit
from cer.services.access import Principal, principal
from cer.services.errors import Unauthenticated
from workstreams.errors import N_


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def _aware(when: dt.datetime) -> dt.datetime:
    return when if when.tzinfo else when.replace(tzinfo=dt.UTC)


def start_session(*, session: Session, who: Principal, hours: float) -> str:
    """A new sign-in for `who` (already authenticated): the cookie's token, which is not stored."""
    token = secrets.token_urlsafe(32)
    now = utcnow()
    session.exec(delete(WebSessionRow).where(col(WebSessionRow.expires_at) < now))
    session.add(
        WebSessionRow(user_id=who.id, token_hash=_digest(token), expires_at=now + dt.timedelta(hours=hours))
    )
    session.commit()
    return token


def principal_for_session(*, session: Session, token: str, hours: float) -> Principal:
    """The signed-in user; the expiry moves on (at most every few minutes) while the session is used."""
    found = session.exec(
        select(WebSessionRow, UserRow).join(UserRow).where(WebSessionRow.token_hash == _digest(token))
    ).first()
    if found is None:
        raise Unauthenticated(N_("not signed in, or the sign-in has ended"))
    row, user = found
    now = utcnow()
    if _aware(row.expires_at) <= now or not user.active:
        session.delete(row)
        session.commit()
        raise Unauthenticated(N_("the sign-in has expired: sign in again"))
    renewed = now + dt.timedelta(hours=hours)
    if renewed - _aware(row.expires_at) > dt.timedelta(minutes=min(5.0, hours * 6)):
        row.expires_at = renewed
        session.add(row)
        session.commit()
    return principal(session=session, user=user)


def end_session(*, session: Session, token: str, actor: str, source: str = "") -> None:
    """Sign out: the session's row is deleted, so the cookie is worth nothing even if kept."""
    deleted = session.exec(delete(WebSessionRow).where(col(WebSessionRow.token_hash) == _digest(token)))
    if deleted.rowcount:
        audit.record(session=session, actor=actor, action="logout", target=actor, source=source)
    session.commit()


def end_user_sessions(*, session: Session, user_id: int) -> None:
    """Every sign-in of a user ends (password changed, account disabled); the caller commits."""
    session.exec(delete(WebSessionRow).where(col(WebSessionRow.user_id) == user_id))
