"""The plan's spreadsheets as people open and print them (issue 18, parts 2 and 3), read back by the programs
they use: openpyxl for the workbook's styles, filters, widths and page set-up, LibreOffice and `pdftotext` for
the printed page, pandas for the CSV."""

from __future__ import annotations

import datetime as dt
import io
import os
import re
import shutil
import subprocess
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import openpyxl
import pandas as pd
import pytest
from openpyxl.worksheet.worksheet import Worksheet
from sqlalchemy import Engine
from sqlmodel import Session

from cer.content import Content
from cer.db.engine import make_engine
from cer.db.migrate import upgrade
from cer.db.tables import PlanRow, TaskRow
from cer.services.plans import create_plan, get_plan, plan_tasks
from cer.services.progress import country_progress
from cer.services.tasks import TaskChange, update_task
from cer.views import exports
from cer.views.export_rows import translator
from tests.factories import advance, make_report
from workstreams.status import TaskStatus

TODAY = dt.date(2027, 3, 1)
LEAD = "Côte d’Ivoire liaison office"
CONTRIBUTOR = "Ministère de l’Économie"


@pytest.fixture
def engine(tmp_path: Path) -> Iterator[Engine]:
    """SQLite only: what is read back here is the files, the same whichever database the rows came from
    (test_reports_and_exports reads the exports of both)."""
    url = f"sqlite:///{tmp_path / 'cer.db'}"
    db = make_engine(url)
    upgrade(url)
    yield db
    db.dispose()


@dataclass
class Exported:
    plan: PlanRow
    tasks: list[TaskRow]
    names: dict[str, str]
    steps: dict[int, str]
    session: Session

    def workbook(self, **options: object) -> bytes:
        return exports.to_xlsx(
            self.plan, self.tasks, self.names, step_names=self.steps, today=TODAY, **options
        )


@pytest.fixture
def malawi(session: Session, content: Content) -> Exported:
    report, answers = make_report(content, "malawi")
    create_plan(session=session, report=report, answer_set=answers, by="rco")
    advance(session, "MWI-9.1", TaskStatus.in_progress, TaskStatus.completed)
    advance(session, "MWI-4.1", TaskStatus.in_progress)
    change = TaskChange(lead=LEAD, contributors=[CONTRIBUTOR, "UNCT"])
    update_task(session=session, ref="MWI-4.1", expected_version=2, change=change, by="x")
    plan = get_plan(session=session, country="MWI")
    steps = {s.number: s.name for s in content.framework.steps}
    names = exports.workstream_titles(content.framework)
    return Exported(plan, plan_tasks(session=session, plan=plan), names, steps, session)


def header(sheet: Worksheet) -> list[str]:
    return [str(c.value) for c in sheet[1]]


def column(sheet: Worksheet, name: str) -> list[object]:
    i = header(sheet).index(name)
    return [row[i] for row in sheet.iter_rows(min_row=2, values_only=True)]


def task_sheets(book: openpyxl.Workbook) -> list[Worksheet]:
    return [book[name] for name in book.sheetnames if re.match(r"[A-G] ", name)]


def test_the_workbook_opens_on_a_summary_whose_figures_are_the_plan_s_progress(malawi: Exported) -> None:
    book = openpyxl.load_workbook(io.BytesIO(malawi.workbook()))
    assert book.sheetnames[0] == "Summary" and book.active is not None and book.active.title == "Summary"
    progress = country_progress(session=malawi.session, country="MWI", today=TODAY)
    rows = [r for r in book["Summary"].iter_rows(values_only=True) if r and r[0]]
    by_label = {str(r[0]): r for r in rows}
    heading = next(r for r in rows if r[0] == "Workstream")
    assert list(heading[1:7]) == ["Tasks", "Completed", "In progress", "Overdue", "Percent done", "Sheet"]
    for code, p in progress.by_workstream.items():
        row = by_label[f"{code} {malawi.names[code]}"]
        assert row[1:5] == (p.active, p.by_status["completed"], p.by_status["in_progress"], p.overdue)
        assert row[5] == pytest.approx(p.by_status["completed"] / p.active)  # shown as a percentage
    for number, p in progress.by_step.items():
        row = by_label[f"{number} {malawi.steps[number]}"]
        assert row[1:5] == (p.active, p.by_status["completed"], p.by_status["in_progress"], p.overdue)
    total = by_label["All tasks"]
    assert total[1:5] == (progress.overall.active, 1, 1, progress.overall.overdue)
    assert progress.overall.overdue > 0  # the figures are not all trivially zero
    percent = next(c for c in book["Summary"]["F"] if isinstance(c.value, float))
    assert "%" in percent.number_format


