"""The plan as a workbook a person opens and prints (issue 18): a summary sheet first (progress by workstream
and by step), a sheet per workstream, and a legend giving each sheet's workstream in full.

Each task sheet has a bold, frozen, filtered header row that prints on every page, columns as wide as what
they hold (long text wraps at a cap), real date cells, words instead of codes, and an A4 landscape page
set-up one page wide. Text stays text: nothing typed into a task becomes a formula."""

from __future__ import annotations

import io
import re
import textwrap
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from typing import TYPE_CHECKING

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

from cer.db.tables import PlanRow, TaskRow
from cer.views.export_rows import Translate, worded_values, workstream_label
from cer.views.i18n import N_
from workstreams.status import Progress

if TYPE_CHECKING:
    import datetime as dt

    from openpyxl.worksheet.worksheet import Worksheet

# (column, heading, widest before wrapping: None never wraps)
TASK_COLUMNS: tuple[tuple[str, str, int | None], ...] = (
    ("ref", N_("Reference"), None),
    ("workstreams", N_("Workstreams"), 32),
    ("step", N_("Step"), None),
    ("action", N_("Action"), None),
    ("title", N_("Title"), 60),
    ("lead", N_("Lead"), 28),
    ("contributors", N_("Contributing"), 30),
    ("start", N_("Start"), None),
    ("due", N_("Due"), None),
    ("status", N_("Status"), None),
    ("status_reason", N_("Status reason"), 30),
    ("progress", N_("Progress"), 40),
    ("critical", N_("Critical"), None),
    ("depends_on", N_("Depends on"), 24),
)
SUMMARY_COLUMNS = (N_("Tasks"), N_("Completed"), N_("In progress"), N_("Overdue"), N_("Percent done"))
DATE_FORMAT = "yyyy-mm-dd"  # ISO: read the same way in every country team
LABEL_WIDTH = 60
LINE_HEIGHT = 15  # points: a line of the default 11-point font
HEADING = Font(bold=True)
HEADING_FILL = PatternFill("solid", start_color="DDE3EA")
TOP = Alignment(vertical="top")
WRAP = Alignment(vertical="top", wrap_text=True)
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_NOT_IN_SHEET_NAMES = re.compile(r"[\[\]:*?/\\]")
_CONNECTORS = {"and", "&", "of", "the", "for", "-", "–", "—"}


def plan_workbook(
    plan: PlanRow,
    tasks: Sequence[TaskRow],
    *,
    workstreams: Mapping[str, str],
    steps: Mapping[int, str],
    today: dt.date,
    words: Translate,
) -> bytes:
    """The workbook's bytes; `workstreams` names each code in full, `steps` each step number."""
    book = Workbook()
    summary = book.active if book.active is not None else book.create_sheet()
    codes = sorted({code for t in tasks for code in t.workstreams})
    sheets = {code: sheet_name(code, workstreams.get(code, "")) for code in codes}
    for code in codes:  # a shared task on each of its workstreams' sheets
        mine = [t for t in tasks if code in t.workstreams]
        _task_sheet(book.create_sheet(sheets[code]), plan, mine, workstreams, words)
    _summary(summary, plan, tasks, (workstreams, steps, sheets), today, words)
    _legend(book.create_sheet(_sheet_title(words("Legend"))), sheets, workstreams, words)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def sheet_name(code: str, name: str) -> str:
    """A sheet name within Excel's 31 characters, cut at a word: 'B Common Services' for 'B Common Services
    and Harmonized Business Practices'. A qualifier in brackets is part of the name and stays, down to its
    last word if need be: 'D Common Premises (feasible)' for 'D Common Premises (where feasible)' (34
    characters; 'Locaux communs (possible)' in French), so that no sheet presents common premises as a
    workstream like any other. The legend gives each sheet's name in full."""
    full = " ".join(_NOT_IN_SHEET_NAMES.sub(" ", f"{code} {name}").split())
    if len(full) <= 31:
        return full
    head, bracket, tail = full.partition(" (")
    qualifier = tail.removesuffix(")").split() if bracket else []
    if qualifier and len(shorter := f"{head} ({qualifier[-1]})") <= 31:
        return shorter
    words = head.split()
    while len(" ".join(words)) > 31 or (len(words) > 1 and words[-1].lower() in _CONNECTORS):
        words.pop()
    return " ".join(words) if len(words) > 1 else full[:31].rstrip()  # one long word: cut inside it


