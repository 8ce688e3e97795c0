"""Opening the configured database for a command, refusing one whose schema is behind."""

from __future__ import annotations

from functools import cache

from sqlalchemy import Engine
from sqlmodel import Session

from cer.db.engine import make_engine
from cer.db.migrate import current, head, known
from cer.runtime.config import Settings
from workstreams.errors import InvalidRequest


@cache
def engine_for(url: str) -> Engine:
    return make_engine(url)


def open_session(settings: Settings) -> Session:
    """A session on the configured database, once this process has seen its schema is current."""
    engine = engine_for(settings.database_url)
    if settings.database_url not in _CURRENT:
        _check_schema(engine)
        _CURRENT.add(settings.database_url)
    return Session(engine)


_CURRENT: set[str] = set()  # databases this process found at the newest schema


def _check_schema(engine: Engine) -> None:
    with engine.connect() as connection:
        at = current(connection)
    if at != head():
        where = engine.url.render_as_string(hide_password=True)
        if at is not None and not known(at):
            raise InvalidRequest(
                f"the database {where} is at schema {at}, newer than this cer-toolkit: update it"
            )
        state = "has no tables yet" if at is None else f"is at schema {at}, not {head()}"
        raise InvalidRequest(f"the database {where} {state}: run `cer db upgrade`")
