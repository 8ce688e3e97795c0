"""End to end: `cer worker` serves the deployments, `cer run` starts a run, it suspends for each sign-off,
`cer signoff` (or the run's form in Prefect's UI) resumes it, and a restarted worker carries on."""

from __future__ import annotations

import datetime as dt
import json
import socket
import subprocess
import urllib.request
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from urllib.parse import urlsplit
from uuid import UUID

import pytest
from prefect.client.orchestration import get_client
from prefect.flow_runs import resume_flow_run
from sqlmodel import Session, select

from cer.db.tables import PlanRow, StepSignOffRow, TaskRow
from cer.services import signoff_codes
from cer.services.access import local_operator
from tests.flows.served import CER, Worker, cer, flow_run, run_env, suspended_at, wait


@pytest.mark.usefixtures("malawi")
def test_a_run_suspends_for_each_sign_off_and_survives_a_worker_restart(
    session: Session, start_worker: Callable[[], Worker], worker_log: Path
) -> None:
    worker = start_worker()
    started = json.loads(
        cer(
            "run",
            "workstream",
            "B",
            "--country",
            "MWI",
            "--param",
            "service_lines=ict",
            "--as",
            "coord",
            "--json",
        ).stdout
    )
    run_id = started["flow_run_id"]
    wait(lambda: suspended_at(run_id, "sign-off-1-0"), 90, "the run to wait for step 1", worker_log)
    session.expire_all()
    made = session.exec(select(TaskRow.key).where(TaskRow.template != "")).all()
    assert sorted(made) == ["B-2.4/stocktake-ict", "B-4.1/cost-benefit-ict"]

    # Step 1 signed off from the command line: the run goes on and waits for step 2, whose tasks it opened.
    signed = json.loads(cer("signoff", "MWI", "B", "--step", "1", "--as", "alice", "--json").stdout)
    assert signed["resumed_runs"] == [run_id] and not signed["already_signed"]
    wait(lambda: suspended_at(run_id, "sign-off-2-0"), 90, "the run to wait for step 2", worker_log)
    session.expire_all()
    step2 = session.exec(select(TaskRow).where(TaskRow.workstream == "B", TaskRow.step == 2)).all()
    assert step2 and all(t.opened_at is not None for t in step2)

    # Step 2 through the run's own form (Prefect's UI does this): nobody's name is taken from it, only a
    # one-time code made for an account. A made-up code is refused and nothing recorded...
    bobs = signoff_codes.issue(
        session=session, who=local_operator("bob"), country="MWI", workstream="B", step=2
    )
    resume_flow_run(UUID(run_id), run_input={"code": "ABCDE-FGHJK", "note": "I am the RC, trust me"})
    wait(lambda: suspended_at(run_id, "sign-off-2-1"), 90, "the run to ask again for step 2", worker_log)
    session.expire_all()
    assert session.exec(select(StepSignOffRow).where(StepSignOffRow.step == 2)).first() is None
    # ... open tasks and no note is refused, and leaves the code unused...
    resume_flow_run(UUID(run_id), run_input={"code": bobs.code})
    wait(lambda: suspended_at(run_id, "sign-off-2-2"), 90, "the run to ask again for step 2", worker_log)
    session.expire_all()
    assert session.exec(select(StepSignOffRow).where(StepSignOffRow.step == 2)).first() is None
    # ... and with a note it is recorded as bob's, with the run that took it.
    resume_flow_run(UUID(run_id), run_input={"code": bobs.code, "note": "stock-take done in the OMT retreat"})
    wait(lambda: suspended_at(run_id, "sign-off-3-0"), 90, "the run to wait for step 3", worker_log)
    session.expire_all()
    two = session.exec(select(StepSignOffRow).where(StepSignOffRow.step == 2)).one()
    assert (two.signed_by, two.flow_run_id) == ("bob", run_id)
    assert sorted(two.open_tasks) == ["B-2.4", "B-2.4/stocktake-ict"]

    # The worker dies while the run waits. Step 3 is signed off with no worker: a success, and the run goes on
    # once a worker is back.
    worker.kill()  # and waited for: gone
    signed3 = cer(
        "signoff", "MWI", "B", "--step", "3", "--as", "carol", "--note", "strategy drafted; matrices follow"
    )
    assert signed3.returncode == 0 and "signed off by carol" in signed3.stdout, signed3.stderr
    start_worker()
    wait(
        lambda: suspended_at(run_id, "sign-off-4-0"),
        90,
        "the run to wait for step 4 on the new worker",
        worker_log,
    )
    session.expire_all()
    signed_steps = session.exec(
        select(StepSignOffRow.step, StepSignOffRow.signed_by).order_by(StepSignOffRow.step)
    ).all()
    assert [tuple(r) for r in signed_steps] == [(1, "alice"), (2, "bob"), (3, "carol")]
    # Nothing was created twice by the four executions of the run.
    keys = session.exec(select(TaskRow.key).where(TaskRow.workstream == "B")).all()
    assert len(keys) == len(set(keys))
    runs = json.loads(cer("runs", "MWI", "--json").stdout)
    assert [(r["flow"], r["state"], r["waiting_for_step"]) for r in runs] == [("workstream-b", "PAUSED", 4)]


