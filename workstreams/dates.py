"""The dates a plan may hold, the same at every door: from 2000 to 2100. A date outside is refused, naming the
field, before it reaches a calendar (year 9999 overflows working-day arithmetic) or a page that draws it."""

from __future__ import annotations

import datetime as dt
from typing import Annotated

from pydantic import AfterValidator, Field

from workstreams.errors import N_, Message

EARLIEST = dt.date(2000, 1, 1)
LATEST = dt.date(2100, 12, 31)
OUT_OF_RANGE = Message(
    N_("Give a date from %(first)s to %(last)s."), first=EARLIEST.isoformat(), last=LATEST.isoformat()
)


def in_range(day: dt.date) -> dt.date:
    if not EARLIEST <= day <= LATEST:
        raise ValueError(OUT_OF_RANGE)
    return day


Day = Annotated[dt.date, AfterValidator(in_range), Field(description="A date from 2000-01-01 to 2100-12-31")]
