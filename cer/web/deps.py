"""Every `Annotated` dependency of the routes: the content, the settings, the language, a database session,
who is asking (set by cer.web.security.Guard for every request), Prefect, and today's date.

`MaybeUser` is the signed-in user or None (public pages); `CurrentUser` is the signed-in user, or a 401:
the JSON API answers `{"errors": …}` with `WWW-Authenticate: Bearer`, a page sends the browser to sign in.
What the user may do is checked by the services against their roles (`cer.services.access.require`).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Annotated

from fastapi import Depends, Query, Request
from fastapi import Path as PathParameter
from sqlmodel import Session

from cer.content import Content, get_content
from cer.runtime.config import Settings
from cer.services.access import Principal
from cer.services.database import session_for
from cer.services.errors import Unauthenticated
from cer.services.runs import Launcher
from cer.views.i18n import negotiate
from cer.web.language import asked
from tools_catalog.models import ToolType

LANG_COOKIE = "cer_lang"


def content(request: Request) -> Content:
    """The toolkit's content in the request's language (texts not yet translated stay English, marked): for
    what a page shows."""
    return get_content(request.app.state.content_root, language(request))


def stored_content(request: Request) -> Content:
    """The toolkit's content in English: for what is written (a plan's tasks keep the toolkit's English words
    and are shown in the reader's language, cer.views.task_words) and for the JSON API's data."""
    return get_content(request.app.state.content_root)


def settings(request: Request) -> Settings:
    value: Settings = request.app.state.settings
    return value


def db(request: Request) -> Iterator[Session]:
    with session_for(settings(request)) as session:
        yield session


DB = Annotated[Session, Depends(db)]
RowId = Annotated[int, PathParameter(ge=1, le=2**31 - 1, description="A row's number")]  # no overflow in SQL


def language(request: Request) -> str:
    """The request's language: `?lang=` when it names one we have (cer.web.language), else the language
    picker's cookie, else the browser's Accept-Language, else English."""
    chosen = asked(request.scope.get("query_string", b"")) or request.cookies.get(LANG_COOKIE)
    return negotiate(request.headers.get("accept-language"), chosen)


async def maybe_user(request: Request) -> Principal | None:
    who: Principal | None = request.scope.get("state", {}).get("principal")
    return who


async def current_user(request: Request) -> Principal:
    who = await maybe_user(request)
    if who is None:
        error = request.scope.get("state", {}).get("auth_error")
        raise Unauthenticated(error or "sign in first (the JSON API needs: Authorization: Bearer <token>)")
    return who


MaybeUser = Annotated[Principal | None, Depends(maybe_user)]
CurrentUser = Annotated[Principal, Depends(current_user)]


def launcher(request: Request) -> Launcher:
    """Prefect, as the services reach it (flows.launch.PrefectLauncher), made once per application."""
    found: Launcher | None = getattr(request.app.state, "launcher", None)
    if found is None:
        from flows.launch import PrefectLauncher

        found = request.app.state.launcher = PrefectLauncher()
    return found


Launch = Annotated[Launcher, Depends(launcher)]


async def today() -> dt.date:
    """The date the pages count from (overdue marks, new work, file names): today, on the server's clock."""
    return dt.date.today()


Today = Annotated[dt.date, Depends(today)]


@dataclass(frozen=True)
class ToolSearch:
    """The catalogue's search words and facets, as the tools page and the API take them from the URL."""

    q: str | None
    workstream: str | None
    step: int | None
    type: ToolType | None
    country: str | None


def tool_search(
    q: Annotated[str | None, Query(max_length=200)] = None,
    workstream: Annotated[str | None, Query(max_length=1)] = None,
    step: Annotated[int | None, Query(ge=1, le=9)] = None,
    type: Annotated[ToolType | None, Query()] = None,  # noqa: A002  (the facet's name in the URL)
    country: Annotated[str | None, Query(max_length=80)] = None,
) -> ToolSearch:
    return ToolSearch(q, workstream or None, step, type, country or None)


Tools = Annotated[ToolSearch, Depends(tool_search)]
