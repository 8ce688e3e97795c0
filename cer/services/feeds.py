"""Calendar feeds: a read-only address a calendar program subscribes to, for one's own tasks ('mine': assigned
to one or led by one's agency, in the countries one has a role in) or for a country's plan.

The address holds a random token, the only credential (a calendar program sends no cookie); only its SHA-256
is kept, and the address is shown once. A feed is read with its owner's access as it is when read: a disabled
owner's feeds stop answering, and a country feed stops when its owner loses their role there. Creating and
revoking feeds are audit events; the owner or an admin may revoke one.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
import secrets
from dataclasses import dataclass

from sqlmodel import Session, col, select

from cer.db.tables import FeedTokenRow, PlanRow, TaskRow, UserRow, utcnow
from cer.services import audit
from cer.services.access import Action, Principal, principal, require
from cer.services.countries import country_names
from cer.services.errors import Forbidden, InvalidFields, Unauthenticated
from cer.services.plans import get_plan, plan_tasks
from cer.services.tasks import TaskFilter, find_tasks
from workstreams.errors import N_, Message, NotFound

MINE = "mine"
FEED_PREFIX = "cal_"
_SECRET = re.compile(r"^cal_[A-Za-z0-9_-]{43}$")  # what create_feed makes: anything else is not looked up
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")
_USED_EVERY = dt.timedelta(minutes=5)  # last_used_at is written at most this often: reading seldom writes


@dataclass(frozen=True)
class FeedTasks:
    """What a feed shows: its calendar's name and the tasks with their country."""

    name: str
    tasks: list[tuple[TaskRow, str]]


def _digest(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def feed_scopes(*, session: Session, who: Principal) -> list[tuple[str, str]]:
    """What `who` may make a feed of: ('mine', 'My tasks'), then each country whose plan they may read."""
    readable = who.readable()
    codes = session.exec(select(PlanRow.country_code).order_by(col(PlanRow.country_code))).all()
    names = country_names(session=session)
    countries = [(c, names.get(c, c)) for c in codes if readable is None or c in readable]
    return [(MINE, "My tasks"), *countries]


def create_feed(*, session: Session, who: Principal, scope: str, name: str = "") -> tuple[FeedTokenRow, str]:
    """A new feed of `who`'s for `scope` ('mine' or a country code whose plan they may read): the row and
    the secret token, which is never stored and shown only now."""
    user = session.get(UserRow, who.id) if who.id else None
    if user is None or not user.active:
        raise Unauthenticated(N_("a calendar feed belongs to an account: sign in as one"))
    wanted = scope.strip().lower() if scope.strip().lower() == MINE else scope.strip().upper()
    if wanted != MINE:
        require(who, Action.read_plan, wanted)
        get_plan(session=session, country=wanted)  # no plan, no feed: NotFound names the plans there are
    label = name.strip() or ("My tasks" if wanted == MINE else f"Plan {wanted}")
    if len(label) > 80 or _CONTROL.search(label):
        raise InvalidFields.of("name", N_("give the feed a name of 1 to 80 characters, on one line"))
    secret = FEED_PREFIX + secrets.token_urlsafe(32)
    feed = FeedTokenRow(
        user_id=user.id or 0, scope=wanted, name=label, prefix=secret[:12], token_hash=_digest(secret)
    )
    session.add(feed)
    audit.record(session=session, actor=who.username, action="feed_created", target=user.username,
                 country=None if wanted == MINE else wanted, feed=feed.prefix, name=label)  # fmt: skip
    session.commit()
    session.refresh(feed)
    return feed, secret


def list_feeds(*, session: Session, who: Principal, username: str | None = None) -> list[FeedTokenRow]:
    """`who`'s feeds (revoked ones too), newest first; another user's (by `username`) for an admin only."""
    owner = (username or who.username).strip().lower()
    if owner != who.username:
        require(who, Action.manage_users)
    query = (
        select(FeedTokenRow)
        .join(UserRow)
        .where(UserRow.username == owner)
        .order_by(col(FeedTokenRow.created_at).desc(), col(FeedTokenRow.id).desc())
    )
    return list(session.exec(query).all())


def revoke_feed(*, session: Session, who: Principal, feed_id: int) -> FeedTokenRow:
    """Revoke a feed: its address answers 401 from now on. The owner's or, for an admin, anyone's; someone
    else's is Forbidden, an unknown one NotFound."""
    found = session.exec(
        select(FeedTokenRow, UserRow.username).join(UserRow).where(FeedTokenRow.id == feed_id)
    ).first()
    if found is None:
        mine = [f.id for f in list_feeds(session=session, who=who) if f.id]
        raise NotFound(N_("feed"), feed_id, mine or [Message(N_("(no feeds of yours)"))])
    feed, owner = found
    if owner != who.username and not who.can(Action.manage_users):
        raise Forbidden(N_("feed %(id)s is not yours"), id=feed_id)
    if feed.revoked_at is None:
        feed.revoked_at = utcnow()
        session.add(feed)
        audit.record(
            session=session, actor=who.username, action="feed_revoked", target=owner, feed=feed.prefix
        )
        session.commit()
        session.refresh(feed)
    return feed


def read_feed(*, session: Session, secret: str) -> FeedTasks:
    """The tasks the feed with this token shows, read with its owner's access as it is now. Unauthenticated
    for an unknown or revoked token or a disabled owner; Forbidden when the owner no longer may read the
    country."""
    found = None
    if _SECRET.match(secret):
        query = select(FeedTokenRow, UserRow).join(UserRow).where(FeedTokenRow.token_hash == _digest(secret))
        found = session.exec(query).first()
    if found is None or found[0].revoked_at is not None or not found[1].active:
        raise Unauthenticated(N_("unknown or revoked calendar feed address"))
    feed, user = found
    owner, scope = principal(session=session, user=user), feed.scope
    _mark_used(session, feed)  # before the tasks are read: its commit would expire them
    if scope == MINE:
        tasks = find_tasks(session=session, who=owner, which=TaskFilter(mine=True))[1]
        return FeedTasks(f"CER: my tasks ({owner.username})", tasks)
    if not owner.can(Action.read_plan, scope):
        raise Forbidden(
            N_("%(user)s may no longer read the plan of %(country)s"), user=owner.username, country=scope
        )
    return FeedTasks(f"CER plan {scope}", _plan_tasks(session, scope))


def _plan_tasks(session: Session, country: str) -> list[tuple[TaskRow, str]]:
    try:
        plan = get_plan(session=session, country=country)
    except NotFound:
        return []  # not (or no longer) planned: an empty calendar
    return [(t, country) for t in plan_tasks(session=session, plan=plan)]


def _mark_used(session: Session, feed: FeedTokenRow) -> None:
    now, last = utcnow(), feed.last_used_at
    if last is None or now - (last if last.tzinfo else last.replace(tzinfo=dt.UTC)) > _USED_EVERY:
        feed.last_used_at = now
        session.add(feed)
        session.commit()
