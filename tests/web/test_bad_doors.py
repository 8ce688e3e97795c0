"""Bad values found at the website's doors during issue 21: each is a clear answer, never a 500."""

from __future__ import annotations

import html

from fastapi.testclient import TestClient

from cer.content import Content
from tests.web.conftest import csrf_of, seed_plan
from tests.web.test_api import answer_set


def test_starting_the_flow_of_a_workstream_the_toolkit_does_not_have_is_a_404_in_words(
    site: TestClient, content: Content
) -> None:
    code = seed_plan(site, content)
    answer = site.post(f"/countries/{code}/flows/Z", data={"csrf_token": csrf_of(site, "/account")})
    assert answer.status_code == 404
    assert "unknown workstream 'Z'; known: A, B, C, D, E, F, G" in html.unescape(answer.text)


def test_a_status_no_one_offers_is_refused_naming_the_field(site: TestClient, content: Content) -> None:
    code = seed_plan(site, content)
    task = site.get("/api/tasks", params={"country": code, "per_page": 1}).json()["items"][0]
    path = f"/countries/{code}/tasks/{task['id']}"
    form = {"csrf_token": csrf_of(site, path), "version": str(task["version"]), "status": "bogus"}
    answer = site.post(path, data=form | {"comment": "kept"})
    assert answer.status_code == 422
    said = html.unescape(answer.text)
    assert "Status: 'bogus' is not a status; choose one from the list." in said
    assert "kept" in said  # the comment typed is still there


def test_an_override_justification_longer_than_a_page_is_refused_at_the_api(
    site: TestClient, content: Content
) -> None:
    body = answer_set(content) | {
        "overrides": [{"target": "workstream", "id": "D", "decision": "exclude", "justification": "x" * 2001}]
    }
    answer = site.post("/api/diagnoses", json=body)
    assert answer.status_code == 422
    error = answer.json()["errors"][0]
    assert error["field"].endswith("justification") and "2000" in error["message"]


def test_a_form_sent_without_a_sign_in_says_to_sign_in_in_the_pages_words(public_site: TestClient) -> None:
    """A page's form whose sign-in has ended is answered for a person, not with the JSON API's wording."""
    answer = public_site.post(
        "/account/tokens", data={"csrf_token": csrf_of(public_site, "/login"), "name": "laptop"}
    )
    assert answer.status_code == 401
    said = html.unescape(answer.text)
    assert "You are not signed in (or your sign-in has ended): sign in, then do it again." in said
    assert "Bearer" not in said and 'href="/login?next=%2Faccount%2Ftokens"' in answer.text


def test_the_french_questionnaire_says_when_a_question_is_asked_in_french(public_site: TestClient) -> None:
    """The skip logic in words had French labels held together by English ("… is answered and not …")."""
    page = html.unescape(public_site.get("/diagnose", params={"lang": "fr"}).text)
    assert "a une réponse autre que" in page
    for english in (" is answered and not ", " is not “", " is “", " includes “", " and “", " or “"):
        assert english not in page, english
    english_page = html.unescape(public_site.get("/diagnose", params={"lang": "en"}).text)
    assert " is answered and not " in english_page  # the same conditions, said in English there
