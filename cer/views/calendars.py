"""A plan's tasks as iCalendar: one event per due date ('ics').

iCalendar events carry stable UIDs (`<country>-<task>@cer-toolkit`) and the task's version as SEQUENCE, so a
calendar that re-imports the file updates its events instead of adding copies.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Sequence

from cer.db.tables import PlanRow, TaskRow
from workstreams.status import task_reference

_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
FORMATS = ("ics",)


def plan_calendar(fmt: str, plan: PlanRow, tasks: Sequence[TaskRow], now: dt.datetime) -> bytes:
    """The plan as a calendar file's bytes, in the format `fmt` (one of FORMATS)."""
    if fmt not in FORMATS:
        raise ValueError(f"no calendar format {fmt!r}")
    return to_ics(plan, tasks, now).encode()


def to_ics(plan: PlanRow, tasks: Sequence[TaskRow], now: dt.datetime) -> str:
    stamp = now.strftime("%Y%m%dT%H%M%SZ")
    name = _text(f"CER plan {plan.country_code}")
    lines = ["BEGIN:VCALENDAR", "VERSION:2.0", "PRODID:-//cer-toolkit//plan//EN", "CALSCALE:GREGORIAN"]
    lines.append(f"X-WR-CALNAME:{name}")
    for t in tasks:
        ref = task_reference(plan.country_code, t.key)
        lines += [
            "BEGIN:VEVENT",
            f"UID:{ref}@cer-toolkit",
            f"SEQUENCE:{t.version}",
            f"DTSTAMP:{stamp}",
            f"DTSTART;VALUE=DATE:{t.due:%Y%m%d}",
            f"DTEND;VALUE=DATE:{t.due + dt.timedelta(days=1):%Y%m%d}",
            f"SUMMARY:{_text(f'Due: {ref} {t.title}')}",
            f"DESCRIPTION:{_text(f'Lead: {t.lead}. Status: {t.status}. Started {t.start.isoformat()}.')}",
            f"STATUS:{'CANCELLED' if t.status == 'dropped' else 'CONFIRMED'}",
            "END:VEVENT",
        ]
    lines.append("END:VCALENDAR")
    return "".join(_fold(line) + "\r\n" for line in lines)


def _text(value: str) -> str:
    """RFC 5545 TEXT: backslash, semicolon and comma escaped, every kind of line break as \\n."""
    value = value.replace("\\", "\\\\").replace(";", "\\;").replace(",", "\\,")
    value = value.replace("\r\n", "\n").replace("\r", "\n").replace("\n", "\\n")
    return _CONTROL.sub(" ", value)


def _fold(line: str, limit: int = 75) -> str:
    """RFC 5545 line folding: at most 75 octets a line, continuation lines start with a space."""
    data = line.encode()
    if len(data) <= limit:
        return line
    parts: list[str] = []
    current = b""
    for char in line:
        encoded = char.encode()
        if len(current) + len(encoded) > (limit if not parts else limit - 1):
            parts.append(current.decode())
            current = b""
        current += encoded
    parts.append(current.decode())
    return "\r\n ".join(parts)
