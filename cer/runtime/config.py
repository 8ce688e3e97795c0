"""Settings, read from the environment when asked for (never at import): the one reader of the environment.

Nothing else in `cer`, `flows` or the domain packages reads `os.environ` (tests/test_architecture.py fails
on a new reader); they call `get_settings()` and use its fields. `get_settings` reads the environment anew at
every call (no cache), so a test's `monkeypatch.setenv` or a `CliRunner(env=...)` is seen at once.
"""

from __future__ import annotations

import os
import re
import urllib.parse
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

from cer.runtime.run_state import default_var_dir
from workstreams.errors import InvalidRequest

DEVELOPMENT_SECRET = "development-only-not-secret"  # noqa: S105  (refused outside development)
ENVIRONMENTS = ("development", "production")
LANGUAGES = ("en", "fr", "es", "ar")  # the interface's languages (cer.views.i18n has the same list)
MONITOR_CRON = "0 6 * * *"  # monitor-plans: daily, 06:00
REPORT_CRON = "0 7 1 1,7 *"  # progress-report: semi-annual, 1 January and 1 July, 07:00
# A token is sent in clear only to this machine (CER_SERVER_URL over plain http).
LOOPBACK = ("127.0.0.1", "localhost", "::1")
_CRON_FIELD = re.compile(r"[0-9A-Za-z*,/?#-]+")
_CRON_ALIASES = ("@yearly", "@annually", "@monthly", "@weekly", "@daily", "@midnight", "@hourly")


@dataclass(frozen=True)
class Settings:
    database_url: str
    var_dir: Path  # run state: the SQLite database, Prefect's home, logs, reports
    smtp_host: str | None = None
    smtp_port: int = 25
    smtp_from: str = "cer-toolkit@localhost"
    smtp_to: str | None = None
    smtp_user: str | None = None
    smtp_password: str | None = field(default=None, repr=False)
    smtp_starttls: bool = False
    web_stale_seconds: float = 1.0  # how long a page may miss changes made by another process
    env: str = "development"  # or "production": then a real secret key is required
    secret_key: str = field(default=DEVELOPMENT_SECRET, repr=False)  # signs the forms' CSRF tokens
    session_hours: float = 8.0  # a web sign-in ends after this long without use
    web_port: int = 8000  # where the website listens (`cer serve`, `cer up`)
    server_url: str | None = None  # the command line talks to this server's API instead of the database
    token: str | None = field(default=None, repr=False)  # ... as the user of this API token
    user: str | None = None  # who the local command line records as making a change (None: the login name)
    monitor_cron: str = MONITOR_CRON
    report_cron: str = REPORT_CRON
    prefect_port: int = 4200  # the local Prefect server `cer up` starts
    prefect_api_url: str | None = None  # a Prefect server elsewhere (then `cer up` starts none)
    prefect_home: Path | None = None  # Prefect's home (None: var_dir / "prefect")
    prefect_database_url: str | None = None  # Prefect's own database (None: SQLite in its home)
    prefect_poll_seconds: int = 2  # how often a served deployment asks the server for runs
    run_heartbeat_seconds: int = (
        30  # a running flow run says it is alive this often; silent 2x as long: crashed
    )
    prefect_template_dir: Path | None = None  # the tests' migrated Prefect database (None: the temp folder)
    prefect_auth: str | None = field(default=None, repr=False)  # "user:secret" of a Prefect server elsewhere
    trusted_proxies: str = (
        ""  # addresses whose X-Forwarded-For is believed (comma-separated); none by default
    )
    lang: str = "en"  # the command line's language (CER_LANG; `cer --lang` overrides it)
    invitation_days: float = 7.0  # an invitation's one-time link works this long (CER_INVITATION_DAYS)
    public_url: str | None = None  # the site's address in the links it e-mails (None: the request's own)


def get_settings(env: Mapping[str, str] | None = None) -> Settings:
    """Settings from `env` (default: this process's environment); a value that makes no sense is refused
    with InvalidRequest naming the variable. Each variable is described in the README's Settings."""
    env = os.environ if env is None else env
    var_dir = Path(env.get("CER_VAR_DIR") or default_var_dir()).resolve()
    url = env.get("CER_DATABASE_URL") or f"sqlite:///{var_dir / 'cer.db'}"
    environment, secret_key, session_hours = _security(env)
    return Settings(
        database_url=normalize_url(url),
        var_dir=var_dir,
        smtp_host=env.get("CER_SMTP_HOST") or None,
        smtp_port=_port(env, "CER_SMTP_PORT", 25),
        smtp_from=env.get("CER_SMTP_FROM") or "cer-toolkit@localhost",
        smtp_to=env.get("CER_SMTP_TO") or None,
        smtp_user=env.get("CER_SMTP_USER") or None,
        smtp_password=env.get("CER_SMTP_PASSWORD") or None,
        smtp_starttls=(env.get("CER_SMTP_STARTTLS") or "").lower() in ("1", "true", "yes"),
        web_stale_seconds=_number(env, "CER_WEB_STALE_SECONDS", "1", 0, 60, "seconds"),
        env=environment,
        secret_key=secret_key,
        session_hours=session_hours,
        web_port=_port(env, "CER_WEB_PORT", 8000),
        server_url=_server_url(env),
        token=(env.get("CER_TOKEN") or "").strip() or None,
        user=(env.get("CER_USER") or "").strip() or None,
        monitor_cron=_cron(env, "CER_MONITOR_CRON", MONITOR_CRON),
        report_cron=_cron(env, "CER_REPORT_CRON", REPORT_CRON),
        prefect_port=_port(env, "CER_PREFECT_PORT", 4200),
        prefect_api_url=(env.get("PREFECT_API_URL") or "").strip().rstrip("/") or None,
        prefect_home=Path(env.get("PREFECT_HOME") or var_dir / "prefect"),
        prefect_database_url=env.get("CER_PREFECT_DATABASE_URL") or None,
        prefect_poll_seconds=_poll_seconds(env),
        run_heartbeat_seconds=int(
            _number(env, "CER_RUN_HEARTBEAT_SECONDS", "30", 30, 3600, "seconds", whole=True)
        ),
        prefect_template_dir=_path(env.get("PREFECT_TEMPLATE_DB_DIR")),
        prefect_auth=(env.get("CER_PREFECT_AUTH") or "").strip() or None,
        trusted_proxies=",".join(
            p.strip() for p in (env.get("CER_TRUSTED_PROXIES") or "").split(",") if p.strip()
        ),
        lang=language(env),
        invitation_days=_number(env, "CER_INVITATION_DAYS", "7", 0.01, 90, "days"),
        public_url=_public_url(env),
    )


