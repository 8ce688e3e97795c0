"""The flows page speaks of runs in words (issue 17): each run by its name, its state as a coordinator says
it, a notice when a start found the workstream's run already going, and a list that fetches itself again
while a run is going (a link does the same without JavaScript)."""

from __future__ import annotations

import re

from fastapi.testclient import TestClient
from sqlmodel import select

from cer.content import Content
from cer.db.tables import FlowRunLinkRow, PlanRow, RunClaimRow
from cer.services.runs import LaunchedRun
from tests.web.conftest import csrf_of, db_session, seed_plan


class Prefect:
    """Answers the states it is given (the flows page asks nothing else of it)."""

    def __init__(self, states: dict[str, tuple[str, int | None]]) -> None:
        self.known = states

    def states(self, run_ids: list[str]) -> dict[str, tuple[str, int | None]]:
        return {i: self.known[i] for i in run_ids if i in self.known}

    def describe(self, run_id: str) -> LaunchedRun:
        return LaunchedRun(run_id, run_id, f"http://127.0.0.1:4200/runs/flow-run/{run_id}")


def test_runs_are_named_and_their_states_said_in_words(site: TestClient, content: Content) -> None:
    code = seed_plan(site, content)
    with db_session(site) as session:
        ws = session.exec(select(PlanRow)).one().selected[0]
        for n, name in enumerate(("MWI · first · 2026-11-01", "MWI · second · 2026-11-30")):
            session.add(
                FlowRunLinkRow(flow_run_id=f"run-{n}", flow="w", name=name, country_code=code,
                               workstream=ws, parameters={}, started_by="amina")
            )  # fmt: skip
        session.commit()
    site.app.state.launcher = Prefect({"run-0": ("CRASHED", None), "run-1": ("PAUSED", 2)})  # type: ignore[attr-defined]
    page = site.get(f"/countries/{code}/flows").text
    assert "MWI · second · 2026-11-30 · started by amina" in page
    assert "waiting for the sign-off of step 2" in page and "stopped unexpectedly" in page
    assert "PAUSED" not in page and "CRASHED" not in page
    assert f'hx-get="/countries/{code}/flows/runs?workstream={ws}" hx-trigger="every 10s"' in page
    assert "Refresh now" in page
    alone = site.get(f"/countries/{code}/flows/runs", params={"workstream": ws})
    assert alone.status_code == 200 and "<html" not in alone.text and "step 2" in alone.text

    site.app.state.launcher = Prefect({"run-0": ("CRASHED", None), "run-1": ("COMPLETED", None)})  # type: ignore[attr-defined]
    done = site.get(f"/countries/{code}/flows").text
    assert "finished" in done and "every 10s" not in done  # nothing going: no refreshing
    crafted = site.get(f"/countries/{code}/flows", params={"already": "run-1"}).text
    assert "none was started twice" not in crafted  # never said from the address

    site.app.state.launcher = Prefect({"run-0": ("CRASHED", None), "run-1": ("PAUSED", 2)})  # type: ignore[attr-defined]
    with db_session(site) as session:  # run-1 holds the workstream, as a start through the service leaves it
        session.add(RunClaimRow(country_code=code, workstream=ws, claimed_by="amina", flow_run_id="run-1"))
        session.commit()
    again = site.post(f"/countries/{code}/flows/{ws}", data={"csrf_token": csrf_of(site, "/account")})
    assert again.status_code == 200 and str(again.url).endswith(f"/countries/{code}/flows#ws-{ws}")
    assert "already going (run-1): none was started twice" in again.text
    assert "none was started twice" not in site.get(f"/countries/{code}/flows").text  # said once


def test_a_step_a_run_waits_on_is_open_for_sign_off_even_without_tasks(
    site: TestClient, content: Content
) -> None:
    code = seed_plan(site, content)
    with db_session(site) as session:
        ws = session.exec(select(PlanRow)).one().selected[0]
        session.add(
            FlowRunLinkRow(flow_run_id="run-w", flow="w", name="waiting", country_code=code, workstream=ws,
                           parameters={}, started_by="amina")
        )  # fmt: skip
        session.commit()
    before = site.get(f"/countries/{code}/flows").text
    assert "Sign off step 1" not in before.split(f'id="ws-{ws}"')[1].split("</table>")[0]
    site.app.state.launcher = Prefect({"run-w": ("PAUSED", 1)})  # type: ignore[attr-defined]
    waiting = site.get(f"/countries/{code}/flows").text.split(f'id="ws-{ws}"')[1].split("</table>")[0]
    assert "Sign off step 1" in waiting  # the run waits on it, whether or not step 1 has tasks


def test_a_coordinator_gets_a_sign_off_code_for_prefects_form(site: TestClient, content: Content) -> None:
    code = seed_plan(site, content)
    with db_session(site) as session:
        ws = session.exec(select(PlanRow)).one().selected[0]
        session.add(
            FlowRunLinkRow(flow_run_id="run-w", flow="w", name="waiting", country_code=code, workstream=ws,
                           parameters={}, started_by="amina")
        )  # fmt: skip
        session.commit()
    site.app.state.launcher = Prefect({"run-w": ("PAUSED", 1)})  # type: ignore[attr-defined]
    page = site.post(f"/countries/{code}/signoff-codes", data={"workstream": ws, "step": "1"})
    assert page.status_code == 200
    shown = re.search(r"Sign-off code for \w step 1: <strong>([A-Z2-9]{5}-[A-Z2-9]{5})</strong>", page.text)
    assert shown and "it signs the step off as you, once" in page.text
    assert shown.group(1) not in site.get(f"/countries/{code}/flows").text  # shown on that answer only
