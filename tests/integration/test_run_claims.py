"""One run per workstream at a time (issue 17): starts made at the same moment make one run, on SQLite and
PostgreSQL; the run's name is readable from the start; a run that is over lets the next start make a new one.

Prefect is the one part not ours here: `Prefect` below stands in for its server (it makes runs, with a
delay, and answers their states), so that the race is the database's alone."""

from __future__ import annotations

import datetime as dt
import threading
import time
from typing import Any

from sqlalchemy import Engine
from sqlmodel import Session, select

from cer.content import Content
from cer.db.tables import FlowRunLinkRow, RunClaimRow
from cer.services.access import local_operator
from cer.services.plans import create_plan
from cer.services.runs import LaunchedRun, StartedRun, start_workstream_run
from tests.factories import make_report


class Prefect:
    def __init__(self) -> None:
        self.made: list[str] = []
        self.state: dict[str, str] = {}
        self.lock = threading.Lock()

    def start(self, flow: str, parameters: dict[str, Any], name: str | None = None) -> LaunchedRun:  # noqa: ARG002
        time.sleep(0.3)  # a server takes a moment: the other start arrives meanwhile
        with self.lock:
            run_id = f"00000000-0000-0000-0000-{len(self.made):012d}"
            self.made.append(run_id)
            self.state[run_id] = "SCHEDULED"
        return LaunchedRun(run_id, name or run_id, f"http://prefect/runs/{run_id}")

    def describe(self, run_id: str) -> LaunchedRun:
        return LaunchedRun(run_id, f"name of {run_id}", f"http://prefect/runs/{run_id}")

    def resume_signed(self, country: str, workstream: str) -> tuple[list[str], str | None]:  # noqa: ARG002
        return [], None

    def states(self, run_ids: list[str]) -> dict[str, tuple[str, int | None]] | None:
        return {i: (self.state[i], None) for i in run_ids if i in self.state}


def _start(engine: Engine, prefect: Prefect, found: list[StartedRun]) -> None:
    with Session(engine) as session:
        found.append(
            start_workstream_run(
                session=session, who=local_operator("coord"), country="MWI", workstream="B",
                values={"service_lines": ["ict"]}, launcher=prefect,
            )
        )  # fmt: skip


def test_two_starts_at_the_same_moment_make_one_run(engine: Engine, content: Content) -> None:
    with Session(engine) as session:
        report, answers = make_report(content, "malawi")
        create_plan(session=session, report=report, answer_set=answers, by="seed")
    prefect, found = Prefect(), []
    starts = [threading.Thread(target=_start, args=(engine, prefect, found)) for _ in range(2)]
    for t in starts:
        t.start()
    for t in starts:
        t.join(timeout=60)
    assert len(prefect.made) == 1 and len(found) == 2
    assert {s.flow_run_id for s in found} == set(prefect.made)
    assert sorted(s.already_running for s in found) == [False, True]
    made = next(s for s in found if not s.already_running)
    assert made.name == f"MWI · B Common Services · {dt.date.today().isoformat()}"
    with Session(engine) as session:
        links = session.exec(select(FlowRunLinkRow)).all()
        assert [(link.name, link.plan_id is not None) for link in links] == [(made.name, True)]  # on its plan

    prefect.state[made.flow_run_id] = "CRASHED"  # over: the next start makes a new run
    again: list[StartedRun] = []
    _start(engine, prefect, again)
    assert not again[0].already_running and len(prefect.made) == 2
    with Session(engine) as session:
        assert session.exec(select(RunClaimRow.flow_run_id)).all() == [again[0].flow_run_id]
