"""Where the website listens (no FastAPI import: `cer up` reads it too)."""

from __future__ import annotations

import os
from collections.abc import Mapping

from workstreams.errors import InvalidRequest

DEFAULT_PORT = 8000


def web_port(env: Mapping[str, str] | None = None) -> int:
    """`CER_WEB_PORT` (default 8000)."""
    text = (os.environ if env is None else env).get("CER_WEB_PORT") or str(DEFAULT_PORT)
    if not (text.isascii() and text.isdigit()):
        raise InvalidRequest(f"CER_WEB_PORT must be a port number, got {text!r}")
    return int(text)
