"""Every deployment cer-toolkit serves, and the two ways to run them: `serve` (one process) or a work pool.

`cer worker` serves all of them from one long-lived process that polls the Prefect server and runs each flow
run in a subprocess. For more than one machine, `cer worker --pool NAME` registers them on a Prefect
*process* work pool instead and starts a Prefect worker on it; start as many such workers, on as many
machines (with this code and the same database settings), as the load needs.
"""

from __future__ import annotations

import contextlib
from pathlib import Path
from typing import Any

from prefect import Flow

from cer.content import default_root
from cer.runtime.config import get_settings
from flows.change_process import change_process
from flows.launch import DEPLOYMENT
from flows.monitoring import monitor_plans, progress_report
from flows.workstream import WORKSTREAM_FLOWS


def schedules() -> dict[str, str]:
    """Cron schedules of the continuous flows: monitor-plans daily at 06:00, progress-report on 1 January and
    1 July at 07:00, unless CER_MONITOR_CRON, CER_REPORT_CRON say otherwise (cer.runtime.config)."""
    settings = get_settings()
    return {"monitor-plans": settings.monitor_cron, "progress-report": settings.report_cron}


def all_flows() -> dict[str, tuple[Flow[Any, Any], str]]:
    """Flow name -> (flow, its entry point in the source tree)."""
    found: dict[str, tuple[Flow[Any, Any], str]] = {}
    for code, fl in WORKSTREAM_FLOWS.items():
        found[fl.name] = (fl, f"flows/workstream.py:workstream_{code.lower()}")
    found[change_process.name] = (change_process, "flows/change_process.py:change_process")
    found[monitor_plans.name] = (monitor_plans, "flows/monitoring.py:monitor_plans")
    found[progress_report.name] = (progress_report, "flows/monitoring.py:progress_report")
    return found


def deployments() -> list[Any]:
    crons = schedules()
    return [
        fl.to_deployment(name=DEPLOYMENT, cron=crons.get(name), tags=["cer-toolkit"])
        for name, (fl, _) in all_flows().items()
    ]


def watch_for_crashes() -> None:
    """The server's automation that marks runs whose worker died as crashed (flows/crash_watch.py)."""
    from cer.runtime.prefect_env import use_prefect
    from flows import crash_watch
    from flows.launch import connected

    settings = use_prefect()
    with connected(settings):
        crash_watch.ensure(settings.heartbeat_seconds)


def serve(limit: int | None = None) -> None:
    """Serve every deployment from this process until interrupted (Ctrl-C / SIGTERM)."""
    from prefect import serve as prefect_serve

    watch_for_crashes()
    prefect_serve(*deployments(), pause_on_shutdown=False, limit=limit)


def deploy_to_pool(pool: str, root: Path | None = None) -> list[str]:
    """Register every deployment on the process work pool `pool` (created if missing); returns their names."""
    from prefect.client.orchestration import get_client
    from prefect.client.schemas.actions import WorkPoolCreate
    from prefect.exceptions import ObjectAlreadyExists

    with get_client(sync_client=True) as client, contextlib.suppress(ObjectAlreadyExists):
        client.create_work_pool(WorkPoolCreate(name=pool, type="process"))
    watch_for_crashes()
    source = str((root or default_root()).resolve())
    crons = schedules()
    names = []
    for name, (_, entrypoint) in all_flows().items():
        remote = Flow.from_source(source=source, entrypoint=entrypoint)
        remote.deploy(  # type: ignore[union-attr]
            name=DEPLOYMENT,
            work_pool_name=pool,
            cron=crons.get(name),
            tags=["cer-toolkit"],
            print_next_steps=False,
        )
        names.append(f"{name}/{DEPLOYMENT}")
    return names
