"""The migrations build exactly the schema the tables describe, on SQLite and PostgreSQL."""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import Engine, inspect
from sqlmodel import SQLModel

from cer.db.migrate import current, head


def test_a_migrated_database_matches_the_tables_and_sits_at_head(engine: Engine) -> None:
    with engine.connect() as connection:
        assert current(connection) == head() == "0022"
        differences = compare_metadata(MigrationContext.configure(connection), SQLModel.metadata)
        assert differences == [], "the tables changed without a migration: add one with alembic revision"
        tables = set(inspect(connection).get_table_names())
    assert {
        "country",
        "agency",
        "diagnosis",
        "plan",
        "planrevision",
        "task",
        "taskevent",
        "stepsignoff",
    } <= tables
