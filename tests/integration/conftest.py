"""Real databases, one fresh migrated database per test: SQLite in a temporary folder, and PostgreSQL in a
schema of its own (database `test` at 127.0.0.1:5432, or CER_TEST_POSTGRES_URL). Under CI=true a missing
PostgreSQL is a failure, never a skip."""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from sqlalchemy import Engine, create_engine, text
from sqlalchemy.exc import OperationalError
from sqlmodel import Session

from cer.db.engine import make_engine
from cer.db.migrate import upgrade

POSTGRES_URL = os.environ.get("CER_TEST_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test")


def _postgres_admin() -> Engine:
    admin = create_engine(POSTGRES_URL, isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as connection:
            connection.execute(text("select 1"))
    except OperationalError as exc:
        admin.dispose()
        message = f"PostgreSQL is needed at {POSTGRES_URL} ({exc.orig})"
        if os.environ.get("CI") == "true":
            pytest.fail(message)
        pytest.skip(message)
    return admin


@pytest.fixture(params=["sqlite", "postgresql"])
def engine(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Engine]:
    """A migrated, empty database of each kind."""
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path / 'cer.db'}"
        db = make_engine(url)
        upgrade(url)
        yield db
        db.dispose()
        return
    yield from _postgres_database()


@pytest.fixture
def postgres_engine() -> Iterator[Engine]:
    """A migrated, empty PostgreSQL database, for what only PostgreSQL can show (concurrent writers)."""
    yield from _postgres_database()


@contextmanager
def postgres_schema() -> Iterator[str]:
    """A fresh, empty schema in the test database; yields a URL whose connections use it, then drops it."""
    admin = _postgres_admin()
    schema = f"test_{uuid.uuid4().hex[:12]}"
    with admin.connect() as connection:
        connection.execute(text(f'CREATE SCHEMA "{schema}"'))
    try:
        yield f"{POSTGRES_URL}?options=-csearch_path%3D{schema}"
    finally:
        with admin.connect() as connection:
            connection.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()


def _postgres_database() -> Iterator[Engine]:
    with postgres_schema() as url:
        db = make_engine(url)
        try:
            upgrade(url)
            yield db
        finally:
            db.dispose()


@pytest.fixture
def session(engine: Engine) -> Iterator[Session]:
    with Session(engine) as s:
        yield s
