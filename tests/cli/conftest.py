from __future__ import annotations

import contextlib
import json
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner, Result

from cer.cli import app
from cer.db.migrate import head
from tests.integration.conftest import postgres_schema


@pytest.fixture
def cer(monkeypatch: pytest.MonkeyPatch, tmp_path_factory: pytest.TempPathFactory) -> Callable[..., Result]:
    """Run `cer ARGS...` in-process and return the result (stdout, stderr, exit_code)."""
    monkeypatch.delenv("CER_CONTENT_ROOT", raising=False)  # a developer's setting must not leak in
    monkeypatch.delenv("CER_DATABASE_URL", raising=False)
    monkeypatch.setenv("CER_VAR_DIR", str(tmp_path_factory.mktemp("var")))  # never the repository's var/
    runner = CliRunner()

    def run(*args: str, env: dict[str, str] | None = None, input: str | None = None) -> Result:
        return runner.invoke(app, list(args), env=env, input=input, catch_exceptions=False)

    return run


@pytest.fixture
def cer_json(cer: Callable[..., Result]) -> Callable[..., Any]:
    def run(*args: str) -> Any:
        result = cer(*args, "--json")
        assert result.exit_code == 0, result.stderr
        return json.loads(result.stdout)

    return run


@pytest.fixture(params=["sqlite", "postgresql"])
def db(
    request: pytest.FixtureRequest,
    cer: Callable[..., Result],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> Iterator[Callable[..., Result]]:
    """`cer` with a fresh migrated database: SQLite in a temporary folder or a PostgreSQL schema."""
    monkeypatch.setenv("CER_VAR_DIR", str(tmp_path))
    monkeypatch.delenv("CER_DATABASE_URL", raising=False)
    monkeypatch.setenv("CER_USER", "tester")
    with contextlib.ExitStack() as stack:
        if request.param == "postgresql":
            url = stack.enter_context(postgres_schema())
            monkeypatch.setenv("CER_DATABASE_URL", url)
            stack.callback(_forget_engine, url)
        result = cer("db", "upgrade")
        assert result.exit_code == 0 and f"schema {head()}" in result.stdout
        yield cer


def _forget_engine(url: str) -> None:
    """Close the CLI's cached engine for a schema about to be dropped."""
    from cer.db.session import engine_for
    from cer.runtime.config import normalize_url

    engine_for(normalize_url(url)).dispose()
    engine_for.cache_clear()
