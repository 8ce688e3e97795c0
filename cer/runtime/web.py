"""Where the website listens (no FastAPI import: `cer up` reads it too)."""

from __future__ import annotations

from collections.abc import Mapping

from cer.runtime.config import get_settings


def web_port(env: Mapping[str, str] | None = None) -> int:
    """`CER_WEB_PORT` (default 8000): `get_settings(env).web_port`."""
    return get_settings(env).web_port
