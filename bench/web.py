"""The website under load from a second process on loopback (wrk), next to a trivial FastAPI route.

    python bench/web.py [--duration 10] [--connections 8] [--threads 2] [--tasks 300] [--only tools,plan,api]

Requests/s and p50/p95 latency of the tools search page, a country's plan page with --tasks tasks and
/api/tasks?country=…, each after a warm-up, and of a one-route FastAPI app (bench/_trivial_app.py) served by
uvicorn with identical settings: one server at a time, in the same run. The data: a fresh SQLite database
migrated by `cer db upgrade`, holding one plan (the Somalia example's, topped up with copies of its tasks).
Target (issue 6): each endpoint at least 0.5x the trivial route's requests/s, and a p95 at most 2x its p95.
Every request says `Accept-Encoding: gzip, deflate`, as a browser does; the plan page is asked for by a
signed-in browser (a session cookie), /api/tasks with an API token, both a viewer of every country. The site
serves a page again from its cache while the page's data is unchanged (cer.web.page_cache.cached_page), so
the load figures are those of many people reading the same plan; what one view costs when the page must be
made afresh (the first view after a change) is printed after the table.
With two CPUs or more, the server is pinned to one and wrk to the others (`--no-pin`: neither), so they do
not take turns on a core. Any non-2xx answer or socket error is reported and makes it exit 1. It prints
figures; it asserts nothing about time.
"""

from __future__ import annotations

import argparse
import dataclasses
import datetime as dt
import http.client
import os
import secrets
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from _wrk import ACCEPT_ENCODING, Load, run_wrk
from sqlalchemy import func, insert
from sqlmodel import Session, select

from cer.content import get_content
from cer.db.engine import make_engine
from cer.db.tables import TaskRow
from cer.services import users
from cer.services.diagnosis import read_answers, run
from cer.services.plans import TASKS, create_plan, task_values
from cer.services.sessions import start_session
from cer.web.security import CSRF_COOKIE, SESSION_COOKIE
from diagnostics.planner import PlannedTask

REPO = Path(__file__).resolve().parent.parent
ENDPOINTS = {  # --only key: (name, path, who asks: nobody, a signed-in browser, an API token)
    "tools": ("tools search", "/tools?q=premises&workstream=D", "public"),
    "plan": ("country plan", "/countries/{code}", "cookie"),
    "api": ("api tasks", "/api/tasks?country={code}", "bearer"),
}
# `cer serve`'s settings, spelt out; the same for both apps. --workers 1 also ignores WEB_CONCURRENCY.
UVICORN = ["--factory", "--host", "127.0.0.1", "--workers", "1", "--log-level", "warning", "--no-access-log"]
UVICORN += ["--loop", "auto", "--http", "auto"]
MIN_THROUGHPUT, MAX_P95 = 0.5, 2.0


def server_env(folder: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("CER_")}
    return env | {"CER_VAR_DIR": str(folder), "CER_DATABASE_URL": f"sqlite:///{folder / 'cer.db'}"}


def prepare_database(env: dict[str, str], tasks: int) -> tuple[str, int, dict[str, dict[str, str]]]:
    """Migrate, then one plan with `tasks` tasks: the diagnosis's first ones, topped up with copies, and a
    viewer of every country with a web sign-in and an API token: the headers each kind of reader sends."""
    command = [sys.executable, "-m", "cer.cli", "db", "upgrade"]
    subprocess.run(command, env=env, cwd=REPO, check=True, capture_output=True)
    answer_set = read_answers(REPO / "examples" / "somalia.yaml")
    report = run(get_content(), answer_set, country=None, start=dt.date.today(), draft=False)
    planned = report.plan.tasks[:tasks]
    report = dataclasses.replace(report, plan=dataclasses.replace(report.plan, tasks=planned))
    engine = make_engine(env["CER_DATABASE_URL"])
    with Session(engine) as session:
        plan = create_plan(session=session, report=report, answer_set=answer_set, by="bench")
        if rows := copies(plan.id or 0, planned, tasks - len(planned)):
            session.execute(insert(TASKS), rows)  # one transaction, one executemany, as create_plan does
            session.commit()
        count = session.exec(
            select(func.count()).select_from(TaskRow).where(TaskRow.plan_id == plan.id)
        ).one()
        users.create_user(session=session, username="reader", name="Reader", password="a" * 16, by="bench")
        users.grant(session=session, username="reader", country="*", role="viewer", by="bench")
        who = users.authenticate(session=session, username="reader", password="a" * 16)
        cookie = start_session(session=session, who=who, hours=8)
        _, token = users.create_token(session=session, username="reader", name="bench", by="bench")
        code = plan.country_code
    engine.dispose()
    readers = {
        "public": {},
        "cookie": {"Cookie": f"{SESSION_COOKIE}={cookie}; {CSRF_COOKIE}={secrets.token_urlsafe(24)}"},
        "bearer": {"Authorization": f"Bearer {token}"},
    }
    return code, count, readers


