"""How cer-toolkit talks to Prefect: the environment of its server, worker and CLI (no Prefect import).

Prefect keeps its own database, never the app's: by default SQLite under `var/prefect/`, or
`CER_PREFECT_DATABASE_URL` (PostgreSQL, `postgresql+asyncpg://…`) for more than one machine. Telemetry and
analytics are always off: cer-toolkit makes no outbound calls.
"""

from __future__ import annotations

import base64
import os
import secrets
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from pathlib import Path

from cer.runtime.config import Settings, get_settings

# What `cer worker` serves (flows/deployments.py; a test keeps both lists equal): `cer up` waits for all.
DEPLOYMENTS = [
    *(f"workstream-{c}/cer" for c in "abcdefg"),
    "change-process/cer",
    "monitor-plans/cer",
    "progress-report/cer",
]


@dataclass(frozen=True)
class PrefectSettings:
    api_url: str
    home: Path
    host: str
    port: int
    database_url: str | None
    ui_url: str
    elsewhere: bool = False  # PREFECT_API_URL names the server: `cer up` uses it and starts none
    poll_seconds: int = 2
    heartbeat_seconds: int = 30  # a running flow run's heartbeat (Prefect's events); see flows/crash_watch.py
    auth: str | None = field(default=None, repr=False)  # "user:secret" the server requires (Basic auth)

    @property
    def auth_file(self) -> Path:
        """Where `cer up` keeps the secret of the Prefect server it starts (readable by its owner only)."""
        return self.home / "api-auth"

    def headers(self) -> dict[str, str]:
        """What a request to the server carries to be let in."""
        if not self.auth:
            return {}
        return {"Authorization": "Basic " + base64.b64encode(self.auth.encode()).decode()}


def prefect_settings(env: Mapping[str, str] | None = None) -> PrefectSettings:
    """`PREFECT_API_URL` if set, else a local server on `CER_PREFECT_PORT` (4200); home under var/prefect."""
    return prefect_settings_from(get_settings(env))


def prefect_settings_from(settings: Settings) -> PrefectSettings:
    host = "127.0.0.1"
    api_url = settings.prefect_api_url or f"http://{host}:{settings.prefect_port}/api"
    home = settings.prefect_home or settings.var_dir / "prefect"
    auth = settings.prefect_auth
    if auth is None and settings.prefect_api_url is None and (home / "api-auth").is_file():
        auth = (home / "api-auth").read_text(encoding="utf-8").strip() or None  # the server `cer up` started
    return PrefectSettings(
        api_url=api_url,
        home=home,
        host=host,
        port=settings.prefect_port,
        database_url=settings.prefect_database_url,
        ui_url=api_url.removesuffix("/api"),
        elsewhere=settings.prefect_api_url is not None,
        poll_seconds=settings.prefect_poll_seconds,
        heartbeat_seconds=settings.run_heartbeat_seconds,
        auth=auth,
    )


def ensure_auth(settings: PrefectSettings) -> PrefectSettings:
    """The settings with a secret for a Prefect server about to be started: the one kept in its home, or a new
    one written there (mode 600), so that its API answers nobody else — not even on this machine."""
    if settings.auth:
        return settings
    if not settings.auth_file.is_file():
        settings.home.mkdir(parents=True, exist_ok=True)
        settings.auth_file.touch(mode=0o600)
        settings.auth_file.write_text(f"cer:{secrets.token_urlsafe(24)}\n", encoding="utf-8")
    return replace(settings, auth=settings.auth_file.read_text(encoding="utf-8").strip())


def prefect_environment(settings: PrefectSettings, *, server: bool = False) -> dict[str, str]:
    """Variables for a Prefect server (`server=True`), worker or client process."""
    env = {
        "PREFECT_HOME": str(settings.home),
        "PREFECT_API_URL": settings.api_url,
        "PREFECT_SERVER_ANALYTICS_ENABLED": "false",
        "DO_NOT_TRACK": "1",
        "PREFECT_RUNNER_POLL_FREQUENCY": str(settings.poll_seconds),
        # A running flow run sends a heartbeat this often; an automation marks it crashed when they stop.
        "PREFECT_FLOWS_HEARTBEAT_FREQUENCY": str(settings.heartbeat_seconds),
        "PREFECT_SERVER_EPHEMERAL_ENABLED": "false",  # never start a hidden server: use the one configured
    }
    if settings.auth:
        env["PREFECT_SERVER_API_AUTH_STRING" if server else "PREFECT_API_AUTH_STRING"] = settings.auth
    if server:
        env.pop("PREFECT_API_URL")
        env["PREFECT_SERVER_API_HOST"] = settings.host
        env["PREFECT_SERVER_API_PORT"] = str(settings.port)
        if settings.database_url:
            env["PREFECT_SERVER_DATABASE_CONNECTION_URL"] = settings.database_url
    return env


def use_prefect(settings: PrefectSettings | None = None) -> PrefectSettings:
    """Point this process's Prefect client at the configured server (before Prefect is imported)."""
    settings = settings or prefect_settings()
    os.environ.update(prefect_environment(settings))
    return settings


def child_environment(variables: Mapping[str, str]) -> dict[str, str]:
    """A copy of this process's environment with `variables` on top: for a child process (a Prefect server,
    a worker, the website; a database migration)."""
    return {**os.environ, **variables}


@contextmanager
def api_url_in_environment(api_url: str) -> Iterator[None]:
    """`PREFECT_API_URL` set to `api_url` in this process's environment (its children inherit it) until the
    block ends, then put back as it was."""
    previous = os.environ.get("PREFECT_API_URL")
    os.environ["PREFECT_API_URL"] = api_url
    try:
        yield
    finally:
        if previous is None:
            os.environ.pop("PREFECT_API_URL", None)
        else:
            os.environ["PREFECT_API_URL"] = previous


def server_is_up(settings: PrefectSettings, timeout: float = 2.0) -> bool:
    import json
    import urllib.request

    try:
        request = urllib.request.Request(f"{settings.api_url}/health", headers=settings.headers())
        with urllib.request.urlopen(request, timeout=timeout) as response:  # noqa: S310
            return bool(json.loads(response.read() or b"false"))
    except (OSError, ValueError):
        return False
