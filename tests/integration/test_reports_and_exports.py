"""Progress roll-ups, reports and exports, read back and compared with the plan."""

from __future__ import annotations

import csv
import datetime as dt
import io

import icalendar
import openpyxl
import pytest
from sqlmodel import Session

from cer.content import Content
from cer.services.plans import create_plan, get_plan, plan_tasks
from cer.services.progress import country_progress, portfolio_progress
from cer.services.reports import country_report, portfolio_report, record_portfolio_report, record_report
from cer.services.tasks import TaskChange, update_task
from cer.views import calendars, exports, reports
from cer.views.export_sheets import sheet_name
from tests.factories import advance, make_report
from workstreams.status import TaskStatus

TODAY = dt.date(2027, 3, 1)


@pytest.fixture
def two_plans(session: Session, content: Content) -> Session:
    for example in ("malawi", "viet_nam"):
        report, answers = make_report(content, example)
        create_plan(session=session, report=report, answer_set=answers, by="rco")
    advance(session, "MWI-9.1", TaskStatus.in_progress, TaskStatus.completed)
    advance(session, "MWI-4.1", TaskStatus.in_progress)
    return session


def test_progress_rolls_up_by_workstream_step_and_country(two_plans: Session) -> None:
    progress = country_progress(session=two_plans, country="MWI", today=TODAY)
    assert progress.overall.by_status["completed"] == 1 and progress.overall.by_status["in_progress"] == 1
    assert progress.overall.active == len(progress.tasks)
    # a shared task counts once for the country and its step, and once for each workstream it serves
    assert sum(p.active for p in progress.by_workstream.values()) == sum(
        len(t.workstreams) for t in progress.tasks
    )
    assert any(len(t.workstreams) > 1 for t in progress.tasks)
    assert sum(p.active for p in progress.by_step.values()) == progress.overall.active
    assert progress.by_workstream["A"].by_status["completed"] == 1
    assert {code: progress.by_workstream[code].by_status["completed"] for code in "BCG"} == {
        "B": 1,
        "C": 1,
        "G": 1,
    }
    open_late = [
        t for t in progress.tasks if t.due < TODAY and t.status in ("not_started", "in_progress", "blocked")
    ]
    assert sorted(t.key for t in progress.overdue) == sorted(t.key for t in open_late)
    assert "9.1" not in {t.key for t in progress.overdue}  # done work is never late
    portfolio = portfolio_progress(session=two_plans, today=TODAY)
    assert list(portfolio) == ["MWI", "VNM"]
    assert portfolio["MWI"].as_dict() == progress.overall.as_dict()


def test_the_country_report_shows_status_progress_overdue_and_changes(
    two_plans: Session, content: Content
) -> None:
    data = country_report(session=two_plans, country="MWI", today=TODAY)
    first = reports.render_country(data, content, "md")
    record_report(session=two_plans, report=data, by="rc", fmt="md")
    assert first.startswith(
        "# Progress report: Malawi (MWI)\n\n*Progress report to the Resident Coordinator*"
    )
    assert (
        "- **Country**: Malawi · Africa · Sub-Saharan Africa" in first and "- **Date**: 1 March 2027" in first
    )
    assert "First report for this plan." in first
    assert "| Key action | Lead and contributing | Progress | Status |" in first
    assert "| A UN Programme |" in first and "## Overdue (" in first
    assert "MWI-9.1" in first and "status: in progress → completed" in first
    update_task(
        session=two_plans, ref="MWI-4.1", expected_version=2, change=TaskChange(comment="OMT met"), by="omt"
    )
    second = country_report(session=two_plans, country="MWI", today=TODAY)
    assert [c.event.comment for c in second.changes] == ["OMT met"]  # only what happened since the first
    html = reports.render_country(second, content, "html")
    assert "<h1>Progress report: Malawi (MWI)</h1>" in html and "comment: “OMT met”" in html


def test_html_reports_escape_what_people_typed(two_plans: Session, content: Content) -> None:
    change = TaskChange(lead="<script>x</script>")
    update_task(session=two_plans, ref="MWI-4.1", expected_version=2, change=change, by="x")
    data = country_report(session=two_plans, country="MWI", today=TODAY)
    html = reports.render_country(data, content, "html")
    assert "<script>x</script>" not in html and "&lt;script&gt;" in html


def test_the_portfolio_report_lists_every_country_the_total_overdue_and_changes(
    two_plans: Session, content: Content
) -> None:
    first = portfolio_report(session=two_plans, today=TODAY)
    text = reports.render_portfolio(first, content, "md")
    assert (
        "| Malawi (MWI) | Africa |" in text and "| Viet Nam (VNM) | Asia |" in text and "| **All** |" in text
    )
    assert "## Progress by workstream, all countries" in text
    assert "| D Common Premises (where feasible) |" in text
    assert f"## Overdue ({first.overdue_total}" in text and first.overdue_total > 0
    assert all(t.due < TODAY and t.status in ("not_started", "in_progress") for _, t in first.overdue)
    assert [t.due for _, t in first.overdue] == sorted(t.due for _, t in first.overdue)  # most overdue first
    assert "status: in progress → completed" in text  # the changes made before the first report, in words
    record_portfolio_report(session=two_plans, report=first, by="hq", fmt="md")
    update_task(
        session=two_plans, ref="MWI-4.1", expected_version=2, change=TaskChange(comment="Met"), by="omt"
    )
    second = portfolio_report(session=two_plans, today=TODAY)
    assert [(c.country, c.event.comment) for c in second.changes] == [("MWI", "Met")]


