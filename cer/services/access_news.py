"""News that who may do what has changed, shared through the database, so that every website process — on
this machine or another — forgets whom its tokens and cookies belong to at once.

A website keeps the identities it looked up for `CER_WEB_STALE_SECONDS` (cer.web.identities). A change to
access (a sign-out, a token revoked, a role granted or revoked, an account disabled, a password or agency
changed) is recorded in the audit trail (`cer.services.audit.record`), which calls `announce`: on PostgreSQL a
`NOTIFY`, sent when the change commits (never for a change rolled back). Each website `listen`s on a
connection of its own and forgets on every notice. On SQLite (one machine) there is no such channel: other
processes see the change once the memo expires, within `CER_WEB_STALE_SECONDS` (0: at every request).
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable

from sqlalchemy import text
from sqlalchemy.engine import make_url
from sqlmodel import Session

from cer.runtime.config import Settings

CHANNEL = "cer_access"
# Audit actions that change whom a token or a session cookie stands for, or what they may do.
ACCESS_CHANGES = frozenset(
    {
        "logout",
        "token_revoked",
        "role_granted",
        "role_revoked",
        "user_enabled",
        "user_disabled",
        "user_agency",
        "password_changed",
    }
)
log = logging.getLogger(__name__)


def announce(session: Session) -> None:
    """Tell every listening process, once the session's transaction commits (PostgreSQL only)."""
    if session.get_bind().dialect.name == "postgresql":
        session.connection().execute(text(f"NOTIFY {CHANNEL}"))


class Listener:
    """A thread that calls `on_news` at each notice, reconnecting after a lost connection (meanwhile the memo
    still expires on its own). `stop()` ends it within a second."""

    def __init__(self, conninfo: str, on_news: Callable[[], None]) -> None:
        self.conninfo, self.on_news = conninfo, on_news
        self.listening = threading.Event()
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="cer-access-news", daemon=True)
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        self._thread.join(timeout=5)

    def _run(self) -> None:
        import psycopg

        while not self._stop.is_set():
            try:
                with psycopg.connect(self.conninfo, autocommit=True, connect_timeout=5) as connection:
                    connection.execute(f"LISTEN {CHANNEL}")
                    self.on_news()  # whatever happened while not listening
                    self.listening.set()
                    while not self._stop.is_set():
                        for _ in connection.notifies(timeout=1.0):
                            self.on_news()
            except psycopg.Error as exc:
                self.listening.clear()
                log.warning("not listening for access changes (%s); retrying in 2 s", exc)
                self._stop.wait(2)


def listen(settings: Settings, on_news: Callable[[], None]) -> Listener | None:
    """Start listening when the database is PostgreSQL; None otherwise."""
    url = make_url(settings.database_url)
    if url.get_backend_name() != "postgresql":
        return None
    return Listener(url.set(drivername="postgresql").render_as_string(hide_password=False), on_news)
