"""The country report a Resident Coordinator receives (issue 18, part 5): a cover, the summary written before
sending (a form: CSRF, saved per country, refused input named), highlights, overdue items, a status table per
key action in the shape country teams keep (action · lead and contributing · progress · status), the change
log in words, a language, and a print stylesheet."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

from fastapi.testclient import TestClient
from sqlmodel import select

from cer.content import Content
from cer.db.tables import ReportSummaryRow, TaskEventRow, TaskRow
from cer.services.reports import country_report
from cer.views import reports
from cer.views.report_words import Words
from cer.views.reports import TEMPLATES, _environment
from tests.factories import advance
from tests.web.conftest import add_user, csrf_of, db_session, seed_plan, sign_in
from tests.web.test_task_planning_pages import form_of
from workstreams.status import TaskStatus

SUMMARY = {"period": "January to March 2027", "prepared_by": "Amina Diallo, RCO", "action": "save"}
SUMMARY |= {"summary": "The UNCT agreed its vision.\n\nThe OMT started the business operations strategy."}


def in_words(day: dt.date) -> str:
    return f"{day.day} {day:%B %Y}"


def tasks_of(client: TestClient) -> list[TaskRow]:
    with db_session(client) as session:
        return list(session.exec(select(TaskRow).order_by(TaskRow.id)).all())


def stored(client: TestClient) -> list[ReportSummaryRow]:
    with db_session(client) as session:
        return list(session.exec(select(ReportSummaryRow)).all())


def status_rows(html: str) -> list[list[str]]:
    """The status table's rows (not its step rows), each as its cells' text."""
    table = re.search(r'<table class="status" id="status">.*?</table>', html, re.S)
    assert table, "no status table"
    rows = re.findall(r"<tr><td>(.*?)</td></tr>", table[0], re.S)
    return [[re.sub(r"<[^>]+>", "", cell) for cell in re.split(r"</td><td[^>]*>", row)] for row in rows]


def test_the_change_log_says_in_words_which_field_changed_from_what_to_what(
    any_site: TestClient, content: Content
) -> None:
    site = any_site
    code = seed_plan(site, content)
    task = tasks_of(site)[0]
    due = task.due + dt.timedelta(days=30)
    url = f"/countries/{code}/tasks/{task.id}/plan"
    assert (
        site.post(url, data=form_of(task, others="Programme groups", due=due.isoformat())).status_code == 200
    )
    again = form_of(tasks_of(site)[0], others="Programme groups, Government")
    assert site.post(url, data=again).status_code == 200
    for fmt in ("html", "md"):
        text = site.get(f"/countries/{code}/report.{fmt}").text
        assert "contributors: Programme groups → Programme groups, Government" in text, fmt
        assert f"due: {in_words(task.due)} → {in_words(due)}" in text, fmt
        changes = text.split("## Changes" if fmt == "md" else "<h2>Changes")[-1]
        assert "['" not in changes and "[]" not in changes and "_" not in changes, fmt


def test_the_summary_is_saved_with_the_form_s_csrf_token_and_the_next_reports_carry_it(
    any_site: TestClient, content: Content
) -> None:
    site = any_site
    code = seed_plan(site, content)
    form = site.get(f"/countries/{code}/report")
    assert form.status_code == 200 and 'name="summary"' in form.text and 'value="preview"' in form.text
    token = csrf_of(site, f"/countries/{code}/report")
    del site.headers["X-CSRF-Token"]
    refused = site.post(f"/countries/{code}/report", data=SUMMARY, follow_redirects=False)
    assert refused.status_code == 403 and "CSRF" in refused.text and stored(site) == []
    saved = site.post(
        f"/countries/{code}/report", data=SUMMARY | {"csrf_token": token}, follow_redirects=False
    )
    assert saved.status_code == 303 and saved.headers["location"] == f"/countries/{code}/report"
    [row] = stored(site)
    assert (row.country_code, row.period, row.prepared_by, row.updated_by) == (
        code, SUMMARY["period"], SUMMARY["prepared_by"], "tester"
    )  # fmt: skip
    assert "Saved by tester" in site.get(f"/countries/{code}/report").text
    html = site.get(f"/countries/{code}/report.html").text
    assert "<dd>January to March 2027</dd>" in html and "<dd>Amina Diallo, RCO</dd>" in html
    assert "<p>The UNCT agreed its vision.</p><p>The OMT started" in html  # paragraphs kept
    md = site.get(f"/countries/{code}/report.md").text
    assert "- **Reporting period**: January to March 2027" in md
    assert "The UNCT agreed its vision.\n\nThe OMT started" in md
    add_user(site, "vera", "viewer", code)
    assert sign_in(site, "vera").status_code == 303
    shown = site.get(f"/countries/{code}/report").text  # a viewer reads the summary, and cannot change it
    assert "January to March 2027" in shown and "The OMT started" in shown and 'name="summary"' not in shown


def test_a_preview_shows_the_report_with_the_typed_summary_and_keeps_nothing(
    site: TestClient, content: Content
) -> None:
    code = seed_plan(site, content)
    typed = SUMMARY | {"action": "preview", "summary": "Draft <b>words</b>"}
    preview = site.post(f"/countries/{code}/report", data=typed)
    assert preview.status_code == 200 and preview.headers["content-type"].startswith("text/html")
    assert (
        "Draft &lt;b&gt;words&lt;/b&gt;" in preview.text and "<dd>January to March 2027</dd>" in preview.text
    )
    assert preview.headers["content-security-policy"].startswith(
        "default-src 'none'; style-src 'unsafe-inline'"
    )
    assert stored(site) == []


def test_refused_summary_input_is_422_naming_the_field_and_keeps_what_was_typed(
    site: TestClient, content: Content
) -> None:
    code = seed_plan(site, content)
    url = f"/countries/{code}/report"
    long = site.post(url, data=SUMMARY | {"period": "x" * 121, "summary": "our words stay"})
    assert long.status_code == 422 and "period: Enter at most 120 characters." in long.text
    assert "our words stay" in long.text and 'aria-invalid="true"' in long.text
    two_lines = site.post(url, data=SUMMARY | {"prepared_by": "Amina\nDiallo"})
    assert two_lines.status_code == 422 and "prepared_by: Write this on one line." in two_lines.text
    too_much = site.post(url, data=SUMMARY | {"summary": "w" * 8001})
    assert too_much.status_code == 422 and "summary: Enter at most 8000 characters." in too_much.text
    nul = site.post(url, data=SUMMARY | {"summary": "a\x00b"})
    assert nul.status_code == 422 and "summary" in nul.text and "U+0000" in nul.text
    unknown = site.post(url, data=SUMMARY | {"action": "publish"})
    assert unknown.status_code == 422 and "action" in unknown.text
    assert stored(site) == []


def test_the_status_table_has_a_row_per_key_action_with_lead_contributing_progress_and_status(
    site: TestClient, content: Content
) -> None:
    code = seed_plan(site, content)
    tasks = tasks_of(site)
    first = tasks[0]
    url = f"/countries/{code}/tasks/{first.id}"
    assert site.post(url, data={"version": "1", "status": "in_progress"}).status_code == 200
    note = "Vision statement drafted with the Government"
    plan = form_of(tasks_of(site)[0], lead="OMT", others="UNDP, WFP", progress=note)
    assert site.post(url + "/plan", data=plan).status_code == 200
    html = site.get(f"/countries/{code}/report.html").text
    rows = status_rows(html)
    assert len(rows) == len(tasks) and all(len(cells) == 4 for cells in rows)
    steps = re.findall(r'<tr class="group"><th colspan="4" scope="colgroup">Step (\d)', html)
    assert steps == [str(n) for n in sorted({t.step for t in tasks})]  # one heading per step, in order
    [row] = [cells for cells in rows if cells[0].startswith(f"{code}-{first.key} ")]
    action, people, progress, status = row
    assert first.title.replace("&", "&amp;") in action
    assert people.strip() == "OMT (lead); contributing: UNDP, WFP"
    assert progress.strip() == f"{in_words(dt.date.today())}: {note}"
    assert status.strip() == f"in progress, due {in_words(first.due)}"
    assert (
        html.count("<th>Key action</th><th>Lead and contributing</th><th>Progress</th><th>Status</th>") == 1
    )


def test_the_report_has_a_cover_highlights_overdue_and_a_print_stylesheet(
    site: TestClient, content: Content
) -> None:
    code = seed_plan(site, content)
    done = tasks_of(site)[1]
    with db_session(site) as session:
        advance(session, f"{code}-{done.key}", TaskStatus.in_progress, TaskStatus.completed)
    html = site.get(f"/countries/{code}/report.html").text
    cover = html.split('<section class="page cover">')[1].split("</section>")[0]
    for label in ("Country", "Reporting period", "Prepared by", "Date"):
        assert f"<dt>{label}</dt>" in cover
    assert f"<dd>{in_words(dt.date.today())}</dd>" in cover
    highlights = html.split("<h2>Highlights")[1].split("</ul>")[0]
    assert f"{code}-{done.key}" in highlights and f"completed on {in_words(dt.date.today())}" in highlights
    for rule in (
        "@page { size: A4;",
        "thead { display: table-header-group; }",
        "section.page { break-before: page; }",
    ):
        assert rule in html
    assert re.search(r"@media print \{[^@]*nav, \.screen \{ display: none; \}", html)
    later = max(t.due for t in tasks_of(site)) + dt.timedelta(days=1)
    with db_session(site) as session:  # the report as it will read the day after the last task falls due
        late = reports.render_country(
            country_report(session=session, country=code, today=later), content, "html"
        )
    overdue = late.split("<h2>Overdue (")[1].split("</ul>")[0]
    assert overdue.split(")")[0] == str(len(tasks_of(site)) - 1)  # all but the completed one
    assert "· 1 days late</li>" in overdue and f"{code}-{done.key}" not in overdue


def test_the_report_is_written_in_the_language_asked(site: TestClient, content: Content) -> None:
    code = seed_plan(site, content)
    french = site.get(f"/countries/{code}/report.html", params={"lang": "fr"}).text
    months = ("janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août", "septembre", "octobre")
    assert '<html lang="fr">' in french and "<dt>Pays</dt>" in french
    assert any(month in french for month in (*months, "novembre", "décembre"))
    spanish = site.get(f"/countries/{code}/report.md", headers={"Accept-Language": "es"}).text
    assert " de 20" in spanish  # "1 de marzo de 2027"
    assert site.get(f"/countries/{code}/report.html", params={"lang": "de"}).status_code == 422


def test_the_markdown_report_asks_for_no_message_the_html_report_does_not() -> None:
    """Only the HTML template's messages are extracted for translators: the Markdown one uses the same."""
    env = _environment()

    def messages(name: str) -> set[str]:
        source = (Path(TEMPLATES) / "reports" / name).read_text()
        return {str(m) for _, _, m in env.extract_translations(source)}  # type: ignore[attr-defined]

    assert messages("country.md") <= messages("country.html")


