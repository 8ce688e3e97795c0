"""A real Prefect server for the flow tests, one per session (flows/local_server.py: a copy of a database
migrated once, ~4 s instead of Prefect's own harness's ~10 s; heartbeat off; analytics off, nothing leaves
the machine). Each test gets its own app database (SQLite, migrated) via CER_DATABASE_URL."""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from sqlmodel import Session

from cer.content import Content
from cer.db.engine import make_engine
from cer.db.migrate import upgrade
from cer.db.tables import PlanRow
from cer.services.plans import create_plan
from flows.local_server import OFFLINE, local_server
from tests.factories import make_report
from tests.flows.served import Worker, deployed, forget_waiting_runs, wait

_HOME = Path(tempfile.mkdtemp(prefix="cer-prefect-home-"))
os.environ.update({**OFFLINE, "PREFECT_HOME": str(_HOME)})  # before Prefect is imported: read once
os.environ.pop("PREFECT_API_URL", None)  # never a server inherited from the shell


@pytest.fixture(scope="session")
def prefect_api() -> Iterator[str]:
    """The API URL of a Prefect server running for this session; flows called in tests report to it."""
    with local_server() as url:
        yield url
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
def malawi(session: Session, content: Content) -> PlanRow:
    """Malawi's plan (every workstream selected), stored."""
    report, answers = make_report(content, "malawi")
    return create_plan(session=session, report=report, answer_set=answers, by="rco@mw")


@pytest.fixture
def worker_log(tmp_path: Path) -> Path:
    return tmp_path / "worker.log"


@pytest.fixture
def start_worker(prefect_api: str, worker_log: Path) -> Iterator[Callable[[], Worker]]:  # noqa: ARG001  (needs the server)
    """`cer worker` processes for this test, on a server cleared of the runs earlier tests left waiting
    (started without a worker, for other databases): a new worker would otherwise run them all first."""
    forget_waiting_runs()
    started: list[Worker] = []

    def start() -> Worker:
        worker = Worker(worker_log)
        started.append(worker)
        wait(lambda: deployed("workstream-b/cer"), 60, "the deployments to be served", worker_log)
        return worker

    yield start
    for worker in started:
        worker.stop()