def _sheet_title(text: str) -> str:
    """Text (a translated 'Summary') as a sheet name: no character Excel refuses, at most 31 of them."""
    return " ".join(_NOT_IN_SHEET_NAMES.sub(" ", text).split())[:31]


def _task_sheet(
    sheet: Worksheet, plan: PlanRow, tasks: Iterable[TaskRow], names: Mapping[str, str], words: Translate
) -> None:
    sheet.append([words(heading) for _, heading, _ in TASK_COLUMNS])
    for task in tasks:
        values = worded_values(task, plan.country_code, names, words)
        values["critical"] = words("Yes") if task.critical else None
        sheet.append([_cell(values[column]) for column, _, _ in TASK_COLUMNS])
    for row in sheet.iter_rows(min_row=2):
        for cell in row:
            if isinstance(cell.value, str):
                cell.data_type = "s"  # text stays text: '=HYPERLINK(…)' typed as a lead is not a formula
            elif cell.is_date:
                cell.number_format = DATE_FORMAT
    _heading_row(sheet, 1)
    _fit_columns(sheet, [cap for _, _, cap in TASK_COLUMNS], first_row=1)
    _fit_rows(sheet)
    sheet.freeze_panes = "A2"
    sheet.auto_filter.ref = sheet.dimensions
    _print_setup(sheet, landscape=True)
    sheet.print_title_rows = "1:1"  # the header row on every printed page


def _cell(value: object) -> object:
    """Lists one item a line; control characters (which a workbook cannot store) as spaces."""
    if isinstance(value, list):
        value = "\n".join(str(v) for v in value)
    return _CONTROL.sub(" ", value) if isinstance(value, str) else value


def _summary(
    sheet: Worksheet,
    plan: PlanRow,
    tasks: Sequence[TaskRow],
    names: tuple[Mapping[str, str], Mapping[int, str], Mapping[str, str]],
    today: dt.date,
    words: Translate,
) -> None:
    """Progress as the country report counts it (cer.services.progress): dropped tasks left out, a shared
    task once for its step and the whole plan and once in each workstream it serves."""
    workstreams, steps, sheets = names
    sheet.title = _sheet_title(words("Summary"))
    overall = Progress()
    by_code: defaultdict[str, Progress] = defaultdict(Progress)
    by_step: defaultdict[int, Progress] = defaultdict(Progress)
    for t in tasks:
        for bucket in (overall, by_step[t.step], *(by_code[c] for c in t.workstreams)):
            bucket.add(t.status, t.due, today)
    title = words(N_("Plan %(country)s: progress on %(day)s"))
    period = words(N_("From %(start)s to %(end)s"))
    sheet.append([title % {"country": plan.country_code, "day": today.isoformat()}])
    sheet.append([period % {"start": plan.start.isoformat(), "end": plan.end.isoformat()}])
    sheet["A1"].font = Font(bold=True, size=14)
    sheet.append([])
    sheet.append([words("Workstream"), *(words(h) for h in SUMMARY_COLUMNS), words("Sheet")])
    _heading_row(sheet, sheet.max_row)
    for code in sorted(by_code):
        sheet.append([workstream_label(code, workstreams), *_figures(by_code[code]), sheets.get(code)])
    sheet.append([])
    sheet.append([words("Step"), *(words(h) for h in SUMMARY_COLUMNS)])
    _heading_row(sheet, sheet.max_row)
    for number in sorted(by_step):
        sheet.append([f"{number} {steps.get(number, '')}".rstrip(), *_figures(by_step[number])])
    sheet.append([words("All tasks"), *_figures(overall)])
    for cell in sheet[sheet.max_row]:
        cell.font = HEADING
    for row in sheet.iter_rows(min_row=4):
        row[5].number_format = "0%"
    _fit_columns(sheet, [LABEL_WIDTH], first_row=4)
    _fit_rows(sheet)
    _print_setup(sheet, landscape=False)


