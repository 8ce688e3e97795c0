"""Accounts: users with argon2id-hashed passwords, their role per country, personal API tokens, sign-in.

Every change here is an audit event written in the same transaction (cer.services.audit). Passwords and
tokens are never stored, logged or echoed: a generated one is returned once, to be shown once.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
import secrets
from dataclasses import dataclass
from functools import cache
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, SecretStr, ValidationError, field_validator
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, select

from cer.db.tables import ApiTokenRow, MembershipRow, UserRow, utcnow
from cer.services import audit
from cer.services.access import EVERY_COUNTRY, Principal, Role, principal
from cer.services.errors import Conflict, InvalidFields, Unauthenticated
from cer.services.person_fields import AGENCY, CONTROL_CHARACTERS, EMAIL, USERNAME, PersonName
from cer.services.sessions import end_user_sessions
from workstreams.errors import N_, InvalidRequest, Message, NotFound

FIRST_ADMIN = "admin"
TOKEN_PREFIX = "cer_"


@cache
def _hasher():  # type: ignore[no-untyped-def]
    from argon2 import PasswordHasher

    return PasswordHasher()  # argon2id, RFC 9106 low-memory profile


class NewUser(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    username: Annotated[str, Field(pattern=USERNAME, description="lower case letters, digits, . _ -")]
    name: PersonName
    email: Annotated[str | None, Field(default=None, max_length=254, pattern=EMAIL)]
    agency: Annotated[str | None, Field(default=None, pattern=AGENCY, description="an acronym, e.g. WFP")]
    password: SecretStr

    @field_validator("password")
    @classmethod
    def _long_enough(cls, value: SecretStr) -> SecretStr:
        if not 12 <= len(value.get_secret_value()) <= 200:
            raise ValueError(N_("a password has 12 to 200 characters"))
        return value


class Grant(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    username: Annotated[str, Field(pattern=USERNAME)]
    country: Annotated[str, Field(min_length=1, max_length=80, description="a country, or '*' for every one")]
    role: Role

    @field_validator("role", mode="before")
    @classmethod
    def _role_by_name(cls, value: object) -> object:
        if isinstance(value, str):
            try:
                return Role[value.strip().lower()]
            except KeyError:
                raise ValueError(
                    Message(N_("not a role; choose from %(roles)s"), roles=", ".join(r.name for r in Role))
                ) from None
        return value

    @field_validator("country")
    @classmethod
    def _country_code(cls, value: str) -> str:
        if value == EVERY_COUNTRY:
            return value
        from cer.content.countries import find_country

        try:
            return find_country(value).code
        except (NotFound, InvalidRequest):
            raise ValueError(
                N_("not a country we know: give an ISO code such as MWI, or '*' for every one")
            ) from None


def _validated(model: type[BaseModel], **values: object) -> BaseModel:
    try:
        return model(**values)
    except ValidationError as exc:
        raise InvalidFields.from_validation(exc) from None


def generate_password() -> str:
    return secrets.token_urlsafe(15)  # 20 characters, ~120 bits


def get_user(*, session: Session, username: str) -> UserRow:
    user = session.exec(select(UserRow).where(UserRow.username == username.strip().lower())).first()
    if user is None:
        names = session.exec(select(UserRow.username).order_by(col(UserRow.username))).all()
        raise NotFound(N_("user"), username, names or [Message(N_("(no users yet)"))])
    return user


def create_user(
    *,
    session: Session,
    username: str,
    name: str,
    password: str,
    email: str | None = None,
    agency: str | None = None,
    by: str,
) -> UserRow:
    user = add_user(
        session=session, username=username, name=name, password=password, email=email, agency=agency
    )
    audit.record(session=session, actor=by, action="user_created", target=(made := user.username))
    try:
        session.commit()
    except IntegrityError:  # created by someone else meanwhile
        session.rollback()
        raise Conflict(N_("a user %(name)s exists already"), name=repr(made)) from None
    session.refresh(user)
    return user


def add_user(
    *, session: Session, username: str, name: str, password: str, email: str | None = None,
    agency: str | None = None,
) -> UserRow:  # fmt: skip
    """A new user checked (name, e-mail, password rules) and added to the session; the caller commits."""
    new = _validated(
        NewUser, username=username.strip().lower(), name=name, email=email, agency=agency, password=password
    )
    assert isinstance(new, NewUser)
    if session.exec(select(UserRow.id).where(UserRow.username == new.username)).first() is not None:
        raise Conflict(N_("a user %(name)s exists already"), name=repr(new.username))
    user = UserRow(
        username=new.username, name=new.name, email=new.email, agency=new.agency,
        password_hash=_hasher().hash(new.password.get_secret_value()),
    )  # fmt: skip
    session.add(user)
    return user


def set_agency(*, session: Session, username: str, agency: str | None, by: str) -> UserRow:
    """Record the agency a user works for ('' or None: none); their "My tasks" then has the tasks it leads."""
    user = get_user(session=session, username=username)
    text = (agency or "").strip() or None
    if text is not None and not re.fullmatch(AGENCY, text):
        raise InvalidRequest(
            N_("%(text)s is not an agency acronym: 1 to 20 letters, digits, spaces or - . &"), text=repr(text)
        )
    user.agency = text
    session.add(user)
    audit.record(session=session, actor=by, action="user_agency", target=user.username, agency=text)
    session.commit()
    session.refresh(user)
    return user


def set_password(*, session: Session, username: str, password: str, by: str) -> None:
    user = get_user(session=session, username=username)
    checked = _validated(NewUser, username=user.username, name=user.name, password=password)
    assert isinstance(checked, NewUser)
    user.password_hash = _hasher().hash(checked.password.get_secret_value())
    user.password_changed_at = utcnow()
    session.add(user)
    end_user_sessions(session=session, user_id=user.id or 0)
    audit.record(session=session, actor=by, action="password_changed", target=user.username)
    session.commit()


def set_active(*, session: Session, username: str, active: bool, by: str) -> None:
    user = get_user(session=session, username=username)
    user.active = active
    session.add(user)
    if not active:
        end_user_sessions(session=session, user_id=user.id or 0)
    audit.record(
        session=session, actor=by, action="user_enabled" if active else "user_disabled", target=user.username
    )
    session.commit()


def grant(*, session: Session, username: str, country: str, role: str, by: str) -> MembershipRow:
    """Give `username` `role` in `country` ('*': every country), replacing the role they had there."""
    g = _validated(Grant, username=username.strip().lower(), country=country, role=role)
    assert isinstance(g, Grant)
    if g.role == Role.admin and g.country != EVERY_COUNTRY:
        raise InvalidFields.of("country", N_("admin is a role in every country: grant it with '*'"))
    user = get_user(session=session, username=g.username)
    found = session.exec(
        select(MembershipRow).where(MembershipRow.user_id == user.id, MembershipRow.country_code == g.country)
    ).first()
    old = found.role if found else None
    membership = found or MembershipRow(
        user_id=user.id or 0, country_code=g.country, role=g.role.name, granted_by=by
    )
    membership.role, membership.granted_by, membership.granted_at = g.role.name, by, utcnow()
    session.add(membership)
    country_code = None if g.country == EVERY_COUNTRY else g.country
    audit.record(
        session=session, actor=by, action="role_granted", target=user.username, country=country_code,
        role=g.role.name, scope=g.country, previous=old,
    )  # fmt: skip
    session.commit()
    session.refresh(membership)
    return membership


def revoke(*, session: Session, username: str, country: str, by: str) -> None:
    user = get_user(session=session, username=username)
    code = country.strip().upper() if country.strip() != EVERY_COUNTRY else EVERY_COUNTRY
    found = session.exec(
        select(MembershipRow).where(MembershipRow.user_id == user.id, MembershipRow.country_code == code)
    ).first()
    if found is None:
        raise NotFound(
            Message(N_("role of %(user)s in"), user=user.username),
            country,
            _scopes(session, user) or [Message(N_("(none)"))],
        )
    session.delete(found)
    audit.record(
        session=session, actor=by, action="role_revoked", target=user.username,
        country=None if code == EVERY_COUNTRY else code, role=found.role, scope=code,
    )  # fmt: skip
    session.commit()


def _scopes(session: Session, user: UserRow) -> list[str]:
    return list(
        session.exec(select(MembershipRow.country_code).where(MembershipRow.user_id == user.id)).all()
    )


@dataclass(frozen=True)
class UserListing:
    username: str
    name: str
    email: str | None
    active: bool
    roles: dict[str, str]
    tokens: int

    def json(self) -> dict[str, object]:
        return self.__dict__.copy()


def list_users(*, session: Session) -> list[UserListing]:
    users = session.exec(select(UserRow).order_by(col(UserRow.username))).all()
    roles: dict[int, dict[str, str]] = {}
    for m in session.exec(select(MembershipRow).order_by(col(MembershipRow.country_code))).all():
        roles.setdefault(m.user_id, {})[m.country_code] = m.role
    tokens: dict[int, int] = {}
    for t in session.exec(select(ApiTokenRow).where(col(ApiTokenRow.revoked_at).is_(None))).all():
        tokens[t.user_id] = tokens.get(t.user_id, 0) + 1
    return [
        UserListing(u.username, u.name, u.email, u.active, roles.get(u.id or 0, {}), tokens.get(u.id or 0, 0))
        for u in users
    ]


def ensure_first_admin(*, session: Session, by: str) -> str | None:
    """On a database without users: create `admin` with a generated password, an admin in every country,
    and return the password (to be shown once). Otherwise None."""
    if session.exec(select(UserRow.id).limit(1)).first() is not None:
        return None
    password = generate_password()
    try:
        create_user(session=session, username=FIRST_ADMIN, name="Administrator", password=password, by=by)
    except Conflict:  # another process made it first
        return None
    grant(session=session, username=FIRST_ADMIN, country=EVERY_COUNTRY, role="admin", by=by)
    return password


_DUMMY_HASH: list[str] = []


def authenticate(*, session: Session, username: str, password: str, source: str = "") -> Principal:
    """The user, if the password is theirs and the account active; every attempt is an audit event."""
    from argon2.exceptions import InvalidHashError, VerificationError

    name = username.strip().lower()[:60]
    found = (
        None
        if CONTROL_CHARACTERS.search(name)
        else session.exec(select(UserRow).where(UserRow.username == name))
    )
    user = found.first() if found is not None else None  # (PostgreSQL refuses a NUL in a query)
    if not _DUMMY_HASH:
        _DUMMY_HASH.append(_hasher().hash(generate_password()))
    try:  # an unknown user costs the same time as a wrong password
        ok = _hasher().verify(user.password_hash if user else _DUMMY_HASH[0], password)
    except (VerificationError, InvalidHashError):
        ok = False
    if not ok or user is None or not user.active:
        why = "unknown user" if user is None else "inactive" if ok else "wrong password"
        audit.record(
            session=session, actor=name or "?", action="login_failed", target=name, source=source, reason=why
        )
        session.commit()
        raise Unauthenticated(N_("wrong username or password, or the account is disabled"))
    if _hasher().check_needs_rehash(user.password_hash):
        user.password_hash = _hasher().hash(password)
        session.add(user)
    audit.record(session=session, actor=user.username, action="login", target=user.username, source=source)
    session.commit()
    return principal(session=session, user=user)


def _digest(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def create_token(*, session: Session, username: str, name: str, by: str) -> tuple[ApiTokenRow, str]:
    """A new token for `username`: the row and the secret, which is never stored and shown only now."""
    user = get_user(session=session, username=username)
    label = name.strip()
    if not label or len(label) > 80 or CONTROL_CHARACTERS.search(label):
        raise InvalidFields.of("name", N_("give the token a name of 1 to 80 characters, on one line"))
    secret = TOKEN_PREFIX + secrets.token_urlsafe(32)
    token = ApiTokenRow(user_id=user.id or 0, name=label, prefix=secret[:12], token_hash=_digest(secret))
    session.add(token)
    audit.record(
        session=session,
        actor=by,
        action="token_created",
        target=user.username,
        token=token.prefix,
        name=label,
    )
    session.commit()
    session.refresh(token)
    return token, secret


def list_tokens(*, session: Session, username: str | None = None) -> list[tuple[ApiTokenRow, str]]:
    """Tokens (revoked ones too) with their owner's username, newest first."""
    query = select(ApiTokenRow, UserRow.username).join(UserRow).order_by(col(ApiTokenRow.created_at).desc())
    if username:
        query = query.where(UserRow.username == username.strip().lower())
    return [(t, u) for t, u in session.exec(query).all()]


