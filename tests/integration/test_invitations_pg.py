"""Invitations on PostgreSQL: invited, accepted once with the role and a sign-in, audited; two acceptances of
the same link at the same moment make one account; an expired or withdrawn link is refused; a coordinator
invites into their own country only."""

from __future__ import annotations

import datetime as dt
import threading
from collections.abc import Iterator

import pytest
from sqlalchemy import Engine, event, update
from sqlmodel import Session, col, select

from cer.db.tables import AuditEventRow, InvitationRow, MembershipRow, UserRow, WebSessionRow
from cer.services import invitations, people, users
from cer.services.access import Principal, local_operator, principal
from cer.services.errors import Conflict, Forbidden
from cer.services.sessions import principal_for_session

PASSWORD = "correct horse battery"


@pytest.fixture
def pg(postgres_engine: Engine) -> Iterator[Session]:
    with Session(postgres_engine) as session:
        yield session


def coordinator(session: Session, country: str = "MWI") -> Principal:
    users.create_user(session=session, username="rco", name="RCO", password=PASSWORD, by="t")
    users.grant(session=session, username="rco", country=country, role="coordinator", by="t")
    return principal(session=session, user=users.get_user(session=session, username="rco"))


def invite(session: Session, who: Principal, email: str = "amina@wfp.org") -> str:
    made = invitations.invite(
        session=session, who=who, name="Amina Phiri", email=email, country="MWI", role="member", days=7
    )
    assert made.invitation.state == "waiting" and not made.invitation.emailed
    return made.token


def test_an_invitation_is_accepted_once_with_its_role_and_a_sign_in(pg: Session) -> None:
    token = invite(pg, coordinator(pg))
    assert invitations.open_invitation(session=pg, token=token, address="10.0.0.1").email == "amina@wfp.org"
    done = invitations.accept(
        session=pg, token=token, username="amina", password=PASSWORD, address="10.0.0.1", hours=8
    )
    assert done.who.roles == {"MWI": 2} and done.country == "MWI" and not done.has_plan
    assert principal_for_session(session=pg, token=done.session_token, hours=8).username == "amina"
    with pytest.raises(invitations.Unusable):
        invitations.accept(
            session=pg, token=token, username="amina2", password=PASSWORD, address="x", hours=8
        )
    actions = [e.action for e in pg.exec(select(AuditEventRow)).all()]
    assert {"invitation_created", "user_created", "role_granted", "invitation_accepted"} <= set(actions)


def test_two_acceptances_of_one_link_at_the_same_moment_make_one_account(
    pg: Session, postgres_engine: Engine
) -> None:
    token = invite(pg, coordinator(pg))
    start = threading.Barrier(2)
    outcomes: list[str] = []

    def take(username: str) -> None:
        with Session(postgres_engine) as own:
            start.wait()
            try:
                invitations.accept(
                    session=own, token=token, username=username, password=PASSWORD, address=username, hours=8
                )
                outcomes.append("made")
            except (invitations.Unusable, Conflict):
                outcomes.append("refused")

    threads = [threading.Thread(target=take, args=(name,)) for name in ("first", "second")]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(outcomes) == ["made", "refused"]
    pg.expire_all()
    made = pg.exec(select(UserRow.username).where(col(UserRow.username).in_(["first", "second"]))).all()
    assert len(made) == 1
    assert len(pg.exec(select(WebSessionRow)).all()) == 1
    assert pg.exec(select(InvitationRow)).one().accepted_at is not None


def test_an_expired_or_withdrawn_invitation_is_refused(pg: Session) -> None:
    rco = coordinator(pg)
    expired, withdrawn = invite(pg, rco), invite(pg, rco, email="kofi@example.org")
    pg.exec(
        update(InvitationRow)
        .where(col(InvitationRow.email) == "amina@wfp.org")
        .values(expires_at=dt.datetime.now(dt.UTC) - dt.timedelta(seconds=1))
    )
    pg.commit()
    kofi = pg.exec(select(InvitationRow).where(InvitationRow.email == "kofi@example.org")).one()
    invitations.revoke_invitation(session=pg, who=rco, invitation_id=kofi.id or 0)
    for token in (expired, withdrawn):
        with pytest.raises(invitations.Unusable):
            invitations.open_invitation(session=pg, token=token, address="10.0.0.2")
        with pytest.raises(invitations.Unusable):
            invitations.accept(
                session=pg, token=token, username="x1", password=PASSWORD, address="y", hours=8
            )
    assert pg.exec(select(MembershipRow).where(MembershipRow.role == "member")).all() == []
    states = {i.email: i.state for i in invitations.list_invitations(session=pg, who=rco)}
    assert states == {"amina@wfp.org": "expired", "kofi@example.org": "withdrawn"}


