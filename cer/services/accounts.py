"""One's own account from the website: signing in with a password (a new sign-in session) and revoking one's
own API tokens."""

from __future__ import annotations

from sqlmodel import Session

from cer.db.tables import ApiTokenRow
from cer.services import throttle
from cer.services.access import Action, Principal
from cer.services.errors import Forbidden
from cer.services.sessions import start_session
from cer.services.users import authenticate, get_token, list_tokens, revoke_token
from workstreams.errors import N_, Message, NotFound


def sign_in(
    *, session: Session, username: str, password: str, address: str, source: str, hours: float
) -> str:
    """A new sign-in session for the user whose password this is (Unauthenticated otherwise): the token of
    its cookie, never stored. Too many failures from `address` are refused first (Throttled), without
    looking at the password."""
    counted = throttle.attempt(session=session, address=address, username=username)
    who = authenticate(session=session, username=username, password=password, source=source)
    throttle.succeeded(session=session, address=address, username=username, attempt_id=counted)
    return start_session(session=session, who=who, hours=hours)


def revoke_own_token(*, session: Session, who: Principal, token_id: int) -> ApiTokenRow:
    """Revoke one of `who`'s own tokens; an admin may revoke anyone's. Someone else's token is Forbidden;
    an unknown one is NotFound, naming only the tokens `who` may revoke."""
    admin = who.can(Action.manage_users)
    try:
        _, owner = get_token(session=session, token_id=token_id)
    except NotFound:
        if admin:
            raise
        mine = [t.id for t, _ in list_tokens(session=session, username=who.username)]
        raise NotFound(
            N_("token"), token_id, sorted(i for i in mine if i) or [Message(N_("(no tokens of yours)"))]
        ) from None
    if owner != who.username and not admin:
        raise Forbidden(N_("token %(id)s is not yours"), id=token_id)
    return revoke_token(session=session, token_id=token_id, by=who.username)
