"""A run whose worker dies while it is *running* (not suspended for a sign-off) is marked crashed within
minutes, said so in words, and its workstream can be started again. Before, it stayed "running" for ever."""

from __future__ import annotations

import json
import sqlite3
import time
from collections.abc import Callable
from pathlib import Path

import pytest

from flows import crash_watch
from tests.flows.served import Worker, cer, flow_run, kill_tree, wait

ARGS = ("run", "workstream", "B", "--country", "MWI", "--param", "service_lines=ict", "--json")


def _state(run_id: str) -> str | None:
    state = flow_run(run_id).state
    return state.type.value if state else None


@pytest.mark.usefixtures("malawi")
def test_a_run_whose_worker_dies_while_it_runs_is_marked_crashed_and_can_be_started_again(
    app_db: str, start_worker: Callable[[], Worker], worker_log: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("CER_RUN_HEARTBEAT_SECONDS", "30")  # the shortest Prefect allows; 60 s of silence
    worker = start_worker()
    run_id = json.loads(cer(*ARGS).stdout)["flow_run_id"]
    # The app's database is held (another program writing), so the run's first step waits on it: the run
    # is executing — Prefect says RUNNING — when its worker and the run's own process are killed.
    holder = sqlite3.connect(app_db.removeprefix("sqlite:///"), isolation_level=None, timeout=30)
    holder.execute("BEGIN IMMEDIATE")
    try:
        wait(lambda: _state(run_id) == "RUNNING", 90, "the run to be running", worker_log)
        time.sleep(1)  # its heartbeat sent
        kill_tree(worker.process.pid)
    finally:
        holder.execute("ROLLBACK")
        holder.close()
    assert _state(run_id) == "RUNNING"  # nothing else knows yet

    silence = crash_watch.silence(30).total_seconds()
    wait(lambda: _state(run_id) == "CRASHED", silence + 60, "Prefect to mark the run crashed", worker_log)
    assert "No heartbeat for 60 s" in (flow_run(run_id).state.message or "")  # type: ignore[union-attr]
    shown = cer("runs", "MWI").stdout
    assert "stopped unexpectedly" in shown and "running" not in shown.replace("stopped unexpectedly", "")
    # The workstream is free again: a new start makes a new run, not "already running".
    again = json.loads(cer(*ARGS).stdout)
    assert again["flow_run_id"] != run_id and not again["already_running"]


@pytest.mark.usefixtures("prefect_api")
def test_every_worker_sets_up_one_watch_for_crashed_runs_with_the_configured_window(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from prefect.client.orchestration import get_client

    def watches() -> list[float]:
        with get_client(sync_client=True) as client:
            found = client.read_automations_by_name(crash_watch.NAME)
        return [a.trigger.within.total_seconds() for a in found]  # type: ignore[union-attr]

    from flows.deployments import watch_for_crashes

    monkeypatch.setenv("CER_RUN_HEARTBEAT_SECONDS", "45")
    watch_for_crashes()
    watch_for_crashes()  # a second worker: still one
    assert watches() == [90.0]
    monkeypatch.setenv("CER_RUN_HEARTBEAT_SECONDS", "30")
    watch_for_crashes()  # the setting changed: replaced
    assert watches() == [60.0]
