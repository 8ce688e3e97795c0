"""Custom tasks and whose work it is (issue 16, items 4 and 5): a task of one's own added on the website and
through the API, depending on a toolkit task; "My tasks" and "My agency" on a page, in /api/tasks and with
the filters in the URL."""

from __future__ import annotations

from fastapi.testclient import TestClient
from sqlmodel import select

from cer.content import Content
from cer.db.tables import TaskRow
from cer.services import users
from tests.web.conftest import db_session, seed_plan, signed_in


def first_task(client: TestClient) -> TaskRow:
    with db_session(client) as session:
        return min(session.exec(select(TaskRow)).all(), key=lambda t: (t.start, t.key))


def test_a_task_of_ones_own_is_added_after_the_toolkit_task_it_depends_on_and_bad_input_is_kept(
    site: TestClient, content: Content
) -> None:
    code = seed_plan(site, content)
    before = first_task(site)
    form = {"title": "Joint ICT survey", "step": "5", "workstreams": ["B"], "lead": "OMT",
            "others": "Government", "depends_on": [before.key],
            "description": "All agencies' ICT in one survey"}  # fmt: skip
    refused = site.post(
        f"/countries/{code}/add-task", data=form | {"workstreams": []}, follow_redirects=False
    )
    assert refused.status_code == 422 and "at least one workstream" in refused.text
    assert "Joint ICT survey" in refused.text and "All agencies&#39; ICT in one survey" in refused.text
    added = site.post(f"/countries/{code}/add-task", data=form, follow_redirects=False)
    assert added.status_code == 303
    page = site.get(added.headers["location"]).text
    assert "Joint ICT survey" in page and f"{code}-B-5/custom-1" in page
    with db_session(site) as session:
        task = session.exec(select(TaskRow).where(TaskRow.custom)).one()
    assert (task.lead, task.contributors, task.depends_on) == ("OMT", ["Government"], [before.key])
    assert task.start > before.due
    renamed = site.post(f"/countries/{code}/tasks/{task.id}/plan", data={
        "version": 1, "title": "Joint ICT and telecoms survey", "lead": "OMT", "others": "Government",
        "depends_on": [before.key], "start": task.start.isoformat(),
        "due": task.due.isoformat()})  # fmt: skip
    assert renamed.status_code == 200 and "Joint ICT and telecoms survey" in renamed.text


def test_the_api_adds_a_task_and_refuses_an_unknown_dependency_in_words(
    site: TestClient, content: Content
) -> None:
    code = seed_plan(site, content)
    body = {
        "title": "Retreat",
        "step": 1,
        "workstreams": ["A", "B"],
        "lead": "RC Office",
        "due": "2027-03-01",
    }
    bad = site.post(f"/api/plans/{code}/tasks", json=body | {"depends_on": ["MWI-Z-1.1"]})
    assert bad.status_code == 422 and "is not a task of MWI's plan" in bad.json()["errors"][0]["message"]
    made = site.post(f"/api/plans/{code}/tasks", json=body)
    assert made.status_code == 201, made.text
    assert (made.json()["ref"], made.json()["custom"], made.json()["workstreams"]) == (
        f"{code}-A-1/custom-1",
        True,
        ["A", "B"],
    )


def test_my_tasks_and_my_agency_across_countries_with_the_filters_in_the_url(
    public_site: TestClient, content: Content
) -> None:
    site = public_site
    mwi = seed_plan(site, content)
    site = signed_in(site, "amina", "member", mwi)
    with db_session(site) as session:
        users.set_agency(session=session, username="amina", agency="WFP", by="t")
    task = first_task(site)
    site.patch(
        f"/api/tasks/{task.id}",
        json={"version": 1, "assignee": "amina", "lead": "UNICEF", "contributors": ["WFP"]},
    )
    mine = site.get("/tasks")
    assert mine.status_code == 200 and f"{mwi}-{task.key}" in mine.text
    with db_session(site) as session:
        led = session.exec(select(TaskRow).where(TaskRow.lead == "WFP")).all()
    assert all(f"{mwi}-{t.key}" in mine.text for t in led)  # led by my agency
    agency = site.get("/tasks?agency=WFP").text
    leads, contributes = agency.split('id="contrib-h"')
    assert all(f"{mwi}-{t.key}" in leads for t in led) and f"{mwi}-{task.key}" in contributes
    assert f"{mwi}-{task.key}" not in site.get("/tasks?status=completed").text
    api = site.get("/api/tasks?mine=true").json()
    assert task.id in {t["id"] for t in api["items"]} and api["total"] == 1 + len(led)
    assert {t["lead"] for t in site.get("/api/tasks?agency=WFP&agency_role=lead").json()["items"]} == {"WFP"}
    assert site.get("/api/tasks?agency=wfp&agency_role=contributor").json()["total"] >= 1
