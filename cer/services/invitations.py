"""Invitations: an admin, or a coordinator for their countries, invites a person by e-mail to a role in a
country. The invitation's link holds a random token (only its SHA-256 is kept) that works once, until it
expires (`CER_INVITATION_DAYS`) or is withdrawn; opening it, the person chooses a username and a password
and is signed in with the role. Every step is an audit event; opening a link is limited like a sign-in
(cer.services.throttle), so tokens cannot be guessed by trying.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
import secrets
from collections.abc import Callable
from dataclasses import dataclass
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator
from sqlalchemy import func, update
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, select

from cer.content.countries import find_country
from cer.db.tables import InvitationRow, MembershipRow, PlanRow, UserRow, utcnow
from cer.services import audit, throttle, users
from cer.services.access import EVERY_COUNTRY, ROLES, Principal, Role, principal
from cer.services.errors import Conflict, InvalidFields
from cer.services.people import may_change, refuse, require_manager
from cer.services.person_fields import EMAIL, USERNAME, PersonName
from cer.services.sessions import start_session
from workstreams.errors import N_, Message, NotFound, Said

PENDING_ALREADY = N_("%(email)s has an invitation waiting already: withdraw it first to send a new one")
HAS_ACCOUNT = N_(
    "someone with the e-mail address %(email)s has an account already: give them the role on their page"
)
HAS_ACCOUNT_HERE = N_(
    "someone with the e-mail address %(email)s has an account already: you may give them the %(role)s role "
    "in %(country)s instead of an invitation"
)
NO_LONGER = N_(
    "this invitation is no longer valid: %(inviter)s may no longer give the %(role)s role in %(country)s: "
    "ask for a new invitation"
)
NOT_A_COUNTRY_ROLE = N_(
    "invite to a country's role (viewer, member or coordinator); an admin is made on their page"
)
UNUSABLE = N_("this invitation link cannot be used")
INVITATION = N_("invitation")
NO_INVITATIONS = N_("(no invitations you manage)")


class Unusable(Said):
    """The link's token is unknown, used, expired or withdrawn: which one is not said."""


class NoLongerValid(Unusable):
    """The link is right, but whoever sent it may no longer give its role there (role taken away, account
    disabled): said, since only the link's holder reads it."""


class HasAccount(Conflict):
    """The address belongs to an account: give it the role instead (cer.services.people.give_role_to)."""