def _figures(progress: Progress) -> list[object]:
    done = progress.by_status.get("completed", 0)
    share = done / progress.active if progress.active else 0.0
    return [progress.active, done, progress.by_status.get("in_progress", 0), progress.overdue, share]


def _legend(sheet: Worksheet, sheets: Mapping[str, str], names: Mapping[str, str], words: Translate) -> None:
    sheet.append([words("Sheet"), words("Workstream")])
    for code, name in sheets.items():
        sheet.append([name, workstream_label(code, names)])
    sheet.append([])
    sheet.append([words("Column"), words("Meaning")])
    _heading_row(sheet, sheet.max_row)
    for column, meaning in (
        (N_("Reference"), N_("The task's reference: country, workstream where it has one, action number")),
        (N_("Critical"), N_("Yes: on the critical path, a delay to it delays the end of the plan")),
        (N_("Depends on"), N_("The tasks that must be done first, by reference")),
        (N_("Start"), N_("Dates (start and due) are written year-month-day (%(format)s)")),
    ):
        sheet.append([words(column), words(meaning).replace("%(format)s", DATE_FORMAT)])
    _heading_row(sheet, 1)
    _fit_columns(sheet, [None, 80], first_row=1)
    _fit_rows(sheet)
    _print_setup(sheet, landscape=False)


def _heading_row(sheet: Worksheet, row: int) -> None:
    for cell in sheet[row]:
        cell.font = HEADING
        cell.fill = HEADING_FILL
        cell.alignment = WRAP


def _fit_columns(sheet: Worksheet, caps: Sequence[int | None], first_row: int) -> None:
    """Each column from `first_row` down as wide as its longest line (a heading with room for the filter
    button); past its cap the column stays at the cap and wraps, so the whole text prints."""
    for i, cells in enumerate(sheet.iter_cols(min_row=first_row), start=1):
        cap = caps[i - 1] if i <= len(caps) else None
        width = max([8, *(_longest(c.value) + (3 if c.font.b else 2) for c in cells)])
        wrap = cap is not None and width > cap
        width = min(width, cap) if cap is not None else width
        for cell in cells:
            if not cell.font.b:
                lines = isinstance(cell.value, str) and "\n" in cell.value
                cell.alignment = WRAP if wrap or lines else TOP
        sheet.column_dimensions[get_column_letter(i)].width = width


def _fit_rows(sheet: Worksheet) -> None:
    """Rows tall enough for their wrapped lines: LibreOffice keeps a row's stored height, so a wrapped title
    would print over the next row."""
    for row in sheet.iter_rows(min_row=2):
        lines = max(
            (_lines(c.value, c.column_letter, sheet) for c in row if c.alignment.wrap_text), default=1
        )
        if lines > 1:
            sheet.row_dimensions[row[0].row].height = LINE_HEIGHT * lines


def _lines(value: object, letter: str, sheet: Worksheet) -> int:
    """How many lines a wrapped cell takes in its column, wrapped at words a little short of its width."""
    width = max(int((sheet.column_dimensions[letter].width or 8) - 2), 4)
    paragraphs = str(value or "").splitlines() or [""]
    return sum(len(textwrap.wrap(p, width, break_on_hyphens=False)) or 1 for p in paragraphs)


def _longest(value: object) -> int:
    """How many characters the widest line of a cell takes; a date shows as yyyy-mm-dd."""
    if value is None:
        return 0
    if hasattr(value, "isoformat"):
        return len(DATE_FORMAT)
    if isinstance(value, float):
        return 5  # a share, shown as a percentage
    return max((len(line) for line in str(value).splitlines()), default=0)


def _print_setup(sheet: Worksheet, landscape: bool) -> None:
    """A4, one page wide and as many pages long as needed, the sheet's name and page numbers in the footer."""
    sheet.page_setup.orientation = "landscape" if landscape else "portrait"
    sheet.page_setup.paperSize = sheet.PAPERSIZE_A4
    sheet.page_setup.fitToWidth = 1
    sheet.page_setup.fitToHeight = 0
    sheet.sheet_properties.pageSetUpPr.fitToPage = True
    sheet.print_options.gridLines = landscape  # the task tables; the summary's and legend's headings suffice
    sheet.oddFooter.center.text = "&A · &P / &N"
