"""Who may do what, in one place: roles, what each allows, and the check every entry point makes.

A user's memberships give them a role per country, or in every country ('*'). Roles are ordered:
viewer (read the country's plan) < member (also change its tasks) < coordinator (also create and re-diagnose
its plan, start its workstream flows, sign off its steps) < admin (also users, memberships and tokens; only
ever in every country). The public toolkit needs no account.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import IntEnum, StrEnum

from sqlmodel import Session, select

from cer.db.tables import MembershipRow, UserRow
from cer.services.errors import Forbidden
from workstreams.errors import N_, Message

EVERY_COUNTRY = "*"


class Role(IntEnum):
    viewer = 1
    member = 2
    coordinator = 3
    admin = 4


class Action(StrEnum):
    read_plan = "read_plan"
    diagnose = "diagnose"  # store answers (drafts, diagnoses) for the country
    change_task = "change_task"
    manage_plan = "manage_plan"  # create, merge, re-diagnose
    start_flow = "start_flow"
    sign_off = "sign_off"
    manage_users = "manage_users"  # users, memberships, anyone's tokens


NEEDS: dict[Action, Role] = {
    Action.read_plan: Role.viewer,
    Action.diagnose: Role.member,
    Action.change_task: Role.member,
    Action.manage_plan: Role.coordinator,
    Action.start_flow: Role.coordinator,
    Action.sign_off: Role.coordinator,
    Action.manage_users: Role.admin,
}


# What each action and role is called in a refusal ("amina may not start flow in SOM").
DOING = {
    Action.read_plan: N_("read plan"),
    Action.diagnose: N_("diagnose"),
    Action.change_task: N_("change task"),
    Action.manage_plan: N_("manage plan"),
    Action.start_flow: N_("start flow"),
    Action.sign_off: N_("sign off"),
    Action.manage_users: N_("manage users"),
}
ROLES = {
    Role.viewer: N_("viewer"),
    Role.member: N_("member"),
    Role.coordinator: N_("coordinator"),
    Role.admin: N_("admin"),
}


@dataclass(frozen=True)
class Principal:
    """A signed-in user and their roles: what every permission check is made against."""

    id: int
    username: str
    name: str
    roles: dict[str, Role] = field(default_factory=dict)  # country code or '*' → role
    agency: str | None = None  # the agency they work for: "My tasks" has the tasks it leads

    def role_in(self, country: str | None) -> Role | None:
        found = [r for c, r in self.roles.items() if c == EVERY_COUNTRY or (country and c == country.upper())]
        return max(found) if found else None

    def can(self, action: Action, country: str | None = None) -> bool:
        role = self.role_in(country)
        return role is not None and role >= NEEDS[action]

    def readable(self) -> set[str] | None:
        """The countries whose plans this user may read; None when every country's."""
        if EVERY_COUNTRY in self.roles:
            return None
        return {c for c, r in self.roles.items() if r >= NEEDS[Action.read_plan]}

    @property
    def admin(self) -> bool:
        return self.roles.get(EVERY_COUNTRY) == Role.admin


def local_operator(username: str) -> Principal:
    """Whoever runs the command line on the server itself: they hold the database, so every role in every
    country; what they change is signed with `username` (`--as`, CER_USER or their login name)."""
    return Principal(id=0, username=username, name=username, roles={EVERY_COUNTRY: Role.admin})


def principal(*, session: Session, user: UserRow) -> Principal:
    rows = session.exec(select(MembershipRow).where(MembershipRow.user_id == user.id)).all()
    roles = {m.country_code: Role[m.role] for m in rows}
    return Principal(id=user.id or 0, username=user.username, name=user.name, roles=roles, agency=user.agency)


def require(who: Principal, action: Action, country: str | None = None) -> None:
    """Raise Forbidden unless `who` may do `action` in `country`."""
    if not who.can(action, country):
        said = {"user": who.username, "action": Message(DOING[action]), "role": Message(ROLES[NEEDS[action]])}
        if country:
            raise Forbidden(
                N_(
                    "%(user)s may not %(action)s in %(country)s: it needs the %(role)s role there "
                    "(ask an admin: cer users grant)"
                ),
                country=country.upper(),
                **said,
            )
        raise Forbidden(
            N_(
                "%(user)s may not %(action)s: it needs the %(role)s role there "
                "(ask an admin: cer users grant)"
            ),
            **said,
        )
