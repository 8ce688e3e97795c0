"""The one input gate: what a request carries is looked at once, before a route, query or page cache sees it.

- A control character (NUL and the like) in the address, in a query value, in a form field or in a JSON
  string is refused (422) naming the field: PostgreSQL refuses NUL in text, and no person types one.
  Line breaks and tabs are text in a body (a comment), never in an address.
- A body larger than `MAX_BODY_BYTES` is refused (413) from its declared length, before it is read; one
  without a declared length is read up to that size only. The routes that take an attached file
  (`UPLOADS`) allow `MAX_UPLOAD_BYTES`: the largest file (cer.services.attachment_files) and its form.
- A change under /api, or a file sent to an attachment route, by nobody signed in is refused (401) before
  its body is read: a 40 MB upload to `/api/diagnoses` costs nothing but the answer.
- Each refusal is said in the request's language (cer.web.deps.language), a file too big naming the form's
  field by its label, with the words of cer.services.attachment_files.TOO_BIG.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from typing import Any
from urllib.parse import parse_qsl

from starlette.datastructures import URL, Headers
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from cer.services.attachment_files import MAX_BYTES as MAX_FILE_BYTES
from cer.services.attachment_files import TOO_BIG
from cer.views.error_words import NAMED, in_language
from cer.web.deps import language
from workstreams.errors import N_
from workstreams.errors import Message as Words

MAX_BODY_BYTES = 2 * 1024 * 1024
MAX_UPLOAD_BYTES = MAX_FILE_BYTES + 1024 * 1024
UPLOADS = re.compile(r"/(tools/[^/]+|countries/[^/]+/tasks/[^/]+)/attachments")
Error = dict[str, str | None]  # {field, message}: the shape of every door's errors
SAFE = ("GET", "HEAD", "OPTIONS")
TEXT_BREAKS = "\t\n\r"  # allowed in a body's text, not in an address
TOO_MUCH = N_("The request is larger than %(limit)s MB: send less at once.")
THE_FILE = N_("Document")  # the attachment form's file field, as its label says (web/_attachments.html)
SIGN_IN_TO_ATTACH = N_("Sign in to attach a document or a link, then attach it again.")


_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f]")  # Unicode's control characters (category Cc)
_CONTROL_IN_TEXT = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")  # the same but tab, LF and CR
_NAMES = {"\x00": "NUL", "\t": "tab", "\n": "line break", "\r": "carriage return"}


def control(text: str, breaks_allowed: bool = False) -> str | None:
    """The first control character in `text`, as U+XXXX and its name; None when there is none."""
    found = (_CONTROL_IN_TEXT if breaks_allowed else _CONTROL).search(text)
    if found is None:
        return None
    char = found.group()
    return f"U+{ord(char):04X} ({_NAMES.get(char, 'control')})"


def message(found: str) -> str:
    return f"Remove the control character {found}: it cannot be part of this value."


def takes_a_file(scope: Scope) -> bool:
    """A route that takes an attached file (a multipart form)."""
    return scope["method"] == "POST" and UPLOADS.fullmatch(scope["path"]) is not None


def body_limit(scope: Scope) -> int:
    """The most bytes this request's body may hold: more for a route that takes an attached file."""
    return MAX_UPLOAD_BYTES if takes_a_file(scope) else MAX_BODY_BYTES


