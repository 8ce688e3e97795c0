"""Diagnose your needs in the browser: the questionnaire's pages, skip logic, drafts, errors by field, the
result with reasons and overrides, and creating the plan — all as forms posted without JavaScript, plus the
htmx fragments that make it live. (Going page by page, the progress, the section list and the review page:
tests/web/test_questionnaire_paging.py.)"""

from __future__ import annotations

import html
import re
from html import escape
from typing import Any

from fastapi.testclient import TestClient
from sqlmodel import func, select

from cer.content import Content
from cer.db.tables import DiagnosisDraftRow, DiagnosisRow, PlanRow, TaskRow
from tests.factories import make_answers
from tests.web.conftest import csrf_of, db_session, signed_in

HX = {"HX-Request": "true"}


def form(content: Content, **changes: Any) -> dict[str, Any]:
    """A complete, valid questionnaire as a browser posts it: every value text, ticked boxes as lists."""
    answers = make_answers(content, **changes)
    data: dict[str, Any] = {k: v if isinstance(v, list) else str(v) for k, v in answers.items()}
    return {"country": "MWI", **data}


def question_block(html: str, qid: str) -> str:
    match = re.search(rf'<div class="question[^"]*" id="q-{qid}"[^>]*>', html)
    assert match, f"no question {qid} on the page"
    return match.group(0)


def count(client: TestClient, table: type) -> int:
    with db_session(client) as session:
        return int(session.exec(select(func.count()).select_from(table)).one())


def test_the_form_has_every_question_with_its_label_and_input(site: TestClient, content: Content) -> None:
    for section in content.questionnaire.sections:  # a page each
        html = site.get(f"/diagnose?page={section.id}").text
        assert f'<h2 id="s-{section.id}">' in html
        for q in section.questions:
            assert f'name="{q.id}"' in html, q.id
            assert escape(q.label.en).replace("&#x27;", "&#39;").replace("&quot;", "&#34;") in html, q.id
    html = site.get("/diagnose").text
    # Without JavaScript every question is shown; a conditional one says when it applies.
    assert "hidden" not in question_block(html, "omt_chair_agency")
    assert "Asked only if" in html
    assert '<label for="country">Country</label>' in html


def test_skip_logic_is_applied_live_and_the_answer_is_a_fragment(site: TestClient) -> None:
    asked = site.post("/diagnose/check", data={"omt_exists": "yes"}, headers=HX)
    assert "<html" not in asked.text and "<h1>" in asked.text
    assert "hidden" not in question_block(asked.text, "omt_chair_agency")
    skipped = site.post("/diagnose/check", data={"omt_exists": "no"}, headers=HX).text
    assert "hidden" in question_block(skipped, "omt_chair_agency")
    # What was answered stays answered in the re-rendered form.
    assert re.search(r'name="omt_exists" value="no"[^>]*\schecked', skipped)


def test_a_draft_keeps_every_answer_even_a_wrong_one_and_shows_its_error(site: TestClient) -> None:
    data = {
        "country": "MWI",
        "resident_agencies": "lots",
        "uncg_exists": "yes",
        "action": "save",
    }
    saved = site.post("/diagnose", data=data, follow_redirects=False)
    assert saved.status_code == 303
    page = site.get(saved.headers["location"]).text
    assert "Your answers are saved." in page
    assert 'value="lots"' in page  # nothing typed is lost
    error = re.search(r'<p class="error" id="e-resident_agencies">([^<]+)</p>', page)
    assert error and "Enter a whole number" in error.group(1)
    assert 'aria-describedby="e-resident_agencies' in page
    assert re.search(r'name="uncg_exists" value="yes"[^>]*\schecked', page)
    assert count(site, DiagnosisDraftRow) == 1 and count(site, DiagnosisRow) == 0
    # Saving again updates the same draft.
    again = site.post(saved.headers["location"].split("?")[0], data={**data, "resident_agencies": "9"})
    assert again.url.path == saved.headers["location"].split("?")[0]  # the draft's page again
    assert again.status_code == 200 and 'value="9"' in again.text
    assert count(site, DiagnosisDraftRow) == 1


def test_diagnosing_incomplete_answers_names_each_problem_next_to_its_field(
    site: TestClient, content: Content
) -> None:
    data = form(content, resident_agencies=None, government_request=None) | {"action": "diagnose"}
    data["country"] = "Atlantis"
    page = site.post("/diagnose", data=data)
    assert page.status_code == 422  # the review page: each problem, a link to its page and question
    missing = re.search(r'<section aria-labelledby="missing-h".*?</section>', page.text, re.S)
    wrong = re.search(r'<section aria-labelledby="wrong-h".*?</section>', page.text, re.S)
    assert missing and "2 answers are missing" in missing.group(0)
    assert (
        wrong and "1 answer needs correcting" in wrong.group(0) and "not a country we know" in wrong.group(0)
    )
    question = content.questionnaire.questions["resident_agencies"]
    draft = re.search(r'action="(/diagnose/drafts/[\w-]+)"', page.text)
    assert draft, "the answers are a draft's now"
    link = re.search(
        rf'<a href="{draft.group(1)}\?page=context#resident_agencies">([^<]+)</a>', missing.group(0)
    )
    assert link and link.group(1) == html.escape(question.label.get("en"))  # its label, not its id
    assert f'href="{draft.group(1)}?page=context#government_request"' in missing.group(0)
    assert f'href="{draft.group(1)}?page=context#country"' in wrong.group(0)
    assert "saved as a draft" in page.text
    assert count(site, DiagnosisRow) == 0 and count(site, DiagnosisDraftRow) == 1


