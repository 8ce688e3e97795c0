"""Sign-in is limited: after 5 failures for a username from one address, or 20 from one address, within 15
minutes, further attempts are refused (429, `Retry-After`) without checking the password. The counts are
kept in this process."""

from __future__ import annotations

import threading
import time
from collections import deque

WINDOW = 15 * 60
PER_USER, PER_ADDRESS = 5, 20


class Throttle:
    """Failed sign-ins per (address, username) and per address, in a sliding window."""

    def __init__(self) -> None:
        self._failures: dict[tuple[str, str], deque[float]] = {}
        self._lock = threading.Lock()

    def _recent(self, key: tuple[str, str], now: float) -> deque[float]:
        times = self._failures.setdefault(key, deque())
        while times and times[0] <= now - WINDOW:
            times.popleft()
        return times

    def attempt(self, address: str, username: str) -> int:
        """Seconds until a sign-in may be tried again (0: now, and this attempt is counted as a failure
        until it `succeeded`: attempts made at the same moment cannot all slip under the limit)."""
        now = time.monotonic()
        keys = ((address, username), (address, ""))
        with self._lock:
            waits = [
                int(times[0] + WINDOW - now) + 1
                for key, limit in zip(keys, (PER_USER, PER_ADDRESS), strict=True)
                if len(times := self._recent(key, now)) >= limit
            ]
            if not waits:
                if len(self._failures) > 100_000:
                    self._failures.clear()
                for key in keys:
                    self._recent(key, now).append(now)
        return max(waits, default=0)

    def succeeded(self, address: str, username: str) -> None:
        with self._lock:
            self._failures.pop((address, username), None)
            if times := self._failures.get((address, "")):
                times.pop()


THROTTLE = Throttle()