def test_exports_read_back_match_the_plan(two_plans: Session, content: Content) -> None:
    plan = get_plan(session=two_plans, country="MWI")
    tasks = plan_tasks(session=two_plans, plan=plan)
    rows = list(csv.DictReader(io.StringIO(exports.to_csv(plan, tasks))))
    assert [r["ref"] for r in rows] == [f"MWI-{t.key}" for t in tasks]
    assert {r["ref"]: r["status"] for r in rows}["MWI-9.1"] == "Completed"  # in words (codes: --codes)
    assert rows[0]["due"] == tasks[0].due.isoformat()
    coded = list(csv.DictReader(io.StringIO(exports.to_csv(plan, tasks, codes=True))))
    assert {r["ref"]: r["status"] for r in coded}["MWI-9.1"] == "completed"

    names = {w.code: w.name for w in content.framework.workstreams}
    book = openpyxl.load_workbook(io.BytesIO(exports.to_xlsx(plan, tasks, names)))
    codes = sorted({w for t in tasks for w in t.workstreams})
    assert book.sheetnames == ["Summary", *(sheet_name(c, names[c]) for c in codes), "Legend"]
    b_rows = list(book["B Common Services"].iter_rows(values_only=True))
    assert b_rows[0][0] == "Reference"
    assert {r[0] for r in b_rows[1:]} == {f"MWI-{t.key}" for t in tasks if "B" in t.workstreams}
    assert "MWI-9.1" in {r[0] for r in b_rows[1:]}  # the shared task is on each of its workstreams' sheets
    assert {r["ref"]: r["workstreams"] for r in coded}["MWI-9.1"] == "A; B; C; D; E; F; G"

    calendar = icalendar.Calendar.from_ical(calendars.to_ics(plan, tasks))
    events = {str(e["UID"]): e for e in calendar.walk("VEVENT")}
    assert set(events) == {f"MWI-{t.key}@cer-toolkit" for t in tasks}
    a91 = events["MWI-9.1@cer-toolkit"]
    task = next(t for t in tasks if t.key == "9.1")
    assert a91["DTSTART"].dt == task.due and int(a91["SEQUENCE"]) == task.version
    assert str(a91["SUMMARY"]).startswith("Done: MWI-9.1 Assign roles & responsibilities")  # completed
    again = icalendar.Calendar.from_ical(
        calendars.plan_calendar("ics", plan, tasks, dt.datetime(2027, 2, 1, tzinfo=dt.UTC))
    )
    assert {str(e["UID"]) for e in again.walk("VEVENT")} == set(
        events
    )  # stable: calendars update, not duplicate


def test_people_s_words_cannot_break_the_markdown_or_smuggle_html(
    two_plans: Session, content: Content
) -> None:
    change = TaskChange(lead="OMT | UNDP <img onerror=x>", comment="first line\n| not a row")
    update_task(session=two_plans, ref="MWI-4.1", expected_version=2, change=change, by="x")
    md = reports.render_country(country_report(session=two_plans, country="MWI", today=TODAY), content, "md")
    row = next(line for line in md.splitlines() if line.startswith("| MWI-4.1 "))
    header = next(line for line in md.splitlines() if line.startswith("| Key action |"))
    assert row.count(" | ") == header.count(" | ")  # as many cells as the header, whatever the lead says
    assert " (B, G) | " in row  # the workstreams the shared task serves
    assert "OMT \\| UNDP &lt;img onerror=x&gt; (lead)" in row
    assert "comment: “first line \\| not a row”" in md


def test_exports_keep_text_as_text(two_plans: Session, content: Content) -> None:
    change = TaskChange(
        lead='=HYPERLINK("http://x","click")', contributors=["Office, Ministry; Planning", "Ünïcødé 🏢"]
    )
    update_task(session=two_plans, ref="MWI-4.1", expected_version=2, change=change, by="x")
    plan = get_plan(session=two_plans, country="MWI")
    tasks = plan_tasks(session=two_plans, plan=plan)
    row = next(r for r in csv.DictReader(io.StringIO(exports.to_csv(plan, tasks))) if r["ref"] == "MWI-4.1")
    assert (
        row["lead"]
        == '\'=HYPERLINK("http://x","click")'  # neutralized: a spreadsheet shows it, never runs it
        and row["contributors"] == "Office, Ministry; Planning; Ünïcødé 🏢"
    )
    names = {w.code: w.name for w in content.framework.workstreams}
    book = openpyxl.load_workbook(io.BytesIO(exports.to_xlsx(plan, tasks, names)))
    cell = next(r for r in book["B Common Services"].iter_rows() if r[0].value == "MWI-4.1")[5]
    assert cell.value == '=HYPERLINK("http://x","click")' and cell.data_type == "s"  # text, not a formula


def test_icalendar_lines_fold_at_75_octets_even_in_multibyte_text(two_plans: Session) -> None:
    change = TaskChange(lead="Ministère de l’Économie — équipe conjointe " * 2)
    update_task(session=two_plans, ref="MWI-4.1", expected_version=2, change=change, by="x")
    plan = get_plan(session=two_plans, country="MWI")
    text = calendars.to_ics(plan, plan_tasks(session=two_plans, plan=plan))
    lines = text.split("\r\n")
    assert max(len(line.encode()) for line in lines) <= 75
    assert any(line.startswith(" ") for line in lines)  # something was folded
    event = next(
        e for e in icalendar.Calendar.from_ical(text).walk("VEVENT") if str(e["UID"]).startswith("MWI-4.1")
    )
    assert "Ministère de l’Économie — équipe conjointe" in str(event["DESCRIPTION"])
