"""A workstream flow run next to a bare Prefect flow making the same number of task calls, same server.

    python bench/flows.py [--runs 20] [--starts 3] [--prefect-db postgres|sqlite] [--postgres URL]

(1) Workstream B for a country whose steps 1–6 are signed off, with all nine service lines: it links the run,
materializes 18 template tasks in the plan and walks the six steps — 8 Prefect task calls. Each run works on
a fresh country's plan, so every run does the full materialization. (2) The baseline: a bare flow calling 8
Prefect tasks that do nothing, interleaved with (1) on the same local Prefect server (heartbeat off, as in
the tests). Target (issue 5): (1) at most 1.3x (2). (3) With `--starts`: the time from `cer run workstream`
to the run's first task starting, through a `cer worker` process serving the deployments. It prints
figures; it asserts nothing.
"""

from __future__ import annotations

import argparse
import datetime as dt
import importlib.util
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from uuid import UUID

BENCH = Path(__file__).resolve().parent
# This file is bench/flows.py: its folder must not hide the `flows` package.
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != BENCH]

from flows.local_server import OFFLINE  # noqa: E402

HOME = tempfile.mkdtemp(prefix="cer-bench-prefect-")
os.environ.update({**OFFLINE, "PREFECT_HOME": HOME})  # before Prefect is imported

from prefect import flow, task  # noqa: E402
from sqlmodel import Session  # noqa: E402

from cer.content import get_content  # noqa: E402
from cer.db.engine import make_engine  # noqa: E402
from cer.db.migrate import upgrade  # noqa: E402
from cer.services.plans import create_plan  # noqa: E402
from cer.services.workflow import sign_off  # noqa: E402
from flows.local_server import local_server  # noqa: E402
from flows.workstream import workstream_b  # noqa: E402
from workstreams.parameters import CommonServicesRun, ServiceLine  # noqa: E402

_spec = importlib.util.spec_from_file_location("bench_tracking", BENCH / "tracking.py")
assert _spec is not None and _spec.loader is not None
tracking = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(tracking)
reports_for = tracking.reports_for  # plans for made-up countries

TASK_CALLS = 8  # link-run, materialize-tasks, open-step × 6


@task(name="nothing")
def nothing(i: int) -> int:
    return i


@flow(name="bare")
def bare(calls: int) -> int:
    return sum(nothing(i) for i in range(calls))


def _plans(url: str, n: int, signed: bool, skip: int = 0) -> list[str]:
    content = get_content()
    engine = make_engine(url)
    codes = []
    with Session(engine) as session:
        for report, answers in reports_for(skip + n)[skip:]:
            plan = create_plan(session=session, report=report, answer_set=answers, by="bench")
            codes.append(plan.country_code)
            for step in range(1, 7) if signed else ():
                sign_off(
                    session=session,
                    country=plan.country_code,
                    code="B",
                    step=step,
                    by="bench",
                    note="bench",
                    framework=content.framework,
                )
    engine.dispose()
    return codes


def _median_ms(values: list[float]) -> float:
    return statistics.median(values) * 1000


def compare(url: str, runs: int) -> None:
    codes = _plans(url, runs + 1, signed=True)
    lines = list(ServiceLine)
    workstream_b(CommonServicesRun(country=codes[0], service_lines=lines))  # warm both: imports, content
    bare(TASK_CALLS)
    work, base = [], []
    for code in codes[1:]:
        start = time.perf_counter()
        result = workstream_b(CommonServicesRun(country=code, service_lines=lines))
        work.append(time.perf_counter() - start)
        assert len(result["created"]) == 18 and result["signed_off"] == [1, 2, 3, 4, 5, 6]
        start = time.perf_counter()
        bare(TASK_CALLS)
        base.append(time.perf_counter() - start)
    w, b = _median_ms(work), _median_ms(base)
    print(f"{runs} runs each, {TASK_CALLS} Prefect task calls per run (median / min ms)")
    print(f"  bare flow (no work)        {b:8.1f} / {min(base) * 1000:6.1f}")
    print(f"  workstream B (18 tasks)    {w:8.1f} / {min(work) * 1000:6.1f}")
    verdict = "met" if w / b <= 1.3 else "MISSED"
    print(f"  ratio {w / b:.2f}x (target <= 1.3x: {verdict})")


