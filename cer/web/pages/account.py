"""Signing in and out, and one's own account: roles, personal API tokens and calendar feeds (pages.feeds).

Sign-in attempts are limited (cer.services.throttle, counted in the database): too many failures are refused
(429, `Retry-After`) without checking the password.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from sqlmodel import Session

from cer.services import accounts, feeds, users
from cer.services.access import Principal, Role
from cer.services.errors import InvalidFields, Unauthenticated
from cer.services.sessions import end_session
from cer.services.throttle import Throttled
from cer.views.error_words import in_words
from cer.web.csrf import rotate_csrf, secure_cookies
from cer.web.deps import DB, CurrentUser, MaybeUser, RowId, language, settings
from cer.web.security import SESSION_COOKIE
from cer.web.templating import local_path, render, tr

router = APIRouter(include_in_schema=False)  # pages; the API documents /api only


def client_address(request: Request) -> str:
    """The address a request came from, as cer.services.throttle counts tries: signing in, an invitation."""
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


def _throttled(request: Request, next_: str, username: str, wait: int) -> HTMLResponse:
    """The sign-in form again, refused for `wait` seconds."""
    message = tr(
        request, "Too many failed sign-ins: try again in %(minutes)s minutes.", minutes=wait // 60 + 1
    )
    response = _login_page(request, next_, username, message)
    response.status_code, response.headers["Retry-After"] = 429, str(wait)
    return response


def signed_in(
    request: Request, session: Session, response: Response, token: str, before: Principal | None
) -> Response:
    """`response` with the new session's cookie (and a new CSRF cookie); the sign-in the browser had before
    (`before`'s) ends on the server, so its cookie, kept anywhere, is worth nothing. The sign-in's and an
    accepted invitation's one home."""
    if (old := request.cookies.get(SESSION_COOKIE)) and old != token:
        end_session(session=session, token=old, actor=before.username if before else "?", source="web")
    response.set_cookie(
        SESSION_COOKIE,
        token,  # no Max-Age: the server ends the session after CER_SESSION_HOURS without use
        httponly=True,
        samesite="lax",
        secure=secure_cookies(request),
    )
    rotate_csrf(request)
    return response


@router.get("/login", response_class=HTMLResponse)
def login_form(request: Request, next: str = "/") -> HTMLResponse:  # noqa: A002
    return _login_page(request, local_path(next))


@router.post("/login", response_class=HTMLResponse)
def login(
    request: Request,
    session: DB,
    who: MaybeUser,
    username: Annotated[str, Form(max_length=200)] = "",
    password: Annotated[str, Form(max_length=1000)] = "",
    next: Annotated[str, Form(max_length=2000)] = "/",  # noqa: A002
) -> Response:
    """Check the password; on success a new session cookie (and CSRF cookie), then back where one was."""
    name, address, target = username.strip().lower()[:60], client_address(request), local_path(next)
    try:
        token = accounts.sign_in(
            session=session, username=name, password=password, address=address, source=f"web {address}",
            hours=settings(request).session_hours,
        )  # fmt: skip
    except Throttled as exc:
        return _throttled(request, target, username[:60], exc.wait)
    except Unauthenticated:
        return _login_page(request, target, username[:60], tr(request, "Wrong username or password."))
    return signed_in(request, session, RedirectResponse(target, status_code=303), token, who)


@router.post("/logout")
def logout(request: Request, session: DB, who: MaybeUser) -> Response:
    """Sign out: the session is deleted on the server, the cookies in the browser."""
    if token := request.cookies.get(SESSION_COOKIE):
        end_session(session=session, token=token, actor=who.username if who else "?", source="web")
    response = RedirectResponse("/", status_code=303)
    response.delete_cookie(SESSION_COOKIE, httponly=True, samesite="lax", secure=secure_cookies(request))
    rotate_csrf(request)
    return response


def account_page(
    request: Request,
    session: DB,
    who: Principal,
    new_token: str | None = None,
    error: str | None = None,
    new_feed: dict[str, str] | None = None,
) -> HTMLResponse:
    """The account page; `new_feed`: a calendar feed just made, its addresses shown this once."""
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
        feeds=feeds.list_feeds(session=session, who=who),
        feed_scopes=feeds.feed_scopes(session=session, who=who),
        new_feed=new_feed,
    )
    response.headers["Cache-Control"] = "no-store"
    return response


@router.get("/account", response_class=HTMLResponse)
def account(request: Request, session: DB, who: CurrentUser) -> HTMLResponse:
    """One's roles and API tokens."""
    return account_page(request, session, who)


@router.post("/account/tokens", response_class=HTMLResponse)
def create_token(
    request: Request, session: DB, who: CurrentUser, name: Annotated[str, Form(max_length=200)] = ""
) -> HTMLResponse:
    """A new API token for oneself, shown on this page once."""
    try:
        _, secret = users.create_token(session=session, username=who.username, name=name, by=who.username)
    except InvalidFields as exc:
        return account_page(request, session, who, error=in_words(exc, language(request)))
    return account_page(request, session, who, new_token=secret)


@router.post("/account/tokens/{token_id}/revoke")
def revoke_token(token_id: RowId, session: DB, who: CurrentUser) -> Response:
    """Revoke one of one's own tokens (an admin may revoke anyone's)."""
    accounts.revoke_own_token(session=session, who=who, token_id=token_id)
    return RedirectResponse("/account", status_code=303)
