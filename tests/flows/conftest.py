"""A real Prefect server for the flow tests: one per session, started from a pre-migrated template database.

Prefect's own test harness migrates a new SQLite database each session (~10 s on 2 cores); copying a
template migrated once per Prefect version starts the same server in ~4 s (../shared/reference/prefect.md
§7). The flow-run heartbeat is turned off in-process (it costs ~1 s per sync flow), analytics are off and
nothing leaves the machine. Each test gets its own app database (SQLite, migrated) via CER_DATABASE_URL.
"""

from __future__ import annotations

import inspect
import os
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlmodel import Session

from cer.content import Content
from cer.db.engine import make_engine
from cer.db.migrate import upgrade
from cer.db.tables import Plan
from cer.services.plans import create_plan
from tests.factories import make_report

_HOME = Path(tempfile.mkdtemp(prefix="cer-prefect-home-"))
OFFLINE = {
    "PREFECT_HOME": str(_HOME),
    "PREFECT_SERVER_ANALYTICS_ENABLED": "false",
    "DO_NOT_TRACK": "1",
    "PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS": "90",
    "PREFECT_LOGGING_LEVEL": "WARNING",
    "PREFECT_SERVER_UI_ENABLED": "false",
    "PREFECT_RESULTS_PERSIST_BY_DEFAULT": "false",
    "PREFECT_RUNNER_POLL_FREQUENCY": "1",
}
os.environ.update(OFFLINE)  # before Prefect is imported: its settings are read from the environment
os.environ.pop("PREFECT_API_URL", None)  # never a server inherited from the shell


def _template_db() -> Path:
    """A Prefect database migrated once per Prefect version and kept in the temp folder."""
    import prefect

    folder = Path(os.environ.get("PREFECT_TEMPLATE_DB_DIR", tempfile.gettempdir()))
    folder.mkdir(parents=True, exist_ok=True)
    template = folder / f"cer-prefect-template-{prefect.__version__}.db"
    if not template.exists():
        partial = template.with_name(f"{template.name}.{os.getpid()}.tmp")
        env = {**os.environ, "PREFECT_SERVER_DATABASE_CONNECTION_URL": f"sqlite+aiosqlite:///{partial}"}
        subprocess.run(
            [sys.executable, "-m", "prefect", "server", "database", "upgrade", "-y"],
            env=env,
            check=True,
            capture_output=True,
            timeout=300,
        )
        partial.replace(template)  # atomic: a concurrent session never sees a half-migrated file
    return template


def _drain_workers() -> None:
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
        result = EventsWorker.drain_all()
        if inspect.isawaitable(result):
            await result

    run_coro_as_sync(drain())


@pytest.fixture(scope="session")
def prefect_api() -> Iterator[str]:
    """The API URL of a Prefect server running for this session; flows called in tests report to it."""
    from prefect.server.api.server import SubprocessASGIServer
    from prefect.settings import (
        PREFECT_API_URL,
        PREFECT_FLOWS_HEARTBEAT_FREQUENCY,
        PREFECT_SERVER_DATABASE_CONNECTION_URL,
        temporary_settings,
    )

    folder = Path(tempfile.mkdtemp(prefix="cer-prefect-test-"))
    db = folder / "prefect.db"
    shutil.copy(_template_db(), db)
    with temporary_settings(updates={PREFECT_SERVER_DATABASE_CONNECTION_URL: f"sqlite+aiosqlite:///{db}"}):
        server = SubprocessASGIServer()
        server.start(timeout=90)
    try:
        with temporary_settings(
            updates={PREFECT_API_URL: server.api_url, PREFECT_FLOWS_HEARTBEAT_FREQUENCY: None}
        ):
            os.environ["PREFECT_API_URL"] = server.api_url  # for the processes tests start (cer, workers)
            yield server.api_url
    finally:
        os.environ.pop("PREFECT_API_URL", None)
        _drain_workers()
        server.stop()
        shutil.rmtree(folder, ignore_errors=True)
        shutil.rmtree(_HOME, ignore_errors=True)


@pytest.fixture
def app_db(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    """A migrated app database of the test's own, which the flows (and cer commands) use."""
    url = f"sqlite:///{tmp_path / 'cer.db'}"
    upgrade(url)
    monkeypatch.setenv("CER_DATABASE_URL", url)
    monkeypatch.setenv("CER_VAR_DIR", str(tmp_path / "var"))
    yield url


@pytest.fixture
def session(app_db: str) -> Iterator[Session]:
    engine = make_engine(app_db)
    with Session(engine) as s:
        yield s
    engine.dispose()


@pytest.fixture
def malawi(session: Session, content: Content) -> Plan:
    """Malawi's plan (every workstream selected), stored."""
    report, answers = make_report(content, "malawi")
    return create_plan(session=session, report=report, answer_set=answers, by="rco@mw")


def run_env(**extra: Any) -> dict[str, str]:
    """The environment for a cer process a test starts: this session's server and the test's database."""
    return {**os.environ, **{k: str(v) for k, v in extra.items()}}
