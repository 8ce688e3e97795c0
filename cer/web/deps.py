"""Who is asking, as route parameters (set by cer.web.security.Guard for every request), and Prefect.

`MaybeUser` is the signed-in user or None (public pages); `CurrentUser` is the signed-in user, or a 401:
the JSON API answers `{"errors": …}` with `WWW-Authenticate: Bearer`, a page sends the browser to sign in.
What the user may do is checked against their roles with `cer.services.access.require`.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request

from cer.services.access import Principal
from cer.services.errors import Unauthenticated
from cer.services.runs import Launcher


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
