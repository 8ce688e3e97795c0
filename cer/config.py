"""Settings, read from the environment when asked for (never at import)."""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from cer.content import default_root


@dataclass(frozen=True)
class Settings:
    database_url: str
    var_dir: Path


def get_settings(env: Mapping[str, str] | None = None) -> Settings:
    """`CER_DATABASE_URL` (default: SQLite in `CER_VAR_DIR`, itself `var/` beside the packages)."""
    env = os.environ if env is None else env
    var_dir = Path(env.get("CER_VAR_DIR") or default_root() / "var").resolve()
    url = env.get("CER_DATABASE_URL") or f"sqlite:///{var_dir / 'cer.db'}"
    return Settings(database_url=normalize_url(url), var_dir=var_dir)


def normalize_url(url: str) -> str:
    """`postgresql://` and `postgres://` use the psycopg 3 driver."""
    for prefix in ("postgresql://", "postgres://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix) :]
    return url
