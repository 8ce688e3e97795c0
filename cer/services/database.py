"""The doors' way to the database: a session on the configured one (the website, the command line and the
flows open it here and hand it to the services; they never touch the tables themselves)."""

from __future__ import annotations

from sqlmodel import Session

from cer.db.session import open_session
from cer.runtime.config import Settings


def session_for(settings: Settings) -> Session:
    """A session on the configured database, refused (`cer db upgrade`) while its schema is behind."""
    return open_session(settings)
