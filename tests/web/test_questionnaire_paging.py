"""The questionnaire in pages, as plain forms (no JavaScript): a page per section, the progress and the
section list, answers kept from page to page (in the draft for a member, in hidden inputs for anyone else),
the review page before diagnosing, an empty save refused, buttons shown only to who may use them, and the
notices said by the server, never by the address."""

from __future__ import annotations

import re
from typing import Any

from fastapi.testclient import TestClient
from sqlmodel import func, select

from cer.content import Content
from cer.db.tables import DiagnosisDraftRow, DiagnosisRow
from tests.factories import make_answers
from tests.web.conftest import csrf_of, db_session, signed_in

SAVED = "Your answers are saved."
NOTHING = "Nothing was saved: no question is answered yet."


def drafts(client: TestClient) -> list[DiagnosisDraftRow]:
    with db_session(client) as session:
        return list(session.exec(select(DiagnosisDraftRow)).all())


def diagnoses(client: TestClient) -> int:
    with db_session(client) as session:
        return int(session.exec(select(func.count()).select_from(DiagnosisRow)).one())


def hidden(html: str) -> dict[str, list[str]]:
    """The hidden inputs of the page's form, by name."""
    found: dict[str, list[str]] = {}
    for name, value in re.findall(r'<input type="hidden" name="([^"]+)" value="([^"]*)">', html):
        found.setdefault(name, []).append(value)
    return found


def section_list(html: str) -> str:
    match = re.search(r'<nav id="sections".*?</nav>', html, re.S)
    assert match, "no section list"
    return match.group(0)


def page_of(content: Content, section: str, **changes: Any) -> dict[str, Any]:
    """A section's answers from the complete set, as a browser posts them."""
    answers = make_answers(content, **changes)
    ids = {q.id for s in content.questionnaire.sections if s.id == section for q in s.questions}
    return {k: v if isinstance(v, list) else str(v) for k, v in answers.items() if k in ids}


def member(public_site: TestClient, name: str = "mia") -> TestClient:
    return signed_in(public_site, name, "member", "MWI")


def test_each_section_is_a_page_with_the_progress_and_the_section_list(
    public_site: TestClient, content: Content
) -> None:
    first = public_site.get("/diagnose").text
    assert 'name="resident_agencies"' in first and 'name="dq01"' not in first  # the context only
    progress = re.search(r"<strong>(\d+) of (\d+) questions answered</strong>", first)
    assert progress and progress.group(1) == "0"
    assert int(progress.group(2)) < len(content.questionnaire.questions)  # conditional ones do not count
    assert "Only the questions that apply to your answers are counted." in first
    listed = section_list(first)
    for section in content.questionnaire.sections:
        assert f'value="{section.id}"' in listed and section.title.en.replace("&", "&amp;") in listed
    assert listed.count('aria-current="page"') == 1
    assert re.search(r'value="context"[^>]*aria-current="page"', listed)
    assert 'value="review"' in listed
    step_3 = public_site.get("/diagnose?page=step_3").text
    assert 'name="resident_agencies"' not in step_3
    assert re.search(r'value="step_3"[^>]*aria-current="page"', section_list(step_3))
    ids = [q.id for s in content.questionnaire.sections if s.id == "step_3" for q in s.questions]
    assert all(f'name="{qid}"' in step_3 for qid in ids) and 'id="country"' not in step_3


def test_an_anonymous_persons_answers_travel_in_hidden_inputs_and_nothing_is_stored(
    public_site: TestClient, content: Content
) -> None:
    token = csrf_of(public_site, "/diagnose")
    context = page_of(content, "context", resident_agencies="lots")  # a mistake is kept too
    on = public_site.post(
        "/diagnose", data={"csrf_token": token, "page": "context", "go": "next", "country": "MWI", **context}
    )
    assert on.status_code == 200 and 'name="dq01"' in on.text
    kept = hidden(on.text)
    assert kept["country"] == ["MWI"] and kept["resident_agencies"] == ["lots"]
    assert kept["agencies"] == context["agencies"]
    carried = {k: v for k, v in kept.items() if k not in ("csrf_token", "page")}
    back = public_site.post(
        "/diagnose", data={**carried, "csrf_token": token, "page": "step_1", "go": "back", "dq01": "partly"}
    )
    assert 'value="lots"' in back.text and re.search(r'value="unicef"[^>]*\schecked', back.text)
    assert hidden(back.text)["dq01"] == ["partly"]  # the page left is carried along in turn
    assert drafts(public_site) == [] and diagnoses(public_site) == 0


