"""A country's plan in the browser: tasks by step and workstream, inline status change (conflicts shown, not
overwritten), the timeline with its critical path, history, exports, flows and sign-off, the portfolio."""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
import xml.dom.minidom

import pytest
from fastapi.testclient import TestClient
from sqlmodel import select

from cer.content import Content
from cer.db.tables import FlowRunLinkRow, PlanRow, StepSignOffRow, TaskEventRow, TaskRow
from cer.services.workflow import open_step
from tests.web.conftest import db_session, seed_plan

HX = {"HX-Request": "true"}


def tasks_of(client: TestClient, country: str) -> list[TaskRow]:
    with db_session(client) as session:
        plan = session.exec(select(PlanRow).where(PlanRow.country_code == country)).one()
        return list(
            session.exec(select(TaskRow).where(TaskRow.plan_id == plan.id).order_by(TaskRow.id)).all()
        )


def test_the_plan_lists_every_task_by_step_with_owner_dates_and_status(
    site: TestClient, content: Content
) -> None:
    code = seed_plan(site, content)
    html = site.get(f"/countries/{code}").text
    tasks = tasks_of(site, code)
    for t in tasks:
        row = re.search(rf'<tr id="t-{t.id}".*?</tr>', html, re.S)
        assert row, t.key
        assert t.lead in row.group(0) and str(t.due) in row.group(0)
        assert t.status.replace("_", " ") in row.group(0)
    headings = re.findall(r'<h2 id="g-(\d)">', html)
    assert headings == sorted(headings) and set(headings) == {str(t.step) for t in tasks}
    by_ws = site.get(f"/countries/{code}?group=workstream&workstream=A").text
    assert {t.id for t in tasks if t.workstream == "A"} == {
        int(i) for i in re.findall(r'<tr id="t-(\d+)"', by_ws)
    }
    assert site.get(f"/countries/{code}?status=nonsense").status_code == 422


def test_inline_status_change_with_htmx_then_a_stale_change_is_refused_and_shown(
    any_site: TestClient, content: Content
) -> None:
    site = any_site
    code = seed_plan(site, content)
    task = tasks_of(site, code)[0]
    url = f"/countries/{code}/tasks/{task.id}"
    editor = site.get(url + "/edit", headers=HX)
    assert editor.text.lstrip().startswith("<tr") and 'name="version" value="1"' in editor.text
    done = site.post(
        url,
        data={"version": "1", "status": "in_progress", "comment": "kick-off held"},
        headers=HX,
    )
    assert done.status_code == 200 and "<html" not in done.text
    assert "in progress" in done.text and "Saved." in done.text
    # Someone else still had version 1 open: refused, the current state shown, their words kept.
    stale = site.post(
        url,
        data={"version": "1", "status": "blocked", "comment": "waiting for the MoU"},
        headers=HX,
    )
    assert stale.status_code == 409
    assert "changed since version 1" in stale.text and "waiting for the MoU" in stale.text
    assert 'name="version" value="2"' in stale.text  # the form now carries the current version
    with db_session(site) as session:
        now = session.get(TaskRow, task.id)
        events = session.exec(select(TaskEventRow).where(TaskEventRow.task_id == task.id)).all()
    assert now is not None and now.status == "in_progress" and now.version == 2
    assert [(e.field, e.by) for e in events] == [("status", "tester")] and events[
        0
    ].comment == "kick-off held"


def test_a_status_change_without_javascript_redirects_and_errors_keep_the_comment(
    site: TestClient, content: Content
) -> None:
    code = seed_plan(site, content)
    task = tasks_of(site, code)[0]
    url = f"/countries/{code}/tasks/{task.id}"
    ok = site.post(url, data={"version": "1", "status": "in_progress"}, follow_redirects=False)
    assert ok.status_code == 303 and ok.headers["location"].endswith(f"#t-{task.id}")
    assert "was changed" in site.get(ok.headers["location"]).text
    # in progress → not started is not allowed; blocked needs a reason: each refused with the words kept.
    bad = site.post(url, data={"version": "2", "status": "not_started", "comment": "oops <b>x</b>"})
    assert bad.status_code == 422 and "cannot become not_started" in bad.text
    assert "oops &lt;b&gt;x&lt;/b&gt;" in bad.text and 'aria-invalid="true"' in bad.text
    assert site.post(url, data={"version": "2", "status": "blocked"}).status_code == 422
    page = site.get(url).text
    assert "History" in page and "status: not started → in progress" in page  # in words (issue 19)