def too_big(scope: Scope) -> Response:
    """413 in the request's language: on an attachment route the file is too big, named by its label."""
    lang = language(Request(scope))
    if takes_a_file(scope):
        said = in_language(Words(TOO_BIG, limit=MAX_FILE_BYTES // 2**20), lang)
        return refuse(scope, 413, {"field": "file", "message": said}, in_language(Words(THE_FILE), lang))
    said = in_language(Words(TOO_MUCH, limit=MAX_BODY_BYTES // 2**20), lang)
    return refuse(scope, 413, {"field": None, "message": said})


def address_problem(scope: Scope) -> Error | None:
    """The first path segment or query value holding a control character, as an error."""
    if found := control(scope["path"]):
        return {"field": "path", "message": message(found)}
    for name, value in parse_qsl(scope.get("query_string", b"").decode("latin-1"), keep_blank_values=True):
        if found := control(name) or control(value):
            return {"field": name if control(name) is None else "query", "message": message(found)}
    return None


def strings(value: Any, where: str = "") -> Iterator[tuple[str, str]]:
    """Every key and string in a JSON document, with its dotted place."""
    if isinstance(value, str):
        yield where, value
    elif isinstance(value, dict):
        for key, item in value.items():
            place = f"{where}.{key}" if where else str(key)
            yield place, str(key)
            yield from strings(item, place)
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from strings(item, f"{where}.{index}" if where else str(index))


def body_problem(content_type: str, body: bytes) -> Error | None:
    """The first form field or JSON string of `body` holding a control character, as an error."""
    if content_type.startswith("application/x-www-form-urlencoded"):
        pairs = parse_qsl(body.decode("utf-8", "replace"), keep_blank_values=True)
        places: Iterator[tuple[str, str]] = (p for k, v in pairs for p in ((k, k), (k, v)))
    elif content_type.startswith("application/json"):
        try:
            places = strings(json.loads(body))
        except (ValueError, RecursionError):
            return None  # not JSON: the route says so, naming the place
    else:
        return None
    for place, text in places:
        if found := control(text, breaks_allowed=True):
            return {"field": place or None, "message": message(found)}
    return None


class Gate:
    """See the module's docstring. Inside cer.web.security.Guard, which has found who is asking."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        refusal = self._before_body(scope)
        if refusal is None and scope["method"] not in SAFE:
            refusal, receive = await self._body(scope, receive)
        if refusal is not None:
            await refusal(scope, receive, send)
            return
        await self.app(scope, receive, send)

    @staticmethod
    def _before_body(scope: Scope) -> Response | None:
        if (problem := address_problem(scope)) is not None:
            return refuse(scope, 422, problem)
        if scope["method"] in SAFE:
            return None
        length = Headers(scope=scope).get("content-length", "0")
        if not length.isdigit() or int(length) > body_limit(scope):
            return too_big(scope)
        if scope["state"].get("principal") is not None:
            return None
        if scope["path"].startswith("/api/"):
            reason = scope["state"].get("auth_error") or "sign in first (Authorization: Bearer <token>)"
            return refuse(scope, 401, {"field": None, "message": reason})
        return sign_in_to_attach(scope) if takes_a_file(scope) else None

    @staticmethod
    async def _body(scope: Scope, receive: Receive) -> tuple[Response | None, Receive]:
        body, receive = await buffered(receive, body_limit(scope))
        if body is None:
            return too_big(scope), receive
        problem = body_problem(Headers(scope=scope).get("content-type", ""), body)
        return (refuse(scope, 422, problem) if problem else None), receive


async def buffered(receive: Receive, limit: int) -> tuple[bytes | None, Receive]:
    """The whole body (None past `limit` bytes), and a `receive` that gives it again to what comes next."""
    chunks: list[bytes] = []
    size, more = 0, True
    while more:
        message = await receive()
        if message["type"] != "http.request":
            break
        chunks.append(message.get("body", b""))
        size += len(chunks[-1])
        if size > limit:
            return None, receive
        more = message.get("more_body", False)
    body, sent = b"".join(chunks), False

    async def replay() -> Message:
        nonlocal sent
        if not sent:
            sent = True
            return {"type": "http.request", "body": body, "more_body": False}
        return await receive()

    return body, replay


def sign_in_to_attach(scope: Scope) -> Response:
    """401 as the routes answer a page's form sent by nobody signed in: the page says so with a link to sign
    in and come back to the page the form was on (htmx goes there itself)."""
    from cer.web.templating import render, tr

    request = Request(scope)
    login = str(URL("/login").include_query_params(next=scope["path"].removesuffix("/attachments")))
    said = tr(request, SIGN_IN_TO_ATTACH)
    page = render(request, "error.html", 401, title=tr(request, "Sign in first"), message=said, login=login)
    page.headers["HX-Redirect"] = login
    page.headers["Content-Language"] = language(request)
    return page


def refuse(scope: Scope, status: int, error: Error, label: str | None = None) -> Response:
    """The refusal in the shape of the door: `{"errors": [...]}` under /api, an error page elsewhere (its
    field named by `label` when given)."""
    request = Request(scope)
    lang = language(request)
    if scope["path"].startswith("/api/"):
        answer: Response = JSONResponse({"errors": [error]}, status_code=status)
        if status == 401:
            answer.headers["WWW-Authenticate"] = 'Bearer realm="cer-toolkit"'
    else:
        from cer.web.templating import render, tr

        named = Words(NAMED, field=label or error["field"], problem=error["message"])
        shown = in_language(named, lang) if error.get("field") else str(error["message"])
        answer = render(request, "error.html", status, title=tr(request, "Cannot do that"), message=shown)
    answer.headers["Content-Language"] = lang
    return answer
