"""Working days: plans count durations in them and place every date on one.

A `WorkingCalendar` is a set of weekend weekdays (Monday = 0) and a frozenset of holiday dates; it is pure and
knows nothing of where the holidays came from (`cer.content.calendars` builds one for a country). Counting is
done on an index of the working days, built once per calendar for the years asked about, so each question is a
lookup. The module-level functions keep the plain Monday-to-Friday calendar for callers that have no other.
"""

from __future__ import annotations

import bisect
import datetime as dt
from collections.abc import Iterable

from workstreams.errors import N_

SATURDAY_SUNDAY = frozenset({5, 6})


class WorkingCalendar:
    """Weekend weekdays and holidays; every other day is a working day."""

    __slots__ = ("_days", "_first", "_last", "holidays", "weekend")

    def __init__(
        self, weekend: Iterable[int] = SATURDAY_SUNDAY, holidays: Iterable[dt.date] = frozenset()
    ) -> None:
        self.weekend = frozenset(weekend)
        if not self.weekend <= set(range(7)) or len(self.weekend) > 3:
            raise ValueError(N_("weekend days are weekdays 0 (Monday) to 6 (Sunday), at most three of them"))
        self.holidays = frozenset(holidays)
        self._days: list[int] = []  # ordinals of the working days from _first to _last, in order
        self._first = self._last = 0

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, WorkingCalendar):
            return NotImplemented
        return (self.weekend, self.holidays) == (other.weekend, other.holidays)

    def __hash__(self) -> int:
        return hash((self.weekend, self.holidays))

    def __repr__(self) -> str:
        return f"WorkingCalendar(weekend={sorted(self.weekend)}, holidays={len(self.holidays)} dates)"

    def is_working_day(self, day: dt.date) -> bool:
        return day.weekday() not in self.weekend and day not in self.holidays

    def first_working_day(self, day: dt.date) -> dt.date:
        """`day` if it is a working day, else the next one."""
        return self._date(self._position(day))

    def last_working_day(self, day: dt.date) -> dt.date:
        """`day` if it is a working day, else the one before it."""
        position = self._position(day)
        return self._date(position if self._date(position) == day else position - 1)

    def add_working_days(self, start: dt.date, days: int) -> dt.date:
        """The working day `days` working days after (or, negative, before) the first working day on or after
        `start`; 0 gives that day itself."""
        return self._date(self._position(start) + days)

    def working_days_from(self, start: dt.date, count: int) -> list[dt.date]:
        """The first `count` working days on or after `start`, in order (at least one): where a plan places
        its tasks, by their offsets in working days."""
        position = self._position(start)
        self._date(position + max(count, 1) - 1)  # the index reaches that far
        return [dt.date.fromordinal(o) for o in self._days[position : position + max(count, 1)]]

    def working_days_between(self, start: dt.date, end: dt.date) -> int:
        """How many working days from `start` up to, not including, `end` (negative when `end` is earlier)."""
        return self._position(end) - self._position(start)

    def _position(self, day: dt.date) -> int:
        """The index of the first working day on or after `day`."""
        self._cover(day.toordinal())
        return bisect.bisect_left(self._days, day.toordinal())

    def _date(self, position: int) -> dt.date:
        while position < 0 or position >= len(self._days):
            if position < 0:
                first = self._days[0]
                self._cover(self._first - 366)
                position += self._days.index(first)
            else:
                self._cover(self._last + 366)
        return dt.date.fromordinal(self._days[position])

    def _cover(self, ordinal: int) -> None:
        """Make the index reach from at least a year before `ordinal` to two years after it."""
        if self._days and self._first <= ordinal - 1 and ordinal + 366 <= self._last:
            return
        first = min(ordinal - 366, self._first) if self._days else ordinal - 366
        last = max(ordinal + 2 * 366, self._last) if self._days else ordinal + 2 * 366
        weekend, holidays = self.weekend, self.holidays
        self._days = [
            o
            for o in range(first, last + 1)
            if (o - 1) % 7 not in weekend and dt.date.fromordinal(o) not in holidays
        ]
        self._first, self._last = first, last


MONDAY_TO_FRIDAY = WorkingCalendar()


def first_working_day(day: dt.date, calendar: WorkingCalendar = MONDAY_TO_FRIDAY) -> dt.date:
    return calendar.first_working_day(day)


def add_working_days(start: dt.date, days: int, calendar: WorkingCalendar = MONDAY_TO_FRIDAY) -> dt.date:
    """The working day `days` working days after `start` (itself a working day); 0 gives `start`."""
    if days < 0:
        raise ValueError("days must be zero or more")
    return calendar.add_working_days(start, days)


def working_days_between(start: dt.date, end: dt.date, calendar: WorkingCalendar = MONDAY_TO_FRIDAY) -> int:
    """How many working days from `start` up to, not including, `end` (both working days, start <= end)."""
    return calendar.working_days_between(start, end)
