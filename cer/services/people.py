"""People managed on the website: who sees whom, who may give or take which role where, disable or enable an
account. An admin manages everyone; a coordinator manages the people of the countries they coordinate, and
there only: they give roles up to their own, but take away (or disable an account holding) only roles below
their own there, so a coordinator cannot remove a peer coordinator; never the admin role nor a role in every
country ('*').

Each change goes through cer.services.users (one commit, one audit event); the checks are made here first.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from pydantic import ValidationError
from sqlalchemy import func
from sqlmodel import Session, col, select

from cer.content.countries import all_countries, find_country
from cer.db.tables import AuditEventRow, MembershipRow, UserRow
from cer.services import users
from cer.services.access import EVERY_COUNTRY, ROLES, Principal, Role
from cer.services.audit import Entry
from cer.services.errors import Forbidden, InvalidFields
from workstreams.errors import N_, InvalidRequest, Message, NotFound

NOT_MANAGER = N_("%(user)s may not manage people: it needs the coordinator role in a country")
NOT_MANAGER_THERE = N_("%(user)s may not manage people in %(country)s: it needs the coordinator role there")
UNKNOWN_COUNTRY = N_("not a country we know: give an ISO code such as MWI, or '*' for every one")
NOT_THERE = N_("%(user)s may not give or take the %(role)s role in %(country)s")
ONLY_ADMIN = N_("only an admin gives or takes the admin role, or a role in every country")
NOT_ABOVE = N_(
    "%(user)s may not take away the %(role)s role of %(person)s in %(country)s: it needs a role above theirs "
    "there"
)
NO_ACCOUNT = N_("(no account has this e-mail address)")
NOT_YOURSELF = N_("you cannot disable your own account, nor take away your own admin role")
NOT_WHOLLY = N_("%(user)s may not disable or enable %(person)s: they have roles you do not manage")
NO_ONE = N_("(no one you manage)")
PERSON = N_("person")
ROLE_OF = N_("role of %(user)s in")
NONE = N_("(none)")
# What a person's page lists: the changes made to their account (not their sign-ins).
NOT_LISTED = ("login", "login_failed", "logout")


def manages(who: Principal, country: str) -> bool:
    """Whether `who` manages the people of `country` (a code, not '*')."""
    role = who.role_in(country)
    return who.admin or (role is not None and role >= Role.coordinator)


def may_change(who: Principal, country: str, role: Role) -> bool:
    """Whether `who` may give (or take away) `role` in `country`."""
    if who.admin:
        return True
    if country == EVERY_COUNTRY or role == Role.admin:
        return False
    own = who.role_in(country)
    return manages(who, country) and own is not None and role <= own


def may_take(who: Principal, country: str, held: Role) -> bool:
    """Whether `who` may take away (or replace, or disable an account holding) `held` in `country`: an admin
    always; a coordinator only a role below their own there."""
    if who.admin:
        return True
    if country == EVERY_COUNTRY or held == Role.admin:
        return False
    own = who.role_in(country)
    return manages(who, country) and own is not None and held < own


def require_manager(who: Principal) -> None:
    if not who.admin and not any(r >= Role.coordinator for r in who.roles.values()):
        raise Forbidden(NOT_MANAGER, user=who.username)


@dataclass(frozen=True)
class Person:
    username: str
    name: str
    email: str | None
    agency: str | None
    active: bool
    roles: dict[str, str]  # the roles `who` may see: country code (or '*') → role
    changeable: bool  # whether `who` may disable or enable them

    def may_revoke(self, who: Principal, country: str) -> bool:
        return country in self.roles and may_take(who, country, Role[self.roles[country]])


@dataclass(frozen=True)
class Scope:
    """Where `who` manages people: the countries (code, name) and the roles they may give there."""

    countries: list[tuple[str, str]]
    roles: list[str]


def scope(who: Principal) -> Scope:
    countries = [(code, name) for code, name in all_countries() if manages(who, code)]
    if who.admin:
        countries.insert(0, (EVERY_COUNTRY, ""))
    top = Role.admin if who.admin else max((r for r in who.roles.values()), default=Role.viewer)
    return Scope(countries, [r.name for r in Role if r <= top])


def _person(who: Principal, user: UserRow, roles: dict[str, str]) -> Person | None:
    """`user` as `who` sees them; None when `who` manages none of their countries."""
    if who.admin:
        return Person(
            user.username, user.name, user.email, user.agency, user.active, roles, who.id != user.id
        )
    shown = {c: r for c, r in roles.items() if c != EVERY_COUNTRY and manages(who, c)}
    if not shown:
        return None
    wholly = shown == roles and all(may_take(who, c, Role[r]) for c, r in roles.items())
    return Person(user.username, user.name, user.email, user.agency, user.active, shown, wholly)


def _roles(session: Session, user_ids: list[int] | None = None) -> dict[int, dict[str, str]]:
    query = select(MembershipRow).order_by(col(MembershipRow.country_code))
    if user_ids is not None:
        query = query.where(col(MembershipRow.user_id).in_(user_ids))
    found: dict[int, dict[str, str]] = {}
    for m in session.exec(query).all():
        found.setdefault(m.user_id, {})[m.country_code] = m.role
    return found


def list_people(*, session: Session, who: Principal) -> list[Person]:
    """The people `who` manages, by name: everyone for an admin."""
    require_manager(who)
    roles = _roles(session)
    shown = [
        _person(who, u, roles.get(u.id or 0, {}))
        for u in session.exec(select(UserRow).order_by(col(UserRow.name), col(UserRow.username))).all()
    ]
    return [p for p in shown if p is not None]


def get_person(*, session: Session, who: Principal, username: str) -> Person:
    """One person `who` manages; NotFound (naming only those they manage) otherwise."""
    require_manager(who)
    found = session.exec(select(UserRow).where(UserRow.username == username.strip().lower())).first()
    person = _person(who, found, _roles(session, [found.id or 0]).get(found.id or 0, {})) if found else None
    if person is None:
        known = [p.username for p in list_people(session=session, who=who)]
        raise NotFound(PERSON, username, known or [Message(NO_ONE)])
    return person


def history(*, session: Session, who: Principal, username: str, limit: int = 100) -> list[Entry]:
    """The changes made to a person's account, newest first (a coordinator: those of their countries and
    of the account as a whole), and to the invitations sent to their e-mail address."""
    person = get_person(session=session, who=who, username=username)
    targets = [person.username, *([person.email] if person.email else [])]
    query = (
        select(AuditEventRow)
        .where(col(AuditEventRow.target).in_(targets), col(AuditEventRow.action).not_in(NOT_LISTED))
        .order_by(col(AuditEventRow.at).desc(), col(AuditEventRow.id).desc())
        .limit(limit)
    )
    return [
        Entry(
            e.at if e.at.tzinfo else e.at.replace(tzinfo=dt.UTC),
            e.actor,
            e.action,
            e.country_code,
            e.target,
            dict(e.detail),
        )
        for e in session.exec(query).all()
        if e.country_code is None or manages(who, e.country_code)
    ]


def _grant_form(username: str, country: str, role: str) -> users.Grant:
    try:
        return users.Grant.model_validate({"username": username, "country": country, "role": role})
    except ValidationError as exc:
        raise InvalidFields.from_validation(exc) from None


def _managed(who: Principal, country: str) -> str:
    """`country`'s code ('*' for every one), if `who` manages people there; Forbidden otherwise."""
    require_manager(who)
    code = country.strip().upper()
    if code != EVERY_COUNTRY:
        try:
            code = find_country(code).code
        except (NotFound, InvalidRequest):
            raise InvalidFields.of("country", UNKNOWN_COUNTRY) from None
    if code == EVERY_COUNTRY and not who.admin:
        raise Forbidden(ONLY_ADMIN)
    if code != EVERY_COUNTRY and not manages(who, code):
        raise Forbidden(NOT_MANAGER_THERE, user=who.username, country=code)
    return code


