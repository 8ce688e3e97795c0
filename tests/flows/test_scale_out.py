"""Growth, as far as one machine can show it: the app and Prefect both on PostgreSQL, and a Prefect process
work pool with two workers pulling the runs (`cer worker --pool`), as on several machines."""

from __future__ import annotations

import dataclasses
import os
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import psycopg
import pytest
from prefect.client.orchestration import get_client
from prefect.deployments import run_deployment
from sqlmodel import Session, col, func, select

from cer.content import Content
from cer.db.engine import make_engine
from cer.db.migrate import upgrade
from cer.db.tables import FlowRunLinkRow, TaskRow
from cer.services.plans import create_plan
from cer.services.workflow import sign_off
from flows.local_server import local_server
from tests.factories import make_report
from tests.flows.served import run_env
from tests.integration.conftest import POSTGRES_URL, _postgres_admin, postgres_schema

ADMIN = POSTGRES_URL.replace("postgresql+psycopg://", "postgresql://")


@pytest.fixture
def prefect_on_postgres() -> Iterator[str]:
    """A Prefect server of its own whose database is a fresh PostgreSQL database."""
    _postgres_admin().dispose()  # fails (under CI) or skips clearly when PostgreSQL is missing
    name = f"cer_test_prefect_{uuid.uuid4().hex[:10]}"
    with psycopg.connect(ADMIN, autocommit=True) as admin:
        admin.execute(f'CREATE DATABASE "{name}"')
    base = ADMIN.rsplit("/", 1)[0].replace("postgresql://", "postgresql+asyncpg://")
    try:
        with local_server(f"{base}/{name}") as api:
            yield api
    finally:
        with psycopg.connect(ADMIN, autocommit=True) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


# The session's server is there too: this test starts a second one, and restores the first after.
@pytest.mark.usefixtures("prefect_api")
def test_two_workers_on_a_process_pool_share_the_runs_with_both_databases_on_postgresql(
    prefect_on_postgres: str, content: Content, tmp_path: Path
) -> None:
    with postgres_schema() as app_url:
        upgrade(app_url)
        engine = make_engine(app_url)
        codes = []
        with Session(engine) as session:
            for code in ("MWI", "ZMB", "TZA", "KEN"):
                report, answers = make_report(content, "malawi")
                report = dataclasses.replace(report, country=report.country.__class__(code, code))
                create_plan(session=session, report=report, answer_set=answers, by="rco")
                for step in range(1, 7):
                    sign_off(
                        session=session,
                        country=code,
                        code="B",
                        step=step,
                        by="rc",
                        note="ok",
                        framework=content.framework,
                    )
                codes.append(code)
        env = run_env(
            CER_DATABASE_URL=app_url,
            PREFECT_API_URL=prefect_on_postgres,
            PREFECT_WORKER_QUERY_SECONDS=1,
            PREFECT_WORKER_PREFETCH_SECONDS=1,
            PREFECT_LOGGING_LEVEL="INFO",
        )
        cer = str(Path(sys.executable).parent / "cer")
        logs = [tmp_path / f"worker-{i}.log" for i in (1, 2)]
        workers = [
            subprocess.Popen(
                [cer, "worker", "--pool", "cer-pool", "--limit", "2"],
                env=env,
                stdout=log.open("wb"),
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
            for log in logs
        ]
        try:
            with get_client(sync_client=True) as client:
                _wait(lambda: _workers(client) == 2, 120, "two workers", logs)
                runs = [
                    run_deployment(
                        "workstream-b/cer",
                        parameters={"params": {"country": c, "service_lines": ["ict"]}},
                        timeout=0,
                        as_subflow=False,
                    )
                    for c in codes
                ]
                ids = [r.id for r in runs]  # type: ignore[union-attr]
                _wait(
                    lambda: all(client.read_flow_run(i).state.is_final() for i in ids), 180, "the runs", logs
                )  # type: ignore[union-attr]
                states = [client.read_flow_run(i).state for i in ids]
            assert all(s is not None and s.is_completed() for s in states), states
            # both workers took runs (each may run at most two at once)
            took = [sum(str(i) in log.read_text(errors="replace") for i in ids) for log in logs]
            assert all(n >= 1 for n in took) and sum(took) >= len(ids), took
            with Session(engine) as session:
                made = session.exec(
                    select(func.count()).select_from(TaskRow).where(col(TaskRow.template) != "")
                ).one()
                links = session.exec(select(func.count()).select_from(FlowRunLinkRow)).one()
            assert made == 2 * len(codes) and links == len(codes)  # stock-take + cost-benefit each, once
        finally:
            for worker in workers:
                worker.terminate()
            for worker in workers:
                try:
                    worker.wait(timeout=30)
                except subprocess.TimeoutExpired:
                    os.killpg(worker.pid, 9)
            engine.dispose()


def _workers(client: Any) -> int:
    from prefect.exceptions import PrefectHTTPStatusError

    try:
        return len(client.read_workers_for_work_pool("cer-pool"))
    except PrefectHTTPStatusError:  # the pool is not there yet
        return 0


def _wait(condition, seconds: float, what: str, logs: list[Path]) -> None:  # type: ignore[no-untyped-def]
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(0.5)
    tails = "\n".join(log.read_text(errors="replace")[-2000:] for log in logs if log.exists())
    raise AssertionError(f"waited {seconds} s for {what}\n{tails}")
