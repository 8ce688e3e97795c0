"""Schema changes go through Alembic; `cer db upgrade` applies them."""

from __future__ import annotations

from functools import cache
from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Connection

MIGRATIONS = Path(__file__).resolve().parent / "migrations"


def alembic_config(url: str, connection: Connection | None = None) -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    config.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    if connection is not None:
        config.attributes["connection"] = connection
    return config


def upgrade(url: str, connection: Connection | None = None) -> None:
    """Bring the database at `url` (or on `connection`) to the newest schema."""
    command.upgrade(alembic_config(url, connection), "head")


@cache
def head() -> str | None:
    return ScriptDirectory.from_config(alembic_config("sqlite://")).get_current_head()


def known(revision: str) -> bool:
    """Whether this code knows the schema `revision` (a newer program may have migrated the database)."""
    try:
        return ScriptDirectory.from_config(alembic_config("sqlite://")).get_revision(revision) is not None
    except Exception:  # alembic raises its own errors for unknown revisions  # noqa: BLE001
        return False


def current(connection: Connection) -> str | None:
    return MigrationContext.configure(connection).get_current_revision()