def test_a_coordinator_invites_and_manages_in_their_country_only(pg: Session) -> None:
    rco = coordinator(pg)
    with pytest.raises(Forbidden):
        invitations.invite(
            session=pg, who=rco, name="X", email="x@example.org", country="SOM", role="viewer", days=7
        )
    users.create_user(session=pg, username="farah", name="Farah", password=PASSWORD, by="t")
    users.grant(session=pg, username="farah", country="SOM", role="viewer", by="t")
    assert [p.username for p in people.list_people(session=pg, who=rco)] == ["rco"]
    admin = local_operator("boss")
    assert {p.username for p in people.list_people(session=pg, who=admin)} == {"rco", "farah"}
    with pytest.raises(Forbidden):
        people.grant_role(session=pg, who=rco, username="farah", country="SOM", role="viewer")


# --- on SQLite and PostgreSQL: the e-mail after the commit, one waiting invitation per address, the inviter


def rival_before_commit(session: Session, engine: Engine, email: str) -> None:
    """Just before `session` commits its invitation, another process commits one to the same address (both
    passed the "waiting" check): the race two people inviting at the same moment run."""

    @event.listens_for(session, "before_commit", once=True)
    def _rival(_: Session) -> None:
        with Session(engine) as other:
            invitations.invite(
                session=other, who=local_operator("other"), name="Rival", email=email, country="MWI",
                role="viewer", days=7,
            )  # fmt: skip


def test_two_invitations_to_one_address_at_the_same_moment_make_one_and_the_other_sends_nothing(
    session: Session, engine: Engine
) -> None:
    sent: list[str] = []
    rco = coordinator(session)
    rival_before_commit(session, engine, "amina@wfp.org")
    with pytest.raises(Conflict) as refused:
        invitations.invite(
            session=session, who=rco, name="Amina", email="Amina@WFP.org", country="MWI",
            role="member", days=7, mail=lambda _, token: sent.append(token) or True,
        )  # fmt: skip
    assert str(refused.value) == (
        "amina@wfp.org has an invitation waiting already: withdraw it first to send a new one"
    )
    assert sent == []  # the link that was never kept was never e-mailed either
    session.rollback()
    waiting = [i.name for i in invitations.list_invitations(session=session, who=local_operator("boss"))]
    assert waiting == ["Rival"]


def test_the_link_is_emailed_once_the_invitation_is_kept_and_that_is_recorded_after(
    session: Session, engine: Engine
) -> None:
    kept_when_sent: list[bool] = []

    def mail(invitation: invitations.Invitation, _: str) -> bool:
        with Session(engine) as other:  # what another process sees at the moment the e-mail goes
            kept_when_sent.append(other.get(InvitationRow, invitation.id) is not None)
        return True

    made = invitations.invite(
        session=session, who=coordinator(session), name="Amina", email="amina@wfp.org", country="MWI",
        role="member", days=7, mail=mail,
    )  # fmt: skip
    assert kept_when_sent == [True] and made.invitation.emailed
    with Session(engine) as other:
        assert other.exec(select(InvitationRow)).one().emailed_at is not None


def test_an_expired_or_withdrawn_invitation_frees_the_address_for_a_new_one(session: Session) -> None:
    rco = coordinator(session)
    invite(session, rco)
    session.exec(update(InvitationRow).values(expires_at=dt.datetime.now(dt.UTC) - dt.timedelta(seconds=1)))
    session.commit()
    invite(session, rco)
    second = session.exec(select(InvitationRow).order_by(col(InvitationRow.id).desc())).first()
    invitations.revoke_invitation(session=session, who=rco, invitation_id=second.id or 0)  # type: ignore[union-attr]
    token = invite(session, rco)
    invitations.accept(
        session=session, token=token, username="amina", password=PASSWORD, address="a", hours=8
    )
    invite(session, rco, email="kofi@example.org")
    states = sorted(i.state for i in invitations.list_invitations(session=session, who=rco))
    assert states == ["accepted", "expired", "waiting", "withdrawn"]


@pytest.mark.parametrize("loss", ["role taken away", "account disabled", "made a viewer"])
def test_an_invitation_whose_inviter_may_no_longer_give_the_role_is_refused_in_words(
    session: Session, loss: str
) -> None:
    token = invite(session, coordinator(session))
    if loss == "role taken away":
        users.revoke(session=session, username="rco", country="MWI", by="boss")
    elif loss == "account disabled":
        users.set_active(session=session, username="rco", active=False, by="boss")
    else:
        users.grant(session=session, username="rco", country="MWI", role="viewer", by="boss")
    for attempt in (
        lambda: invitations.open_invitation(session=session, token=token, address="a"),
        lambda: invitations.accept(
            session=session, token=token, username="amina", password=PASSWORD, address="a", hours=8
        ),
    ):
        with pytest.raises(invitations.NoLongerValid) as refused:
            attempt()
        assert "rco may no longer give the member role in MWI: ask for a new invitation" in str(refused.value)
    assert session.exec(select(UserRow).where(UserRow.username == "amina")).first() is None
    shown = invitations.list_invitations(session=session, who=local_operator("boss"))
    assert [i.state for i in shown] == ["void"]