def test_the_timeline_draws_every_task_and_the_critical_path(site: TestClient, content: Content) -> None:
    code = seed_plan(site, content)
    tasks = [t for t in tasks_of(site, code) if t.status != "dropped"]
    svg = site.get(f"/countries/{code}/timeline.svg")
    assert svg.headers["content-type"].startswith("image/svg+xml")
    doc = xml.dom.minidom.parseString(svg.text)  # well-formed
    bars = doc.getElementsByTagName("rect")
    assert len([b for b in bars if b.getAttribute("height") == "12"]) == len(tasks)
    critical = [t for t in tasks if t.critical]
    assert critical and svg.text.count('class="bar critical"') == len(critical)
    assert svg.text.count("marker-end") == sum(len(t.depends_on) for t in tasks)
    page = site.get(f"/countries/{code}/timeline").text
    assert "<svg" in page and all(f"/countries/{code}/tasks/{t.id}" in page for t in critical)


def test_history_and_exports(site: TestClient, content: Content) -> None:
    code = seed_plan(site, content)
    task = tasks_of(site, code)[0]
    site.post(f"/countries/{code}/tasks/{task.id}", data={"version": "1", "comment": "=HYPERLINK(1)"})
    history = site.get(f"/countries/{code}/history").text
    assert "=HYPERLINK(1)" in history and "tester" in history and "1 change in all" in history
    exported = site.get(f"/countries/{code}/export.csv")
    assert 'filename="cer-mwi-plan-' in exported.headers["content-disposition"]
    rows = list(csv.reader(io.StringIO(exported.text)))
    assert len(rows) == 1 + len(tasks_of(site, code))
    assert site.get(f"/countries/{code}/export.xlsx").content[:2] == b"PK"
    assert "BEGIN:VCALENDAR" in site.get(f"/countries/{code}/export.ics").text
    assert site.get(f"/countries/{code}/export.pdf").status_code == 404
    assert "<h1" in site.get(f"/countries/{code}/report.html").text


def test_flow_forms_are_typed_and_refuse_bad_parameters_before_any_run(
    site: TestClient, content: Content
) -> None:
    code = seed_plan(site, content)
    page = site.get(f"/countries/{code}/flows").text
    with db_session(site) as session:
        plan = session.exec(select(PlanRow)).one()
    selected = plan.selected
    for ws in selected:
        assert f'action="/countries/{code}/flows/{ws}"' in page
    assert "E" in selected
    assert 'name="funding_sources" value="one_fund"' in page and 'type="number"' in page
    bad = site.post(
        f"/countries/{code}/flows/E", data={"funding_target_usd": "-5", "funding_sources": "gold"}
    )
    assert bad.status_code == 422
    assert re.search(r'id="e-p-E-funding_target_usd">Enter 0 or more\.<', bad.text)
    assert 'id="e-p-E-funding_sources"' in bad.text
    assert 'value="-5"' in bad.text  # what was typed is still there
    with db_session(site) as session:
        assert session.exec(select(FlowRunLinkRow)).first() is None


@pytest.mark.usefixtures("no_prefect")
def test_signing_off_a_step_with_open_tasks_needs_a_note(site: TestClient, content: Content) -> None:
    code = seed_plan(site, content, "somalia")  # Somalia's plan has step 1 work in workstream A
    with db_session(site) as session:
        plan = session.exec(select(PlanRow)).one()
        assert open_step(session=session, plan_id=plan.id or 0, code="A", step=1) > 0
        session.commit()
    page = site.get(f"/countries/{code}/flows").text
    assert "Sign off step 1" in page
    refused = site.post(f"/countries/{code}/signoffs", data={"workstream": "A", "step": "1"})
    assert refused.status_code == 422 and 'id="e-A-1"' in refused.text
    signed = site.post(
        f"/countries/{code}/signoffs",
        data={"workstream": "A", "step": "1", "note": "the rest carries on in step 2"},
        follow_redirects=False,
    )
    assert signed.status_code == 303 and signed.headers["location"] == f"/countries/{code}/flows#ws-A"
    after = site.get(signed.headers["location"]).text
    assert "Step A-1 signed off." in after  # the notice, held for this browser
    assert "signed off by tester" in after and "resumes when monitor-plans next runs" in after
    with db_session(site) as session:
        row = session.exec(select(StepSignOffRow)).one()
    assert row.signed_by == "tester" and row.open_tasks


