"""A shared task on the website and in the JSON API: shown once, with every workstream it serves, and under
each of them when the plan or the API is narrowed to one workstream."""

from __future__ import annotations

import re

from fastapi.testclient import TestClient

from cer.content import Content
from tests.web.conftest import seed_plan


def test_the_plan_page_shows_a_shared_task_once_and_under_each_of_its_workstreams(
    site: TestClient, content: Content
) -> None:
    code = seed_plan(site, content, "somalia")
    task = site.get("/api/tasks/SOM-1.1").json()
    assert (
        task["workstreams"] == ["A", "B", "C", "E", "F", "G"]
        and task["title"] == "Agree within UNCT to proceed"
    )
    page = site.get(f"/countries/{code}").text
    assert page.count(f'<tr id="t-{task["id"]}"') == 1
    assert "A · B · C · E · F · G" in page  # the workstreams it serves, next to its title
    for ws in task["workstreams"]:
        shown = site.get(f"/countries/{code}?group=workstream&workstream={ws}").text
        assert f'<tr id="t-{task["id"]}"' in shown, ws
    premises = site.get(f"/countries/{code}?workstream=D").text  # Somalia has no common premises
    assert f'<tr id="t-{task["id"]}"' not in premises


def test_the_api_lists_a_shared_task_for_each_workstream_it_serves_and_finds_it_by_their_references(
    site: TestClient, content: Content
) -> None:
    code = seed_plan(site, content, "somalia")
    for ws in ("A", "G"):
        items = site.get("/api/tasks", params={"country": code, "workstream": ws, "per_page": 500}).json()[
            "items"
        ]
        refs = [t["ref"] for t in items]
        assert refs.count("SOM-1.1") == 1 and all(ws in t["workstreams"] for t in items)
    assert site.get("/api/tasks/SOM-G-1.1").json()["ref"] == "SOM-1.1"  # a reference from before the merge
    page = site.get(f"/countries/{code}/tasks/{site.get('/api/tasks/SOM-1.1').json()['id']}").text
    assert re.search(r'href="/workstreams/G">G</a>', page)
