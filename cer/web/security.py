"""Who is asking, whether a change really comes from our own forms, and the headers every answer carries.

One ASGI middleware (`Guard`) does three things for every request:

* **Identify**: an `Authorization: Bearer cer_…` token (the JSON API, a remote CLI) or the `cer_session`
  cookie (a browser) becomes a `Principal` in `request.state.principal` (None: nobody signed in). A bad
  Bearer token is remembered as `request.state.auth_error`, answered 401 by any route that needs a user.
  Look-ups are kept for `settings.web_stale_seconds`, like page stamps, and forgotten on any change made
  through this process, or by any process on PostgreSQL (cer.services.access_news); on SQLite a sign-out,
  revoked role or token from another process counts within that window.
* **CSRF**: a POST/PUT/PATCH/DELETE authenticated by cookie must carry the token of this browser's
  `cer_csrf` cookie (an HMAC of it under `CER_SECRET_KEY`) in the form field `csrf_token` or the
  `X-CSRF-Token` header (htmx sends it from `hx-headers` on <body>). Requests with a Bearer token carry no
  ambient credentials and need none; unsafe /api requests with neither cookie nor token go on to their 401.
* **Headers**: a Content-Security-Policy without inline scripts, frame-ancestors 'none', nosniff,
  Referrer-Policy, and a `cer_csrf` cookie when a page had to make one.
"""

from __future__ import annotations

import hashlib
import hmac
import time
from collections.abc import AsyncGenerator
from typing import Any
from urllib.parse import parse_qsl

from fastapi import Request
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import Headers
from starlette.responses import JSONResponse
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from cer.runtime.config import Settings
from cer.services.access import Principal
from cer.services.errors import Unauthenticated
from cer.web.csrf import CSRF_COOKIE, CSRF_FIELD, CSRF_HEADER, secure_cookies, sign_csrf
from cer.web.gate import body_limit, buffered, takes_a_file, too_big
from cer.web.identities import IDENTITIES, Known

SESSION_COOKIE = "cer_session"
SAFE = ("GET", "HEAD", "OPTIONS")
MAX_FORM_BYTES = 2 * 1024 * 1024
CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; object-src 'none'; "
    "base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
)
HEADERS = [
    (b"x-content-type-options", b"nosniff"),
    (b"referrer-policy", b"same-origin"),
    (b"x-frame-options", b"DENY"),
    (b"cross-origin-opener-policy", b"same-origin"),
]


def _look_up(settings: Settings, kind: str, secret: str) -> Known:
    from cer.services.database import session_for
    from cer.services.sessions import principal_for_session
    from cer.services.users import user_for_token

    with session_for(settings) as session:
        try:
            if kind == "bearer":
                who = user_for_token(session=session, secret=secret)
            else:
                who = principal_for_session(session=session, token=secret, hours=settings.session_hours)
        except Unauthenticated as exc:
            return Known(0.0, None, str(exc))
    return Known(0.0, who, None)


async def identify(app: Any, scope: Scope) -> tuple[Principal | None, str | None]:
    headers = Headers(scope=scope)
    authorization = headers.get("authorization")
    if authorization is not None:
        scheme, _, secret = authorization.partition(" ")
        if scheme.lower() != "bearer" or not secret.strip():
            return None, "use the header Authorization: Bearer <token> (cer tokens create)"
        kind, secret = "bearer", secret.strip()
    else:
        cookie = Request(scope).cookies.get(SESSION_COOKIE)
        if not cookie:
            return None, None
        kind, secret = "session", cookie
    settings: Settings = app.state.settings
    key = (app, kind + ":" + hashlib.sha256(secret.encode()).hexdigest())
    known = IDENTITIES.get(key)
    if known is None:
        known = await run_in_threadpool(_look_up, settings, kind, secret)
        if settings.web_stale_seconds > 0:
            known.until = time.monotonic() + settings.web_stale_seconds
            IDENTITIES.put(key, known)
    if kind == "session" and known.who is None:
        return None, None  # an ended sign-in is just nobody signed in (the page offers to sign in)
    return known.who, known.error