class NewInvitation(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    name: PersonName
    email: Annotated[str, Field(max_length=254, pattern=EMAIL)]
    country: Annotated[str, Field(min_length=1, max_length=80)]
    role: Annotated[str, Field(min_length=1, max_length=20)]

    @field_validator("email")
    @classmethod
    def _lower(cls, value: str) -> str:
        return value.lower()


@dataclass(frozen=True)
class Invitation:
    """An invitation as a page lists it."""

    id: int
    name: str
    email: str
    country: str
    role: str
    invited_by: str
    created_at: dt.datetime
    expires_at: dt.datetime
    emailed: bool
    state: str  # waiting, accepted, expired, withdrawn, void (its inviter may no longer give the role)


@dataclass(frozen=True)
class Invited:
    invitation: Invitation
    token: str  # the link's secret: never stored, shown (or e-mailed) only now


Mailer = Callable[[Invitation, str], bool]  # (the invitation, its token) → whether it was e-mailed


def _aware(when: dt.datetime) -> dt.datetime:
    return when if when.tzinfo else when.replace(tzinfo=dt.UTC)


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def _shown(row: InvitationRow, now: dt.datetime | None = None, void: bool = False) -> Invitation:
    now = now or utcnow()
    state = (
        "accepted" if row.accepted_at else "withdrawn" if row.revoked_at
        else "expired" if _aware(row.expires_at) <= now else "void" if void else "waiting"
    )  # fmt: skip
    return Invitation(
        row.id or 0, row.name, row.email, row.country_code, row.role, row.invited_by,
        _aware(row.created_at), _aware(row.expires_at), row.emailed_at is not None, state,
    )  # fmt: skip


def _checked(name: str, email: str, country: str, role: str) -> tuple[NewInvitation, users.Grant]:
    try:
        new = NewInvitation(name=name, email=email, country=country, role=role)
        grant = users.Grant.model_validate({"username": "invited", "country": country, "role": role})
    except ValidationError as exc:
        raise InvalidFields.from_validation(exc) from None
    if grant.country == EVERY_COUNTRY or grant.role == Role.admin:
        raise InvalidFields.of("role", NOT_A_COUNTRY_ROLE)
    return new, grant


def invite(
    *, session: Session, who: Principal, name: str, email: str, country: str, role: str, days: float,
    mail: Mailer | None = None,
) -> Invited:  # fmt: skip
    """Invite `email` to `role` in `country`, if `who` may give that role there. Once the invitation is kept,
    `mail` e-mails the link and that is recorded (without it, or when it could not, the invitation says it
    was not e-mailed); an invitation not kept (one to the address made meanwhile) never sent a link."""
    require_manager(who)
    new, grant = _checked(name, email, country, role)
    if not may_change(who, grant.country, grant.role):
        refuse(who, grant.country, grant.role)
    _no_account(session, who, new.email, grant)
    row, token = _kept(session, who, new, grant, days)
    if mail is not None and mail(_shown(row), token):
        row.emailed_at = utcnow()  # a second, small commit: the e-mail went after the first
        session.add(row)
        session.commit()
        session.refresh(row)
    return Invited(_shown(row), token)


def _no_account(session: Session, who: Principal, email: str, grant: users.Grant) -> None:
    """HasAccount when `email` is an account's: an admin is told so; a coordinator is offered to give it the
    role in their country instead (which is what they came for)."""
    if session.exec(select(UserRow.id).where(func.lower(UserRow.email) == email)).first() is None:
        return
    if who.admin:
        raise HasAccount(HAS_ACCOUNT, email=email)
    place = f"{find_country(grant.country).name} ({grant.country})"
    raise HasAccount(HAS_ACCOUNT_HERE, email=email, role=Message(ROLES[grant.role]), country=place)


def _kept(
    session: Session, who: Principal, new: NewInvitation, grant: users.Grant, days: float
) -> tuple[InvitationRow, str]:
    """The invitation, committed, and its link's token. One waits per address: the check says so in words,
    and the unique `pending_email` says the same when another was made at the same moment."""
    now = utcnow()
    held = session.exec(select(InvitationRow).where(InvitationRow.pending_email == new.email)).first()
    if held is not None and _aware(held.expires_at) > now:
        raise Conflict(PENDING_ALREADY, email=new.email)
    if held is not None:  # expired: it no longer holds the address
        held.pending_email = None
        session.add(held)
        session.flush()
    token = secrets.token_urlsafe(32)
    row = InvitationRow(
        token_hash=_digest(token), name=new.name, email=new.email, pending_email=new.email,
        country_code=grant.country, role=grant.role.name, invited_by=who.username, created_at=now,
        expires_at=now + dt.timedelta(days=days),
    )  # fmt: skip
    session.add(row)
    audit.record(
        session=session, actor=who.username, action="invitation_created", target=new.email,
        country=grant.country, name=new.name, role=grant.role.name, expires=row.expires_at.isoformat(),
    )  # fmt: skip
    try:
        session.commit()
    except IntegrityError:  # another invitation to the address, made at the same moment, was kept first
        session.rollback()
        raise Conflict(PENDING_ALREADY, email=new.email) from None
    session.refresh(row)
    return row, token


def list_invitations(*, session: Session, who: Principal, limit: int = 100) -> list[Invitation]:
    """The invitations of the countries `who` manages, newest first."""
    require_manager(who)
    rows = session.exec(select(InvitationRow).order_by(col(InvitationRow.id).desc()).limit(limit)).all()
    now, inviters = utcnow(), _Inviters(session)
    return [
        _shown(r, now, void=r.pending_email is not None and not inviters.may_give(r))
        for r in rows
        if may_change(who, r.country_code, Role[r.role])
    ]


class _Inviters:
    """Whether an invitation's inviter may still give its role there (an active account, the role to give):
    each inviter read once."""

    def __init__(self, session: Session) -> None:
        self.session, self.known = session, dict[str, Principal | None]()

    def may_give(self, row: InvitationRow) -> bool:
        if row.invited_by not in self.known:
            user = self.session.exec(select(UserRow).where(UserRow.username == row.invited_by)).first()
            found = principal(session=self.session, user=user) if user is not None and user.active else None
            self.known[row.invited_by] = found
        inviter = self.known[row.invited_by]
        return inviter is not None and may_change(inviter, row.country_code, Role[row.role])


def revoke_invitation(*, session: Session, who: Principal, invitation_id: int) -> Invitation:
    """Withdraw an invitation: its link no longer works (one accepted already stays accepted)."""
    row = session.get(InvitationRow, invitation_id)
    if row is None or not may_change(who, row.country_code, Role[row.role]):
        known = [i.id for i in list_invitations(session=session, who=who)]
        raise NotFound(INVITATION, invitation_id, known or [Message(NO_INVITATIONS)])
    if row.accepted_at is None and row.revoked_at is None:
        row.revoked_at, row.revoked_by, row.pending_email = utcnow(), who.username, None
        session.add(row)
        audit.record(
            session=session, actor=who.username, action="invitation_revoked", target=row.email,
            country=row.country_code, role=row.role,
        )  # fmt: skip
        session.commit()
        session.refresh(row)
    return _shown(row)


def _usable(session: Session, token: str) -> InvitationRow:
    row = session.exec(select(InvitationRow).where(InvitationRow.token_hash == _digest(token))).first()
    if row is None or row.accepted_at or row.revoked_at or _aware(row.expires_at) <= utcnow():
        raise Unusable(UNUSABLE)
    return row


def _opened(session: Session, token: str, address: str) -> InvitationRow:
    """The link's invitation if usable (Unusable otherwise); each try is counted like a sign-in, refused
    (Throttled) when too many failed from `address`, and forgiven when the token was right."""
    key = "invitation:" + _digest(token)[:16]
    counted = throttle.attempt(session=session, address=address, username=key)
    row = _usable(session, token)
    throttle.succeeded(session=session, address=address, username=key, attempt_id=counted)
    if not _Inviters(session).may_give(row):
        said = {
            "inviter": row.invited_by,
            "role": Message(ROLES[Role[row.role]]),
            "country": row.country_code,
        }
        raise NoLongerValid(NO_LONGER, **said)
    return row


def open_invitation(*, session: Session, token: str, address: str) -> Invitation:
    """The invitation of a link, if it can still be used (Unusable otherwise, without saying why; but
    NoLongerValid, saying why, when its inviter may no longer give its role)."""
    return _shown(_opened(session, token, address))


def suggested_username(email: str) -> str:
    """A username made of an e-mail address's first part ('amina.phiri@wfp.org' → 'amina.phiri')."""
    text = re.sub(r"[^a-z0-9._-]+", ".", email.split("@")[0].lower()).strip("._-")[:60]
    return text if re.fullmatch(USERNAME, text) else ""


@dataclass(frozen=True)
class Accepted:
    who: Principal
    country: str
    role: str
    session_token: str  # the new sign-in's cookie
    has_plan: bool  # whether the country has a plan to show them


def accept(
    *, session: Session, token: str, username: str, password: str, address: str, hours: float
) -> Accepted:
    """Make the invited person's account with the invitation's role, and sign them in. The link then never
    works again (two at the same moment: one wins, the other is Unusable)."""
    row = _opened(session, token, address)
    user = users.add_user(
        session=session, username=username, name=row.name, password=password, email=row.email
    )
    try:
        session.flush()
    except IntegrityError:  # the username was taken meanwhile
        session.rollback()
        raise Conflict(N_("a user %(name)s exists already"), name=repr(username.strip().lower())) from None
    now = utcnow()
    taken = session.exec(
        update(InvitationRow)
        .where(col(InvitationRow.id) == row.id, col(InvitationRow.accepted_at).is_(None),
               col(InvitationRow.revoked_at).is_(None), col(InvitationRow.expires_at) > now)
        .values(accepted_at=now, user_id=user.id, pending_email=None)
        .execution_options(synchronize_session=False)
    )  # fmt: skip
    if taken.rowcount != 1:
        session.rollback()
        raise Unusable(UNUSABLE)
    session.add(MembershipRow(user_id=user.id or 0, country_code=row.country_code, role=row.role,
                              granted_by=row.invited_by))  # fmt: skip
    _audit_acceptance(session, row, user.username)
    who = principal(session=session, user=user)
    has_plan = session.exec(select(PlanRow.id).where(PlanRow.country_code == row.country_code)).first()
    cookie = start_session(session=session, who=who, hours=hours)
    return Accepted(who, row.country_code, row.role, cookie, has_plan is not None)


def _audit_acceptance(session: Session, row: InvitationRow, username: str) -> None:
    audit.record(session=session, actor=username, action="user_created", target=username,
                 invited_by=row.invited_by)  # fmt: skip
    audit.record(
        session=session, actor=row.invited_by, action="role_granted", target=username,
        country=row.country_code, role=row.role, scope=row.country_code, previous=None, invitation=row.id,
    )  # fmt: skip
    audit.record(
        session=session, actor=username, action="invitation_accepted", target=row.email,
        country=row.country_code, role=row.role, username=username,
    )  # fmt: skip
