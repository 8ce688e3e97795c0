"""The command line's words for stored values, in its language (cer.views.i18n.current_language): statuses,
days, moments and numbers. English keeps the text the command line has always printed (codes such as
`in_progress`, ISO dates `2027-01-15`), which scripts and the README's examples read; French, Spanish and
Arabic get words and dates as their readers write them (Babel, cer.views.formats)."""

from __future__ import annotations

import datetime as dt

from cer.views.formats import format_date, format_datetime, format_number
from cer.views.i18n import current_language, say
from cer.views.report_words import STATUS

NOTHING = "—"


def english() -> bool:
    return current_language() == "en"


def status_word(code: str) -> str:
    """`in_progress` in English (as typed in `--status`), `en cours` in French."""
    return code if english() or code not in STATUS else say(STATUS[code])


def day(value: dt.date | None) -> str:
    """`2027-01-15` in English, `15 janv. 2027` in French."""
    if value is None:
        return NOTHING
    return value.isoformat() if english() else format_date(value, current_language())


def moment(value: dt.datetime | None) -> str:
    """`2027-01-15 14:05` in English, `15 janv. 2027, 14:05` in French (times as stored: UTC)."""
    if value is None:
        return NOTHING
    return f"{value:%Y-%m-%d %H:%M}" if english() else format_datetime(value, current_language())


def number(value: float | int) -> str:
    """`1234` in English, `1 234` in French."""
    return str(value) if english() else format_number(value, current_language())
