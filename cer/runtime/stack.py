"""`cer up`: the whole embedded stack in one command — a Prefect server, a worker, the website — until Ctrl-C.

The Prefect server keeps its own SQLite database under `var/prefect/` (or `CER_PREFECT_DATABASE_URL`); the
worker serves every deployment; the website listens on `CER_WEB_PORT`. Each is a child process in a session
of its own, stopped in reverse order of starting on Ctrl-C or SIGTERM; if one dies, the others are stopped
too and `cer up` fails. A Prefect server already answering at the configured address (`PREFECT_API_URL`) is
used as it is, not started.
"""

from __future__ import annotations

import json
import signal
import subprocess
import sys
import time
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from types import FrameType

from cer.runtime.prefect_env import (
    DEPLOYMENTS,
    PrefectSettings,
    child_environment,
    ensure_auth,
    prefect_environment,
    server_is_up,
)


class StackError(RuntimeError):
    pass


@dataclass
class Stack:
    prefect: PrefectSettings
    log_dir: Path
    say: Callable[[str], None]
    web_port: int = 8000
    processes: list[tuple[str, subprocess.Popen[bytes]]] = field(default_factory=list)
    started_server: bool = False

    def start(self, server_timeout: float = 120, worker_timeout: float = 90) -> None:
        """Start what is missing, in order. From here on SIGTERM is a KeyboardInterrupt (as Ctrl-C is), so a
        `cer up` stopped while it starts stops what it has started, instead of leaving it orphaned."""
        signal.signal(signal.SIGTERM, _raise_interrupt)
        self.log_dir.mkdir(parents=True, exist_ok=True)
        self.prefect.home.mkdir(parents=True, exist_ok=True)
        if server_is_up(self.prefect):
            self.say(f"Using the Prefect server already running at {self.prefect.api_url}")
        elif self.prefect.elsewhere:
            raise StackError(
                f"PREFECT_API_URL points at {self.prefect.api_url}, where no Prefect server answers: "
                "start it, or unset PREFECT_API_URL to have cer up start a local one"
            )
        else:
            self.say(
                f"Starting the Prefect server at {self.prefect.ui_url} (first start migrates its database)…"
            )
            self.prefect = ensure_auth(self.prefect)  # its API answers only who holds the secret
            self._spawn(
                "prefect-server",
                [
                    sys.executable,
                    "-m",
                    "prefect",
                    "server",
                    "start",
                    "--host",
                    self.prefect.host,
                    "--port",
                    str(self.prefect.port),
                ],
                prefect_environment(self.prefect, server=True),
            )
            self.started_server = True
            self._wait(lambda: server_is_up(self.prefect, timeout=1), server_timeout, "the Prefect server")
        self.say(
            "Starting the worker (serves workstreams A–G, change-process, monitor-plans, progress-report)…"
        )
        self._spawn("worker", [sys.executable, "-m", "cer.cli", "worker"], prefect_environment(self.prefect))
        self._wait(
            lambda: all(deployment_exists(self.prefect, name) for name in DEPLOYMENTS),
            worker_timeout,
            "the worker",
        )
        self.say(f"Starting the website at {self.web_url}…")
        self._spawn(
            "web",
            [sys.executable, "-m", "cer.cli", "serve", "--port", str(self.web_port)],
            prefect_environment(self.prefect),
        )
        self._wait(lambda: answers(self.web_url), worker_timeout, "the website")

    @property
    def web_url(self) -> str:
        return f"http://127.0.0.1:{self.web_port}"

    def _spawn(self, name: str, command: list[str], env: dict[str, str]) -> None:
        log = (self.log_dir / f"{name}.log").open("ab")
        process = subprocess.Popen(
            command, env=child_environment(env), stdout=log, stderr=subprocess.STDOUT, start_new_session=True
        )
        self.processes.append((name, process))

    def _wait(self, ready: Callable[[], bool], seconds: float, what: str) -> None:
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            self.check_alive()
            if ready():
                return
            time.sleep(0.3)
        raise StackError(f"{what} was not ready after {seconds:.0f} s; see {self.log_dir}")

    def check_alive(self) -> None:
        for name, process in self.processes:
            if process.poll() is not None:
                raise StackError(
                    f"the {name} stopped (exit code {process.returncode}); see {self.log_dir / name}.log"
                )

    def stop(self, timeout: float = 20) -> None:
        """Worker first, then the server: each gets SIGTERM, then SIGKILL after `timeout` seconds."""
        for _name, process in reversed(self.processes):
            if process.poll() is None:
                process.terminate()
                try:
                    process.wait(timeout=timeout)
                except subprocess.TimeoutExpired:
                    process.kill()
                    process.wait()
        self.processes.clear()

    def run_until_stopped(self, poll: float = 1.0) -> None:
        """Block until Ctrl-C or SIGTERM (or a child dies: StackError), then stop everything."""
        signal.signal(signal.SIGTERM, _raise_interrupt)
        try:
            while True:
                self.check_alive()
                time.sleep(poll)
        except KeyboardInterrupt:
            self.say("Stopping…")
        finally:
            self.stop()
            signal.signal(signal.SIGTERM, signal.SIG_DFL)


def _raise_interrupt(_signum: int, _frame: FrameType | None) -> None:
    raise KeyboardInterrupt


def deployment_exists(prefect: PrefectSettings, name: str) -> bool:
    try:
        request = urllib.request.Request(
            f"{prefect.api_url}/deployments/name/{name}", headers=prefect.headers()
        )
        with urllib.request.urlopen(request, timeout=2) as response:  # noqa: S310
            return bool(json.loads(response.read()).get("id"))
    except (OSError, ValueError):
        return False


def answers(url: str) -> bool:
    try:
        with urllib.request.urlopen(url, timeout=2) as response:  # noqa: S310  (loopback)
            return bool(response.status == 200)
    except (OSError, ValueError):
        return False
