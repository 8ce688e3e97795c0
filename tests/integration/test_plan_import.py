"""Importing an action plan kept in Excel or CSV (issue 18), on SQLite and PostgreSQL: the shipped example in
the shape of seed 000, a Windows CSV with accents, a missing column, a duplicate reference, an impossible
date, control characters, and a re-import after edits (same tasks, updated, never copies)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from sqlmodel import Session, func, select

from cer.content import Content
from cer.db.tables import TaskEventRow, TaskRow
from cer.services.access import local_operator
from cer.services.plan_import import import_file
from cer.services.plans import create_plan
from cer.services.tasks import TaskChange, edit_task, get_task
from tests.factories import make_report
from workstreams.errors import InvalidFields, InvalidRequest

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "plans" / "malawi_action_plan.xlsx"
ME = local_operator("rco")
TODAY = dt.date(2027, 3, 15)


@pytest.fixture
def malawi(session: Session, content: Content) -> Session:
    report, answers = make_report(content, "malawi")
    create_plan(session=session, report=report, answer_set=answers, by="rco")
    return session


def load(session: Session, content: Content, data: bytes, name: str, dry: bool = False, **kw: object):  # type: ignore[no-untyped-def]
    return import_file(session=session, who=ME, framework=content.framework, country="MWI", data=data,
                       filename=name, today=TODAY, dry_run=dry, **kw)  # type: ignore[arg-type]  # fmt: skip


def _zip_bomb() -> bytes:
    """A few kB that unpack to 64 MB of sheet: refused before openpyxl reads it."""
    import io
    import zipfile

    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as book:
        book.writestr("xl/worksheets/sheet1.xml", b"<row/>" * (64 * 1024 * 1024 // 6 + 1))
    return out.getvalue()


def count(session: Session) -> int:
    return session.exec(select(func.count()).select_from(TaskRow)).one()


def test_the_shipped_example_is_checked_then_imported_and_a_second_import_changes_nothing(
    malawi: Session, content: Content
) -> None:
    before = count(malawi)
    checked, imported = load(malawi, content, EXAMPLE.read_bytes(), EXAMPLE.name, dry=True)
    assert not imported and checked.problems == [] and count(malawi) == before  # a dry run writes nothing
    assert checked.table.header_row == 4  # below a title, a subtitle and a blank row
    assert [p.row.ref for p in checked.planned] == ["1", "2", "2.1", "2.10", "3"]  # 2.10 is not 2.1
    assert checked.statuses == {"Ongoing": "in_progress", "Not started": "not_started",
                                "Delayed": "in_progress", "Done": "completed"}  # fmt: skip
    assert [p.what for p in checked.planned] == ["add", "add", "update", "add", "add"]

    checked, imported = load(malawi, content, EXAMPLE.read_bytes(), EXAMPLE.name)
    assert imported and count(malawi) == before + 4
    malawi.expire_all()
    stocktake = get_task(session=malawi, ref="MWI-B-2.4")  # the toolkit task the row names, in workstream B
    assert (stocktake.lead, stocktake.contributors, stocktake.status) == (
        "OMT",
        ["WFP", "UNHCR"],
        "in_progress",
    )
    assert stocktake.title != "Run the stocktake of common services"  # a toolkit task keeps its title…
    assert stocktake.note == "Run the stocktake of common services"  # …and the team's words become its note
    assert stocktake.progress_note == "Two agencies have still to send their data."
    fuel = get_task(session=malawi, ref=next(p.ref for p in checked.planned if p.row.ref == "2.10"))
    assert fuel.custom and fuel.lead == "OMT"  # written once for two rows (merged cells)
    assert (fuel.start, fuel.due) == (
        dt.date(2027, 5, 1),
        dt.date(2027, 9, 30),
    )  # "May 2027" → "September 2027"
    assert fuel.description.startswith("Common services and business operations.")  # its section heading
    group = get_task(session=malawi, ref=next(p.ref for p in checked.planned if p.row.ref == "3"))
    assert group.status == "completed" and group.status_on == TODAY
    messages = get_task(session=malawi, ref=next(p.ref for p in checked.planned if p.row.ref == "1"))
    assert messages.workstreams == ["C"] and "1.2 Validate with heads of agency" in messages.description
    events = malawi.exec(select(TaskEventRow).where(TaskEventRow.task_id == stocktake.id)).all()
    statuses = [(e.old, e.new) for e in events if e.field == "status"]
    assert statuses == [("not_started", "in_progress")] and all(
        e.comment == "imported from malawi_action_plan.xlsx" for e in events if e.field != "comment"
    )

    again, _ = load(malawi, content, EXAMPLE.read_bytes(), EXAMPLE.name)
    assert count(malawi) == before + 4 and {p.what for p in again.planned} == {"unchanged"}


def test_a_re_import_after_edits_updates_the_same_tasks(malawi: Session, content: Content) -> None:
    first, _ = load(malawi, content, EXAMPLE.read_bytes(), EXAMPLE.name)
    ref = next(p.ref for p in first.planned if p.row.ref == "2")
    edit_task(session=malawi, who=ME, task=ref, change=TaskChange(due=dt.date(2027, 7, 30), lead="UNFPA"))
    total = count(malawi)
    again, imported = load(malawi, content, EXAMPLE.read_bytes(), "malawi plan v2.xlsx")  # renamed: same rows
    assert imported and count(malawi) == total
    newsletter = next(p for p in again.planned if p.row.ref == "2")
    assert (newsletter.what, newsletter.ref, sorted(newsletter.changes)) == ("update", ref, ["due", "lead"])
    malawi.expire_all()
    task = get_task(session=malawi, ref=ref)
    assert (task.due, task.lead) == (dt.date(2027, 6, 30), "RCO")


def test_a_windows_csv_keeps_its_accents_and_its_numbers_as_text(malawi: Session, content: Content) -> None:
    text = ("Plan d'action;;;;\n\nN°;Action clé;Chef de file;Échéance;Statut\n"
            "1.10;Coordination générale des réunions;Bureau du coordonnateur résident;31/05/2027;"
            "En cours\n")  # fmt: skip
    checked, imported = load(malawi, content, text.encode("cp1252"), "plan.csv", workstream="B")
    assert imported and checked.problems == []
    task = get_task(session=malawi, ref=checked.planned[0].ref)
    assert (task.title, task.lead) == (
        "Coordination générale des réunions",
        "Bureau du coordonnateur résident",
    )
    assert (task.due, task.status, task.workstreams) == (dt.date(2027, 5, 31), "in_progress", ["B"])
    assert checked.planned[0].row.ref == "1.10"


@pytest.mark.parametrize(
    ("csv", "where", "says"),
    [
        ("Key action;Lead;Due\nRun the retreat;RCO;2027-05-31\n", "row 1", "reference number"),
        ("No.;Key action;Lead\n1;Run the retreat;RCO\n1;Hold the retreat;RCO\n", "row 3, column A (No.)",
         "1 appears again (first in row 2)"),
        ("No.;Key action;Lead;Due\n1;Run the retreat;RCO;2027-13-45\n", "row 2, column D (Due)",
         "'2027-13-45' is not a date"),
        ("No.;Key action;Lead;Due\n1;Run the retreat;RCO;31/02/2027\n", "row 2, column D (Due)",
         "not a date"),
        ("No.;Key action;Lead;Status\n1;Run the retreat;RCO;Maybe later\n", "row 2, column D (Status)",
         "'Maybe later' is not a status we know"),
        ("No.;Key action;Lead;Workstream\n1;Run the retreat;RCO;Z\n", "row 2, column D (Workstream)",
         "'Z' is not a workstream"),
        ("No.;Key action;Lead;Due\n1;Run the\x07retreat;RCO;2027-05-31\n", "row 2", "control characters"),
        ("No.;Key action;Lead\n1;Run the retreat;\n", "row 2", "no lead"),
        ("No.;Key action;Lead\n" + "9" * 61 + ";Run the retreat;RCO\n", "row 2, column A (No.)",
         "61 characters: a reference number has at most 60"),
    ],
)  # fmt: skip
def test_every_problem_is_named_by_row_and_column_and_nothing_is_imported(
    malawi: Session, content: Content, csv: str, where: str, says: str
) -> None:
    before = count(malawi)
    checked, _ = load(malawi, content, csv.encode(), "plan.csv", dry=True)
    assert any(str(p).startswith(where) and says in str(p) for p in checked.problems), checked.problems
    with pytest.raises(InvalidFields) as refused:
        load(malawi, content, csv.encode(), "plan.csv")
    assert "nothing was imported" in str(refused.value) and says in str(refused.value)
    assert count(malawi) == before


def test_files_that_are_not_plans_are_refused_in_words(malawi: Session, content: Content) -> None:
    for data, name, says in [
        (b"\x00\x01binary", "plan.csv", "NUL"),
        (b"PK\x03\x04 not really a zip", "plan.xlsx", "cannot be read as an Excel workbook"),
        (b"just one line\n", "plan.csv", "no header row"),
        (b"a,b,c\n", "plan.pdf", "import an .xlsx workbook or a .csv file"),
        (b"x" * (700 * 1024 + 1), "plan.csv", "limited to 700 kB"),
        (_zip_bomb(), "plan.xlsx", "unpacks to 64 MB"),
    ]:
        with pytest.raises(InvalidRequest, match=says):
            load(malawi, content, data, name, dry=True)


def test_a_column_can_be_mapped_by_letter_or_header_and_a_field_left_unread(
    malawi: Session, content: Content
) -> None:
    csv = b"Ref;What;Who;When\n7;Map the donors;UNDP;2027-06-30\n"
    checked, _ = load(malawi, content, csv, "plan.csv", dry=True,
                      mapping={"ref": "A", "title": "What", "lead": "3", "due": "When"})  # fmt: skip
    assert checked.problems == [] and checked.planned[0].row.due == dt.date(2027, 6, 30)
    unread, _ = load(malawi, content, csv, "plan.csv", dry=True,
                     mapping={"ref": "A", "title": "What", "lead": "3", "due": ""})  # fmt: skip
    assert unread.planned[0].row.due is None
    with pytest.raises(InvalidRequest, match="no column 'Q'"):
        load(malawi, content, csv, "plan.csv", dry=True, mapping={"due": "Q"})
