"""The one input gate: what a request carries is looked at once, before a route, query or page cache sees it.

- A control character (NUL and the like) in the address, in a query value, in a form field or in a JSON
  string is refused (422) naming the field: PostgreSQL refuses NUL in text, and no person types one.
  Line breaks and tabs are text in a body (a comment), never in an address.
- A body larger than `MAX_BODY_BYTES` is refused (413) from its declared length, before it is read; one
  without a declared length is read up to that size only.
- A change under /api by nobody signed in is refused (401) before its body is read: a 40 MB upload to
  `/api/diagnoses` costs nothing but the answer.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from typing import Any
from urllib.parse import parse_qsl

from starlette.datastructures import Headers
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.types import ASGIApp, Message, Receive, Scope, Send

MAX_BODY_BYTES = 2 * 1024 * 1024
Error = dict[str, str | None]  # {field, message}: the shape of every door's errors
SAFE = ("GET", "HEAD", "OPTIONS")
TEXT_BREAKS = "\t\n\r"  # allowed in a body's text, not in an address


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
        if not length.isdigit() or int(length) > MAX_BODY_BYTES:
            too_big = f"The request is larger than {MAX_BODY_BYTES // 2**20} MB: send less at once."
            return refuse(scope, 413, {"field": None, "message": too_big})
        if scope["path"].startswith("/api/") and scope["state"].get("principal") is None:
            reason = scope["state"].get("auth_error") or "sign in first (Authorization: Bearer <token>)"
            return refuse(scope, 401, {"field": None, "message": reason})
        return None

    @staticmethod
    async def _body(scope: Scope, receive: Receive) -> tuple[Response | None, Receive]:
        body, receive = await buffered(receive, MAX_BODY_BYTES)
        if body is None:
            too_big = f"The request is larger than {MAX_BODY_BYTES // 2**20} MB: send less at once."
            return refuse(scope, 413, {"field": None, "message": too_big}), receive
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


def refuse(scope: Scope, status: int, error: Error) -> Response:
    """The refusal in the shape of the door: `{"errors": [...]}` under /api, an error page elsewhere."""
    if scope["path"].startswith("/api/"):
        answer = JSONResponse({"errors": [error]}, status_code=status)
        if status == 401:
            answer.headers["WWW-Authenticate"] = 'Bearer realm="cer-toolkit"'
        return answer
    from cer.web.templating import render, tr

    request = Request(scope)
    shown = f"{error['field']}: {error['message']}" if error.get("field") else str(error["message"])
    return render(request, "error.html", status, title=tr(request, "Cannot do that"), message=shown)
