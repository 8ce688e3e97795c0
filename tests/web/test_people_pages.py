"""People on the website: an admin manages everyone; a coordinator the people of the countries they
coordinate, there only and never the admin role; a viewer or a member sees no People page, no button, and is
refused. Every change is audited, said in a notice on the next page and listed on the person's page."""

from __future__ import annotations

import re

import pytest
from fastapi.testclient import TestClient
from sqlmodel import select

from cer.db.tables import AuditEventRow, InvitationRow, MembershipRow, UserRow
from cer.services import users
from tests.web.conftest import add_user, db_session, signed_in

SHOWN = re.compile(r"<[^>]+>")


def text_of(html: str) -> str:
    """What a person reads: the page's words without tags, spaces collapsed."""
    return " ".join(SHOWN.sub(" ", html).replace("&#39;", "'").split())


def notices(html: str) -> list[str]:
    return [text_of(n) for n in re.findall(r'<p class="notice">(.*?)</p>', html)]


def roles_of(client: TestClient, username: str) -> dict[str, str]:
    with db_session(client) as session:
        user = users.get_user(session=session, username=username)
        rows = session.exec(select(MembershipRow).where(MembershipRow.user_id == user.id)).all()
        return {m.country_code: m.role for m in rows}


def audited(client: TestClient) -> list[tuple[str, str, str]]:
    with db_session(client) as session:
        events = session.exec(select(AuditEventRow).order_by(AuditEventRow.id)).all()
        return [(e.actor, e.action, e.target) for e in events if not e.action.startswith("log")]


@pytest.fixture
def staff(public_site: TestClient) -> TestClient:
    """A site with people in Malawi and Somalia; signed in as `rco`, the coordinator for Malawi."""
    add_user(public_site, "amina", "member", "MWI")
    add_user(public_site, "farah", "viewer", "SOM")
    add_user(public_site, "both", "viewer", "MWI")
    with db_session(public_site) as session:
        users.grant(session=session, username="both", country="SOM", role="member", by="t")
    return signed_in(public_site, "rco", "coordinator", "MWI")


def test_an_admin_sees_everyone_and_every_role(site: TestClient) -> None:
    add_user(site, "amina", "member", "MWI")
    add_user(site, "farah", "viewer", "SOM")
    page = site.get("/people")
    assert page.status_code == 200
    shown = text_of(page.text)
    assert "Amina" in shown and "Farah" in shown and "Somalia (SOM): viewer" in shown
    assert 'action="/people/invitations"' in page.text


def test_a_coordinator_sees_only_the_people_of_their_countries_and_only_their_roles_there(
    staff: TestClient,
) -> None:
    page = text_of(staff.get("/people").text)
    assert "Amina" in page and "Both" in page and "Farah" not in page
    assert "Malawi (MWI): viewer" in page and "Somalia" not in page  # both's role in SOM is not theirs to see
    assert staff.get("/people/farah").status_code == 404
    options = re.findall(r'<option value="([A-Z*]+)"', staff.get("/people").text)
    assert set(options) == {"MWI"}  # invite into Malawi only


def test_a_coordinator_gives_and_takes_roles_in_their_country_each_change_said_audited_and_listed(
    staff: TestClient,
) -> None:
    given = staff.post("/people/amina/roles", data={"country": "MWI", "role": "viewer"})
    assert given.status_code == 200 and given.url.path == "/people/amina"
    assert notices(given.text) == ["amina has the viewer role in Malawi (MWI) now."]
    assert roles_of(staff, "amina") == {"MWI": "viewer"}
    assert "gave the viewer role in Malawi (MWI)" in text_of(given.text)  # listed on their page
    taken = staff.post("/people/amina/revoke", data={"country": "MWI"})
    assert notices(taken.text) == ["amina no longer has a role in Malawi (MWI)."]
    assert taken.url.path == "/people" and "Amina" not in text_of(taken.text)  # no longer theirs to manage
    assert roles_of(staff, "amina") == {}
    assert ("rco", "role_granted", "amina") in audited(staff) and ("rco", "role_revoked", "amina") in audited(
        staff
    )
    admin = signed_in(TestClient(staff.app), "boss", "admin")
    history = text_of(admin.get("/people/amina").text)
    assert "rco took away the viewer role in Malawi (MWI)" in history
    assert "rco gave the viewer role in Malawi (MWI)" in history