def test_a_members_answers_are_kept_in_the_draft_page_after_page(
    public_site: TestClient, content: Content
) -> None:
    mia = member(public_site)
    first = mia.post(
        "/diagnose",
        data={"page": "context", "go": "next", "country": "MWI", **page_of(content, "context")},
        follow_redirects=False,
    )
    assert first.status_code == 303 and first.headers["location"].endswith("?page=step_1")
    draft_page = first.headers["location"].split("?")[0]
    step_1 = mia.get(first.headers["location"]).text
    assert SAVED in step_1
    assert "resident_agencies" not in hidden(step_1)  # the draft holds them, not the page
    answers = page_of(content, "step_1") | {"dq05": "maybe"}  # wrong, and kept
    on = mia.post(draft_page, data={"page": "step_1", "go": "step_4", **answers}, follow_redirects=False)
    assert on.headers["location"] == f"{draft_page}?page=step_4"
    [draft] = drafts(mia)
    assert draft.country_code == "MWI" and draft.answers["dq05"] == "maybe"
    assert draft.answers["resident_agencies"] == "12" and draft.answers["agencies"] == [
        "undp",
        "unicef",
        "wfp",
    ]
    again = mia.get(f"{draft_page}?page=step_1").text
    assert re.search(r'name="dq05" value="yes"', again) and 'aria-invalid="true"' in again  # said on its page
    cleared = {k: v for k, v in answers.items() if k != "dq01"}  # an answer taken back is gone
    mia.post(draft_page, data={"page": "step_1", "go": "next", **cleared})
    [draft] = drafts(mia)
    assert "dq01" not in draft.answers and draft.answers["resident_agencies"] == "12"
    listed = section_list(mia.get(f"{draft_page}?page=step_2").text)
    assert re.search(
        r"Your country and country team\s*<span class=\"q-count\"><span aria-hidden=\"true\">✓</span> done",
        listed,
    )
    assert re.search(r"Step 1 · Initiate &amp; mobilise\s*<span class=\"q-count\">14 of 15</span>", listed)


def test_the_review_page_lists_what_is_missing_and_wrong_with_links_and_diagnoses(
    public_site: TestClient, content: Content
) -> None:
    mia = member(public_site)
    answers = make_answers(content, resident_agencies="lots")
    given = {k: v for k, v in answers.items() if k != "dq05"} | {"country": "MWI", "action": "save"}
    url = mia.post("/diagnose", data=given, follow_redirects=False).headers["location"].split("?")[0]
    review = mia.get(f"{url}?page=review").text
    missing = re.search(r'<section aria-labelledby="missing-h".*?</section>', review, re.S)
    wrong = re.search(r'<section aria-labelledby="wrong-h".*?</section>', review, re.S)
    assert missing and "1 answer is missing" in missing.group(0)
    assert f'href="{url}?page=step_1#dq05"' in missing.group(0) and "an answer is required" in missing.group(
        0
    )
    assert wrong and f'href="{url}?page=context#resident_agencies"' in wrong.group(0)
    assert '<button type="submit" name="action" value="diagnose"' in review
    refused = mia.post(url, data={"page": "review", "action": "diagnose"})
    assert refused.status_code == 422 and "1 answer is missing" in refused.text and diagnoses(mia) == 0
    mia.post(
        url,
        data={"page": "context", "go": "review", "resident_agencies": "12", **page_of(content, "context")},
    )
    mia.post(url, data={"page": "step_1", "go": "review", **page_of(content, "step_1")})
    done = mia.post(url, data={"page": "review", "action": "diagnose"}, follow_redirects=False)
    assert done.status_code == 303 and re.fullmatch(r"/diagnoses/\d+", done.headers["location"])
    assert diagnoses(mia) == 1


def test_an_anonymous_review_jumps_with_the_answers_and_invites_to_sign_in(
    public_site: TestClient, content: Content
) -> None:
    token = csrf_of(public_site, "/diagnose")
    data = {"csrf_token": token, "page": "step_9", "go": "review", "country": "MWI"}
    review = public_site.post(
        "/diagnose", data=data | page_of(content, "context", resident_agencies="x")
    ).text
    assert re.search(r'<button type="submit" form="questionnaire" name="go" value="context" class="link" '
                     r'formaction="/diagnose#resident_agencies">', review)  # fmt: skip
    assert hidden(review)["resident_agencies"] == ["x"]
    assert 'value="diagnose"' not in review and 'value="respond"' not in review
    assert "Download my answers (YAML)" in review and "signing in starts again" in review
    first = public_site.get("/diagnose").text
    assert ">Check answers</button>" in first and "Save and continue" not in first