@pytest.mark.usefixtures("malawi")
def test_two_starts_of_a_workstream_at_once_make_one_named_run(
    start_worker: Callable[[], Worker], worker_log: Path
) -> None:
    """A second click on "Start the flow" (here: two `cer run` at the same moment) answers with the run the
    first made; the run bears its name from the moment it exists, and keeps it while it runs."""
    start_worker()
    before = _count_runs()
    args = ("run", "workstream", "B", "--country", "MWI", "--param", "service_lines=ict", "--json")
    with ThreadPoolExecutor(2) as pool:
        started = [json.loads(done.stdout) for done in pool.map(lambda _: cer(*args), range(2))]
    assert len({s["flow_run_id"] for s in started}) == 1, started
    assert sorted(s["already_running"] for s in started) == [False, True]
    assert _count_runs() == before + 1
    name = f"MWI · B Common Services · {dt.date.today().isoformat()}"
    assert started[0]["name"] == name
    run_id = started[0]["flow_run_id"]
    wait(lambda: suspended_at(run_id, "sign-off-1-0"), 90, "the run to wait for step 1", worker_log)
    assert flow_run(run_id).name == name
    again = json.loads(cer(*args).stdout)  # still waiting for step 1: the same run
    assert (again["flow_run_id"], again["already_running"]) == (run_id, True)
    assert "waiting for the sign-off of step 1" in cer("runs", "MWI").stdout


@pytest.mark.usefixtures("prefect_api")
def test_bad_parameters_are_refused_by_cer_run_before_any_run_is_created(malawi: PlanRow) -> None:
    before = _count_runs()
    done = cer(
        "run",
        "workstream",
        "B",
        "--country",
        "MWI",
        "--param",
        "service_lines=ict,catering",
        "--param",
        "colour=blue",
        check=False,
    )
    assert done.returncode == 2
    assert (
        "service_lines.1: Choose one of: 'procurement'" in done.stderr
        and "colour: Not something we know here" in done.stderr
    )
    assert _count_runs() == before and malawi.id
    refused = cer("run", "workstream", "D", "--country", "ZZZ", check=False)
    assert refused.returncode == 2 and "plan for country 'ZZZ'" in refused.stderr
    assert _count_runs() == before


def _count_runs() -> int:
    from prefect.client.schemas.filters import FlowFilter, FlowFilterName

    with get_client(sync_client=True) as client:
        return client.count_flow_runs(
            flow_filter=FlowFilter(name=FlowFilterName(any_=["workstream-b", "workstream-d"]))
        )


def _children(pid: int) -> list[str]:
    """The command lines of `pid`'s child processes."""
    found = subprocess.run(["pgrep", "-a", "-P", str(pid)], capture_output=True, text=True).stdout
    return found.splitlines()


@pytest.mark.usefixtures("malawi")
def test_the_website_starts_a_run_on_the_configured_prefect_server_and_no_server_of_its_own(
    prefect_api: str, start_worker: Callable[[], Worker], worker_log: Path, tmp_path: Path
) -> None:
    """As `cer up` starts it: the website knows the Prefect server only by `CER_PREFECT_PORT`, and its flow
    routes import Prefect on the first request. A run must land on that server at once, and the website must
    never start a throwaway Prefect server of its own (it did: ~12 s per start, left running after)."""
    start_worker()
    cer("users", "add", "coord", "--name", "Coord")
    cer("users", "grant", "coord", "MWI", "coordinator")
    token = json.loads(cer("tokens", "create", "coord", "--name", "test", "--json").stdout)["token"]
    port = urlsplit(prefect_api).port
    env = {k: v for k, v in run_env().items() if not k.startswith("PREFECT_")}
    env |= {"CER_PREFECT_PORT": str(port), "PREFECT_HOME": str(tmp_path / "web-prefect-home")}
    web_port = _free_port()
    web = subprocess.Popen(
        [*CER, "serve", "--port", str(web_port)],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=(tmp_path / "web.log").open("wb"),
        start_new_session=True,
    )
    try:
        wait(lambda: _answers(f"http://127.0.0.1:{web_port}/"), 30, "the website", tmp_path / "web.log")
        request = urllib.request.Request(
            f"http://127.0.0.1:{web_port}/api/flow-runs",
            data=json.dumps(
                {"country": "MWI", "workstream": "B", "parameters": {"service_lines": ["ict"]}}
            ).encode(),
            headers={"Authorization": f"Bearer {token}", "Content-Type": "application/json"},
            method="POST",
        )
        with urllib.request.urlopen(request, timeout=60) as response:
            started = json.loads(response.read())
        assert started["url"].startswith(prefect_api.removesuffix("/api"))
        assert flow_run(started["flow_run_id"]).deployment_id is not None  # on the configured server
        wait(lambda: suspended_at(started["flow_run_id"], "sign-off-1-0"), 90, "the run", worker_log)
        assert _children(web.pid) == [], "the website started processes of its own"
    finally:
        web.terminate()
        web.wait(timeout=20)


def _answers(url: str) -> bool:
    try:
        with urllib.request.urlopen(url, timeout=2):
            return True
    except OSError:
        return False


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])
