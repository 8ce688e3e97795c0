"""Notices after a change ("The answers were saved as a draft"): held on the server, never read from the
address, so a crafted link cannot make a page say anything under our name.

A route that changed something answers `redirect_with_notice(request, "/path", text)`: the text is kept
(cer.services.notices) under a random key the browser holds in the `cer_notice` cookie, and the next page
rendered for that browser shows it once (`render` takes it; the cookie is then dropped). A page holding a
notice is never put in the page cache.
"""

from __future__ import annotations

import secrets

from fastapi import Request, Response
from fastapi.responses import RedirectResponse

from cer.services.database import session_for
from cer.services.notices import keep_notice, take_notices
from cer.web.csrf import secure_cookies
from cer.web.deps import settings

NOTICE_COOKIE = "cer_notice"
TAKEN = "notices_taken"  # request.state: the notices this request's page shows (not cached)
HEAD_ONLY = "cer.head"  # in the scope of a `HEAD` request answered as `GET` (cer.web.app.HeadAsGet)


def redirect_with_notice(request: Request, url: str, text: str, status_code: int = 303) -> RedirectResponse:
    """Go to `url` (a path of this site, written by our code) and show `text` on the page found there."""
    key = secrets.token_urlsafe(
        24
    )  # never the key a browser sends: one planted by someone else would be theirs
    with session_for(settings(request)) as session:
        keep_notice(session=session, key=key, text=text)
    response = RedirectResponse(url, status_code=status_code)
    response.set_cookie(
        NOTICE_COOKIE,
        key,
        max_age=3600,
        path="/",
        httponly=True,
        samesite="lax",
        secure=secure_cookies(request),
    )
    return response


def take(request: Request) -> list[str]:
    """The notices waiting for this browser (once: a second call in the same request gives the same)."""
    state = request.scope.setdefault("state", {})
    if request.scope.get(HEAD_ONLY):  # `HEAD` shows nothing: the notices wait for the page itself
        return []
    if TAKEN in state:
        return list(state[TAKEN])
    key = request.cookies.get(NOTICE_COOKIE)
    if not key:
        return []
    with session_for(settings(request)) as session:
        state[TAKEN] = take_notices(session=session, key=key)
    return list(state[TAKEN])


def forget_cookie(request: Request, response: Response) -> None:
    """Drop the notice cookie once its notices were shown."""
    if TAKEN in request.scope.get("state", {}):
        response.delete_cookie(NOTICE_COOKIE, path="/", httponly=True, samesite="lax")
