"""The input gate (issue 17): control characters in addresses, queries, forms and JSON, oversized bodies and
unsigned API changes are refused before any route, query or page cache, on SQLite and PostgreSQL."""

from __future__ import annotations

from fastapi.testclient import TestClient
from sqlmodel import select

from cer.content import Content
from cer.db.tables import AuditEventRow, TaskEventRow
from cer.web.pages.plan import PLAN_STAMP
from tests.web.conftest import csrf_of, db_session, seed_plan, signed_in


def first_error(answer: object) -> dict[str, object]:
    return answer.json()["errors"][0]  # type: ignore[attr-defined, no-any-return]


def test_nul_in_addresses_queries_and_bodies_is_refused_naming_the_field(
    any_site: TestClient, content: Content
) -> None:
    site = any_site
    code = seed_plan(site, content)
    ref = site.get("/api/tasks", params={"country": code, "per_page": 1}).json()["items"][0]["ref"]
    for url, field in (
        ("/api/tasks?workstream=%00", "workstream"),
        (f"/api/tasks/{ref}%00", "path"),
        ("/api/tools?q=a%00b", "q"),
    ):
        answer = site.get(url)
        assert answer.status_code == 422 and first_error(answer)["field"] == field, (url, answer.text)
        assert "U+0000 (NUL)" in str(first_error(answer)["message"])
    page = site.get("/countries/M%00I")
    assert page.status_code == 422 and "U+0000 (NUL)" in page.text and "<html" in page.text
    changed = site.patch(f"/api/tasks/{ref}", json={"version": 1, "comment": "kick\u0000off"})
    assert changed.status_code == 422 and first_error(changed)["field"] == "comment"
    kept = site.patch(f"/api/tasks/{ref}", json={"version": 1, "comment": "two lines\nand a\ttab"})
    assert kept.status_code == 200  # breaks and tabs are text in a body
    with db_session(site) as session:
        comments = [e.comment for e in session.exec(select(TaskEventRow)).all()]
    assert comments == ["two lines\nand a\ttab"]


def test_an_anonymous_sign_in_with_nul_is_refused_and_nothing_breaks(any_site: TestClient) -> None:
    site = any_site
    site.cookies.clear()
    site.headers.pop("X-CSRF-Token")
    form = {"username": "a\x00b", "password": "x" * 12, "csrf_token": csrf_of(site)}
    answer = site.post("/login", data=form)
    assert answer.status_code == 422 and "U+0000 (NUL)" in answer.text
    with db_session(site) as session:
        assert not [e for e in session.exec(select(AuditEventRow)).all() if "\x00" in e.target]


def test_a_big_body_or_an_unsigned_change_is_refused_before_it_is_read(public_site: TestClient) -> None:
    huge = public_site.post(
        "/api/diagnoses",
        content=b"{" + b" " * (3 * 2**20) + b"}",
        headers={"Content-Type": "application/json"},
    )
    assert huge.status_code == 413 and "larger than 2 MB" in str(first_error(huge)["message"])
    anonymous = public_site.post("/api/diagnoses", json={"answers": {}})
    assert anonymous.status_code == 401 and anonymous.headers["WWW-Authenticate"].startswith("Bearer")


def test_a_plan_page_is_refused_before_the_page_cache_or_the_database_is_asked(
    public_site: TestClient, content: Content
) -> None:
    """The role is checked first: a viewer of another country gets 403 without a stamp being read, even when
    the page is in the cache for someone who may see it."""
    code = seed_plan(public_site, content)
    reader = signed_in(public_site, "rhea", "viewer", code)
    assert reader.get(f"/countries/{code}").status_code == 200  # now in the cache
    reader.cookies.clear()
    signed_in(reader, "otto", "viewer", "SOM")
    reads: list[object] = []
    original = PLAN_STAMP.read
    object.__setattr__(
        PLAN_STAMP, "read", lambda session, scope: reads.append(scope) or original(session, scope)
    )
    try:
        refused = reader.get(f"/countries/{code}")
    finally:
        object.__setattr__(PLAN_STAMP, "read", original)
    assert refused.status_code == 403 and reads == []