def grant_role(*, session: Session, who: Principal, username: str, country: str, role: str) -> None:
    """Give a person a role in a country (replacing theirs there), if `who` may give it and take theirs."""
    _managed(who, country)
    person = get_person(session=session, who=who, username=username)
    _give(session, who, person.username, country, role)


def give_role_to(*, session: Session, who: Principal, email: str, country: str, role: str) -> str:
    """Give the account whose e-mail address is `email` a role in a country `who` manages, instead of inviting
    it (cer.services.invitations.HasAccount); its username. They are then among the people `who` manages."""
    _managed(who, country)
    address = email.strip().lower()
    user = session.exec(select(UserRow).where(func.lower(UserRow.email) == address)).first()
    if user is None:
        raise NotFound(PERSON, address, [Message(NO_ACCOUNT)])
    _give(session, who, user.username, country, role)
    return user.username


def _give(session: Session, who: Principal, username: str, country: str, role: str) -> None:
    form = _grant_form(username, country, role)
    if not may_change(who, form.country, form.role):
        refuse(who, form.country, form.role)
    user = users.get_user(session=session, username=username)
    held = _roles(session, [user.id or 0]).get(user.id or 0, {}).get(form.country)
    if held is not None and held != form.role.name and not may_take(who, form.country, Role[held]):
        refuse_taking(who, username, form.country, Role[held])
    users.grant(session=session, username=username, country=form.country, role=role, by=who.username)


def revoke_role(*, session: Session, who: Principal, username: str, country: str) -> bool:
    """Take a person's role in a country away, if `who` may; whether `who` still manages them (a
    coordinator no longer does once they have no role in the coordinator's countries)."""
    code = _managed(who, country)
    person = get_person(session=session, who=who, username=username)
    held = person.roles.get(code)
    if held is None:
        raise NotFound(Message(ROLE_OF, user=person.username), country, list(person.roles) or [Message(NONE)])
    if held == Role.admin.name and person.username == who.username:
        raise Forbidden(NOT_YOURSELF)
    if not may_take(who, code, Role[held]):
        refuse_taking(who, person.username, code, Role[held])
    users.revoke(session=session, username=person.username, country=code, by=who.username)
    return who.admin or any(c != code for c in person.roles)


def set_active(*, session: Session, who: Principal, username: str, active: bool) -> None:
    """Disable (or enable again) a person's account: their sign-ins and tokens stop (or work again)."""
    person = get_person(session=session, who=who, username=username)
    if person.username == who.username:
        raise Forbidden(NOT_YOURSELF)
    if not person.changeable:
        raise Forbidden(NOT_WHOLLY, user=who.username, person=person.username)
    users.set_active(session=session, username=person.username, active=active, by=who.username)


def refuse_taking(who: Principal, person: str, country: str, held: Role) -> None:
    if country == EVERY_COUNTRY or held == Role.admin:
        raise Forbidden(ONLY_ADMIN)
    said = {"user": who.username, "role": Message(ROLES[held]), "person": person, "country": country}
    raise Forbidden(NOT_ABOVE, **said)


def refuse(who: Principal, country: str, role: Role) -> None:
    if country == EVERY_COUNTRY or role == Role.admin:
        raise Forbidden(ONLY_ADMIN)
    raise Forbidden(NOT_THERE, user=who.username, role=Message(ROLES[role]), country=country)
