from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import pytest
from typer.testing import CliRunner, Result

from cer.cli import app


@pytest.fixture
def cer(monkeypatch: pytest.MonkeyPatch, tmp_path_factory: pytest.TempPathFactory) -> Callable[..., Result]:
    """Run `cer ARGS...` in-process and return the result (stdout, stderr, exit_code)."""
    monkeypatch.delenv("CER_CONTENT_ROOT", raising=False)  # a developer's setting must not leak in
    monkeypatch.delenv("CER_DATABASE_URL", raising=False)
    monkeypatch.setenv("CER_VAR_DIR", str(tmp_path_factory.mktemp("var")))  # never the repository's var/
    runner = CliRunner()

    def run(*args: str, env: dict[str, str] | None = None) -> Result:
        return runner.invoke(app, list(args), env=env, catch_exceptions=False)

    return run


@pytest.fixture
def cer_json(cer: Callable[..., Result]) -> Callable[..., Any]:
    def run(*args: str) -> Any:
        result = cer(*args, "--json")
        assert result.exit_code == 0, result.stderr
        return json.loads(result.stdout)

    return run
