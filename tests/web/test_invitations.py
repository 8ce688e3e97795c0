"""Invitations from the website: the one-time link (shown once to copy without an e-mail server, e-mailed
with one), accepted once (the account made with the role, signed in), then refused; refused when expired or
withdrawn, with the same page (nothing said about why); the password rules; tries limited like sign-ins."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import re
from collections.abc import Iterator
from email.message import EmailMessage
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import update
from sqlmodel import col, select

from cer.db.tables import AuditEventRow, InvitationRow, MembershipRow, UserRow, WebSessionRow
from cer.services import users
from cer.web.security import SESSION_COOKIE
from tests.smtp_inbox import smtp_inbox
from tests.web.conftest import _client, add_user, csrf_of, db_session, sign_in, signed_in

LINK = re.compile(r'<p class="notice">[^<]*: http://testserver(/invitations/([A-Za-z0-9_-]+))</p>')
PASSWORD = "a long test password"


def invite(admin: TestClient, email: str = "amina.phiri@wfp.org", country: str = "MWI", role: str = "member"):  # type: ignore[no-untyped-def]
    form = {"name": "Amina Phiri", "email": email, "country": country, "role": role}
    return admin.post("/people/invitations", data=form)


def link_of(admin: TestClient, **kwargs: str) -> str:
    made = invite(admin, **kwargs)
    assert made.status_code == 200, made.text[-2000:]
    found = LINK.search(made.text)
    assert found, "the link is shown once on the page"
    return found.group(1)


def accept(
    link: str, client: TestClient, username: str = "amina", password: str = PASSWORD, again: str | None = None
):  # type: ignore[no-untyped-def]
    form = {"username": username, "password": password, "again": password if again is None else again}
    return client.post(link, data=form | {"csrf_token": csrf_of(client, "/login")}, follow_redirects=False)


def visitor(admin: TestClient) -> TestClient:
    """A new browser: nobody signed in."""
    return TestClient(admin.app)


def test_the_link_is_shown_once_without_an_email_server_and_the_email_recorded_as_not_sent(
    site: TestClient,
) -> None:
    made = invite(site)
    shown = " ".join(re.sub(r"<[^>]+>", " ", made.text).split())
    assert "no e-mail was sent: this site has no e-mail server set up" in shown
    assert made.headers["cache-control"] == "no-store"
    token = LINK.search(made.text).group(2)  # type: ignore[union-attr]
    with db_session(site) as session:
        row = session.exec(select(InvitationRow)).one()
        assert row.emailed_at is None and row.token_hash == hashlib.sha256(token.encode()).hexdigest()
        kept = json.dumps([r.model_dump(mode="json") for r in session.exec(select(AuditEventRow)).all()])
        kept += json.dumps(row.model_dump(mode="json"))
    assert token not in kept  # only its digest is kept
    again = site.get("/people").text
    assert token not in again and "not e-mailed" in again


def test_accepting_makes_the_account_with_the_role_signs_in_and_works_only_once(site: TestClient) -> None:
    link = link_of(site)
    browser = visitor(site)
    form = browser.get(link)
    assert form.status_code == 200 and 'value="amina.phiri"' in form.text  # the e-mail's first part
    done = accept(link, browser)
    assert done.status_code == 303 and done.headers["location"] == "/account"  # Malawi has no plan yet
    account = browser.get("/account").text
    assert (
        "Welcome, Amina Phiri: your account amina is ready, with the member role in Malawi (MWI)." in account
    )
    assert "MWI: member" in account
    with db_session(site) as session:
        user = users.get_user(session=session, username="amina")
        assert user.email == "amina.phiri@wfp.org" and user.name == "Amina Phiri"
        assert session.exec(select(MembershipRow.role).where(MembershipRow.user_id == user.id)).all() == [
            "member"
        ]
        actions = [
            e.action for e in session.exec(select(AuditEventRow).order_by(col(AuditEventRow.id))).all()
        ]
    assert {"invitation_created", "user_created", "role_granted", "invitation_accepted"} <= set(actions)
    for reuse in (visitor(site), browser):
        assert reuse.get(link).status_code == 410
        again = accept(link, reuse, username="someone.else")
        assert again.status_code == 410 and "cannot be used" in again.text
    with db_session(site) as session:
        assert len(session.exec(select(UserRow)).all()) == 2  # tester and amina only


def test_an_expired_or_withdrawn_link_gets_the_same_clear_page(site: TestClient) -> None:
    expired, withdrawn = link_of(site), link_of(site, email="kofi@example.org")
    with db_session(site) as session:
        session.exec(
            update(InvitationRow)
            .where(col(InvitationRow.email) == "amina.phiri@wfp.org")
            .values(expires_at=dt.datetime.now(dt.UTC) - dt.timedelta(minutes=1))
        )
        session.commit()
        kofi = session.exec(select(InvitationRow).where(InvitationRow.email == "kofi@example.org")).one()
    site.post(f"/people/invitations/{kofi.id}/revoke")
    unknown = "/invitations/" + "x" * 43
    pages = [visitor(site).get(link) for link in (expired, withdrawn, unknown)]
    assert {p.status_code for p in pages} == {410}
    bodies = {p.text.split("<main", 1)[1].split("</main>")[0] for p in pages}
    assert len(bodies) == 1  # the same words whatever the reason: nothing said about the invitation
    assert "cannot be used: it may have expired, been used already or been withdrawn" in pages[0].text
    assert "amina" not in pages[0].text.lower()
    assert accept(expired, visitor(site)).status_code == 410
    assert "expired" in site.get("/people").text


@pytest.mark.parametrize(
    ("password", "again", "field_error"),
    [
        ("short", "short", "a password has 12 to 200 characters"),
        (PASSWORD, PASSWORD + "!", "the two passwords differ"),
    ],
    ids=["too short", "not the same twice"],
)
def test_the_password_rules_are_those_of_every_account_and_the_link_still_works_after(
    site: TestClient, password: str, again: str, field_error: str
) -> None:
    link = link_of(site)
    browser = visitor(site)
    refused = accept(link, browser, password=password, again=again)
    assert refused.status_code == 422 and field_error in refused.text
    assert 'aria-invalid="true"' in refused.text
    assert accept(link, browser).status_code == 303


def test_a_username_taken_already_is_said_and_another_can_be_chosen(site: TestClient) -> None:
    link = link_of(site)
    browser = visitor(site)
    taken = accept(link, browser, username="tester")
    assert taken.status_code == 409 and "a user &#39;tester&#39; exists already" in taken.text
    assert accept(link, browser, username="amina").status_code == 303


def test_too_many_tries_of_unknown_links_are_refused_for_a_while_even_a_right_one(site: TestClient) -> None:
    link = link_of(site)
    guesser = visitor(site)
    for n in range(20):
        assert guesser.get(f"/invitations/{'guess' * 4}{n:04d}").status_code == 410
    refused = guesser.get(link)
    assert refused.status_code == 429 and int(refused.headers["retry-after"]) > 0
    assert "Too many tries" in refused.text
    assert accept(link, guesser).status_code == 429


def test_a_coordinator_invites_into_their_country_only_and_never_as_admin(public_site: TestClient) -> None:
    rco = signed_in(public_site, "rco", "coordinator", "MWI")
    assert invite(rco, country="SOM").status_code == 403
    refused = invite(rco, role="admin")
    assert refused.status_code == 422 and "an admin is made on their page" in refused.text
    assert LINK.search(invite(rco, role="coordinator").text)
    with db_session(rco) as session:
        assert [(i.country_code, i.role) for i in session.exec(select(InvitationRow)).all()] == [
            ("MWI", "coordinator")
        ]


def test_a_second_invitation_to_the_same_address_waits_for_the_first_to_be_withdrawn(
    site: TestClient,
) -> None:
    link_of(site)
    again = invite(site)
    assert again.status_code == 409 and "has an invitation waiting already" in again.text
    assert 'value="amina.phiri@wfp.org"' in again.text  # the form keeps what was typed


@pytest.fixture
def inbox(tmp_path: Path) -> Iterator[tuple[TestClient, list[EmailMessage]]]:
    """A site whose e-mails go to a local SMTP server; an admin signed in; the messages it received."""
    with smtp_inbox() as (port, received):
        client = _client(f"sqlite:///{tmp_path / 'cer.db'}", tmp_path, smtp_host="127.0.0.1", smtp_port=port)
        yield signed_in(client, "tester", "admin"), received


def test_with_an_email_server_the_link_is_emailed_not_shown(
    inbox: tuple[TestClient, list[EmailMessage]],
) -> None:
    site, received = inbox
    made = invite(site)
    assert made.status_code == 200 and not LINK.search(made.text)
    assert "an e-mail with a one-time link was sent to amina.phiri@wfp.org" in made.text
    (mail,) = received
    assert mail["To"] == "amina.phiri@wfp.org" and "member for Malawi (MWI)" in mail["Subject"]
    link = re.search(r"http://testserver(/invitations/\S+)", mail.as_string())
    assert link and accept(link.group(1), visitor(site)).status_code == 303
    with db_session(site) as session:
        assert session.exec(select(InvitationRow)).one().emailed_at is not None


def test_with_a_public_url_set_a_forged_host_never_reaches_the_emailed_link(tmp_path: Path) -> None:
    with smtp_inbox() as (port, received):
        client = _client(
            f"sqlite:///{tmp_path / 'cer.db'}", tmp_path, smtp_host="127.0.0.1", smtp_port=port,
            public_url="https://cer.example.org",
        )  # fmt: skip
        admin = signed_in(client, "tester", "admin")
        form = {"name": "Amina Phiri", "email": "amina@wfp.org", "country": "MWI", "role": "member"}
        made = admin.post("/people/invitations", data=form, headers={"host": "evil.example"})
        assert made.status_code == 200
    (mail,) = received
    text = mail.as_string()
    assert "https://cer.example.org/invitations/" in text and "evil.example" not in text


def test_the_invitation_form_answers_with_a_redirect_and_the_link_is_shown_once(site: TestClient) -> None:
    made = site.post(
        "/people/invitations",
        data={"name": "Amina Phiri", "email": "amina@wfp.org", "country": "MWI", "role": "member"},
        follow_redirects=False,
    )
    assert made.status_code == 303 and made.headers["location"] == "/people"  # a reload asks for the page
    shown = site.get("/people")
    assert LINK.search(shown.text) and shown.headers["cache-control"] == "no-store"
    assert not LINK.search(site.get("/people").text)  # once


def test_accepting_in_a_browser_signed_in_already_ends_that_sign_in(site: TestClient) -> None:
    link = link_of(site)
    before = site.cookies[SESSION_COOKIE]
    assert accept(link, site).status_code == 303  # the admin's own browser, still signed in
    assert site.cookies[SESSION_COOKIE] != before
    with db_session(site) as session:
        tester = users.get_user(session=session, username="tester")
        assert session.exec(select(WebSessionRow).where(WebSessionRow.user_id == tester.id)).all() == []
    old = TestClient(site.app, cookies={SESSION_COOKIE: before})
    assert old.get("/account", follow_redirects=False).status_code in (302, 303)  # to the sign-in


def test_signing_in_again_in_a_browser_ends_the_sign_in_it_had(site: TestClient) -> None:
    before = site.cookies[SESSION_COOKIE]
    add_user(site, "kofi")
    assert sign_in(site, "kofi").status_code == 303
    old = TestClient(site.app, cookies={SESSION_COOKIE: before})
    assert old.get("/account", follow_redirects=False).status_code in (302, 303)


def test_a_link_whose_inviter_was_disabled_says_it_is_no_longer_valid(public_site: TestClient) -> None:
    rco = signed_in(public_site, "rco", "coordinator", "MWI")
    link = link_of(rco)
    admin = signed_in(TestClient(rco.app), "boss", "admin")
    assert admin.post("/people/rco/state", data={"active": "no"}).status_code == 200
    opened = visitor(admin).get(link)
    assert opened.status_code == 410
    assert "rco may no longer give the member role in MWI: ask for a new invitation" in opened.text
    assert accept(link, visitor(admin)).status_code == 410
    assert "no longer valid" in admin.get("/people").text
