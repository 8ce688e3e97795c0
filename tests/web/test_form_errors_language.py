"""A form that catches a refusal and shows it on its page says it in the page's language (issue 19): the
task planning form, its htmx row, a task of one's own, a token's name, a plan file's problems, and the
API's answer about a plan file."""

from __future__ import annotations

import base64
import datetime as dt

from fastapi.testclient import TestClient

from cer.content import Content
from cer.views.error_words import in_language
from tests.web.conftest import seed_plan
from tests.web.test_task_planning_pages import a_task_with_dependants, form_of
from workstreams.errors import N_, Message

DUE_BEFORE_START = "l&#39;échéance {due} précède le début {start}"  # the French catalogue's words


def test_the_planning_form_refuses_a_due_date_before_the_start_in_french(
    site: TestClient, content: Content
) -> None:
    code = seed_plan(site, content)
    task, _ = a_task_with_dependants(site)
    due = task.start - dt.timedelta(days=3)
    url = f"/countries/{code}/tasks/{task.id}/plan?lang=fr"
    page = site.post(url, data=form_of(task, due=due.isoformat()))
    assert page.status_code == 422
    said = DUE_BEFORE_START.format(due=due.isoformat(), start=task.start.isoformat())
    assert said in page.text and "is before the start" not in page.text
    row = site.post(url, data=form_of(task, due=due.isoformat()), headers={"HX-Request": "true"})
    assert row.status_code == 422 and said in row.text


def test_a_task_of_ones_own_is_refused_in_french(site: TestClient, content: Content) -> None:
    code = seed_plan(site, content)
    form = {"title": "Joint ICT survey", "step": "5", "workstreams": ["B"], "lead": "OMT",
            "start": "2031-05-10", "due": "2031-05-01"}  # fmt: skip
    page = site.post(f"/countries/{code}/add-task?lang=fr", data=form, follow_redirects=False)
    assert page.status_code == 422
    assert DUE_BEFORE_START.format(due="2031-05-01", start="2031-05-10") in page.text
    assert "Joint ICT survey" in page.text  # what was typed is kept


def test_a_token_without_a_name_is_refused_in_the_page_s_language(site: TestClient) -> None:
    page = site.post("/account/tokens?lang=fr", data={"name": ""})
    assert page.status_code == 422
    said = in_language(Message(N_("give the token a name of 1 to 80 characters, on one line")), "fr")
    assert said.replace("'", "&#39;") in page.text


def test_a_plan_file_s_problems_are_said_in_the_page_s_language(site: TestClient, content: Content) -> None:
    code = seed_plan(site, content)
    csv = b"No.;Key action;Lead\n1;Retreat;RCO\n1;Retreat again;RCO\n"
    page = site.post(f"/countries/{code}/import?lang=fr", data={"action": "check"},
                     files={"file": ("plan.csv", csv, "text/csv")})  # fmt: skip
    assert page.status_code == 422
    again = Message(N_("%(ref)s appears again (first in row %(row)s)"), ref=1, row=2)
    assert in_language(again, "fr") in page.text


def test_the_api_says_a_plan_file_s_problems_in_the_language_of_accept_language(
    site: TestClient, content: Content
) -> None:
    code = seed_plan(site, content)
    csv = base64.b64encode(b"No.;Key action;Lead\n1;Retreat;RCO\n1;Retreat again;RCO\n").decode()
    body = {"filename": "x.csv", "content_base64": csv, "dry_run": True}
    answer = site.post(f"/api/plans/{code}/import", json=body, headers={"Accept-Language": "fr"})
    again = Message(N_("%(ref)s appears again (first in row %(row)s)"), ref=1, row=2)
    assert answer.status_code == 200 and answer.json()["problems"] == [
        {"row": 3, "column": "A (No.)", "message": in_language(again, "fr")}
    ]
    imported = site.post(
        f"/api/plans/{code}/import", json=body | {"dry_run": False}, headers={"Accept-Language": "fr"}
    )
    assert imported.status_code == 422  # importing it is refused in the API's error shape, in French too
    assert in_language(again, "fr") in [e["message"] for e in imported.json()["errors"]]
