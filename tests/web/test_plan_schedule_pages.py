"""The website plans backward from a target date given on the plan form, and a plan page says which working
calendar its dates use and whether the work fits before its target."""

from __future__ import annotations

from fastapi.testclient import TestClient

from cer.content import Content
from tests.factories import make_answers
from tests.web.conftest import csrf_of, seed_plan


def test_the_plan_form_takes_a_target_and_the_plan_page_says_how_it_was_scheduled(
    site: TestClient, content: Content
) -> None:
    answers = {"questionnaire_version": content.questionnaire.version, "country": "MWI"}
    made = site.post(
        "/api/diagnoses", json=answers | {"answers": make_answers(content, readiness="no")}
    ).json()
    page = site.get(f"/diagnoses/{made['id']}").text
    assert 'name="finish_by"' in page and "Working days: MWI public holidays and UN holidays" in page
    form = {
        "start": "2027-01-15",
        "finish_by": "2029-12-31",
        "csrf_token": csrf_of(site, f"/diagnoses/{made['id']}"),
    }
    created = site.post(f"/diagnoses/{made['id']}/plan", data=form, follow_redirects=False)
    assert created.status_code == 303, created.text
    plan = site.get("/countries/MWI").text
    assert "weekend Saturday–Sunday" in plan
    assert "Planned backward to finish by 2029-12-31" in plan


def test_a_plan_that_cannot_meet_its_target_names_the_chain_that_decides_it(
    site: TestClient, content: Content
) -> None:
    code = seed_plan(site, content)  # Malawi: the next programme cycle starts 2027-07-01
    page = site.get(f"/countries/{code}").text
    assert "It does not fit before 2027-07-01" in page and "The chain of tasks that decides it: 9.1" in page
