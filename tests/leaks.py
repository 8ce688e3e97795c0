"""A pytest plugin: the suite leaves no process of its own running (`tests/conftest.py` loads it).

Every process the suite starts inherits a mark in its environment (`PYTEST_CER_RUN`, set when the run
starts; not a `CER_` variable, which the browser tests' servers drop). When the run ends — after pytest-xdist
has stopped its workers — any process still carrying the mark is a leak: a server, worker or browser that a
test or fixture started and did not stop, often re-parented to init. They get a few seconds to finish
exiting; those still there are named, stopped, and fail the run.
"""

from __future__ import annotations

import os
import signal
import time
import uuid
from collections.abc import Generator
from contextlib import suppress
from pathlib import Path

import pytest

MARK = "PYTEST_CER_RUN"
GRACE = "PYTEST_CER_LEAK_GRACE"  # seconds the processes left get to exit on their own (default 10)


def marked_processes(mark: str) -> dict[int, str]:
    """pid → command line of every process (but this one) whose environment holds `MARK=mark`."""
    wanted = f"{MARK}={mark}".encode()
    found = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit() or int(entry.name) == os.getpid():
            continue
        try:
            if wanted not in (entry / "environ").read_bytes().split(b"\0"):
                continue
            command = (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
        except OSError:  # gone meanwhile, or not ours to read
            continue
        if command:  # a zombie has none: it has exited, only its parent has not reaped it yet
            found[int(entry.name)] = command.strip()
    return found


def pytest_configure(config: pytest.Config) -> None:
    if not hasattr(config, "workerinput") and Path("/proc/self/environ").exists():
        os.environ[MARK] = os.environ.get(MARK) or uuid.uuid4().hex  # xdist workers inherit it


@pytest.hookimpl(wrapper=True)
def pytest_sessionfinish(session: pytest.Session) -> Generator[None, None, None]:
    result = yield
    mark = os.environ.get(MARK)
    if hasattr(session.config, "workerinput") or not mark:
        return result
    deadline = time.monotonic() + float(os.environ.get(GRACE) or 10)
    left = marked_processes(mark)
    while left and time.monotonic() < deadline:
        time.sleep(0.5)
        left = marked_processes(mark)
    if left:
        for pid in left:
            with suppress(ProcessLookupError):
                os.kill(pid, signal.SIGKILL)
        lines = "\n".join(f"  {pid}: {command[:200]}" for pid, command in sorted(left.items()))
        reporter = session.config.pluginmanager.get_plugin("terminalreporter")
        message = f"The test run left {len(left)} process(es) running (now killed):\n{lines}"
        if reporter is not None:
            reporter.write_line(message, red=True, bold=True)
        session.exitstatus = pytest.ExitCode.TESTS_FAILED
    return result