def test_saving_no_answer_stores_nothing_and_says_so(public_site: TestClient) -> None:
    mia = member(public_site)
    empty = mia.post("/diagnose", data={"page": "context", "go": "next", "country": "MWI"})
    assert empty.status_code == 200 and NOTHING in empty.text and 'name="dq01"' in empty.text
    saved = mia.post("/diagnose", data={"country": "MWI", "action": "save"})
    assert NOTHING in saved.text and drafts(mia) == []


def test_a_viewer_sees_no_save_or_diagnose_button_and_is_refused_when_posting(
    public_site: TestClient, content: Content
) -> None:
    url = (
        member(public_site)
        .post("/diagnose", data={"country": "MWI", "dq01": "no", "action": "save"}, follow_redirects=False)
        .headers["location"]
        .split("?")[0]
    )
    before = [d.answers for d in drafts(public_site)]
    vic = signed_in(TestClient(public_site.app), "vic", "viewer", "MWI")
    for page in ("", "?page=step_1", "?page=review"):
        shown = vic.get(url + page).text
        assert "Save and continue" not in shown and 'value="diagnose"' not in shown, page
        assert "lets you read these answers" in shown
    assert f'<a href="{url}?page=step_2">' in vic.get(f"{url}?page=step_1").text  # pages by links
    blank = vic.get("/diagnose").text
    assert "Save and continue" not in blank and ">Continue</button>" in blank
    for data in (
        {"page": "step_1", "go": "next", "dq01": "yes"},
        {"action": "diagnose", **make_answers(content)},
    ):
        assert vic.post(url, data=data).status_code == 403
    assert vic.post("/diagnose", data={"country": "MWI", "dq01": "yes", "action": "save"}).status_code == 403
    assert vic.post("/diagnose", data={"dq01": "yes", "action": "save"}).status_code == 403  # no country
    assert [d.answers for d in drafts(public_site)] == before and diagnoses(public_site) == 0


def test_the_saved_notice_comes_from_the_server_once_never_from_the_address(public_site: TestClient) -> None:
    mia = member(public_site)
    saved = mia.post(
        "/diagnose", data={"page": "context", "go": "next", "dq01": "no"}, follow_redirects=False
    )
    url = saved.headers["location"]
    assert "saved" not in url.split("?")[1].replace("page=", "")
    assert SAVED in mia.get(url).text and SAVED not in mia.get(url).text  # once
    for crafted in ("saved=true", "note=Your+answers+are+saved.", "notice=pay+now"):
        page = mia.get(f"{url}&{crafted}").text
        assert SAVED not in page and "pay now" not in page and 'class="notices"' not in page


def test_provenance_is_a_legend_and_a_mark_not_a_word_under_each_question(public_site: TestClient) -> None:
    page = public_site.get("/diagnose?page=step_2").text
    assert page.count("Questions marked † are inferred") == 1
    marks = page.count('<span class="provenance" title="inferred" aria-hidden="true">†</span>')
    assert marks == page.count('<div class="question') > 0
    assert "<em>inferred</em></p>" not in page


def test_the_live_check_of_a_drafts_page_counts_the_drafts_other_answers(
    public_site: TestClient, content: Content
) -> None:
    mia = member(public_site)
    data = {"country": "MWI", "action": "save", **page_of(content, "context")}
    url = mia.post("/diagnose", data=data, follow_redirects=False).headers["location"].split("?")[0]
    draft = url.rsplit("/", 1)[1]
    checked = mia.post(
        "/diagnose/check",
        data={"draft": draft, "page": "step_2", "iq05": "no"},
        headers={"HX-Request": "true"},
    )
    answered = re.search(r"<strong>(\d+) of \d+ questions answered", checked.text)
    assert answered and int(answered.group(1)) == len(page_of(content, "context")) + 1
    stranger = signed_in(TestClient(public_site.app), "sam", "member", "SOM")
    assert stranger.post("/diagnose/check", data={"draft": draft, "page": "step_2"}).status_code == 403
