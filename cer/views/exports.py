"""A plan's tasks as CSV and as XLSX (a sheet per workstream); `plan_file` also hands out the calendars
(cer.views.calendars)."""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
from collections.abc import Sequence

from cer.db.tables import PlanRow, TaskRow
from workstreams.status import task_reference

_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")

COLUMNS = (
    "ref",
    "workstreams",
    "step",
    "action",
    "title",
    "lead",
    "contributors",
    "start",
    "due",
    "status",
    "status_reason",
    "critical",
    "slack_days",
    "depends_on",
    "version",
)


def _row(task: TaskRow, country: str) -> list[object]:
    values = {**task.model_dump(), "ref": task_reference(country, task.key)}
    row: list[object] = []
    for name in COLUMNS:
        value = values[name]
        row.append("; ".join(value) if isinstance(value, list) else value)
    return row


FORMULA_START = ("=", "+", "-", "@", "\t", "\r")  # what a spreadsheet would read as the start of a formula


def cell_text(value: object) -> object:
    """A CSV cell a spreadsheet shows as typed: text that would start a formula ('=HYPERLINK(…)', '+1',
    '@SUM') gets a leading apostrophe (OWASP's advice against CSV injection); numbers and dates stay."""
    return "'" + value if isinstance(value, str) and value.startswith(FORMULA_START) else value


def to_csv(plan: PlanRow, tasks: Sequence[TaskRow]) -> str:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(COLUMNS)
    writer.writerows([cell_text(v) for v in _row(t, plan.country_code)] for t in tasks)
    return out.getvalue()


def to_xlsx(plan: PlanRow, tasks: Sequence[TaskRow], workstream_names: dict[str, str]) -> bytes:
    from openpyxl import Workbook

    book = Workbook()
    if book.active is not None:
        book.remove(book.active)
    for code in sorted({code for t in tasks for code in t.workstreams}):
        sheet = book.create_sheet(f"{code} {workstream_names.get(code, '')}"[:31])
        sheet.append(list(COLUMNS))
        for t in (t for t in tasks if code in t.workstreams):  # a shared task on each of its sheets
            sheet.append([_literal(v) for v in _row(t, plan.country_code)])
        for row in sheet.iter_rows(min_row=2):
            for cell in row:
                if isinstance(cell.value, str):
                    cell.data_type = "s"  # text stays text: '=HYPERLINK(…)' typed as a lead is not a formula
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _literal(value: object) -> object:
    """Control characters cannot be stored in a workbook cell: show them as spaces."""
    return _CONTROL.sub(" ", value) if isinstance(value, str) else value


def plan_file(
    fmt: str, plan: PlanRow, tasks: Sequence[TaskRow], workstream_names: dict[str, str], now: dt.datetime
) -> bytes:
    """A plan as a file's bytes: 'csv', 'xlsx' (a sheet per workstream), or a calendar (see calendars)."""
    if fmt == "xlsx":
        return to_xlsx(plan, tasks, workstream_names)
    if fmt == "csv":
        return to_csv(plan, tasks).encode()
    from cer.views import calendars

    return calendars.plan_calendar(fmt, plan, tasks, now)
