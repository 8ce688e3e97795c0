"""Settings, read from the environment when asked for (never at import)."""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from cer.content import default_root
from workstreams.errors import InvalidRequest


@dataclass(frozen=True)
class Settings:
    database_url: str
    var_dir: Path
    smtp_host: str | None = None
    smtp_port: int = 25
    smtp_from: str = "cer-toolkit@localhost"
    smtp_to: str | None = None
    smtp_user: str | None = None
    smtp_password: str | None = None
    smtp_starttls: bool = False
    web_stale_seconds: float = 1.0  # how long a page may miss changes made by another process


def get_settings(env: Mapping[str, str] | None = None) -> Settings:
    """`CER_DATABASE_URL` (default: SQLite in `CER_VAR_DIR`, `var/` beside the packages), SMTP settings,
    `CER_WEB_STALE_SECONDS` (see cer.web.base.cached_page)."""
    env = os.environ if env is None else env
    var_dir = Path(env.get("CER_VAR_DIR") or default_root() / "var").resolve()
    url = env.get("CER_DATABASE_URL") or f"sqlite:///{var_dir / 'cer.db'}"
    port = env.get("CER_SMTP_PORT") or "25"
    if not port.isdigit():
        raise InvalidRequest(f"CER_SMTP_PORT must be a port number, got {port!r}")
    stale = env.get("CER_WEB_STALE_SECONDS") or "1"
    try:
        stale_seconds = float(stale)
    except ValueError:
        stale_seconds = -1.0
    if not 0 <= stale_seconds <= 60:
        raise InvalidRequest(f"CER_WEB_STALE_SECONDS must be a number of seconds from 0 to 60, got {stale!r}")
    return Settings(
        database_url=normalize_url(url),
        var_dir=var_dir,
        smtp_host=env.get("CER_SMTP_HOST") or None,
        smtp_port=int(port),
        smtp_from=env.get("CER_SMTP_FROM") or "cer-toolkit@localhost",
        smtp_to=env.get("CER_SMTP_TO") or None,
        smtp_user=env.get("CER_SMTP_USER") or None,
        smtp_password=env.get("CER_SMTP_PASSWORD") or None,
        smtp_starttls=(env.get("CER_SMTP_STARTTLS") or "").lower() in ("1", "true", "yes"),
        web_stale_seconds=stale_seconds,
    )


def normalize_url(url: str) -> str:
    """`postgresql://` and `postgres://` use the psycopg 3 driver."""
    for prefix in ("postgresql://", "postgres://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix) :]
    return url