def test_the_portfolio_shows_every_country_a_chart_and_links_to_reports(
    site: TestClient, content: Content
) -> None:
    codes = [seed_plan(site, content, example) for example in ("malawi", "somalia")]
    html = site.get("/portfolio").text
    for code in codes:
        assert f'href="/countries/{code}"' in html
    assert html.count("<svg") == 1 and 'href="/portfolio/report.html"' in html
    assert '<table class="grid">' in html
    assert site.get("/portfolio/report.md").headers["content-type"].startswith("text/markdown")
    countries = site.get("/countries").text
    assert all(f'href="/countries/{code}"' in countries for code in codes)


def test_unknown_countries_and_tasks_are_404_pages_and_pages_have_fragments(
    site: TestClient, content: Content
) -> None:
    code = seed_plan(site, content)
    other = seed_plan(site, content, "somalia")
    foreign = tasks_of(site, other)[0]
    for url in ("/countries/XXX", f"/countries/{code}/tasks/999999", f"/countries/{code}/tasks/{foreign.id}"):
        page = site.get(url)
        assert page.status_code == 404 and "<html" in page.text, url
    fragment = site.get(f"/countries/{code}", headers=HX).text
    assert "<html" not in fragment and "<h1>" in fragment and '<nav aria-label="This plan"' in fragment


@pytest.mark.usefixtures("no_prefect")
def test_starting_a_flow_without_a_prefect_server_says_so_and_keeps_the_form(
    site: TestClient, content: Content
) -> None:
    code = seed_plan(site, content)
    page = site.post(f"/countries/{code}/flows/E", data={"funding_target_usd": "250000"})
    assert page.status_code == 422 and "no Prefect server answers" in page.text
    assert 'value="250000"' in page.text
    with db_session(site) as session:
        assert session.exec(select(FlowRunLinkRow)).first() is None


def test_the_plan_is_narrowed_by_lead_assignee_and_lateness_from_the_address(
    site: TestClient, content: Content
) -> None:
    code = seed_plan(site, content)
    tasks = tasks_of(site, code)
    lead = sorted({t.lead for t in tasks})[0]
    with db_session(site) as session:
        late = session.get(TaskRow, tasks[-1].id)
        assert late is not None
        late.start, late.due, late.assignee = dt.date(2026, 1, 5), dt.date(2026, 2, 6), "tester"
        session.add(late)
        session.commit()
        late_id, late_lead = str(late.id), late.lead

    def shown(**query: str) -> set[str]:
        page = site.get(f"/countries/{code}", params=query).text
        return set(re.findall(r'id="t-(\d+)"', page))

    everything = shown()
    assert len(everything) == len(tasks)
    assert shown(lead=lead) == {str(t.id) for t in tasks if t.lead == lead} < everything
    assert shown(assignee="tester") == {late_id} == shown(overdue="true")
    assert shown(lead=lead, overdue="true") == ({late_id} if late_lead == lead else set())
    page = site.get(f"/countries/{code}", params={"overdue": "true"}).text
    assert 'name="overdue" value="true" checked' in page  # the form shows the filter it applied


def test_the_timeline_goes_by_month_or_by_quarter(site: TestClient, content: Content) -> None:
    code = seed_plan(site, content)
    by_month = site.get(f"/countries/{code}/timeline").text
    by_quarter = site.get(f"/countries/{code}/timeline", params={"zoom": "quarter"}).text
    assert re.search(r">Jan 20\d\d<", by_month) and not re.search(r">Q\d 20\d\d<", by_month)
    assert re.search(r">Q1 20\d\d<", by_quarter) and not re.search(r">[A-Z][a-z]{2} 20\d\d<", by_quarter)
    width = [int(re.search(r'class="gantt" width="(\d+)"', page).group(1)) for page in (by_month, by_quarter)]  # type: ignore[union-attr]
    assert width[1] < width[0]  # the same plan, a third as wide
    assert 'class="dated-list"' in by_quarter
    assert site.get(f"/countries/{code}/timeline", params={"zoom": "week"}).status_code == 422