@pytest.mark.parametrize(
    ("country", "role"),
    [("SOM", "viewer"), ("*", "viewer"), ("*", "admin"), ("MWI", "admin")],
    ids=["another country", "every country", "admin", "admin in their country"],
)
def test_a_coordinator_cannot_give_a_role_elsewhere_nor_admin(
    staff: TestClient, country: str, role: str
) -> None:
    before = audited(staff)
    refused = staff.post("/people/amina/roles", data={"country": country, "role": role})
    assert refused.status_code == 403
    assert roles_of(staff, "amina") == {"MWI": "member"} and audited(staff) == before


def test_a_coordinator_cannot_take_a_role_in_another_country_nor_disable_someone_who_has_one(
    staff: TestClient,
) -> None:
    assert staff.post("/people/both/revoke", data={"country": "SOM"}).status_code == 403
    page = staff.get("/people/both").text
    assert "/people/both/state" not in page  # no button they could not use
    assert staff.post("/people/both/state", data={"active": "no"}).status_code == 403
    assert roles_of(staff, "both") == {"MWI": "viewer", "SOM": "member"}
    with db_session(staff) as session:
        assert users.get_user(session=session, username="both").active


def test_a_coordinator_disables_and_enables_someone_of_their_country_only(staff: TestClient) -> None:
    disabled = staff.post("/people/amina/state", data={"active": "no"})
    assert notices(disabled.text) == ["amina's account is disabled: they can no longer sign in."]
    assert "disabled: cannot sign in" in text_of(disabled.text)
    assert "Enable the account" in disabled.text
    enabled = staff.post("/people/amina/state", data={"active": "yes"})
    assert notices(enabled.text) == ["amina's account is enabled again."]
    history = text_of(enabled.text)
    assert history.index("enabled the account again") < history.index("disabled the account")  # newest first
    assert staff.post("/people/rco/state", data={"active": "no"}).status_code == 403  # not oneself


@pytest.mark.parametrize("role", ["viewer", "member"])
def test_a_viewer_or_member_has_no_people_page_no_button_and_is_refused(
    public_site: TestClient, role: str
) -> None:
    add_user(public_site, "amina", "member", "MWI")
    client = signed_in(public_site, "someone", role, "MWI")
    assert "/people" not in client.get("/account").text and "/people" not in client.get("/").text
    assert client.get("/people").status_code == 403
    assert client.get("/people/amina").status_code == 403
    before = audited(client)
    posts = {
        "/people/invitations": {"name": "X", "email": "x@example.org", "country": "MWI", "role": "viewer"},
        "/people/amina/roles": {"country": "MWI", "role": "viewer"},
        "/people/amina/revoke": {"country": "MWI"},
        "/people/amina/state": {"active": "no"},
        "/people/invitations/1/revoke": {},
    }
    for path, form in posts.items():
        assert client.post(path, data=form).status_code == 403, path
    assert audited(client) == before and roles_of(client, "amina") == {"MWI": "member"}


def test_a_coordinator_sees_the_people_link_on_their_account_page_and_in_the_header(
    staff: TestClient,
) -> None:
    assert 'href="/people"' in staff.get("/account").text
    header = staff.get("/tools").text.split("<main", 1)[0]
    assert '<a href="/people">People</a>' in header


def test_withdrawing_an_invitation_is_said_audited_and_listed_and_its_link_stops(staff: TestClient) -> None:
    made = staff.post(
        "/people/invitations",
        data={"name": "Kofi", "email": "kofi@example.org", "country": "MWI", "role": "member"},
    )
    shown = r'<p class="notice">[^<]*: http://testserver(/invitations/[A-Za-z0-9_-]+)</p>'
    link = re.search(shown, made.text)
    assert link is not None
    with db_session(staff) as session:
        invitation = session.exec(select(InvitationRow)).one()
    withdrawn = staff.post(f"/people/invitations/{invitation.id}/revoke")
    assert notices(withdrawn.text) == [
        "The invitation of kofi@example.org was withdrawn: its link no longer works."
    ]
    assert "withdrawn" in text_of(withdrawn.text)
    assert ("rco", "invitation_revoked", "kofi@example.org") in audited(staff)
    assert TestClient(staff.app).get(link.group(1)).status_code == 410


