"""Signing in and out, and one's own account: roles and personal API tokens.

Sign-in is limited: after 5 failures for a username from one address, or 20 from one address, within 15
minutes, further attempts are refused (429, `Retry-After`) without checking the password. The counts are
kept in this process.
"""

from __future__ import annotations

import threading
import time
from collections import deque
from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from cer.services import users
from cer.services.access import Action, Role
from cer.services.errors import Forbidden, InvalidFields, Unauthenticated
from cer.services.sessions import end_session, start_session
from cer.web.csrf import rotate_csrf, secure_cookies
from cer.web.deps import DB, CurrentUser, RowId
from cer.web.security import SESSION_COOKIE
from cer.web.templating import local_path, render, tr

router = APIRouter(include_in_schema=False)  # pages; the API documents /api only
WINDOW = 15 * 60
PER_USER, PER_ADDRESS = 5, 20


class Throttle:
    """Failed sign-ins per (address, username) and per address, in a sliding window."""

    def __init__(self) -> None:
        self._failures: dict[tuple[str, str], deque[float]] = {}
        self._lock = threading.Lock()

    def _recent(self, key: tuple[str, str], now: float) -> deque[float]:
        times = self._failures.setdefault(key, deque())
        while times and times[0] <= now - WINDOW:
            times.popleft()
        return times

    def attempt(self, address: str, username: str) -> int:
        """Seconds until a sign-in may be tried again (0: now, and this attempt is counted as a failure
        until it `succeeded`: attempts made at the same moment cannot all slip under the limit)."""
        now = time.monotonic()
        keys = ((address, username), (address, ""))
        with self._lock:
            waits = [
                int(times[0] + WINDOW - now) + 1
                for key, limit in zip(keys, (PER_USER, PER_ADDRESS), strict=True)
                if len(times := self._recent(key, now)) >= limit
            ]
            if not waits:
                if len(self._failures) > 100_000:
                    self._failures.clear()
                for key in keys:
                    self._recent(key, now).append(now)
        return max(waits, default=0)

    def succeeded(self, address: str, username: str) -> None:
        with self._lock:
            self._failures.pop((address, username), None)
            if times := self._failures.get((address, "")):
                times.pop()


THROTTLE = Throttle()


def _address(request: Request) -> str:
    return request.client.host if request.client else "?"


def _login_page(request: Request, next_: str, username: str = "", error: str | None = None) -> HTMLResponse:
    status = 200 if error is None else 401
    return render(
        request,
        "login.html",
        status,
        title=tr(request, "Sign in"),
        next=next_,
        username=username,
        error=error,
    )


@router.get("/login", response_class=HTMLResponse)
def login_form(request: Request, next: str = "/") -> HTMLResponse:  # noqa: A002
    return _login_page(request, local_path(next))


@router.post("/login", response_class=HTMLResponse)
def login(
    request: Request,
    session: DB,
    username: Annotated[str, Form(max_length=200)] = "",
    password: Annotated[str, Form(max_length=1000)] = "",
    next: Annotated[str, Form(max_length=2000)] = "/",  # noqa: A002
) -> Response:
    """Check the password; on success a new session cookie (and CSRF cookie), then back where one was."""
    name, address, target = username.strip().lower()[:60], _address(request), local_path(next)
    if wait := THROTTLE.attempt(address, name):
        message = tr(
            request, "Too many failed sign-ins: try again in %(minutes)s minutes.", minutes=wait // 60 + 1
        )
        response = _login_page(request, target, username[:60], message)
        response.status_code, response.headers["Retry-After"] = 429, str(wait)
        return response
    try:
        who = users.authenticate(session=session, username=name, password=password, source=f"web {address}")
    except Unauthenticated:
        return _login_page(request, target, username[:60], tr(request, "Wrong username or password."))
    THROTTLE.succeeded(address, name)
    settings = request.app.state.settings
    token = start_session(session=session, who=who, hours=settings.session_hours)
    redirect = RedirectResponse(target, status_code=303)
    redirect.set_cookie(
        SESSION_COOKIE,
        token,  # no Max-Age: the server ends the session after CER_SESSION_HOURS without use
        httponly=True,
        samesite="lax",
        secure=secure_cookies(request),
    )
    rotate_csrf(request)
    return redirect


@router.post("/logout")
def logout(request: Request, session: DB) -> Response:
    """Sign out: the session is deleted on the server, the cookies in the browser."""
    who = request.scope["state"].get("principal")
    if token := request.cookies.get(SESSION_COOKIE):
        end_session(session=session, token=token, actor=who.username if who else "?", source="web")
    response = RedirectResponse("/", status_code=303)
    response.delete_cookie(SESSION_COOKIE, httponly=True, samesite="lax", secure=secure_cookies(request))
    rotate_csrf(request)
    return response


def _account_page(
    request: Request, session: DB, who: CurrentUser, new_token: str | None = None, error: str | None = None
) -> HTMLResponse:
    tokens = [t for t, _ in users.list_tokens(session=session, username=who.username)]
    roles = sorted(who.roles.items(), key=lambda item: (-item[1], item[0]))
    response = render(
        request,
        "account.html",
        422 if error else 200,
        title=tr(request, "Your account"),
        roles=[(country, Role(role).name) for country, role in roles],
        tokens=tokens,
        new_token=new_token,
        error=error,
    )
    response.headers["Cache-Control"] = "no-store"
    return response


@router.get("/account", response_class=HTMLResponse)
def account(request: Request, session: DB, who: CurrentUser) -> HTMLResponse:
    return _account_page(request, session, who)


@router.post("/account/tokens", response_class=HTMLResponse)
def create_token(
    request: Request, session: DB, who: CurrentUser, name: Annotated[str, Form(max_length=200)] = ""
) -> HTMLResponse:
    """A new API token for oneself, shown on this page once."""
    try:
        _, secret = users.create_token(session=session, username=who.username, name=name, by=who.username)
    except InvalidFields as exc:
        return _account_page(request, session, who, error=str(exc))
    return _account_page(request, session, who, new_token=secret)


@router.post("/account/tokens/{token_id}/revoke")
def revoke_token(request: Request, token_id: RowId, session: DB, who: CurrentUser) -> Response:  # noqa: ARG001
    """Revoke one of one's own tokens (an admin may revoke anyone's)."""
    _, owner = users.get_token(session=session, token_id=token_id)
    if owner != who.username and not who.can(Action.manage_users):
        raise Forbidden(f"token {token_id} is not yours")
    users.revoke_token(session=session, token_id=token_id, by=who.username)
    return RedirectResponse("/account", status_code=303)
