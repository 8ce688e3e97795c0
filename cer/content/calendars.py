"""A country's working calendar: its public holidays and weekend from the `holidays` package (by ISO code,
for the years a plan needs), the UN holidays of its duty station from the content, and a plan's own changes.

The domain gets a pure `WorkingCalendar`; calendars are cached, since every plan of a country asks for the
same one.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from functools import cache, lru_cache

from diagnostics.calendar import WorkingCalendar
from diagnostics.working_calendars import CalendarChoice, CalendarsFile, holiday_names, working_calendar

YEARS_BEFORE, YEARS_AFTER = 1, 6  # around a plan's start (and target): wide enough for any plan's dates


@dataclass(frozen=True)
class CalendarInUse:
    """A plan's calendar, built: the working days and how to describe them."""

    choice: CalendarChoice
    working: WorkingCalendar
    public_known: bool  # False when the `holidays` package has no calendar for the country

    def describe(self) -> str:
        return self.choice.describe(self.public_known)


def years_around(*days: dt.date | None) -> range:
    known = [d.year for d in days if d is not None] or [dt.date.today().year]
    return range(min(known) - YEARS_BEFORE, max(known) + YEARS_AFTER + 1)


def plan_calendar(choice: CalendarChoice | None, country: str, around: dt.date) -> WorkingCalendar:
    """The working days of a stored plan (`choice`; None: a plan made before plans kept one, which gets its
    country's), from the content loaded for this process."""
    from cer.content import get_content

    return calendar_in_use(
        get_content().calendars, choice or default_choice(country), years_around(around)
    ).working


def default_choice(country: str) -> CalendarChoice:
    """The country's own calendar: its weekend, its public holidays and the UN's, nothing changed."""
    return CalendarChoice(country=country, weekend=tuple(sorted(_country(country)[1])))


def calendar_in_use(calendars: CalendarsFile, choice: CalendarChoice, years: range) -> CalendarInUse:
    return _built(_Same(calendars), choice, years.start, years.stop)


def day_names(calendars: CalendarsFile, choice: CalendarChoice, years: range) -> dict[dt.date, str]:
    """Every day off of the calendar in `years`, with its name."""
    return holiday_names(
        choice,
        _public(choice.country, years.start, years.stop),
        calendars.holidays_for(choice.country, years),
    )


class _Same:
    """The content's calendars file as a cache key: the same object (content is loaded once)."""

    __slots__ = ("file",)

    def __init__(self, file: CalendarsFile) -> None:
        self.file = file

    def __hash__(self) -> int:
        return id(self.file)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, _Same) and other.file is self.file


@lru_cache(maxsize=512)
def _built(calendars: _Same, choice: CalendarChoice, first: int, stop: int) -> CalendarInUse:
    years = range(first, stop)
    public = _public(choice.country, first, stop)
    working = working_calendar(choice, public, calendars.file.holidays_for(choice.country, years))
    return CalendarInUse(choice, working, _country(choice.country)[0] is not None)


@lru_cache(maxsize=1024)
def _public(country: str, first: int, stop: int) -> dict[dt.date, str]:
    alpha_2, _ = _country(country)
    if alpha_2 is None:
        return {}
    import holidays

    return dict(holidays.country_holidays(alpha_2, years=range(first, stop)).items())


@cache
def _country(country: str) -> tuple[str | None, frozenset[int]]:
    """The `holidays` package's code for an alpha-3 country (None if it has no calendar) and its weekend."""
    import holidays
    import pycountry

    found = pycountry.countries.get(alpha_3=country)
    if found is None:
        return None, frozenset({5, 6})
    try:
        entity = holidays.country_holidays(found.alpha_2, years=[])
    except NotImplementedError:
        return None, frozenset({5, 6})
    return found.alpha_2, frozenset(entity.weekend)
