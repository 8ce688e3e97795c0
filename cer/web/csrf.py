"""CSRF tokens: each browser's forms carry an HMAC (under `CER_SECRET_KEY`) of its own `cer_csrf` cookie;
`cer.web.security.Guard` checks it on every unsafe request authenticated by cookie. Cookie settings too."""

from __future__ import annotations

import hashlib
import hmac
import secrets

from fastapi import Request

from cer.runtime.config import Settings

CSRF_COOKIE = "cer_csrf"
CSRF_FIELD = "csrf_token"
CSRF_HEADER = "x-csrf-token"


def sign_csrf(settings: Settings, value: str) -> str:
    return hmac.new(settings.secret_key.encode(), b"csrf:" + value.encode(), hashlib.sha256).hexdigest()


def csrf_token(request: Request) -> str:
    """The token this browser's forms carry. Without a `cer_csrf` cookie yet, one is made now and set on
    the answer (and the page is not cached: its token is this visitor's)."""
    state = request.scope.setdefault("state", {})
    value = request.cookies.get(CSRF_COOKIE) or state.get("csrf_new")
    if not value:
        value = state["csrf_new"] = secrets.token_urlsafe(24)
    return sign_csrf(request.app.state.settings, value)


def rotate_csrf(request: Request) -> None:
    """A new `cer_csrf` cookie (at sign-in and sign-out): a token seen before no longer counts."""
    request.scope.setdefault("state", {})["csrf_new"] = secrets.token_urlsafe(24)


def secure_cookies(request: Request) -> bool:
    """Cookies are `Secure` over https, and always in production (which is served over https)."""
    settings: Settings = request.app.state.settings
    return request.url.scheme == "https" or settings.env == "production"
