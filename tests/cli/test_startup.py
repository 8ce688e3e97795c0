"""`cer --help` and the catalogue commands start fast: no Prefect, no web stack, no database layer."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

HEAVY = ("prefect", "fastapi", "starlette", "uvicorn", "sqlmodel", "sqlalchemy", "alembic", "jinja2", "httpx")


def imported_modules(*args: str) -> set[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("CER_")}
    proc = subprocess.run(
        [sys.executable, "-X", "importtime", "-m", "cer", *args],
        capture_output=True,
        text=True,
        env=env,
        check=False,
    )
    assert proc.returncode == 0, proc.stderr[-2000:]
    return {
        line.rsplit("|", 1)[-1].strip()
        for line in proc.stderr.splitlines()
        if line.startswith("import time:") and "|" in line
    }


def test_help_loads_neither_the_content_nor_any_heavy_stack() -> None:
    modules = imported_modules("--help")
    assert "typer" in modules  # the probe does see imports
    assert not {m for m in modules if m.split(".")[0] in HEAVY}
    assert "cer.content" not in modules and "yaml" not in modules


@pytest.mark.parametrize(
    "args", [["tools", "list"], ["tools", "search", "one fund"], ["steps", "4"], ["support"]]
)
def test_catalogue_commands_load_only_the_content_stack(args: list[str]) -> None:
    modules = imported_modules(*args)
    assert "cer.content" in modules
    assert not {m for m in modules if m.split(".")[0] in HEAVY}
