"""Dates, numbers and lists as a reader of each language writes them (Babel, CLDR), for every door: the
website's templates (filters `date`, `datetime`, `month`, `number`, `percent`, `words`), the reports and the
command line.

One locale per language of the interface: English is British English (`30 Nov 2026`, a 24-hour clock),
French `fr_FR` (`30 nov. 2026`, `1 234,5`), Spanish `es_ES` (`30 nov 2026`, `1.234,5`), Arabic `ar`.

Arabic choices, made deliberately:
- digits are Western Arabic (0-9, Babel's `latn` numbering system), as UN Arabic documents mostly print them
  and as codes, ISO dates and task references on the same page are written; we pass `numbering_system="latn"`
  explicitly so a later CLDR changing the default for `ar` does not change our pages;
- dates name the month (`30 نوفمبر 2026`): Arabic's numeric medium format (`30‏/11‏/2026`) is day/month and
  would be read the other way by someone used to month/day; a named month never is;
- times use a 24-hour clock in every language (`14:05`), never AM/PM words.

A missing value (None) is written `—` (NOTHING). Unknown languages fall back to English, never an error.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from functools import cache
from typing import Literal

from babel import Locale
from babel.dates import format_skeleton
from babel.lists import format_list
from babel.numbers import format_decimal
from babel.numbers import format_percent as _format_percent

LOCALES = {"en": "en_GB", "fr": "fr_FR", "es": "es_ES", "ar": "ar"}
NUMBERING = "latn"  # Western Arabic digits in every language, Arabic included (see above)
NOTHING = "—"
ListStyle = Literal["standard", "or"]


Moment = dt.date | dt.datetime | str | None  # a str is read as an ISO date or date-time


def as_moment(value: Moment) -> dt.date | dt.datetime | None:
    """A date or date-time from what a page or report may hold: itself, or its ISO text; None otherwise."""
    if isinstance(value, dt.date) or value is None:
        return value
    try:
        moment = dt.datetime.fromisoformat(value.strip())
    except ValueError:
        return None
    return moment.date() if len(value.strip()) == 10 else moment


@cache
def locale_of(lang: str | None) -> Locale:
    """The Babel locale of one of our languages (`en`, `fr`, `es`, `ar`); English for any other value."""
    return Locale.parse(LOCALES.get(lang or "en", LOCALES["en"]))


def text_direction(lang: str | None) -> Literal["ltr", "rtl"]:
    """`rtl` for a language written right to left (Arabic), else `ltr`: the value of `<html dir>`."""
    return "rtl" if locale_of(lang).text_direction == "rtl" else "ltr"


def format_date(value: Moment, lang: str | None) -> str:
    """A day with its month named: `30 Nov 2026`, `30 nov. 2026`, `30 nov 2026`, `30 نوفمبر 2026`.
    ISO text is read as a date; other text is returned as it is."""
    if value is None:
        return NOTHING
    moment = as_moment(value)
    if moment is None:
        return str(value)
    day = moment.date() if isinstance(moment, dt.datetime) else moment
    return str(format_skeleton("yMMMd", day, locale=locale_of(lang)))


def format_datetime(value: Moment, lang: str | None) -> str:
    """A day and a 24-hour time to the minute, as stored (no time-zone conversion: our times are UTC, and
    the page says so): `30 Nov 2026, 14:05`, `30 nov. 2026, 14:05`, `30 نوفمبر 2026، 14:05`."""
    if value is None:
        return NOTHING
    moment = as_moment(value)
    if not isinstance(moment, dt.datetime):
        return format_date(value, lang)  # a day alone, or text that is no date
    value, locale = moment, locale_of(lang)
    clock = f"{value.hour:02d}:{value.minute:02d}"  # the same in our four locales (skeleton "Hm")
    pattern = str(locale.datetime_formats["medium"])
    return pattern.replace("{1}", format_date(value, lang)).replace("{0}", clock).replace("'", "")


def format_month(value: Moment, lang: str | None) -> str:
    """A month and year: `Nov 2026`, `nov. 2026`, `نوفمبر 2026` (a chart's axis)."""
    moment = as_moment(value)
    if moment is None:
        return NOTHING if value is None else str(value)
    return str(format_skeleton("yMMM", moment, locale=locale_of(lang)))


def format_number(value: float | int | None, lang: str | None, digits: int | None = None) -> str:
    """A number with the locale's grouping and decimal signs: `1,234.5`, `1 234,5`, `1.234,5`.

    `digits` fixes the number of decimals (rounded half-even); otherwise up to 3 are kept, as Babel does."""
    if value is None:
        return NOTHING
    pattern = None if digits is None else "#,##0" + ("." + "0" * digits if digits else "")
    return str(format_decimal(value, pattern, locale=locale_of(lang), numbering_system=NUMBERING))


def format_percent(value: float | None, lang: str | None) -> str:
    """A fraction as a whole percentage: 0.42 → `42%`, `42 %` (French and Spanish space before the sign)."""
    if value is None:
        return NOTHING
    return str(_format_percent(value, locale=locale_of(lang), numbering_system=NUMBERING))


def format_words(items: Iterable[object], lang: str | None, style: ListStyle = "standard") -> str:
    """Items joined as a sentence says them: `A, B and C`, `A, B et C`, `A, B y C`, `A وB وC`; `—` when
    there are none. `style="or"` for alternatives (`A, B or C`). For codes, see format_codes."""
    texts = [str(item) for item in items]
    if not texts:
        return NOTHING
    return str(format_list(texts, style=style, locale=locale_of(lang)))


def format_codes(items: Iterable[object], lang: str | None) -> str:
    """Codes, ids or acronyms listed without a conjunction: `A, B, C`; Arabic uses its own comma (`A، B`).
    (CLDR's narrow list styles are missing or join with bare spaces in some of our locales.)"""
    texts = [str(item) for item in items]
    if not texts:
        return NOTHING
    return ("، " if text_direction(lang) == "rtl" else ", ").join(texts)
