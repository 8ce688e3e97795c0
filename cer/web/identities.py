"""Who the tokens and session cookies seen lately belong to, kept for `settings.web_stale_seconds` and
forgotten on any change made through this process, or announced by another (cer.services.access_news)
(`cer.web.security.Guard` fills it)."""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass

from cer.services.access import Principal


@dataclass
class Known:
    until: float
    who: Principal | None
    error: str | None


class _Identities:
    """Tokens and session cookies looked up lately → who they are (or why not)."""

    def __init__(self) -> None:
        self._known: dict[tuple[object, str], Known] = {}
        self._lock = threading.Lock()

    def get(self, key: tuple[object, str]) -> Known | None:
        found = self._known.get(key)
        return found if found is not None and time.monotonic() < found.until else None

    def put(self, key: tuple[object, str], known: Known) -> None:
        with self._lock:
            if len(self._known) > 10_000:
                self._known.clear()
            self._known[key] = known

    def forget(self) -> None:
        with self._lock:
            self._known.clear()


IDENTITIES = _Identities()
