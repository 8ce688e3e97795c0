"""Accounts on SQLite and PostgreSQL: users with argon2id passwords, roles per country, tokens kept hashed,
sign-in, and every change in the audit trail — never a password or a token."""

from __future__ import annotations

import json

import pytest
from sqlmodel import Session, select

from cer.db.tables import ApiTokenRow, AuditEventRow, MembershipRow, UserRow
from cer.services import users
from cer.services.access import Action, Role, require
from cer.services.audit import trail
from cer.services.errors import Conflict, Forbidden, InvalidFields, Unauthenticated
from workstreams.errors import NotFound

PASSWORD = "correct horse battery"


def everything_written(session: Session) -> str:
    """Every row of the account tables and the audit trail, as text: where a secret must never be."""
    rows = [*session.exec(select(UserRow)).all(), *session.exec(select(ApiTokenRow)).all()]
    rows += [*session.exec(select(AuditEventRow)).all(), *session.exec(select(MembershipRow)).all()]
    return json.dumps([r.model_dump(mode="json") for r in rows])


def test_a_user_signs_in_with_their_password_and_nothing_keeps_it(session: Session) -> None:
    user = users.create_user(session=session, username="Amina", name="Amina D", password=PASSWORD, by="t")
    assert user.username == "amina" and user.password_hash.startswith("$argon2id$")
    who = users.authenticate(session=session, username="amina", password=PASSWORD, source="127.0.0.1")
    assert who.username == "amina" and who.roles == {}
    with pytest.raises(Unauthenticated):
        users.authenticate(session=session, username="amina", password=PASSWORD + "!", source="10.0.0.9")
    with pytest.raises(Unauthenticated):
        users.authenticate(session=session, username="nobody", password=PASSWORD)
    users.set_active(session=session, username="amina", active=False, by="t")
    with pytest.raises(Unauthenticated):  # the right password of a disabled account
        users.authenticate(session=session, username="amina", password=PASSWORD)
    events = session.exec(select(AuditEventRow).order_by(AuditEventRow.id)).all()
    assert [(e.action, e.detail.get("reason")) for e in events] == [
        ("user_created", None), ("login", None), ("login_failed", "wrong password"),
        ("login_failed", "unknown user"), ("user_disabled", None), ("login_failed", "inactive"),
    ]  # fmt: skip
    assert events[2].detail["source"] == "10.0.0.9" and events[1].actor == "amina"
    assert PASSWORD not in everything_written(session)


def test_bad_accounts_are_refused_field_by_field_and_nothing_is_written(session: Session) -> None:
    with pytest.raises(InvalidFields) as refused:
        users.create_user(session=session, username="A b", name="", password="short", email="nope", by="t")
    fields = {e["field"] for e in refused.value.errors}
    assert fields == {"username", "name", "password", "email"}
    assert "short" not in str(refused.value)  # the input itself is never echoed
    assert session.exec(select(UserRow)).all() == [] and session.exec(select(AuditEventRow)).all() == []
    users.create_user(session=session, username="bo", name="Bo", password=PASSWORD, by="t")
    with pytest.raises(Conflict, match="exists already"):
        users.create_user(session=session, username="BO", name="Bo again", password=PASSWORD, by="t")


def test_roles_are_per_country_and_ordered(session: Session) -> None:
    for name in ("mem", "coord", "watch", "root"):
        users.create_user(session=session, username=name, name=name.title(), password=PASSWORD, by="t")
    users.grant(session=session, username="mem", country="Malawi", role="member", by="t")
    users.grant(session=session, username="coord", country="MWI", role="coordinator", by="t")
    users.grant(session=session, username="watch", country="*", role="viewer", by="t")
    users.grant(session=session, username="root", country="*", role="admin", by="t")
    names = ("mem", "coord", "watch", "root")
    who = {n: users.authenticate(session=session, username=n, password=PASSWORD) for n in names}
    assert who["mem"].roles == {"MWI": Role.member}
    assert who["mem"].can(Action.change_task, "MWI") and not who["mem"].can(Action.change_task, "SOM")
    assert not who["mem"].can(Action.sign_off, "MWI") and who["coord"].can(Action.sign_off, "mwi")
    assert who["watch"].can(Action.read_plan, "SOM") and not who["watch"].can(Action.change_task, "SOM")
    assert who["root"].can(Action.manage_users) and not who["coord"].can(Action.manage_users)
    with pytest.raises(Forbidden, match="mem may not start flow in SOM: it needs the coordinator role"):
        require(who["mem"], Action.start_flow, "SOM")
    with pytest.raises(InvalidFields, match="admin is a role in every country"):
        users.grant(session=session, username="mem", country="MWI", role="admin", by="t")
    with pytest.raises(InvalidFields, match="role: not a role"):
        users.grant(session=session, username="mem", country="MWI", role="boss", by="t")
    users.grant(session=session, username="mem", country="MWI", role="coordinator", by="t")  # replaces
    users.revoke(session=session, username="coord", country="MWI", by="t")
    with pytest.raises(NotFound):
        users.revoke(session=session, username="coord", country="MWI", by="t")
    listed = {r.username: r.roles for r in users.list_users(session=session)}
    assert listed == {
        "mem": {"MWI": "coordinator"},
        "coord": {},
        "watch": {"*": "viewer"},
        "root": {"*": "admin"},
    }
    granted = [e for e in trail(session=session, country="MWI") if e.action.startswith("role_")]
    assert [(e.action, e.target, e.detail["role"]) for e in granted] == [
        ("role_revoked", "coord", "coordinator"),
        ("role_granted", "mem", "coordinator"),
        ("role_granted", "coord", "coordinator"),
        ("role_granted", "mem", "member"),
    ]


def test_a_token_is_shown_once_kept_hashed_and_stops_working_when_revoked(session: Session) -> None:
    users.create_user(session=session, username="amina", name="Amina", password=PASSWORD, by="t")
    token, secret = users.create_token(session=session, username="amina", name="laptop", by="t")
    assert secret.startswith("cer_") and len(secret) > 40 and token.prefix == secret[:12]
    assert users.user_for_token(session=session, secret=secret).username == "amina"
    assert secret not in everything_written(session)
    with pytest.raises(Unauthenticated):
        users.user_for_token(session=session, secret=secret[:-1] + ("A" if secret[-1] != "A" else "B"))
    users.revoke_token(session=session, token_id=token.id or 0, by="t")
    with pytest.raises(Unauthenticated, match="revoked"):
        users.user_for_token(session=session, secret=secret)
    other, second = users.create_token(session=session, username="amina", name="phone", by="t")
    users.set_active(session=session, username="amina", active=False, by="t")
    with pytest.raises(Unauthenticated):  # a disabled user's tokens stop too
        users.user_for_token(session=session, secret=second)
    with pytest.raises(InvalidFields, match="name"):
        users.create_token(session=session, username="amina", name=" ", by="t")


def test_the_first_admin_is_made_once_with_a_generated_password(session: Session) -> None:
    password = users.ensure_first_admin(session=session, by="cli:test")
    assert password and len(password) >= 20
    assert users.authenticate(session=session, username="admin", password=password).admin
    assert users.ensure_first_admin(session=session, by="cli:test") is None
    assert password not in everything_written(session)