def language(env: Mapping[str, str] | None = None) -> str:
    """`CER_LANG`: the command line's language, en (the default), fr, es or ar. Read alone too, so that a
    mistake in another setting does not stop `cer steps` from choosing its language."""
    env = os.environ if env is None else env
    text = (env.get("CER_LANG") or "en").strip().lower()
    if text not in LANGUAGES:
        raise InvalidRequest(f"CER_LANG must be one of {', '.join(LANGUAGES)}, got {text!r}")
    return text


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
    hours = _number(env, "CER_SESSION_HOURS", "8", 0.05, 24 * 30, "hours")
    return environment, secret or DEVELOPMENT_SECRET, hours


def _port(env: Mapping[str, str], name: str, default: int) -> int:
    text = env.get(name) or str(default)
    if not (text.isascii() and text.isdigit() and 0 < int(text) < 65536):
        raise InvalidRequest(f"{name} must be a port number, got {text!r}")
    return int(text)


def _number(
    env: Mapping[str, str],
    name: str,
    default: str,
    low: float,
    high: float,
    what: str,
    *,
    whole: bool = False,
) -> float:
    """A number from `low` to `high` (`whole`: without a fraction)."""
    text = env.get(name) or default
    try:
        number = float(text)
    except ValueError:
        number = float("nan")
    if not low <= number <= high or (whole and not number.is_integer()):
        kind = "a whole number of" if whole else "a number of"
        raise InvalidRequest(f"{name} must be {kind} {what} from {low:g} to {high:g}, got {text!r}")
    return number


def _poll_seconds(env: Mapping[str, str]) -> int:
    """`PREFECT_RUNNER_POLL_FREQUENCY`, passed on to the worker: how often it asks for runs to start."""
    return int(_number(env, "PREFECT_RUNNER_POLL_FREQUENCY", "2", 1, 3600, "seconds", whole=True))


def _server_url(env: Mapping[str, str]) -> str | None:
    """`CER_SERVER_URL`: http(s), and https unless it is this machine (a token is never sent in clear)."""
    url = (env.get("CER_SERVER_URL") or "").strip().rstrip("/")
    if not url:
        return None
    parts = urllib.parse.urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise InvalidRequest(f"CER_SERVER_URL must be an http(s) address, got {url!r}")
    if parts.scheme == "http" and parts.hostname not in LOOPBACK:
        raise InvalidRequest("CER_SERVER_URL must use https (a token is never sent in clear to another host)")
    return url


def _public_url(env: Mapping[str, str]) -> str | None:
    """`CER_PUBLIC_URL`: the site's address as people reach it (https://cer.example.org), for the links it
    e-mails; without it, the address a request came to (its Host header) is used."""
    url = (env.get("CER_PUBLIC_URL") or "").strip().rstrip("/")
    if not url:
        return None
    parts = urllib.parse.urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname or parts.query or parts.fragment:
        raise InvalidRequest(
            f"CER_PUBLIC_URL must be an http(s) address such as https://cer.example.org, got {url!r}"
        )
    return url


def _cron(env: Mapping[str, str], name: str, default: str) -> str:
    """A cron schedule: five fields (Prefect also takes seconds and years: up to seven), or an @alias."""
    text = " ".join((env.get(name) or default).split())
    fields = text.split(" ")
    if text.lower() in _CRON_ALIASES or (5 <= len(fields) <= 7 and all(map(_CRON_FIELD.fullmatch, fields))):
        return text
    raise InvalidRequest(f"{name} must be a cron schedule, e.g. {default!r}, got {text!r}")


def _path(text: str | None) -> Path | None:
    return Path(text).expanduser() if text else None


def normalize_url(url: str) -> str:
    """`postgresql://` and `postgres://` use the psycopg 3 driver."""
    for prefix in ("postgresql://", "postgres://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix) :]
    return url
