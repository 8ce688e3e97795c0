"""Working days (Monday to Friday): plans count durations and place dates on them."""

from __future__ import annotations

import datetime as dt


def first_working_day(day: dt.date) -> dt.date:
    while day.weekday() >= 5:
        day += dt.timedelta(days=1)
    return day


def add_working_days(start: dt.date, days: int) -> dt.date:
    """The working day `days` working days after `start` (itself a working day); 0 gives `start`."""
    if days < 0:
        raise ValueError("days must be zero or more")
    weeks, rest = divmod(days, 5)
    day = start + dt.timedelta(weeks=weeks)
    if day.weekday() + rest >= 5:
        rest += 2
    return day + dt.timedelta(days=rest)


def working_days_between(start: dt.date, end: dt.date) -> int:
    """How many working days from `start` up to, not including, `end` (both working days, start <= end)."""
    weeks, rest = divmod((end - start).days, 7)
    extra = sum(1 for i in range(rest) if (start.weekday() + i) % 7 < 5)
    return weeks * 5 + extra