class Guard:
    """See the module's docstring."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        state = scope.setdefault("state", {})
        state["principal"], state["auth_error"] = await identify(scope["app"], scope)
        if scope["method"] not in SAFE:
            IDENTITIES.forget()
            refused, receive = await self._check_csrf(scope, receive)
            if refused is not None:
                await refused(scope, receive, self._headers(scope, send))
                return
        await self.app(scope, receive, self._headers(scope, send))

    def _headers(self, scope: Scope, send: Send) -> Send:
        async def sending(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = list(message.get("headers", []))
                names = {name.lower() for name, _ in headers}
                if b"content-security-policy" not in names:
                    headers.append((b"content-security-policy", CSP.encode()))
                headers += [h for h in HEADERS if h[0] not in names]
                if new := scope["state"].get("csrf_new"):
                    secure = "; Secure" if secure_cookies(Request(scope)) else ""
                    cookie = f"{CSRF_COOKIE}={new}; Path=/; HttpOnly; SameSite=Lax{secure}"
                    headers.append((b"set-cookie", cookie.encode("latin-1")))
                message["headers"] = headers
            await send(message)

        return sending

    async def _check_csrf(self, scope: Scope, receive: Receive) -> tuple[Any, Receive]:
        headers = Headers(scope=scope)
        request = Request(scope)
        if "authorization" in headers:
            return None, receive
        if scope["path"].startswith("/api/") and SESSION_COOKIE not in request.cookies:
            return None, receive  # nobody signed in: the route answers 401
        if takes_a_file(scope) and scope["state"].get("principal") is None:
            return None, receive  # nobody signed in: the gate answers 401 before the file is read
        cookie = request.cookies.get(CSRF_COOKIE)
        expected = sign_csrf(scope["app"].state.settings, cookie) if cookie else None

        def valid(
            given: str | None,
        ) -> bool:  # compared as bytes: any text a client sends is refused, not a 500
            given_bytes = given.encode("utf-8", "surrogateescape") if given else b""
            return bool(expected and given_bytes and hmac.compare_digest(expected.encode(), given_bytes))

        if valid(headers.get(CSRF_HEADER)):
            return None, receive
        kind = headers.get("content-type", "")
        if kind.startswith(("application/x-www-form-urlencoded", "multipart/form-data")):
            body, receive = await buffered(receive, max(MAX_FORM_BYTES, body_limit(scope)))
            if body is None:
                return too_big(scope), receive  # as the gate says it, in the reader's language
            if valid(await _form_field(headers, body, CSRF_FIELD)):
                return None, receive
        return _refusal(scope), receive


async def _form_field(headers: Headers, body: bytes, name: str) -> str | None:
    """A field of a form as the browser sent it: url-encoded, or multipart (a form with a file upload)."""
    if not headers.get("content-type", "").startswith("multipart/form-data"):
        return dict(parse_qsl(body.decode("latin-1"), keep_blank_values=True)).get(name)
    from starlette.formparsers import MultiPartException, MultiPartParser

    async def stream() -> AsyncGenerator[bytes, None]:
        yield body

    try:
        form = await MultiPartParser(headers, stream()).parse()
    except MultiPartException:
        return None
    try:
        value = form.get(name)
        return value if isinstance(value, str) else None
    finally:
        await form.close()


def _refusal(scope: Scope) -> Any:
    message = (
        "this form has expired or did not come from this site (missing or wrong CSRF token): "
        "reload the page and try again"
    )
    if scope["path"].startswith("/api/"):
        return JSONResponse({"errors": [{"field": CSRF_FIELD, "message": message}]}, status_code=403)
    from cer.web.templating import render, tr

    request = Request(scope)
    return render(request, "error.html", 403, title=tr(request, "Refused"), message=tr(request, message))
