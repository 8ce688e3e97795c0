"""Notices for a browser's next page: kept under the SHA-256 of a random key the browser holds in a cookie,
taken (deleted) when the page shows them, forgotten after an hour if never shown.

A notice is written by our own code after a change succeeded; nothing a visitor sends becomes one, so a
crafted address cannot make a page say anything under our name.
"""

from __future__ import annotations

import datetime as dt
import hashlib

from sqlmodel import Session, col, delete, select

from cer.db.tables import NoticeRow, utcnow

KEEP = dt.timedelta(hours=1)
MOST = 5  # notices kept per browser: the newest


def _digest(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


def keep_notice(*, session: Session, key: str, text: str) -> None:
    """Keep `text` for the next page of the browser holding `key`."""
    now = utcnow()
    session.exec(delete(NoticeRow).where(col(NoticeRow.created_at) < now - KEEP))
    session.add(NoticeRow(key_hash=_digest(key), text=text[:2000], created_at=now))
    session.commit()


def take_notices(*, session: Session, key: str) -> list[str]:
    """The notices waiting for the browser holding `key`, oldest first; they are gone once taken."""
    digest = _digest(key)
    rows = session.exec(
        select(NoticeRow).where(NoticeRow.key_hash == digest).order_by(col(NoticeRow.id))
    ).all()
    if not rows:
        return []
    session.exec(delete(NoticeRow).where(col(NoticeRow.key_hash) == digest))
    session.commit()
    fresh = [row.text for row in rows if _aware(row.created_at) >= utcnow() - KEEP]
    return fresh[-MOST:]


def _aware(when: dt.datetime) -> dt.datetime:
    return when if when.tzinfo else when.replace(tzinfo=dt.UTC)
