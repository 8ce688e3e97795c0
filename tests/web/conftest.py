"""The website on a real, freshly migrated database (SQLite in a temporary folder; PostgreSQL where the test
asks for both), through FastAPI's TestClient: no JavaScript, forms posted as a browser without it would."""

from __future__ import annotations

import os
import re
import socket
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from httpx import Response
from sqlmodel import Session

from cer.content import Content
from cer.db.migrate import upgrade
from cer.db.session import engine_for
from cer.runtime.config import Settings
from cer.services import users
from cer.services.plans import create_plan
from cer.web.app import create_app
from tests.factories import make_report
from tests.integration.conftest import postgres_schema

PASSWORD = "correct horse battery"
TOKEN_FIELD = re.compile(r'name="csrf_token" value="([^"]+)"')


def _client(url: str, var_dir: Path, **settings: Any) -> TestClient:
    upgrade(url)
    return TestClient(create_app(settings=Settings(database_url=url, var_dir=var_dir, **settings)))


@pytest.fixture
def public_site(tmp_path: Path) -> TestClient:
    """The website on an empty SQLite database, nobody signed in."""
    return _client(f"sqlite:///{tmp_path / 'cer.db'}", tmp_path)


@pytest.fixture
def site(public_site: TestClient) -> TestClient:
    """The website on an empty SQLite database, an admin signed in (`tester`)."""
    return signed_in(public_site, "tester", "admin")


@pytest.fixture(params=["sqlite", "postgresql"])
def any_site(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[TestClient]:
    """The website on an empty database of each kind, an admin signed in (`tester`)."""
    if request.param == "sqlite":
        yield signed_in(_client(f"sqlite:///{tmp_path / 'cer.db'}", tmp_path), "tester", "admin")
        return
    with postgres_schema() as url:
        yield signed_in(_client(url, tmp_path), "tester", "admin")
        engine_for(url).dispose()


def add_user(client: TestClient, username: str, role: str | None = None, country: str = "*") -> None:
    with db_session(client) as session:
        users.create_user(
            session=session, username=username, name=username.title(), password=PASSWORD, by="t"
        )
        if role:
            users.grant(session=session, username=username, country=country, role=role, by="t")


def csrf_of(client: TestClient, path: str = "/login") -> str:
    """The CSRF token in the page's first form, as a browser would post it."""
    found = TOKEN_FIELD.search(client.get(path).text)
    assert found, f"no CSRF token on {path}"
    return found.group(1)


def sign_in(client: TestClient, username: str, password: str = PASSWORD) -> Response:
    form = {"username": username, "password": password, "csrf_token": csrf_of(client), "next": "/"}
    return client.post("/login", data=form, follow_redirects=False)


def signed_in(
    client: TestClient, username: str, role: str | None = None, country: str = "*", *, add: bool = True
) -> TestClient:
    """`client`, signed in as a new user with `role` in `country`; its later requests carry the CSRF token
    in the header htmx sends (a test of the hidden form field posts it itself)."""
    if add:
        add_user(client, username, role, country)
    assert sign_in(client, username).status_code == 303
    client.headers["X-CSRF-Token"] = csrf_of(client, "/account")
    return client


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


def unsafe_routes() -> set[str]:
    """Every page and API route that may change something (not GET): a new one is covered when added."""
    from fastapi.routing import APIRoute

    from cer.web.app import MODULES

    return {
        route.path.replace(":path", "")
        for module in MODULES
        for route in module.router.routes
        if isinstance(route, APIRoute) and route.methods & {"POST", "PATCH", "PUT", "DELETE"}
    }
