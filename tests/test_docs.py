"""Docs that cannot drift: the README names every command and setting, and its two commands are CI's."""

from __future__ import annotations

import re
from typing import Any

import typer.main

from cer.cli import app
from tests.conftest import REPO

README = (REPO / "README.md").read_text(encoding="utf-8")


def _command_paths(group: Any, prefix: str = "cer") -> list[str]:
    """Every leaf command as typed (Typer ships its own click, so groups are recognised by their commands)."""
    paths = []
    for name, command in group.commands.items():
        if hasattr(command, "commands"):
            paths += _command_paths(command, f"{prefix} {name}")
        else:
            paths.append(f"{prefix} {name}")
    return paths


def test_the_readme_opens_with_exactly_the_two_commands() -> None:
    first_block = re.search(r"```sh\n(.*?)```", README, re.S)
    assert first_block is not None
    commands = [line.split("#")[0].strip() for line in first_block.group(1).splitlines()]
    assert commands == ["make run", "make test"]


def test_every_cli_command_is_documented_in_the_readme() -> None:
    group = typer.main.get_command(app)
    paths = _command_paths(group)
    assert "cer tools search" in paths
    missing = [p for p in paths if not re.search(rf"`{re.escape(p)}[` \[]", README)]
    assert not missing, f"commands missing from README.md: {missing}"


def test_every_setting_read_from_the_environment_is_documented() -> None:
    files = [p for d in ("cer", "flows") for p in (REPO / d).rglob("*.py")]
    sources = "\n".join(p.read_text(encoding="utf-8") for p in files)
    settings = set(re.findall(r"\bCER_[A-Z_]+\b", sources))
    assert "CER_CONTENT_ROOT" in settings
    assert not [s for s in settings if f"`{s}`" not in README]


def test_ci_runs_the_readmes_test_command_and_it_runs_every_check() -> None:
    ci = (REPO / ".ci" / "run").read_text(encoding="utf-8")
    assert re.search(r"^make test$", ci, re.M)
    makefile = (REPO / "Makefile").read_text(encoding="utf-8")
    test_recipe = re.search(r"^test:.*?\n((?:\t.*\n)+)", makefile, re.M)
    assert test_recipe is not None
    for tool in ("ruff check", "ruff format --check", "mypy", "lint-imports", "pytest"):
        assert tool in test_recipe.group(1), tool


def test_every_make_target_is_documented_in_the_readme() -> None:
    makefile = (REPO / "Makefile").read_text(encoding="utf-8")
    phony = re.search(r"^\.PHONY:(.*)$", makefile, re.M)
    assert phony is not None
    targets = phony.group(1).split()
    assert {"run", "test", "lock", "lock-upgrade"} <= set(targets)
    missing = [t for t in targets if f"make {t}" not in README]
    assert not missing, f"make targets missing from README.md: {missing}"


def test_make_run_is_never_silent_while_it_installs() -> None:
    """`make run` on a fresh machine installed for ~4 minutes without a word: each install step now says
    what it installs and prints a line every PROGRESS_SECONDS while it works, and a failure still fails."""
    import subprocess

    def probe(command: str) -> subprocess.CompletedProcess[str]:
        rule = f"probe: ; $(call progress,{command})"
        return subprocess.run(
            ["make", "--no-print-directory", "-f", "Makefile", "--eval", rule, "probe", "PROGRESS_SECONDS=1"],
            cwd=REPO, capture_output=True, text=True, timeout=30,
        )  # fmt: skip

    working = probe("sleep 2.5; echo installed")
    assert working.returncode == 0, working.stderr
    assert working.stdout.count("still installing") >= 2 and working.stdout.endswith("installed\n")
    assert probe("false").returncode != 0
    makefile = (REPO / "Makefile").read_text(encoding="utf-8")
    assert makefile.count("$(call progress,$(UV_INSTALL) -r") == 2  # run.txt and dev.txt