def time_to_first_task(url: str, starts: int, var: Path) -> None:
    from prefect.client.orchestration import get_client
    from prefect.client.schemas.filters import FlowRunFilter, FlowRunFilterId
    from prefect.client.schemas.sorting import TaskRunSort

    codes = _plans(url, starts, signed=False, skip=1000)
    cer = str(Path(sys.executable).parent / "cer")
    log = (var / "worker.log").open("ab")
    worker = subprocess.Popen([cer, "worker"], stdout=log, stderr=subprocess.STDOUT)
    try:
        with get_client(sync_client=True) as client:
            deadline = time.monotonic() + 90
            while time.monotonic() < deadline:
                try:
                    client.read_deployment_by_name("workstream-b/cer")
                    break
                except Exception:  # noqa: BLE001  (not registered yet)
                    time.sleep(0.2)
            print(
                f"\ncer run workstream → the run's first task starting, through `cer worker` ({starts} runs)"
            )
            for code in codes:
                began = time.time()
                out = subprocess.run(
                    [
                        cer,
                        "run",
                        "workstream",
                        "B",
                        "--country",
                        code,
                        "--param",
                        "service_lines=ict",
                        "--json",
                    ],
                    capture_output=True,
                    text=True,
                    check=True,
                )
                command = time.time() - began
                run_id = UUID(json.loads(out.stdout)["flow_run_id"])
                first = None
                while first is None and time.time() - began < 60:
                    found = client.read_task_runs(
                        flow_run_filter=FlowRunFilter(id=FlowRunFilterId(any_=[run_id])),
                        sort=TaskRunSort.EXPECTED_START_TIME_ASC,
                        limit=1,
                    )
                    if found and found[0].start_time is not None:
                        first = found[0].start_time.timestamp()
                    else:
                        time.sleep(0.1)
                if first is None:
                    print(f"  {code}: no task started within 60 s (see {var / 'worker.log'})")
                    continue
                print(
                    f"  {code}: cer run returned in {command:.2f} s; first task {first - began:.2f} s after"
                )
    finally:
        worker.terminate()
        worker.wait(timeout=30)


POSTGRES = "postgresql://postgres@127.0.0.1:5432/postgres"


@contextmanager
def prefect_database(kind: str, admin_url: str) -> Iterator[str | None]:
    """A fresh PostgreSQL database for Prefect (dropped afterwards), or None: a copy of the SQLite template.

    On SQLite, Prefect's own background writers make the API answer 503 under load and the client backs off
    for 2 s and more (../shared/reference/prefect.md §0.4): medians then measure the back-off, not the work.
    """
    if kind == "sqlite":
        yield None
        return
    import psycopg

    name = f"cer_bench_prefect_{os.getpid()}"
    with psycopg.connect(admin_url, autocommit=True) as admin:
        admin.execute(f'CREATE DATABASE "{name}"')
    host = admin_url.split("@", 1)[1].rsplit("/", 1)[0]
    user = admin_url.split("://", 1)[1].split("@", 1)[0]
    try:
        yield f"postgresql+asyncpg://{user}@{host}/{name}"
    finally:
        with psycopg.connect(admin_url, autocommit=True) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--runs", type=int, default=20)
    parser.add_argument("--starts", type=int, default=3, help="cer run → first task measurements (0: skip)")
    parser.add_argument(
        "--prefect-db",
        choices=["postgres", "sqlite"],
        default="postgres",
        help="Prefect's database: PostgreSQL as in production (default), or SQLite as `cer up` starts it",
    )
    parser.add_argument("--postgres", default=POSTGRES, help="an admin connection to create the database on")
    args = parser.parse_args()
    var = Path(tempfile.mkdtemp(prefix="cer-bench-flows-"))
    url = f"sqlite:///{var / 'cer.db'}"
    upgrade(url)
    os.environ["CER_DATABASE_URL"] = url
    os.environ["CER_VAR_DIR"] = str(var)
    with prefect_database(args.prefect_db, args.postgres) as db, local_server(db) as api:
        where = "PostgreSQL" if db else "SQLite"
        print(f"Prefect {__import__('prefect').__version__} server at {api} on {where}; app database {url}\n")
        compare(url, args.runs)
        if args.starts:
            time_to_first_task(url, args.starts, var)
    print(f"\n(today {dt.date.today()})")


if __name__ == "__main__":
    main()