def test_every_kind_of_change_reads_as_words_in_the_language_chosen() -> None:
    def event(field: str, old: object = None, new: object = None, **more: object) -> TaskEventRow:
        return TaskEventRow(task_id=1, by="x", field=field, old=old, new=new, **more)

    en, fr = Words("en"), Words("fr")
    assert en.change(event("contributors", ["Programme groups"], ["Programme groups", "Government"])) == (
        "contributors: Programme groups → Programme groups, Government"
    )
    assert en.change(event("contributors", [], ["UNDP"])) == "contributors: — → UNDP"
    assert en.change(event("assignee", None, "amina")) == "assigned to: — → amina"
    assert en.change(event("due", "2027-03-01", "2027-04-15")) == "due: 1 March 2027 → 15 April 2027"
    done = event("status", "in_progress", "completed", as_of=dt.date(2027, 2, 26), comment="signed")
    assert en.change(done) == "status: in progress → completed (as of 26 February 2027) — “signed”"
    replanned = event(
        "replanned", {"start": "2027-03-01", "critical": False}, {"start": "2027-03-08", "critical": False}
    )
    assert en.change(replanned) == "re-planned: start 1 March 2027 → start 8 March 2027"
    assert en.change(event("comment", comment="OMT met")) == "comment: “OMT met”"
    assert en.change(event("created", new="Our own task")) == "added to the plan: Our own task"
    assert fr.change(event("due", "2027-03-01", "2027-04-15")).endswith("1 mars 2027 → 15 avril 2027")
