"""The website on a real, freshly migrated database (SQLite in a temporary folder; PostgreSQL where the test
asks for both), through FastAPI's TestClient: no JavaScript, forms posted as a browser without it would."""

from __future__ import annotations

import os
import socket
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlmodel import Session

from cer.config import Settings
from cer.content import Content
from cer.db.migrate import upgrade
from cer.db.session import engine_for
from cer.services.plans import create_plan
from cer.web.app import create_app
from tests.factories import make_report
from tests.integration.conftest import postgres_schema


def _client(url: str, var_dir: Path) -> TestClient:
    upgrade(url)
    return TestClient(create_app(settings=Settings(database_url=url, var_dir=var_dir)))


@pytest.fixture
def site(tmp_path: Path) -> TestClient:
    """The website on an empty SQLite database."""
    return _client(f"sqlite:///{tmp_path / 'cer.db'}", tmp_path)


@pytest.fixture(params=["sqlite", "postgresql"])
def any_site(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[TestClient]:
    """The website on an empty database of each kind."""
    if request.param == "sqlite":
        yield _client(f"sqlite:///{tmp_path / 'cer.db'}", tmp_path)
        return
    with postgres_schema() as url:
        yield _client(url, tmp_path)
        engine_for(url).dispose()


def db_session(client: TestClient) -> Session:
    """A session on the site's own database, to check what a request did (or did not) write."""
    settings: Settings = client.app.state.settings  # type: ignore[attr-defined]
    return Session(engine_for(settings.database_url))


def seed_plan(client: TestClient, content: Content, example: str = "malawi") -> str:
    """A country's plan from one of the shipped examples, stored through the service; its country code."""
    report, answer_set = make_report(content, example)
    with db_session(client) as session:
        plan = create_plan(session=session, report=report, answer_set=answer_set, by="seed")
        return plan.country_code


@pytest.fixture
def no_prefect(monkeypatch: pytest.MonkeyPatch) -> None:
    """No Prefect server answers: PREFECT_API_URL points at a free port (what Prefect settings the routes set
    in the environment stay in the test)."""
    monkeypatch.setattr(os, "environ", dict(os.environ))
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    monkeypatch.setenv("PREFECT_API_URL", f"http://127.0.0.1:{port}/api")
