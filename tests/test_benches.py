"""The benchmark scripts still run (on tiny sizes): they are not part of the suite, so nothing else notices
when an API they call changes. No timing is asserted."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

from tests.conftest import REPO


@pytest.mark.parametrize(
    "args",
    [
        ["bench/catalog.py", "--queries", "60", "--size", "300", "--runs", "1"],
        ["bench/diagnose.py", "--repeat", "3", "--countries", "3"],
        ["bench/tracking.py", "--plans", "3", "--scale", "3,6"],
        ["bench/flows.py", "--runs", "2", "--starts", "1"],
        pytest.param(["bench/web.py", "--duration", "1", "--connections", "2", "--tasks", "30"], id="web"),
    ],
)
def test_bench_scripts_run_and_print_their_figures(args: list[str]) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith("CER_")}
    proc = subprocess.run(
        [sys.executable, *args], cwd=REPO, capture_output=True, text=True, env=env, check=False
    )
    assert proc.returncode == 0, proc.stderr[-3000:]
    assert "target" in proc.stdout