def copies(plan_id: int, planned: list[PlannedTask], n: int) -> list[dict[str, Any]]:
    """`n` more task rows, copies of the planned ones keyed as a workstream run's are: 'B-4.1/copy-2'."""
    rows = []
    for i in range(n):
        values, copy = task_values(plan_id, planned[i % len(planned)]), f"copy-{i // len(planned) + 1}"
        rows.append(values | {"key": f"{values['key']}/{copy}", "template": copy})
    return rows


def pinning(wanted: bool) -> tuple[list[str], list[str], str]:
    """taskset prefixes for the server and for wrk, and what they do."""
    cpus = sorted(os.sched_getaffinity(0))
    if not wanted or len(cpus) < 2 or shutil.which("taskset") is None:
        return [], [], f"not pinned ({len(cpus)} CPUs available): the server and wrk share them"
    server, rest = str(cpus[0]), ",".join(str(c) for c in cpus[1:])
    return ["taskset", "-c", server], ["taskset", "-c", rest], f"server pinned to CPU {server}, wrk to {rest}"


@contextmanager
def serve(app: str, env: dict[str, str], pin: list[str], log: Path) -> Iterator[tuple[int, int]]:
    """uvicorn serving `app` in its own process until the block ends: (port, pid)."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    command = [*pin, sys.executable, "-m", "uvicorn", app, *UVICORN, "--port", str(port)]
    with log.open("ab") as out:
        proc = subprocess.Popen(command, cwd=REPO, env=env, stdout=out, stderr=subprocess.STDOUT)
    try:
        deadline = time.monotonic() + 60
        while True:
            if proc.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"{app} did not start listening:\n{log.read_text()[-3000:]}")
            try:
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                break
            except OSError:
                time.sleep(0.05)
        yield port, proc.pid
    finally:
        proc.terminate()
        proc.wait(timeout=30)


def fetch(port: int, path: str, headers: dict[str, str]) -> tuple[int, int]:
    """One GET as wrk sends it: (status, bytes on the wire)."""
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    try:
        connection.request("GET", path, headers={"Accept-Encoding": ACCEPT_ENCODING, **headers})
        response = connection.getresponse()
        return response.status, len(response.read())
    finally:
        connection.close()


def measure(
    port: int, pid: int, path: str, args: argparse.Namespace, pin: list[str], headers: dict[str, str]
) -> Load:
    """Warm up (three single requests, then wrk for a while), then the measured wrk run."""
    for _ in range(3):
        status, size = fetch(port, path, headers)
    warn = "" if 200 <= status < 300 else "   <-- NOT 2xx"
    print(f"  GET {path} → {status}, {size / 1000:.1f} kB{warn}", flush=True)
    url = f"http://127.0.0.1:{port}{path}"
    load = {"connections": args.connections, "threads": args.threads, "pin": pin, "server": pid}
    run_wrk(url, seconds=min(2, args.duration), headers=headers, **load)
    return run_wrk(url, seconds=args.duration, headers=headers, **load)


def made_afresh(port: int, path: str, headers: dict[str, str], n: int = 20) -> list[float]:
    """Milliseconds for `n` requests, each at an address the page cache has not seen (an unused `_` query)."""
    times = []
    for i in range(n):
        began = time.perf_counter()
        status, _ = fetch(port, f"{path}{'&' if '?' in path else '?'}_={i}", headers)
        times.append((time.perf_counter() - began) * 1000)
        if status != 200:
            sys.exit(f"{path}: {status} made afresh")
    return times


def report(results: list[tuple[str, str, Load]]) -> bool:
    """The table, then any errors, loudly; True when there were errors."""
    base = results[0][2]
    print(f"\ntarget: requests/s >= {MIN_THROUGHPUT:.2f}x the trivial route's, p95 <= {MAX_P95:.1f}x its p95")
    head = f"{'endpoint':<26} {'req/s':>8} {'p50 ms':>8} {'p95 ms':>8} {'req/s ratio':>11} {'p95 ratio':>9}"
    print(f"{head}  {'meets target':<12} {'server CPU':>10} {'wrk CPU':>7}")
    for name, _, load in results:
        rate = load.per_second / base.per_second if base.per_second else 0.0
        p95 = load.p95_ms / base.p95_ms if base.p95_ms else float("inf")
        meets = "ERRORS" if load.failed else ("yes" if rate >= MIN_THROUGHPUT and p95 <= MAX_P95 else "no")
        meets = "(baseline)" if load is base and not load.failed else meets
        print(
            f"{name:<26} {load.per_second:8.1f} {load.p50_ms:8.2f} {load.p95_ms:8.2f} {rate:11.2f} {p95:9.2f}"
            f"  {meets:<12} {load.server_cpu:10.0%} {load.wrk_cpu:7.0%}"
        )
    failed = [(name, path, load) for name, path, load in results if load.failed]
    print("\n" if failed else "", end="")
    for name, path, load in failed:
        line = f"!!! ERRORS: {name} ({path}): {load.errors_text()} out of {load.requests} requests"
        print(f"{line}: these figures are not the endpoint's")
        print(line, file=sys.stderr)
    return bool(failed)


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--duration", type=int, default=10, help="seconds of load per endpoint")
    parser.add_argument("--connections", type=int, default=8)
    parser.add_argument("--threads", type=int, default=2, help="wrk threads")
    parser.add_argument("--tasks", type=int, default=300, help="tasks in the country's plan")
    parser.add_argument("--only", default=",".join(ENDPOINTS), help=f"some of {','.join(ENDPOINTS)}")
    parser.add_argument("--no-pin", dest="pin", action="store_false", help="no taskset for server and wrk")
    args = parser.parse_args()
    only = [key.strip() for key in args.only.split(",")]
    if unknown := set(only) - set(ENDPOINTS):
        parser.error(f"--only: unknown {', '.join(sorted(unknown))}; choose from {', '.join(ENDPOINTS)}")
    if shutil.which("wrk") is None:
        sys.exit("wrk is not installed: apt-get install -y wrk")
    pin_server, pin_wrk, pinned = pinning(args.pin)
    with tempfile.TemporaryDirectory(prefix="cer-bench-web-") as folder:
        env, log = server_env(Path(folder)), Path(folder) / "uvicorn.log"
        code, count, readers = prepare_database(env, args.tasks)
        print(f"Plan for {code}: {count} tasks, in a fresh SQLite database; uvicorn {' '.join(UVICORN)}")
        print(f"wrk: {args.threads} threads, {args.connections} connections, {args.duration} s; {pinned}")
        results: list[tuple[str, str, Load]] = []
        fresh: list[tuple[str, list[float]]] = []
        with serve("bench._trivial_app:create_app", env, pin_server, log) as (port, pid):
            results.append(("trivial route (baseline)", "/", measure(port, pid, "/", args, pin_wrk, {})))
            fresh.append(("trivial route (baseline)", made_afresh(port, "/", {})))
        with serve("cer.web.app:create_app", env, pin_server, log) as (port, pid):
            for key in only:
                name, path, reader = ENDPOINTS[key][0], ENDPOINTS[key][1].format(code=code), ENDPOINTS[key][2]
                results.append((name, path, measure(port, pid, path, args, pin_wrk, readers[reader])))
                fresh.append((name, made_afresh(port, path, readers[reader])))
    failed = report(results)
    print("\nmade afresh, not from the page cache (the first view after a change), one request at a time:")
    base = statistics.median(fresh[0][1])
    for name, times in fresh:
        median = statistics.median(times)
        ratio = f"{median / base:6.1f}x the trivial route"
        print(f"  {name:<24} median {median:7.1f} ms   max {max(times):7.1f} ms   {ratio}")
    if failed:
        sys.exit(1)


if __name__ == "__main__":
    main()
