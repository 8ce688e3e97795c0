"""`cer` talking to a cer-toolkit server's JSON API instead of a database: set `CER_SERVER_URL` (e.g.
https://cer.example.org) and `CER_TOKEN` (from `cer tokens create` or the website's Account page).

Then `cer plan show`, `cer tasks list|update|history` and `cer signoff` ask the server, as the token's user,
with that user's roles; the server records the change as theirs. The token is sent only over https, or over
plain http to this machine (loopback). Errors come back as the server says them: 401 and 403 are refusals
(exit 4), 409 a conflict (exit 3), 404 and 422 bad requests (exit 2).
"""

from __future__ import annotations

import json
import os
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from cer.services.errors import Conflict, Forbidden, Unauthenticated
from workstreams.errors import InvalidRequest

LOOPBACK = ("127.0.0.1", "localhost", "::1")


@dataclass(frozen=True)
class Remote:
    url: str
    token: str

    def call(
        self, method: str, path: str, *, params: Mapping[str, Any] | None = None, body: Any = None
    ) -> Any:
        """The answer's JSON; an error answer raised as the matching error, with the server's message."""
        query = urllib.parse.urlencode({k: v for k, v in (params or {}).items() if v is not None})
        request = urllib.request.Request(
            f"{self.url}{path}{'?' + query if query else ''}",
            method=method,
            data=None if body is None else json.dumps(body).encode(),
            headers={"Authorization": f"Bearer {self.token}", "Content-Type": "application/json"},
        )
        try:
            with _OPENER.open(request, timeout=60) as answer:
                return json.loads(answer.read())
        except urllib.error.HTTPError as error:
            raise _error(error.code, error.read()) from None
        except (urllib.error.URLError, OSError) as error:
            reason = getattr(error, "reason", error)
            raise InvalidRequest(f"cannot reach the server at {self.url}: {reason}") from None


class _NoRedirects(urllib.request.HTTPRedirectHandler):
    """A redirect is refused, not followed: urllib would send the token on to wherever it points."""

    def redirect_request(self, req: Any, fp: Any, code: int, msg: str, headers: Any, newurl: str) -> None:  # noqa: ARG002
        raise InvalidRequest(f"the server redirected to {newurl}: set CER_SERVER_URL to the address it names")


_OPENER = urllib.request.build_opener(_NoRedirects)


def _error(status: int, body: bytes) -> Exception:
    try:
        errors = json.loads(body)["errors"]
        message = "; ".join(
            f"{e['field']}: {e['message']}" if e.get("field") else e["message"] for e in errors
        )
    except (ValueError, KeyError, TypeError):
        message = f"the server answered {status}"
    if status == 401:
        return Unauthenticated(f"{message} (check CER_TOKEN)")
    if status == 403:
        return Forbidden(message)
    if status == 409:
        return Conflict(message)
    return InvalidRequest(message)


def remote(env: Mapping[str, str] | None = None) -> Remote | None:
    """The server to talk to, or None to use the database (CER_SERVER_URL unset)."""
    env = os.environ if env is None else env
    url = (env.get("CER_SERVER_URL") or "").strip().rstrip("/")
    if not url:
        return None
    parts = urllib.parse.urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise InvalidRequest(f"CER_SERVER_URL must be an http(s) address, got {url!r}")
    if parts.scheme == "http" and parts.hostname not in LOOPBACK:
        raise InvalidRequest("CER_SERVER_URL must use https (a token is never sent in clear to another host)")
    token = (env.get("CER_TOKEN") or "").strip()
    if not token:
        raise InvalidRequest(
            "CER_SERVER_URL is set but CER_TOKEN is not: create one with `cer tokens create`"
        )
    return Remote(url, token)


def no_acting_as(as_: str | None) -> None:
    if as_:
        raise InvalidRequest("--as cannot be used with CER_SERVER_URL: the server records the token's user")


def tasks(server: Remote, country: str, **filters: Any) -> list[dict[str, Any]]:
    """Every task of a country the server shows, page by page."""
    found: list[dict[str, Any]] = []
    page = 1
    while True:
        answer = server.call(
            "GET", "/api/tasks", params={"country": country, "per_page": 500, "page": page} | filters
        )
        found += answer["items"]
        if len(found) >= answer["total"] or not answer["items"]:
            return found
        page += 1


def as_tasks(items: list[dict[str, Any]]) -> list[Any]:
    """The API's tasks as Task rows, for the same tables as a local `cer` prints."""
    from cer.db.tables import Task

    return [Task.model_validate({k: v for k, v in item.items() if k != "ref"}) for item in items]
