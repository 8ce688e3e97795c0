"""Which days a country team works: the UN holidays of duty stations (content, `diagnostics/content/
calendars.yaml`) and a plan's choice of calendar (weekend days, holidays added or removed).

The country's public holidays come from outside the domain (`cer.content.calendars` reads the `holidays`
package); `working_calendar` puts the three together into a pure `WorkingCalendar`.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from typing import Annotated, Self

from pydantic import BaseModel, ConfigDict, Field, model_validator

from diagnostics.calendar import WorkingCalendar
from workstreams.models import ContentModel, Source

WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
Weekday = Annotated[int, Field(ge=0, le=6, description="0 = Monday … 6 = Sunday")]
CountryCode = Annotated[str, Field(pattern=r"^[A-Z]{3}$", description="ISO 3166-1 alpha-3, e.g. 'MWI'.")]


class UnHoliday(ContentModel):
    """A UN holiday: every year on a month and day, or once on a date (a moveable feast, fixed locally)."""

    name: str = Field(min_length=3)
    month: int | None = Field(default=None, ge=1, le=12)
    day: int | None = Field(default=None, ge=1, le=31)
    date: dt.date | None = Field(default=None, description="A one-off date, for a year's moveable holiday.")
    source: Source
    note: str = Field(min_length=10, description="Where it comes from, in one line.")

    @model_validator(mode="after")
    def _when(self) -> Self:
        yearly = self.month is not None and self.day is not None
        if yearly == (self.date is not None):
            raise ValueError("give either month and day (every year) or date (once)")
        if yearly:
            dt.date(2024, self.month or 1, self.day or 1)  # a leap year: 29 February is allowed
        return self

    def dates(self, years: Iterable[int]) -> list[dt.date]:
        if self.date is not None:
            return [self.date]
        month, day = self.month or 1, self.day or 1
        return [dt.date(y, month, day) for y in years if month != 2 or day != 29 or y % 4 == 0]


class CalendarsFile(ContentModel):
    """`diagnostics/content/calendars.yaml`: UN holidays kept on top of each country's public holidays."""

    every_duty_station: list[UnHoliday] = Field(description="Observed by every UN office.")
    duty_stations: dict[CountryCode, list[UnHoliday]] = Field(
        default_factory=dict, description="Further UN holidays of the duty station in that country."
    )

    def holidays_for(self, country: str, years: Iterable[int]) -> dict[dt.date, str]:
        years = list(years)
        found: dict[dt.date, str] = {}
        for holiday in [*self.every_duty_station, *self.duty_stations.get(country, [])]:
            for day in holiday.dates(years):
                found.setdefault(day, f"{holiday.name} (UN)")
        return found


class DayOff(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    date: dt.date
    name: str = Field(default="Holiday", min_length=1, max_length=120)


class CalendarEdit(BaseModel):
    """Changes to a plan's calendar: another weekend, days off added, holidays worked after all."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    weekend: tuple[Weekday, ...] | None = Field(
        default=None, min_length=1, max_length=3, description="Weekend days, 0 = Monday"
    )
    add: tuple[DayOff, ...] = Field(default=(), max_length=400, description="Days off to add")
    remove: tuple[dt.date, ...] = Field(default=(), max_length=400, description="Holidays to work on")


class CalendarChoice(BaseModel):
    """The calendar a plan uses: the country's public holidays and the UN holidays of its duty station, the
    weekend, and the days this plan adds to them or works on after all."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    country: CountryCode = Field(description="Whose public holidays")
    weekend: tuple[Weekday, ...] = Field(min_length=1, max_length=3, description="Weekend days, 0 = Monday")
    added: tuple[DayOff, ...] = Field(default=(), max_length=400, description="Extra days off")
    removed: tuple[dt.date, ...] = Field(
        default=(), max_length=400, description="Holidays worked in this plan"
    )

    @property
    def weekend_names(self) -> str:
        return "–".join(WEEKDAYS[d] for d in sorted(self.weekend))

    def describe(self, public_known: bool = True) -> str:
        """E.g. 'MWI public holidays and UN holidays; weekend Saturday–Sunday; 1 day(s) off added'."""
        public = "public holidays" if public_known else "no public holidays known (add them)"
        parts = [f"{self.country} {public} and UN holidays", f"weekend {self.weekend_names}"]
        if self.added:
            parts.append(f"{len(self.added)} day(s) off added")
        if self.removed:
            parts.append(f"{len(self.removed)} holiday(s) worked")
        return "; ".join(parts)

    def edited(self, edit: CalendarEdit) -> CalendarChoice:
        """This choice with a new weekend and days added or removed (adding a removed day restores it)."""
        remove = set(edit.remove)
        added = {d.date: d for d in [*self.added, *edit.add] if d.date not in remove}
        removed = (set(self.removed) | remove) - {d.date for d in edit.add}
        return CalendarChoice(
            country=self.country,
            weekend=tuple(sorted(set(edit.weekend))) if edit.weekend else self.weekend,
            added=tuple(sorted(added.values(), key=lambda d: d.date)),
            removed=tuple(sorted(removed)),
        )


def working_calendar(
    choice: CalendarChoice, public: Mapping[dt.date, str], un: Mapping[dt.date, str]
) -> WorkingCalendar:
    """The working days of a plan: not a weekend day, not a public or UN holiday unless removed, not added."""
    days = (set(public) | set(un) | {d.date for d in choice.added}) - set(choice.removed)
    return WorkingCalendar(choice.weekend, days)


def holiday_names(
    choice: CalendarChoice, public: Mapping[dt.date, str], un: Mapping[dt.date, str]
) -> dict[dt.date, str]:
    """Every day off of the calendar with its name, for showing it."""
    names: dict[dt.date, list[str]] = {}
    for source in (public, un, {d.date: d.name for d in choice.added}):
        for day, name in source.items():
            names.setdefault(day, []).append(name)
    removed = set(choice.removed)
    return {day: "; ".join(names[day]) for day in sorted(names) if day not in removed}
