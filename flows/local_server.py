"""A throwaway Prefect server on a copy of a pre-migrated database, for the tests and the benchmarks.

Migrating a new Prefect database takes ~10 s on 2 cores; a template migrated once per Prefect version and
copied starts the same server in ~4 s (../shared/reference/prefect.md §7). The flow-run heartbeat is turned
off in this process (it costs ~1 s per sync flow and can only be turned off in Python).
"""

from __future__ import annotations

import inspect
import os
import shutil
import socket
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from cer.runtime.config import get_settings
from cer.runtime.prefect_env import api_url_in_environment, child_environment

OFFLINE = {
    "PREFECT_SERVER_ANALYTICS_ENABLED": "false",
    "DO_NOT_TRACK": "1",
    "PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS": "90",
    # A client with no API address fails instead of starting a throwaway server (which outlives the tests).
    "PREFECT_SERVER_EPHEMERAL_ENABLED": "false",
    "PREFECT_LOGGING_LEVEL": "WARNING",
    "PREFECT_SERVER_UI_ENABLED": "false",
    "PREFECT_RESULTS_PERSIST_BY_DEFAULT": "false",
    "PREFECT_RUNNER_POLL_FREQUENCY": "1",
}


def template_db() -> Path:
    """A Prefect database migrated once per Prefect version, kept in the temp folder (or
    `PREFECT_TEMPLATE_DB_DIR`)."""
    import prefect

    folder = get_settings().prefect_template_dir or Path(tempfile.gettempdir())
    folder.mkdir(parents=True, exist_ok=True)
    template = folder / f"cer-prefect-template-{prefect.__version__}.db"
    if not template.exists():
        partial = template.with_name(f"{template.name}.{os.getpid()}.tmp")
        env = child_environment({"PREFECT_SERVER_DATABASE_CONNECTION_URL": f"sqlite+aiosqlite:///{partial}"})
        subprocess.run(
            [sys.executable, "-m", "prefect", "server", "database", "upgrade", "-y"],
            env=env,
            check=True,
            capture_output=True,
            timeout=300,
        )
        partial.replace(template)  # atomic: a concurrent run never sees a half-migrated file
    return template


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def drain_workers() -> None:
    """Flush Prefect's log and event workers before the server stops (else a long hang at exit)."""
    from prefect.events.worker import EventsWorker
    from prefect.logging.handlers import APILogWorker
    from prefect.utilities.asyncutils import run_coro_as_sync

    async def drain() -> None:
        try:
            result = APILogWorker.instance().drain()
            if inspect.isawaitable(result):
                await result
        except RuntimeError:
            pass
        events = EventsWorker.drain_all()
        if inspect.isawaitable(events):
            await events

    run_coro_as_sync(drain())


@contextmanager
def local_server(database_url: str | None = None) -> Iterator[str]:
    """Start a Prefect server on a copy of the template; yields its API URL, set for this process and its
    children (`PREFECT_API_URL`). Put `OFFLINE` and `PREFECT_HOME` in the environment before Prefect loads.
    `database_url` (e.g. an empty PostgreSQL database, `postgresql+asyncpg://…`) replaces the SQLite copy."""
    from prefect.server.api.server import SubprocessASGIServer
    from prefect.settings import (
        PREFECT_API_URL,
        PREFECT_FLOWS_HEARTBEAT_FREQUENCY,
        PREFECT_SERVER_DATABASE_CONNECTION_URL,
        temporary_settings,
    )

    folder = Path(tempfile.mkdtemp(prefix="cer-prefect-"))
    if database_url is None:
        db = folder / "prefect.db"
        shutil.copy(template_db(), db)
        database_url = f"sqlite+aiosqlite:///{db}"
    with temporary_settings(updates={PREFECT_SERVER_DATABASE_CONNECTION_URL: database_url}):
        server = SubprocessASGIServer(port=_free_port())  # one instance per port: never someone else's
        server.start(timeout=120)
    updates = {PREFECT_API_URL: server.api_url, PREFECT_FLOWS_HEARTBEAT_FREQUENCY: None}
    try:
        with temporary_settings(updates=updates), api_url_in_environment(server.api_url):
            try:
                yield server.api_url
            finally:  # while this server is still the one configured: draining makes a client
                drain_workers()
    finally:
        server.stop()
        shutil.rmtree(folder, ignore_errors=True)