def test_each_workstream_sheet_has_a_bold_frozen_filtered_header_and_columns_that_fit(
    malawi: Exported,
) -> None:
    book = openpyxl.load_workbook(io.BytesIO(malawi.workbook()))
    sheets = task_sheets(book)
    assert len(sheets) == len({w for t in malawi.tasks for w in t.workstreams})
    for sheet in sheets:
        assert all(c.font.b for c in sheet[1]), sheet.title
        assert sheet.freeze_panes == "A2"
        assert sheet.auto_filter.ref == f"A1:{sheet.cell(1, sheet.max_column).column_letter}{sheet.max_row}"
        assert sheet.print_title_rows in ("1:1", "$1:$1")  # the header row on every printed page
        setup = sheet.page_setup
        assert setup.orientation == "landscape" and int(setup.paperSize) == int(sheet.PAPERSIZE_A4)
        assert sheet.sheet_properties.pageSetUpPr.fitToPage
        assert (setup.fitToWidth, setup.fitToHeight) == (1, 0)
        for i, name in enumerate(header(sheet), start=1):
            letter = sheet.cell(1, i).column_letter
            width = sheet.column_dimensions[letter].width
            cells = [sheet.cell(r, i) for r in range(1, sheet.max_row + 1)]
            longest = max(len(line) for c in cells for line in _shown(c.value).splitlines() or [""])
            wraps = all(c.alignment.wrap_text for c in cells[1:])
            assert width >= min(longest, 60) + 1 or (wraps and width >= 20), (sheet.title, name, width)
            assert width <= 62, (sheet.title, name, width)  # a wide text column wraps instead
    b = next(s for s in sheets if s.title.startswith("B "))
    assert all(c.alignment.wrap_text for c in b["E"][1:])  # the titles wrap at the cap


def _shown(value: object) -> str:
    if isinstance(value, dt.datetime | dt.date):
        return "2027-01-01"
    return "" if value is None else str(value)


def test_dates_are_date_cells_and_people_read_words_not_codes(malawi: Exported) -> None:
    book = openpyxl.load_workbook(io.BytesIO(malawi.workbook()))
    sheet = next(s for s in task_sheets(book) if s.title.startswith("A "))
    assert header(sheet)[:5] == ["Reference", "Workstreams", "Step", "Action", "Title"]
    for name in ("Start", "Due"):
        i = header(sheet).index(name) + 1
        cells = [sheet.cell(r, i) for r in range(2, sheet.max_row + 1)]
        assert all(c.is_date and isinstance(c.value, dt.datetime) for c in cells), name
        assert {c.number_format for c in cells} == {"yyyy-mm-dd"}
    rows = {
        r[0]: dict(zip(header(s), r, strict=True))
        for s in task_sheets(book)
        for r in s.iter_rows(min_row=2, values_only=True)
    }
    assert rows["MWI-9.1"]["Status"] == "Completed" and rows["MWI-4.1"]["Status"] == "In progress"
    assert set(column(sheet, "Status")) <= {"Not started", "In progress", "Blocked", "Completed", "Dropped"}
    assert set(column(sheet, "Critical")) <= {"Yes", None} and "Yes" in column(sheet, "Critical")
    assert rows["MWI-9.1"]["Action"] == "9.1"  # the action's number, as text
    shared = str(rows["MWI-9.1"]["Workstreams"]).splitlines()
    assert shared[0] == "A UN Programme" and "D Common Premises (where feasible)" in shared
    assert rows["MWI-4.1"]["Lead"] == LEAD and CONTRIBUTOR in str(rows["MWI-4.1"]["Contributing"])


def test_sheet_names_fit_excel_and_the_legend_names_each_workstream_in_full(malawi: Exported) -> None:
    book = openpyxl.load_workbook(io.BytesIO(malawi.workbook()))
    assert all(len(name) <= 31 for name in book.sheetnames)
    assert "B Common Services" in book.sheetnames and "D Common Premises (feasible)" in book.sheetnames
    legend = {str(r[0]): r[1] for r in book["Legend"].iter_rows(min_row=2, values_only=True) if r[0]}
    assert legend["B Common Services"] == "B Common Services and Harmonized Business Practices"
    assert legend["D Common Premises (feasible)"] == "D Common Premises (where feasible)"
    assert {s.title for s in task_sheets(book)} <= set(legend)


def test_the_workbook_speaks_the_chosen_language_where_the_catalogue_has_the_words(malawi: Exported) -> None:
    french = translator("fr")
    book = openpyxl.load_workbook(io.BytesIO(malawi.workbook(lang="fr")))
    headings = {str(r[0]) for r in book.worksheets[0].iter_rows(values_only=True) if r and r[0]}
    assert french("Step") != "Step" and {french("Step"), french("Workstream")} <= headings
    assert header(task_sheets(book)[0])[2] == french("Step")


def test_text_in_the_workbook_stays_text(malawi: Exported) -> None:
    change = TaskChange(lead="=HYPERLINK(1)")
    update_task(session=malawi.session, ref="MWI-4.1", expected_version=3, change=change, by="x")
    malawi.tasks = plan_tasks(session=malawi.session, plan=malawi.plan)
    book = openpyxl.load_workbook(io.BytesIO(malawi.workbook()))
    for sheet in book.worksheets:
        for row in sheet.iter_rows():
            assert all(c.data_type != "f" for c in row), sheet.title


