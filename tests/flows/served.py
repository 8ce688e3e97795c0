"""What the served-run tests share: the `cer` command as people run it, a `cer worker` process, waits on
Prefect's view of a run."""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any
from uuid import UUID

from prefect.client.orchestration import get_client
from prefect.client.schemas.objects import FlowRun


def run_env(**extra: Any) -> dict[str, str]:
    """The environment for a cer process a test starts: this session's server and the test's database."""
    return {**os.environ, **{k: str(v) for k, v in extra.items()}}


CER = [str(Path(sys.executable).parent / "cer")]  # the installed command, as people run it


def cer(*args: str, check: bool = True) -> subprocess.CompletedProcess[str]:
    done = subprocess.run([*CER, *args], env=run_env(), capture_output=True, text=True, timeout=120)
    if check and done.returncode != 0:
        raise AssertionError(f"cer {' '.join(args)} exited {done.returncode}: {done.stderr}")
    return done


class Worker:
    """A `cer worker` process serving every deployment, as `make run` starts it."""

    def __init__(self, log: Path) -> None:
        self.log = log
        self.process = subprocess.Popen(
            [*CER, "worker"],
            env=run_env(),
            stdout=log.open("ab"),
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGINT)
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()

    def kill(self) -> None:
        self.process.kill()
        self.process.wait()


def deployed(name: str) -> bool:
    from prefect.exceptions import ObjectNotFound

    with get_client(sync_client=True) as client:
        try:
            client.read_deployment_by_name(name)
        except ObjectNotFound:
            return False
    return True


def flow_run(run_id: str) -> FlowRun:
    with get_client(sync_client=True) as client:
        return client.read_flow_run(UUID(run_id))


def wait(condition: Callable[[], Any], seconds: float, what: str, log: Path | None = None) -> Any:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if found := condition():
            return found
        time.sleep(0.2)
    tail = log.read_text(errors="replace")[-3000:] if log and log.exists() else ""
    raise AssertionError(f"waited {seconds} s for {what}\n{tail}")


def suspended_at(run_id: str, key: str) -> bool:
    state = flow_run(run_id).state
    return state is not None and state.is_paused() and state.state_details.pause_key == key


def forget_waiting_runs() -> int:
    """Delete the runs on the server that have not ended (scheduled, pending, running, paused); how many."""
    from prefect.client.schemas.filters import FlowRunFilter, FlowRunFilterState, FlowRunFilterStateType
    from prefect.client.schemas.objects import StateType

    waiting = [StateType.SCHEDULED, StateType.PENDING, StateType.RUNNING, StateType.PAUSED]
    which = FlowRunFilter(state=FlowRunFilterState(type=FlowRunFilterStateType(any_=waiting)))
    deleted = 0
    with get_client(sync_client=True) as client:
        while runs := client.read_flow_runs(flow_run_filter=which, limit=200):
            for run in runs:
                client.delete_flow_run(run.id)
            deleted += len(runs)
    return deleted


def kill_tree(pid: int) -> None:
    """SIGKILL `pid`, its process group and every process under it (a machine that dies, as far as its runs
    can tell)."""
    tree = [pid]
    for parent in tree:
        found = subprocess.run(["pgrep", "-P", str(parent)], capture_output=True, text=True).stdout
        tree += [int(p) for p in found.split()]
    for each in tree:
        with contextlib.suppress(ProcessLookupError):
            os.kill(each, signal.SIGKILL)
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(pid, signal.SIGKILL)