def test_an_admin_cannot_take_away_their_own_admin_role(site: TestClient) -> None:
    assert site.post("/people/tester/revoke", data={"country": "*"}).status_code == 403
    assert roles_of(site, "tester") == {"*": "admin"}


def test_an_admin_makes_an_admin_in_every_country_and_the_grant_is_listed(site: TestClient) -> None:
    add_user(site, "amina", "member", "MWI")
    made = site.post("/people/amina/roles", data={"country": "*", "role": "admin"})
    assert notices(made.text) == ["amina has the admin role in every country now."]
    assert roles_of(site, "amina") == {"MWI": "member", "*": "admin"}
    assert "gave the admin role in every country" in text_of(made.text)
    with db_session(site) as session:
        assert session.exec(select(UserRow).where(UserRow.username == "amina")).one().active


def test_a_coordinator_cannot_take_the_role_of_disable_or_demote_a_peer_coordinator(
    staff: TestClient,
) -> None:
    add_user(staff, "peer", "coordinator", "MWI")
    page = staff.get("/people/peer").text
    assert "/people/peer/revoke" not in page and "/people/peer/state" not in page  # no button to refuse
    before = audited(staff)
    assert staff.post("/people/peer/revoke", data={"country": "MWI"}).status_code == 403
    assert staff.post("/people/peer/state", data={"active": "no"}).status_code == 403
    demoted = staff.post("/people/peer/roles", data={"country": "MWI", "role": "viewer"})
    assert demoted.status_code == 403
    assert "may not take away the coordinator role of peer in MWI" in text_of(demoted.text)
    assert roles_of(staff, "peer") == {"MWI": "coordinator"} and audited(staff) == before
    given = staff.post("/people/amina/roles", data={"country": "MWI", "role": "coordinator"})
    # giving stays up to their own role
    assert notices(given.text) == ["amina has the coordinator role in Malawi (MWI) now."]
    admin = signed_in(TestClient(staff.app), "boss", "admin")
    assert admin.post("/people/peer/state", data={"active": "no"}).status_code == 200
    assert admin.post("/people/peer/revoke", data={"country": "MWI"}).status_code == 200


def test_inviting_an_address_with_an_account_offers_a_coordinator_to_give_that_account_the_role(
    staff: TestClient,
) -> None:
    with db_session(staff) as session:
        users.create_user(session=session, username="farah2", name="Farah", password="x" * 20,
                          email="farah@example.org", by="t")  # fmt: skip
        users.grant(session=session, username="farah2", country="SOM", role="viewer", by="t")
    form = {"name": "F", "email": "Farah@example.org", "country": "MWI", "role": "member"}
    offered = staff.post("/people/invitations", data=form)
    assert offered.status_code == 409
    shown = text_of(offered.text)
    assert "give them the member role in Malawi (MWI) instead of an invitation" in shown
    assert "Farah" not in shown.replace("Farah@example.org", "").replace("farah@example.org", "")
    given = staff.post("/people/invitations", data=form | {"existing": "yes"})
    assert given.url.path == "/people/farah2"
    assert notices(given.text) == ["farah2 has the member role in Malawi (MWI) now."]
    assert roles_of(staff, "farah2") == {"SOM": "viewer", "MWI": "member"}
    assert "Farah" in text_of(staff.get("/people").text)  # among the people they manage now
    with db_session(staff) as session:
        assert session.exec(select(InvitationRow)).all() == []


def test_an_admin_is_told_the_address_has_an_account(site: TestClient) -> None:
    with db_session(site) as session:
        users.create_user(session=session, username="farah", name="Farah", password="x" * 20,
                          email="farah@example.org", by="t")  # fmt: skip
    form = {"name": "F", "email": "farah@example.org", "country": "MWI", "role": "member"}
    told = site.post("/people/invitations", data=form)
    assert told.status_code == 409
    assert "farah@example.org has an account already: give them the role on their page" in text_of(told.text)
