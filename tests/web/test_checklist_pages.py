"""The toolkit's "Checklist by main activity and step" (issue 18, part 6): steps 1–9 and each main action with
boxes to tick, for anyone; per country, each task ticked as far as it has gone, for readers of its plan."""

from __future__ import annotations

import base64
import hashlib
import re

from fastapi.testclient import TestClient
from sqlmodel import select

from cer.content import Content
from cer.db.tables import TaskRow
from tests.factories import advance
from tests.web.conftest import add_user, db_session, seed_plan, sign_in
from workstreams.status import TaskStatus


def item(html: str, element_id: str) -> str:
    """The list item with `element_id`, up to the next main action."""
    found = re.search(rf'<li id="{re.escape(element_id)}".*?(?=<li id="action-|</section>)', html, re.S)
    assert found, element_id
    return found[0]


def test_the_generic_checklist_lists_every_step_and_main_action_with_boxes_for_anyone(
    public_site: TestClient, content: Content
) -> None:
    page = public_site.get("/checklist")
    assert page.status_code == 200 and "<h1>Checklist by main activity and step</h1>" in page.text
    html = page.text
    for step in content.framework.steps:
        assert f'<h2 id="step-{step.number}">Step {step.number} · ' in html
        for action in step.actions:
            line = item(html, f"action-{action.id}")
            assert (
                '<span class="mark" aria-hidden="true">☐</span>' in line
                and f"<strong>{action.id}</strong>" in line
            )
            assert line.count("☐") == 1 + len(action.sub_activities)  # the action and each sub-activity
    assert "✓" not in html.split("<main")[1].split("</p>", 1)[1]  # nothing is ticked
    assert 'href="/checklist" aria-current="page"' in html  # linked from every page, here the current one
    assert 'href="/checklist"' in public_site.get("/").text


def test_the_checklist_prints_with_its_own_stylesheet_allowed_by_its_hash_alone(
    public_site: TestClient,
) -> None:
    page = public_site.get("/checklist")
    css = re.search(r"<style>(.*?)</style>", page.text, re.S)
    assert css and "@page { size: A4;" in css[1] and "@media print { header, footer" in css[1]
    assert ".status-dropped { text-decoration: line-through;" in css[1]  # a dropped task is struck through
    digest = base64.b64encode(hashlib.sha256(css[1].encode()).digest()).decode()
    policy = page.headers["content-security-policy"]
    assert f"style-src 'self' 'sha256-{digest}';" in policy and "unsafe-inline" not in policy


def test_a_country_checklist_ticks_each_task_as_far_as_it_has_gone(
    public_site: TestClient, content: Content
) -> None:
    site = public_site
    code = seed_plan(site, content)
    with db_session(site) as session:
        tasks = {t.key: t for t in session.exec(select(TaskRow)).all()}
        done, going, dropped = sorted(k for k in tasks if "/" not in k)[:3]
        advance(session, f"{code}-{done}", TaskStatus.in_progress, TaskStatus.completed)
        advance(session, f"{code}-{going}", TaskStatus.in_progress)
        row = session.exec(select(TaskRow).where(TaskRow.key == dropped)).one()
        row.status, row.status_reason = "dropped", "not needed"
        session.add(row)
        session.commit()
    anonymous = site.get(f"/countries/{code}/checklist", follow_redirects=False)
    assert anonymous.status_code == 303 and anonymous.headers["location"].startswith("/login?next=")
    add_user(site, "vera", "viewer", code)
    assert sign_in(site, "vera").status_code == 303
    html = site.get(f"/countries/{code}/checklist").text
    assert f'href="/countries/{code}/checklist" aria-current="page"' in html  # the plan's own sections

    def tick(key: str) -> str:
        mark = r'<li class="task status-(\w+)"><span class="mark">(.)</span> <a href="[^"]+">'
        found = re.search(mark + rf"{code}-{re.escape(key)}</a>", html)
        assert found, key
        return found[1] + " " + found[2]

    assert tick(done) == "completed ✓" and tick(going) == "in_progress ◐" and tick(dropped) == "dropped ☐"
    untouched = next(k for k in sorted(tasks) if k not in (done, going, dropped))
    assert tick(untouched) == "not_started ☐"
    assert "not in this plan" in html  # the main actions the country's diagnosis left out
    add_user(site, "olga", "viewer", "SOM")
    assert sign_in(site, "olga").status_code == 303
    other = site.get(f"/countries/{code}/checklist")
    assert other.status_code == 403 and "role" in other.text
