"""Notices after a change are held on the server for the browser that made it, shown once, and never read
from the address: a crafted link cannot make one of our pages say anything."""

from __future__ import annotations

from fastapi.testclient import TestClient

from cer.content import Content
from cer.web.notices import NOTICE_COOKIE
from tests.web.conftest import csrf_of
from tests.web.test_api import answer_set

CREATED = "The plan was created from the diagnosis."


def _adopt(site: TestClient, content: Content, **headers: str) -> tuple[str, str]:
    """A diagnosis made through the API, adopted as the country's plan through the page's form: where the
    form led, and what that page said."""
    made = site.post("/api/diagnoses", json=answer_set(content)).json()
    token = csrf_of(site, "/account")
    done = site.post(f"/diagnoses/{made['id']}/plan", data={"csrf_token": token}, headers=headers)
    return str(done.url), done.text


def test_a_notice_is_shown_once_on_the_page_the_change_leads_to(site: TestClient, content: Content) -> None:
    url, text = _adopt(site, content)
    assert url.endswith("/countries/MWI") and "?" not in url  # nothing said in the address
    assert CREATED in text and 'class="notices" role="status"' in text
    again = site.get("/countries/MWI")
    assert again.status_code == 200 and CREATED not in again.text
    assert NOTICE_COOKIE not in site.cookies  # dropped once shown


def test_a_notice_is_said_in_the_language_of_the_page_that_asked(site: TestClient, content: Content) -> None:
    _, text = _adopt(site, content, **{"Accept-Language": "fr"})
    assert "Le plan a été créé à partir du diagnostic." in text


def test_another_browser_never_sees_someone_elses_notice(site: TestClient, content: Content) -> None:
    made = site.post("/api/diagnoses", json=answer_set(content)).json()
    token = csrf_of(site, "/account")
    done = site.post(f"/diagnoses/{made['id']}/plan", data={"csrf_token": token}, follow_redirects=False)
    assert done.status_code == 303 and NOTICE_COOKIE in done.cookies
    stranger = TestClient(site.app)
    stranger.cookies.set(NOTICE_COOKIE, "a-guess")
    assert CREATED not in stranger.get("/countries/MWI").text
    assert CREATED in site.get("/countries/MWI").text  # still waiting for the browser that made the change


def test_no_page_renders_a_notice_from_the_address(site: TestClient, content: Content) -> None:
    _adopt(site, content)
    crafted = "Your account is locked: pay at evil.example"
    for path in (
        "/countries/MWI",
        "/countries/MWI/flows",
        "/countries/MWI/respondents",
        "/diagnose",
        "/",
    ):
        for query in (
            {"note": crafted, "changed": crafted, "answered": "true"},
            {"created": "true", "merged": "true", "saved": "true", "imported": "7", "decided": "dq01"},
            {"started": crafted, "already": crafted, "signed": crafted},
        ):
            page = site.get(path, params=query)
            assert page.status_code == 200, (path, page.status_code)
            assert crafted not in page.text, path
            assert 'class="notices"' not in page.text, (path, query)
            for said in (CREATED, "stored from the file", "Decision saved.", "signed off."):
                assert said not in page.text, (path, query, said)


def test_a_planted_notice_key_is_never_used_for_someone_elses_notice(
    site: TestClient, content: Content
) -> None:
    """A cookie set by someone else (a sibling site, a shared machine) must not become the key the next
    notice is kept under: whoever knows that key could read it."""
    site.cookies.set(NOTICE_COOKIE, "known-to-the-attacker")
    made = site.post("/api/diagnoses", json=answer_set(content)).json()
    token = csrf_of(site, "/account")
    done = site.post(f"/diagnoses/{made['id']}/plan", data={"csrf_token": token}, follow_redirects=False)
    assert done.cookies[NOTICE_COOKIE] != "known-to-the-attacker"
    attacker = TestClient(site.app)
    attacker.cookies.set(NOTICE_COOKIE, "known-to-the-attacker")
    assert CREATED not in attacker.get("/countries/MWI").text


def test_head_leaves_the_notice_for_the_page_itself(site: TestClient, content: Content) -> None:
    made = site.post("/api/diagnoses", json=answer_set(content)).json()
    token = csrf_of(site, "/account")
    site.post(f"/diagnoses/{made['id']}/plan", data={"csrf_token": token}, follow_redirects=False)
    assert site.head("/countries/MWI").status_code == 200
    assert CREATED in site.get("/countries/MWI").text