def _program(name: str) -> str:
    found = shutil.which(name)
    if found is None:
        message = f"{name} is needed to print the workbook (Debian packages installed by .ci/run)"
        if os.environ.get("CI") == "true":
            pytest.fail(message)
        pytest.skip(message)
    return found


def printed_whole(title: str, printed: list[str], gap: int = 12) -> bool:
    """Whether every word of `title` was printed, in order. A wrapped cell's lines come out of `pdftotext`
    with the neighbouring cells' words between them, so up to `gap` other words may come between two of
    its words; a title cut at the column's edge misses its last words. A word wrapped at its hyphen
    ("inter-" / "agency") comes out joined ("interagency"): hyphens are not compared."""
    wanted = [w.replace("-", "") for w in title.split()]
    printed = [w.replace("-", "") for w in printed]
    for start in (i for i, word in enumerate(printed) if word == wanted[0]):
        at, found = start, 1
        while found < len(wanted):
            window = printed[at + 1 : at + 2 + gap]
            if wanted[found] not in window:
                break
            at += 1 + window.index(wanted[found])
            found += 1
        if found == len(wanted):
            return True
    return False


def test_the_printed_workbook_shows_every_date_and_whole_titles(malawi: Exported, tmp_path: Path) -> None:
    soffice, pdftotext = _program("soffice"), _program("pdftotext")
    book = tmp_path / "mwi.xlsx"
    book.write_bytes(malawi.workbook())
    profile = f"-env:UserInstallation=file://{tmp_path / 'lo-profile'}"
    command = [soffice, profile, "--headless", "--convert-to", "pdf", "--outdir", str(tmp_path), str(book)]
    subprocess.run(command, check=True, capture_output=True, timeout=120)
    text = subprocess.run(
        [pdftotext, str(tmp_path / "mwi.pdf"), "-"], check=True, capture_output=True, text=True
    ).stdout
    assert "###" not in text
    flat, words = " ".join(text.split()), text.split()
    for task in malawi.tasks:
        assert printed_whole(task.title, words), task.title
    assert "D Common Premises (where feasible)" in flat
    assert "2027-01-15" in flat or re.search(r"\b2027-\d\d-\d\d\b", flat)
    assert "not_started" not in flat and "TRUE" not in flat and "FALSE" not in flat


def test_the_csv_opens_with_words_accents_and_identifiers_kept_as_text(
    malawi: Exported, content: Content, tmp_path: Path
) -> None:
    now = dt.datetime(2027, 3, 1, tzinfo=dt.UTC)
    data = exports.plan_file("csv", malawi.plan, malawi.tasks, content.framework, now)
    assert data.startswith(b"\xef\xbb\xbf")  # the BOM Excel needs to read UTF-8
    path = tmp_path / "mwi.csv"
    path.write_bytes(data)
    frame = pd.read_csv(path)  # what a person does: no dtype, no encoding given
    assert list(frame.columns)[:4] == ["ref", "workstreams", "step", "action"]
    for name in ("ref", "action", "depends_on", "lead", "status", "critical"):
        assert not pd.api.types.is_numeric_dtype(frame[name]) and all(
            isinstance(v, str) for v in frame[name].dropna()
        ), name
    rows = frame.set_index("ref")
    assert rows.loc["MWI-9.1", "action"] == "Action 9.1"
    assert rows.loc["MWI-9.1", "status"] == "Completed" and rows.loc["MWI-4.1", "status"] == "In progress"
    assert set(frame["critical"]) <= {"Yes", "No"}
    assert rows.loc["MWI-4.1", "lead"] == LEAD and CONTRIBUTOR in rows.loc["MWI-4.1", "contributors"]
    assert rows.loc["MWI-9.1", "workstreams"].startswith("A UN Programme; B Common Services and")
    depends = list(frame["depends_on"].dropna())
    assert depends and all(ref.startswith("MWI-") for d in depends for ref in d.split("; "))
    assert rows.loc["MWI-9.1", "due"] == next(t.due for t in malawi.tasks if t.key == "9.1").isoformat()


def test_the_csv_gives_the_codes_when_asked(malawi: Exported) -> None:
    text = exports.to_csv(malawi.plan, malawi.tasks, malawi.names, codes=True)
    frame = pd.read_csv(io.StringIO(text), dtype=str, keep_default_na=False)
    rows = frame.set_index("ref")
    assert rows.loc["MWI-9.1", "status"] == "completed" and rows.loc["MWI-9.1", "action"] == "9.1"
    assert rows.loc["MWI-9.1", "workstreams"] == "A; B; C; D; E; F; G"
    assert set(frame["critical"]) <= {"True", "False"}
