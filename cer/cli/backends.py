"""Which backend a command talks to: a server's API when `CER_SERVER_URL` is set, else the database."""

from __future__ import annotations

from cer.cli.backend import Backend
from workstreams.errors import InvalidRequest


def backend(acting_as: str | None = None) -> Backend:
    """The server's API when `CER_SERVER_URL` is set (as the token's user: `--as` is refused), else the
    database, with changes recorded as made by `acting_as`, `CER_USER` or the login name."""
    from cer.runtime.config import get_settings

    settings = get_settings()
    if settings.server_url is None:
        from cer.cli.local import Local

        return Local(settings, acting_as)
    if acting_as:
        raise InvalidRequest("--as cannot be used with CER_SERVER_URL: the server records the token's user")
    if not settings.token:
        raise InvalidRequest(
            "CER_SERVER_URL is set but CER_TOKEN is not: create one with `cer tokens create`"
        )
    from cer.cli.remote import Remote

    return Remote(settings.server_url, settings.token)
