"""Settings, read from the environment when asked for (never at import)."""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from cer.content import default_root
from workstreams.errors import InvalidRequest

DEVELOPMENT_SECRET = "development-only-not-secret"  # noqa: S105  (refused outside development)
ENVIRONMENTS = ("development", "production")


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
    env: str = "development"  # or "production": then a real secret key is required
    secret_key: str = DEVELOPMENT_SECRET  # signs the forms' CSRF tokens
    session_hours: float = 8.0  # a web sign-in ends after this long without use


def get_settings(env: Mapping[str, str] | None = None) -> Settings:
    """`CER_DATABASE_URL` (default: SQLite in `CER_VAR_DIR`, `var/` beside the packages), SMTP settings,
    `CER_WEB_STALE_SECONDS` (see cer.web.base.cached_page), and the security settings (see _security)."""
    env = os.environ if env is None else env
    var_dir = Path(env.get("CER_VAR_DIR") or default_root() / "var").resolve()
    url = env.get("CER_DATABASE_URL") or f"sqlite:///{var_dir / 'cer.db'}"
    port = env.get("CER_SMTP_PORT") or "25"
    if not (port.isascii() and port.isdigit()):
        raise InvalidRequest(f"CER_SMTP_PORT must be a port number, got {port!r}")
    stale = env.get("CER_WEB_STALE_SECONDS") or "1"
    try:
        stale_seconds = float(stale)
    except ValueError:
        stale_seconds = -1.0
    if not 0 <= stale_seconds <= 60:
        raise InvalidRequest(f"CER_WEB_STALE_SECONDS must be a number of seconds from 0 to 60, got {stale!r}")
    environment, secret_key, session_hours = _security(env)
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
        env=environment,
        secret_key=secret_key,
        session_hours=session_hours,
    )


def _security(env: Mapping[str, str]) -> tuple[str, str, float]:
    """`CER_ENV` (development, the default, or production), `CER_SECRET_KEY` (at least 32 characters; only
    in development may it be left out, and then a placeholder is used), `CER_SESSION_HOURS` (default 8)."""
    environment = (env.get("CER_ENV") or "development").strip().lower()
    if environment not in ENVIRONMENTS:
        raise InvalidRequest(f"CER_ENV must be development or production, got {environment!r}")
    secret = env.get("CER_SECRET_KEY") or ""
    if environment != "development" and (len(secret) < 32 or secret == DEVELOPMENT_SECRET):
        raise InvalidRequest(
            "CER_SECRET_KEY must be set to a random value of at least 32 characters outside development "
            '(e.g. python -c "import secrets; print(secrets.token_urlsafe(48))")'
        )
    if secret and len(secret) < 32:
        raise InvalidRequest("CER_SECRET_KEY must have at least 32 characters")
    hours_text = env.get("CER_SESSION_HOURS") or "8"
    try:
        hours = float(hours_text)
    except ValueError:
        hours = -1.0
    if not 0.05 <= hours <= 24 * 30:
        raise InvalidRequest(
            f"CER_SESSION_HOURS must be a number of hours from 0.05 to 720, got {hours_text!r}"
        )
    return environment, secret or DEVELOPMENT_SECRET, hours


def normalize_url(url: str) -> str:
    """`postgresql://` and `postgres://` use the psycopg 3 driver."""
    for prefix in ("postgresql://", "postgres://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix) :]
    return url
