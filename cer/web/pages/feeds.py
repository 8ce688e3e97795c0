"""Calendar feeds to subscribe to: a user's tasks and a country's plan, read-only, by a revocable token in
the address.

`/feeds/<token>.ics` has the due dates as events (what Google Calendar and Outlook show),
`/feeds/<token>.todo.ics` the tasks as to-dos (Thunderbird and other task lists). The token is the only
credential: no cookie and no CSRF token (the address changes nothing). An unknown or revoked address, or one
whose owner was disabled, is 401; one whose owner lost their role in the country is 403; plain text, never a
sign-in page. A calendar program may keep a feed 5 minutes (private cache); its ETag changes only when a
task does. Feeds are made and revoked on the account page.
"""

from __future__ import annotations

import hashlib
from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, PlainTextResponse, RedirectResponse, Response

from cer.services import feeds
from cer.services.errors import Forbidden, InvalidFields, Unauthenticated
from cer.views import calendars
from cer.views.error_words import in_words
from cer.web.deps import DB, CurrentUser, RowId, language
from cer.web.pages.account import account_page
from cer.web.templating import tr

router = APIRouter(include_in_schema=False)  # pages; the API documents /api only
CALENDAR = "text/calendar; charset=utf-8"
CACHE = "private, max-age=300"


@router.api_route("/feeds/{address}", methods=["GET", "HEAD"])
def read_feed(request: Request, address: str, session: DB) -> Response:
    """A calendar to subscribe to: `<token>.ics` (events on due dates) or `<token>.todo.ics` (to-dos)."""
    token, _, fmt = address.partition(".")
    if fmt not in calendars.FORMATS:
        return _refused(404, tr(request, "No such calendar: a feed's address ends in .ics or .todo.ics."))
    try:
        shown = feeds.read_feed(session=session, secret=token)
    except (Unauthenticated, Forbidden) as exc:
        return _refused_in_words(request, exc)
    return _calendar(request, calendars.calendar(fmt, shown.name, shown.tasks))


@router.post("/account/feeds", response_class=HTMLResponse)
def create_feed(
    request: Request,
    session: DB,
    who: CurrentUser,
    scope: Annotated[str, Form(max_length=10)] = feeds.MINE,
    name: Annotated[str, Form(max_length=200)] = "",
) -> HTMLResponse:
    """A new calendar feed of one's own, its addresses shown on the account page once."""
    try:
        feed, secret = feeds.create_feed(session=session, who=who, scope=scope, name=name)
    except InvalidFields as exc:
        return account_page(request, session, who, error=in_words(exc, language(request)))
    return account_page(request, session, who, new_feed=addresses(request, feed.name, secret))


@router.post("/account/feeds/{token_id}/revoke")
def revoke_feed(token_id: RowId, session: DB, who: CurrentUser) -> Response:
    """Revoke one of one's own feeds (an admin may revoke anyone's): its address answers 401 from now on."""
    feeds.revoke_feed(session=session, who=who, feed_id=token_id)
    return RedirectResponse("/account#feeds", status_code=303)


def addresses(request: Request, name: str, secret: str) -> dict[str, str]:
    """A feed's addresses, as a browser reached this site: https (or http) and webcal, events and to-dos."""
    base = str(request.base_url).rstrip("/")
    webcal = "webcal" + base[base.index(":") :]
    found = {"name": name}
    for key, suffix in (("events", "ics"), ("todos", "todo.ics")):
        found[key] = f"{base}/feeds/{secret}.{suffix}"
        found[f"{key}_webcal"] = f"{webcal}/feeds/{secret}.{suffix}"
    return found


def _calendar(request: Request, data: bytes) -> Response:
    """The calendar, or 304 when the calendar program holds it already (its ETag)."""
    etag = f'"{hashlib.sha256(data).hexdigest()[:32]}"'
    headers = {"ETag": etag, "Cache-Control": CACHE}
    asked = {t.strip().removeprefix("W/") for t in request.headers.get("if-none-match", "").split(",")}
    if etag in asked or "*" in asked:
        return Response(status_code=304, headers=headers)
    headers["Content-Disposition"] = 'inline; filename="cer-tasks.ics"'
    return Response(data, media_type=CALENDAR, headers=headers)


def _refused_in_words(request: Request, exc: Unauthenticated | Forbidden) -> Response:
    """Why the feed is refused, in the language of the calendar program's Accept-Language."""
    said = in_words(exc, language(request))
    if isinstance(exc, Forbidden):
        return _refused(403, f"{said}.")
    problem = said[:1].upper() + said[1:]
    return _refused(401, tr(request, "%(problem)s: make a new one on your account page.", problem=problem))


def _refused(status: int, message: str) -> Response:
    headers = {"Cache-Control": "no-store"}
    if status == 401:
        headers["WWW-Authenticate"] = 'Bearer realm="cer-toolkit calendar feeds", error="invalid_token"'
    return PlainTextResponse(message + "\n", status_code=status, headers=headers)
