"""Calendar feeds (issue 18, part 4): an address made on the account page, shown once, that a calendar program
reads without a cookie; revoked, or with its owner disabled or without their role, it answers 401 (403)."""

from __future__ import annotations

import re

import icalendar
import pytest
from fastapi.testclient import TestClient
from httpx import Response
from sqlmodel import select

from cer.content import Content
from cer.db.tables import AuditEventRow, FeedTokenRow
from cer.services import users
from cer.services.plans import get_plan, plan_tasks
from cer.services.tasks import TaskChange, update_task
from tests.web.conftest import csrf_of, db_session, seed_plan, signed_in

ADDRESS = re.compile(r"<code id=\"new-feed\">(https?://[^<]+/feeds/(cal_[^<.]+)\.ics)</code>")


def make_feed(client: TestClient, scope: str, name: str = "") -> str:
    """A new feed's token, made on the account page as a browser without JavaScript would."""
    form = {"scope": scope, "name": name, "csrf_token": csrf_of(client, "/account")}
    page = client.post("/account/feeds", data=form)
    assert page.status_code == 200, page.text
    found = ADDRESS.search(page.text)
    assert found, page.text
    return found.group(2)


def reader(client: TestClient) -> TestClient:
    """A calendar program: the same site, no cookie, no header of ours."""
    return TestClient(client.app)


def uids(response: Response) -> set[str]:
    calendar = icalendar.Calendar.from_ical(response.content)
    return {str(c["UID"]) for c in calendar.walk() if c.name in ("VEVENT", "VTODO")}


def plan_uids(client: TestClient, country: str) -> set[str]:
    with db_session(client) as session:
        plan = get_plan(session=session, country=country)
        return {f"{country}-{t.key}@cer-toolkit" for t in plan_tasks(session=session, plan=plan)}


def test_a_feed_address_is_shown_once_then_listed_by_its_first_characters(
    any_site: TestClient, content: Content
) -> None:
    seed_plan(any_site, content)
    form = {"scope": "MWI", "name": "office", "csrf_token": csrf_of(any_site, "/account")}
    page = any_site.post("/account/feeds", data=form)
    found = ADDRESS.search(page.text)
    assert page.status_code == 200 and found and page.headers["cache-control"] == "no-store"
    address, token = found.groups()
    assert f'href="webcal://testserver/feeds/{token}.ics"' in page.text
    assert f"http://testserver/feeds/{token}.todo.ics" in page.text
    later = any_site.get("/account").text
    assert token not in later and f"<code>{token[:12]}…</code>" in later and "office" in later
    with db_session(any_site) as session:
        feed = session.exec(select(FeedTokenRow)).one()
        assert (feed.scope, feed.name, feed.prefix) == ("MWI", "office", token[:12])
        assert token not in feed.token_hash  # only its digest is kept
        actions = [e.action for e in session.exec(select(AuditEventRow)).all()]
        assert "feed_created" in actions and token not in str(session.exec(select(AuditEventRow)).all())
    calendar = reader(any_site).get(address)
    assert calendar.status_code == 200 and calendar.headers["content-type"] == "text/calendar; charset=utf-8"
    assert uids(calendar) == plan_uids(any_site, "MWI")
    with db_session(any_site) as session:
        assert session.exec(select(FeedTokenRow)).one().last_used_at is not None  # listed as "Last read"


def test_a_feed_is_cacheable_privately_and_answers_304_while_nothing_changed(
    site: TestClient, content: Content
) -> None:
    seed_plan(site, content)
    token = make_feed(site, "MWI")
    calendar = reader(site)
    first = calendar.get(f"/feeds/{token}.todo.ics")
    assert first.status_code == 200 and first.headers["cache-control"] == "private, max-age=300"
    assert "set-cookie" not in first.headers and b"BEGIN:VTODO" in first.content
    etag = first.headers["etag"]
    assert calendar.get(f"/feeds/{token}.todo.ics", headers={"If-None-Match": etag}).status_code == 304
    assert calendar.head(f"/feeds/{token}.ics").status_code == 200
    with db_session(site) as session:
        task = plan_tasks(session=session, plan=get_plan(session=session, country="MWI"))[0]
        change = TaskChange(lead="WFP")
        update_task(
            session=session, ref=f"MWI-{task.key}", expected_version=task.version, change=change, by="x"
        )
    changed = calendar.get(f"/feeds/{token}.todo.ics", headers={"If-None-Match": etag})
    assert changed.status_code == 200 and changed.headers["etag"] != etag


def test_my_tasks_feed_has_my_tasks_and_my_agency_s_in_my_countries_only(
    site: TestClient, content: Content
) -> None:
    seed_plan(site, content, "malawi")
    seed_plan(site, content, "viet_nam")
    amina = signed_in(TestClient(site.app), "amina", "member", "MWI")
    with db_session(site) as session:
        tasks = plan_tasks(session=session, plan=get_plan(session=session, country="MWI"))
        agency = tasks[0].lead
        users.set_agency(session=session, username="amina", agency=agency, by="t")
        other = next(t for t in tasks if t.lead.lower() != agency.lower())
        change = TaskChange(assignee="amina")
        update_task(
            session=session, ref=f"MWI-{other.key}", expected_version=other.version, change=change, by="t"
        )
        expected = {f"MWI-{t.key}@cer-toolkit" for t in tasks if t.lead.lower() == agency.lower()}
    token = make_feed(amina, "mine")
    calendar = reader(site).get(f"/feeds/{token}.ics")
    assert calendar.status_code == 200
    assert uids(calendar) == expected | {f"MWI-{other.key}@cer-toolkit"}  # nothing of Viet Nam's
    assert icalendar.Calendar.from_ical(calendar.content)["X-WR-CALNAME"] == "CER: my tasks (amina)"


