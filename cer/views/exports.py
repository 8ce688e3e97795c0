"""A plan's tasks as files people open in a spreadsheet: CSV here, XLSX in cer.views.export_sheets;
`plan_file` also hands out the calendars (cer.views.calendars).

Both speak words by default ("Not started", "Yes", "A UN Programme") in the chosen language; the CSV gives the
stored codes ("not_started", True, "A") with `codes=True`, for programs."""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections.abc import Mapping, Sequence

from cer.db.tables import PlanRow, TaskRow
from cer.views.export_rows import raw_values, translator, worded_values, workstream_titles
from cer.views.i18n import N_
from workstreams.framework import Framework

__all__ = ["COLUMNS", "cell_text", "plan_file", "to_csv", "to_xlsx", "workstream_titles"]

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
    "progress",
    "critical",
    "slack_days",
    "depends_on",
    "version",
)


HEADINGS = {  # a worded CSV's header in another language than English (the workbook's headings)
    "ref": N_("Reference"),
    "workstreams": N_("Workstreams"),
    "step": N_("Step"),
    "action": N_("Action"),
    "title": N_("Title"),
    "lead": N_("Lead"),
    "contributors": N_("Contributing"),
    "start": N_("Start"),
    "due": N_("Due"),
    "status": N_("Status"),
    "status_reason": N_("Status reason"),
    "progress": N_("Progress"),
    "critical": N_("Critical"),
    "slack_days": N_("Slack (working days)"),
    "depends_on": N_("Depends on"),
    "version": N_("Version"),
}
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")  # what a spreadsheet would read as the start of a formula


def cell_text(value: object) -> object:
    """A CSV cell a spreadsheet shows as typed: text that would start a formula ('=HYPERLINK(…)', '+1',
    '@SUM') gets a leading apostrophe (OWASP's advice against CSV injection); numbers and dates stay."""
    return "'" + value if isinstance(value, str) and value.startswith(FORMULA_START) else value


def to_csv(
    plan: PlanRow,
    tasks: Sequence[TaskRow],
    workstream_names: Mapping[str, str] | None = None,
    *,
    codes: bool = False,
    lang: str = "en",
) -> str:
    """The tasks as CSV text, a row each, under the stable column names of COLUMNS.

    In words (the default) every identifier reads as text in a spreadsheet or in `pandas.read_csv` with no
    options: the reference ('MWI-9.1') and the dependencies ('MWI-1.1; MWI-B-5.1') are task references, and
    the action is written 'Action 9.1' — a bare '9.1' is read as the number 9.1 (and '2.10' as 2.1, or as a
    date in some locales), which loses the toolkit's numbering. With `codes=True` the cells are the stored
    codes ('9.1', 'not_started', True), for programs: read them as text (`dtype=str`).
    The header is COLUMNS in English and in codes; in words in another language, their headings in it
    ('Référence', 'Statut'), as the workbook has them.
    `plan_file` adds the byte order mark Excel needs to take the file as UTF-8."""
    words, names = translator(lang), workstream_names or {}
    out = io.StringIO()
    writer = csv.writer(out)
    worded_header = not codes and lang != "en"
    writer.writerow([words(HEADINGS[name]) for name in COLUMNS] if worded_header else COLUMNS)
    for task in tasks:
        if codes:
            values = raw_values(task, plan.country_code)
        else:
            values = worded_values(task, plan.country_code, names, words)
            values["action"] = f"{words('Action')} {task.action}" if task.action else ""
        writer.writerow(cell_text(_joined(values[name])) for name in COLUMNS)
    return out.getvalue()


def _joined(value: object) -> object:
    return "; ".join(str(v) for v in value) if isinstance(value, list) else value


def to_xlsx(
    plan: PlanRow,
    tasks: Sequence[TaskRow],
    workstream_names: Mapping[str, str],
    *,
    step_names: Mapping[int, str] | None = None,
    today: dt.date | None = None,
    lang: str = "en",
) -> bytes:
    """The plan as a workbook to read and print: see cer.views.export_sheets."""
    from cer.views.export_sheets import plan_workbook

    return plan_workbook(
        plan,
        tasks,
        workstreams=workstream_names,
        steps=step_names or {},
        today=today or dt.date.today(),
        words=translator(lang),
    )


def plan_file(
    fmt: str,
    plan: PlanRow,
    tasks: Sequence[TaskRow],
    framework: Framework,
    now: dt.datetime,
    *,
    codes: bool = False,
    lang: str = "en",
) -> bytes:
    """A plan as a file's bytes: 'csv' (UTF-8 with a BOM, so that Excel reads the accents; `codes` for the
    stored codes), 'xlsx' (a summary, a sheet per workstream, a legend), or a calendar (see calendars)."""
    names = workstream_titles(framework)
    if fmt == "xlsx":
        steps = {step.number: step.name for step in framework.steps}
        return to_xlsx(plan, tasks, names, step_names=steps, today=now.date(), lang=lang)
    if fmt == "csv":
        return to_csv(plan, tasks, names, codes=codes, lang=lang).encode("utf-8-sig")
    from cer.views import calendars

    return calendars.plan_calendar(fmt, plan, tasks, now)
