"""Planning a task on the website and through the API (issue 16, item 4): lead from the agency list or a
group's name, contributors, assignee, dates that carry dependants along, dependencies without cycles, a note,
a progress note, a status dated in the past; refused input is shown in words beside what was typed."""

from __future__ import annotations

import datetime as dt
import re

from fastapi.testclient import TestClient
from sqlmodel import select

from cer.content import Content
from cer.db.tables import TaskRow
from cer.services.agencies import sync_agencies
from tests.web.conftest import add_user, db_session, seed_plan

TODAY = dt.date.today()


def a_task_with_dependants(client: TestClient) -> tuple[TaskRow, list[TaskRow]]:
    with db_session(client) as session:
        tasks = list(session.exec(select(TaskRow).order_by(TaskRow.id)).all())
    found = {t.key: [d for d in tasks if t.key in d.depends_on] for t in tasks}
    task = min((t for t in tasks if found[t.key]), key=lambda t: (t.start, t.key))
    return task, found[task.key]


def form_of(task: TaskRow, **changes: object) -> dict[str, object]:
    """What the task page's planning form sends when the person changes `changes`."""
    return {
        "version": task.version, "lead": task.lead, "others": ", ".join(task.contributors),
        "assignee": task.assignee or "", "start": task.start.isoformat(), "due": task.due.isoformat(),
        "depends_on": task.depends_on, "note": task.note, "progress": "", "progress_on": "",
    } | changes  # fmt: skip


def test_the_planning_form_changes_lead_and_due_and_the_page_names_the_tasks_that_moved(
    site: TestClient, content: Content
) -> None:
    code = seed_plan(site, content)
    with db_session(site) as session:  # as `cer db upgrade` does
        sync_agencies(session=session, questionnaire=content.questionnaire)
    add_user(site, "amina", "member", code)
    task, dependants = a_task_with_dependants(site)
    page = site.get(f"/countries/{code}/tasks/{task.id}").text
    assert 'id="agency-list"' in page and '<option value="WFP">' in page  # the agency picker
    assert '<option value="amina">' in page  # people with a role in the country
    due = task.due + dt.timedelta(days=400)
    answer = site.post(
        f"/countries/{code}/tasks/{task.id}/plan",
        data=form_of(
            task, lead="OMT", due=due.isoformat(), assignee="amina", agencies=["WFP"], others="Government"
        ),
    )
    assert answer.status_code == 200, answer.text
    assert "Saved." in answer.text and "Moved to follow it:" in answer.text
    for d in dependants:
        assert f"{code}-{d.key}" in answer.text
    with db_session(site) as session:
        now = session.get(TaskRow, task.id)
        after = [session.get(TaskRow, d.id) for d in dependants]
    assert now is not None and (now.lead, now.due, now.assignee) == ("OMT", due, "amina")
    assert now.contributors == ["WFP", "Government"]
    assert all(d is not None and d.start > due for d in after)


def test_a_cycle_or_a_stale_version_is_refused_in_words_and_what_was_typed_is_kept(
    site: TestClient, content: Content
) -> None:
    code = seed_plan(site, content)
    task, dependants = a_task_with_dependants(site)
    url = f"/countries/{code}/tasks/{task.id}/plan"
    loop = site.post(url, data=form_of(task, depends_on=[dependants[0].key], note="our words stay"))
    assert loop.status_code == 422
    assert (
        f"would make a cycle: {code}-{task.key} → {code}-{dependants[0].key} → {code}-{task.key}" in loop.text
    )
    assert "our words stay" in loop.text
    site.post(url, data=form_of(task, note="first"))
    stale = site.post(url, data=form_of(task, note="second"))
    assert stale.status_code == 409 and "changed since version 1" in stale.text and "second" in stale.text


def test_a_backdated_completion_and_a_progress_note_show_on_the_page_and_in_the_report(
    site: TestClient, content: Content
) -> None:
    code = seed_plan(site, content)
    task, _ = a_task_with_dependants(site)
    url = f"/countries/{code}/tasks/{task.id}"
    site.post(url, data={"version": "1", "status": "in_progress"})
    march = TODAY - dt.timedelta(days=10)
    future = site.post(
        url, data={"version": "2", "status": "completed", "as_of": (TODAY + dt.timedelta(1)).isoformat()}
    )
    assert future.status_code == 422 and "is in the future" in future.text
    site.post(url, data={"version": "2", "status": "completed", "as_of": march.isoformat()})
    with db_session(site) as session:
        now = session.get(TaskRow, task.id)
    assert now is not None
    site.post(url + "/plan", data=form_of(now, progress="Concept note agreed by the UNCT"))
    page = site.get(url).text
    assert f'as of <time datetime="{march.isoformat()}">' in page
    assert "Concept note agreed by the UNCT" in page
    report = site.get(f"/countries/{code}/report.html")
    assert report.status_code == 200, report.status_code
    march_words, today_words = (f"{d.day} {d:%B %Y}" for d in (march, TODAY))  # dates in words
    row = re.search(rf">{code}-{re.escape(task.key)}</span>.*?</tr>", report.text, re.S)
    assert row, report.text
    assert f"{today_words}: Concept note agreed" in row[0] and f"completed on {march_words}" in row[0]


def test_the_api_changes_assignee_dependencies_and_dates_and_names_what_moved(
    site: TestClient, content: Content
) -> None:
    code = seed_plan(site, content)
    add_user(site, "amina", "member", code)
    task, dependants = a_task_with_dependants(site)
    ref = f"{code}-{task.key}"
    due = task.due + dt.timedelta(days=400)
    changed = site.patch(
        f"/api/tasks/{ref}",
        json={"version": 1, "due": due.isoformat(), "assignee": "amina", "note": "with OMT"},
    )
    assert changed.status_code == 200, changed.text
    body = changed.json()
    assert (body["assignee"], body["note"], body["due"]) == ("amina", "with OMT", due.isoformat())
    assert {f"{code}-{d.key}" for d in dependants} <= set(body["moved"]) and body["conflicts"] == []
    loop = site.patch(f"/api/tasks/{ref}", json={"version": 2, "depends_on": [f"{code}-{dependants[0].key}"]})
    assert loop.status_code == 422 and "would make a cycle" in loop.json()["errors"][0]["message"]
    off = site.patch(f"/api/plans/{code}", json={"follow_dependencies": False})
    assert off.status_code == 200 and off.json()["follow_dependencies"] is False
    back = site.patch(
        f"/api/tasks/{ref}", json={"version": 2, "due": (due + dt.timedelta(days=30)).isoformat()}
    )
    assert back.json()["moved"] == [] and back.json()["conflicts"]