@pytest.mark.parametrize(
    "address",
    ["/feeds/.ics", "/feeds/cal_.ics", "/feeds/cal_" + "A" * 43 + ".ics", "/feeds/%C3%A9.ics",
     "/feeds/x.todo.ics", "/feeds/" + "cal_" * 3000 + ".ics", "/feeds/cal_%27%20OR%201=1--.ics"],
)  # fmt: skip
def test_an_unknown_or_junk_feed_address_is_401_in_plain_text(site: TestClient, address: str) -> None:
    answer = reader(site).get(address)
    assert answer.status_code == 401, (address, answer.status_code)
    assert answer.headers["content-type"].startswith("text/plain") and "www-authenticate" in answer.headers


@pytest.mark.parametrize(
    "address",
    ["/feeds/cal_%00.ics", "/feeds/%00", "/feeds/x.pdf", "/feeds/x", "/feeds/", "/feeds/%2e%2e.ics"],
)
def test_a_control_character_or_an_unknown_shape_is_refused_never_a_500(
    site: TestClient, address: str
) -> None:
    assert reader(site).get(address).status_code in (401, 404, 422)


def test_a_revoked_feed_answers_401_and_only_its_owner_or_an_admin_revokes_it(
    site: TestClient, content: Content
) -> None:
    seed_plan(site, content)
    amina = signed_in(TestClient(site.app), "amina", "viewer", "MWI")
    token = make_feed(amina, "MWI")
    with db_session(site) as session:
        feed_id = session.exec(select(FeedTokenRow.id)).one()
    bob = signed_in(TestClient(site.app), "bob", "viewer", "MWI")
    refused = bob.post(f"/account/feeds/{feed_id}/revoke", follow_redirects=False)
    assert refused.status_code == 403
    assert reader(site).get(f"/feeds/{token}.ics").status_code == 200
    assert (
        site.post(f"/account/feeds/{feed_id}/revoke", follow_redirects=False).status_code == 303
    )  # an admin
    assert reader(site).get(f"/feeds/{token}.ics").status_code == 401
    assert amina.post("/account/feeds/999/revoke").status_code == 404
    assert "revoked" in amina.get("/account").text


def test_a_feed_stops_when_its_owner_is_disabled_or_loses_the_country(
    site: TestClient, content: Content
) -> None:
    seed_plan(site, content)
    amina = signed_in(TestClient(site.app), "amina", "viewer", "MWI")
    country, mine = make_feed(amina, "MWI"), make_feed(amina, "mine")
    calendar = reader(site)
    with db_session(site) as session:
        users.revoke(session=session, username="amina", country="MWI", by="t")
    lost = calendar.get(f"/feeds/{country}.ics")
    assert lost.status_code == 403 and "may no longer read" in lost.text
    assert calendar.get(f"/feeds/{mine}.ics").status_code == 200  # her own tasks: none left to show
    assert uids(calendar.get(f"/feeds/{mine}.ics")) == set()
    with db_session(site) as session:
        users.grant(session=session, username="amina", country="MWI", role="viewer", by="t")
    assert calendar.get(f"/feeds/{country}.ics").status_code == 200
    with db_session(site) as session:
        users.set_active(session=session, username="amina", active=False, by="t")
    assert {calendar.get(f"/feeds/{t}.ics").status_code for t in (country, mine)} == {401}


def test_a_country_feed_needs_the_role_to_read_that_country_s_plan(
    site: TestClient, content: Content
) -> None:
    seed_plan(site, content, "malawi")
    seed_plan(site, content, "viet_nam")
    amina = signed_in(TestClient(site.app), "amina", "viewer", "MWI")
    page = amina.get("/account").text
    assert '<option value="MWI">' in page and '<option value="VNM">' not in page
    form = {"scope": "VNM", "csrf_token": csrf_of(amina, "/account")}
    assert amina.post("/account/feeds", data=form).status_code == 403
    form = {"scope": "MWI", "name": "x" * 81, "csrf_token": csrf_of(amina, "/account")}
    assert amina.post("/account/feeds", data=form).status_code == 422
    with db_session(site) as session:
        assert session.exec(select(FeedTokenRow)).all() == []


def test_feed_forms_need_the_csrf_token(site: TestClient, content: Content) -> None:
    seed_plan(site, content)
    del site.headers["X-CSRF-Token"]
    assert site.post("/account/feeds", data={"scope": "mine"}).status_code == 403
    with db_session(site) as session:
        assert session.exec(select(FeedTokenRow)).all() == []


def test_the_plan_downloads_as_to_dos_too(site: TestClient, content: Content) -> None:
    code = seed_plan(site, content)
    todos = site.get(f"/countries/{code}/export.todo.ics")
    assert todos.status_code == 200 and todos.headers["content-type"] == "text/calendar; charset=utf-8"
    assert ".todo.ics" in todos.headers["content-disposition"] and uids(todos) == plan_uids(site, code)
    assert b"BEGIN:VTODO" in todos.content and b"BEGIN:VEVENT" not in todos.content
