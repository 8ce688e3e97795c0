"""How cer-toolkit talks to Prefect: the environment of its server, worker and CLI (no Prefect import).

Prefect keeps its own database, never the app's: by default SQLite under `var/prefect/`, or
`CER_PREFECT_DATABASE_URL` (PostgreSQL, `postgresql+asyncpg://…`) for more than one machine. Telemetry and
analytics are always off: cer-toolkit makes no outbound calls.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from cer.runtime.config import get_settings

DEFAULT_PORT = 4200
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


def prefect_settings(env: Mapping[str, str] | None = None) -> PrefectSettings:
    """`PREFECT_API_URL` if set, else a local server on `CER_PREFECT_PORT` (4200); home under var/prefect."""
    env = os.environ if env is None else env
    port_text = env.get("CER_PREFECT_PORT") or str(DEFAULT_PORT)
    if not (port_text.isascii() and port_text.isdigit()):
        from workstreams.errors import InvalidRequest

        raise InvalidRequest(f"CER_PREFECT_PORT must be a port number, got {port_text!r}")
    port = int(port_text)
    host = "127.0.0.1"
    api_url = env.get("PREFECT_API_URL") or f"http://{host}:{port}/api"
    home = Path(env.get("PREFECT_HOME") or get_settings(env).var_dir / "prefect")
    return PrefectSettings(
        api_url=api_url.rstrip("/"),
        home=home,
        host=host,
        port=port,
        database_url=env.get("CER_PREFECT_DATABASE_URL") or None,
        ui_url=api_url.rstrip("/").removesuffix("/api"),
    )


def prefect_environment(settings: PrefectSettings, *, server: bool = False) -> dict[str, str]:
    """Variables for a Prefect server (`server=True`), worker or client process."""
    env = {
        "PREFECT_HOME": str(settings.home),
        "PREFECT_API_URL": settings.api_url,
        "PREFECT_SERVER_ANALYTICS_ENABLED": "false",
        "DO_NOT_TRACK": "1",
        "PREFECT_RUNNER_POLL_FREQUENCY": os.environ.get("PREFECT_RUNNER_POLL_FREQUENCY", "2"),
        "PREFECT_SERVER_EPHEMERAL_ENABLED": "false",  # never start a hidden server: use the one configured
    }
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


def server_is_up(settings: PrefectSettings, timeout: float = 2.0) -> bool:
    import json
    import urllib.request

    try:
        with urllib.request.urlopen(f"{settings.api_url}/health", timeout=timeout) as response:  # noqa: S310
            return bool(json.loads(response.read() or b"false"))
    except (OSError, ValueError):
        return False