def get_token(*, session: Session, token_id: int) -> tuple[ApiTokenRow, str]:
    found = session.exec(
        select(ApiTokenRow, UserRow.username).join(UserRow).where(ApiTokenRow.id == token_id)
    ).first()
    if found is None:
        ids = session.exec(select(ApiTokenRow.id).order_by(col(ApiTokenRow.id))).all()
        raise NotFound(N_("token"), token_id, ids or [Message(N_("(no tokens)"))])
    return found[0], found[1]


def revoke_token(*, session: Session, token_id: int, by: str) -> ApiTokenRow:
    token, owner = get_token(session=session, token_id=token_id)
    if token.revoked_at is None:
        token.revoked_at = utcnow()
        session.add(token)
        audit.record(session=session, actor=by, action="token_revoked", target=owner, token=token.prefix)
        session.commit()
        session.refresh(token)
    return token


def user_for_token(*, session: Session, secret: str) -> Principal:
    """The token's owner, if the token exists, is not revoked and the owner is active."""
    if not secret.startswith(TOKEN_PREFIX):
        raise Unauthenticated(N_("not a cer-toolkit API token"))
    found = session.exec(
        select(ApiTokenRow, UserRow).join(UserRow).where(ApiTokenRow.token_hash == _digest(secret))
    ).first()
    if found is None or found[0].revoked_at is not None or not found[1].active:
        raise Unauthenticated(N_("unknown or revoked API token"))
    token, user = found
    now = utcnow()
    last = token.last_used_at
    if last is None or (now - (last if last.tzinfo else last.replace(tzinfo=dt.UTC))) > dt.timedelta(
        minutes=1
    ):
        token.last_used_at = now  # at most once a minute: reading the API does not write on every call
        session.add(token)
        session.commit()
    return principal(session=session, user=user)