def test_diagnose_then_see_reasons_override_and_create_the_plan(site: TestClient, content: Content) -> None:
    answers = form(content, readiness="no")  # no step is ready: every action is needed
    done = site.post("/diagnose", data=answers | {"action": "diagnose"}, follow_redirects=False)
    assert done.status_code == 303 and done.headers["location"].startswith("/diagnoses/")
    result = site.get(done.headers["location"]).text
    decisions = re.findall(r'<div class="decision (selected|excluded)">', result)
    assert len(decisions) == len(content.framework.workstreams) and "selected" in decisions
    assert result.count('<ul class="reasons"><li>') >= len(decisions)  # every decision says why
    assert re.search(r"\d+ actions? needed", result)
    assert 'href="/tools/T' in result
    assert ">Create plan</button>" in result

    # An override needs a justification of a sentence: refused next to the field, nothing stored.
    url = done.headers["location"] + "/overrides"
    short = site.post(
        url, data={"target": "workstream", "id": "D", "decision": "exclude", "justification": "no"}
    )
    assert short.status_code == 422 and 'id="e-o-justification"' in short.text
    assert count(site, DiagnosisRow) == 1
    why = "Common premises wait for the new government compound."
    overridden = site.post(
        url,
        data={"target": "workstream", "id": "d", "decision": "exclude", "justification": why},
        follow_redirects=False,
    )
    assert overridden.status_code == 303
    page = site.get(overridden.headers["location"]).text
    assert why in page and "D Common Premises" in page
    d_block = re.search(r'<div class="decision (\w+)">\s*<h3><a href="/workstreams/D">', page)
    assert d_block and d_block.group(1) == "excluded"

    made = site.post(overridden.headers["location"].split("#")[0] + "/plan", data={"start": "2027-01-15"})
    assert made.status_code == 200 and made.url.path == "/countries/MWI"
    with db_session(site) as session:
        plan = session.exec(select(PlanRow)).one()
        tasks = session.exec(select(TaskRow).where(TaskRow.plan_id == plan.id)).all()
    assert plan.start.isoformat() >= "2027-01-15" and plan.created_by == "tester"
    assert tasks and all(t.workstream != "D" for t in tasks)
    assert all(f"/countries/MWI/tasks/{t.id}" in made.text for t in tasks)


def test_hostile_text_comes_back_escaped(site: TestClient, content: Content) -> None:
    hostile = '<script>alert("x")</script>'
    text_question = next(q.id for q in content.questionnaire.questions.values() if q.type.value == "text")
    saved = site.post("/diagnose", data={"country": "MWI", text_question: hostile, "action": "save"})
    assert saved.status_code == 200
    assert hostile not in saved.text and "&lt;script&gt;" in saved.text
    drafts = site.get("/diagnose/drafts").text
    assert "tester" in drafts and "/diagnose/drafts/" in drafts


def test_unknown_drafts_and_diagnoses_are_404_pages(site: TestClient) -> None:
    for url in ("/diagnose/drafts/nope", "/diagnoses/999"):
        page = site.get(url)
        assert page.status_code == 404 and '<main id="main">' in page.text
    assert site.post("/diagnose/drafts/nope", data={"action": "save"}).status_code == 404
    assert count(site, DiagnosisDraftRow) == 0


def test_saving_answers_for_a_country_without_a_role_there_is_refused_and_keeps_every_answer(
    public_site: TestClient, content: Content
) -> None:
    site = signed_in(public_site, "sam", "member", "SOM")
    refused = site.post("/diagnose", data=form(content, resident_agencies=12) | {"action": "save"})
    assert refused.status_code == 403
    assert "needs the member role there" in refused.text and 'aria-describedby="e-country"' in refused.text
    assert 'value="12"' in refused.text  # nothing typed is lost
    assert count(site, DiagnosisDraftRow) == 0
    assert (
        site.post("/diagnose", data=form(content) | {"country": "SOM", "action": "save"}).status_code == 200
    )
    assert count(site, DiagnosisDraftRow) == 1


def test_a_draft_is_changed_only_by_its_countrys_members_and_anonymous_answers_are_kept(
    public_site: TestClient, content: Content
) -> None:
    anonymous = public_site.post(
        "/diagnose",
        data=form(content, resident_agencies=12) | {"action": "save", "csrf_token": csrf_of(public_site)},
    )
    assert (
        anonymous.status_code == 401
        and "Saving or diagnosing needs a sign-in" in anonymous.text
        and 'value="12"' in anonymous.text
    )
    member = signed_in(public_site, "mia", "member", "MWI")
    saved = member.post(
        "/diagnose", data={"country": "MWI", "dq01": "no", "action": "save"}, follow_redirects=False
    )
    url = saved.headers["location"].split("?")[0]
    viewer = signed_in(TestClient(public_site.app), "vic", "viewer", "MWI")
    assert viewer.get(url).status_code == 200  # a reader of MWI reads it
    for country in ("", "MWI", "nowhere"):  # but may not change it, whatever country is posted
        assert viewer.post(url, data={"country": country, "action": "save"}).status_code == 403
    with db_session(member) as session:
        draft = session.exec(select(DiagnosisDraftRow)).one()
    assert draft.country_code == "MWI" and draft.updated_by == "mia"
