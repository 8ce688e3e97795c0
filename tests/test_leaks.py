"""The suite's own guard: a run that leaves a process behind fails, naming it (tests/leaks.py)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from tests.conftest import REPO

HEADER = "import subprocess, sys\n"
LEAKY = """
def test_starts_a_server_and_forgets_it():
    subprocess.Popen([sys.executable, "-c", "import time; time.sleep(120)  # forgotten-server"],
                     start_new_session=True)
"""
TIDY = """
def test_cleans_up_after_itself():
    child = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(120)"])
    child.terminate()
    child.wait()
"""


def _run_pytest(folder: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "pytest", "-p", "tests.leaks", "-p", "no:cacheprovider", *args, str(folder)],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=120,
        env={"PATH": "/usr/bin:/bin", "PYTHONPATH": str(REPO), "PYTEST_CER_LEAK_GRACE": "1"},
    )


def test_a_run_that_leaves_a_process_running_fails_and_names_it(tmp_path: Path) -> None:
    (tmp_path / "test_leaky.py").write_text(HEADER + LEAKY + TIDY)
    done = _run_pytest(tmp_path, "-q")
    assert done.returncode == 1, done.stdout
    assert "2 passed" in done.stdout
    assert "left 1 process(es) running" in done.stdout and "forgotten-server" in done.stdout
    still = subprocess.run(["pgrep", "-f", "forgotten-server"], capture_output=True, text=True).stdout
    assert still == "", "the leaked process was not stopped"


def test_a_run_that_stops_what_it_starts_passes(tmp_path: Path) -> None:
    (tmp_path / "test_tidy.py").write_text(HEADER + TIDY)
    done = _run_pytest(tmp_path, "-q")
    assert done.returncode == 0 and "left" not in done.stdout, done.stdout
