"""Mistakes found while the pages moved into cer/web/pages (issue 15), each kept fixed: the flows page asks
Prefect about the newest runs, refused forms keep everything that was given and where it goes, a refused task
change still shows what the task depends on, and an unknown token names only one's own tokens."""

from __future__ import annotations

import re

from fastapi.testclient import TestClient
from sqlmodel import select

from cer.content import Content
from cer.db.tables import FlowRunLinkRow, PlanRow
from cer.services import users
from tests.web.conftest import db_session, seed_plan, signed_in
from tests.web.test_plan_pages import tasks_of


class Prefect:
    """Answers every run's state, and remembers which runs it was asked about (the flows page asks nothing
    else of it)."""

    def __init__(self) -> None:
        self.asked: list[str] = []

    def states(self, run_ids: list[str]) -> dict[str, tuple[str, int | None]]:
        self.asked = list(run_ids)
        return dict.fromkeys(run_ids, ("COMPLETED", None))


def test_the_flows_page_asks_prefect_about_the_newest_runs_first(site: TestClient, content: Content) -> None:
    code = seed_plan(site, content)
    with db_session(site) as session:
        workstream = session.exec(select(PlanRow)).one().selected[0]
        for n in range(60):
            session.add(
                FlowRunLinkRow(
                    flow_run_id=f"run-{n:02}", flow="w", country_code=code, plan_id=None,
                    workstream=workstream, parameters={}, started_by="t",
                )
            )  # fmt: skip
        session.commit()
    prefect = Prefect()
    site.app.state.launcher = prefect
    page = site.get(f"/countries/{code}/flows").text
    assert "run-59" in prefect.asked and "run-00" not in prefect.asked  # it was the oldest 50, once
    newest = re.search(r"run-59 · .*?</li>", page, re.S)
    assert newest and "finished" in newest.group(0)  # COMPLETED, in words
    assert "state unknown" not in page


def test_a_refused_flow_form_keeps_every_ticked_box(site: TestClient, content: Content) -> None:
    code = seed_plan(site, content)
    sources = ["one_fund", "bilateral_donors"]
    refused = site.post(
        f"/countries/{code}/flows/E", data={"funding_target_usd": "-5", "funding_sources": sources}
    )
    assert refused.status_code == 422
    for source in sources:
        assert re.search(rf'name="funding_sources" value="{source}"\s+checked', refused.text), source
    assert not re.search(r'name="funding_sources" value="government"\s+checked', refused.text)


def test_a_refused_task_change_still_shows_what_the_task_depends_on(
    site: TestClient, content: Content
) -> None:
    code = seed_plan(site, content)
    tasks = tasks_of(site, code)
    task = next(t for t in tasks if t.depends_on)
    first = next(t for t in tasks if t.key == task.depends_on[0])
    stale = site.post(f"/countries/{code}/tasks/{task.id}", data={"version": "9", "status": "in_progress"})
    assert stale.status_code == 409
    assert f'href="/countries/{code}/tasks/{first.id}">{first.key}</a>' in stale.text


def test_checking_a_drafts_answers_keeps_the_form_on_that_draft(site: TestClient) -> None:
    saved = site.post(
        "/diagnose", data={"country": "MWI", "dq01": "no", "action": "save"}, follow_redirects=False
    )
    draft = saved.headers["location"].split("?")[0]
    checked = site.post(draft, data={"country": "MWI", "resident_agencies": "9", "action": "check"})
    assert checked.status_code == 200 and f'action="{draft}"' in checked.text


def test_an_unknown_token_names_only_the_tokens_one_may_revoke(site: TestClient) -> None:
    with db_session(site) as session:
        users.create_token(session=session, username="tester", name="laptop", by="t")
    other = signed_in(TestClient(site.app), "eve", "coordinator", "MWI")
    refused = other.post("/account/tokens/999/revoke")
    assert refused.status_code == 404 and "known: (no tokens of yours)" in refused.text
    assert "known: 1" in site.post("/account/tokens/999/revoke").text  # an admin revokes anyone's
