"""Repairs of the paged questionnaire (issue 21 review): a mistyped country on a draft's first page is said
there and changes nothing; two people saving different pages of one draft keep each other's answers; a long
answer typed with the browser's line breaks is kept, and one too long is refused on its page with every
answer kept; the anonymous page says honestly that signing in does not carry its answers, and offers them
as a file."""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

import pytest
import yaml
from fastapi.testclient import TestClient
from httpx import Response

from cer.content import Content
from cer.web.pages import diagnose
from diagnostics.answers import AnswerSet
from tests.web.conftest import csrf_of, signed_in
from tests.web.test_questionnaire_paging import SAVED, drafts, hidden, member, page_of


def saved_draft(client: TestClient, content: Content) -> str:
    """A member's draft of Malawi with the context page answered; its address."""
    data = {"page": "context", "go": "next", "country": "MWI", **page_of(content, "context")}
    saved = client.post("/diagnose", data=data, follow_redirects=False)
    assert saved.status_code == 303
    return str(saved.headers["location"]).split("?")[0]


def test_a_mistyped_country_on_a_drafts_first_page_is_said_there_and_keeps_the_drafts_country(
    public_site: TestClient, content: Content
) -> None:
    mia = member(public_site)
    url = saved_draft(mia, content)
    mia.get(url)  # the "saved" notice shown
    typed = {"page": "context", "go": "next", "country": "Malawee", **page_of(content, "context")}
    refused = mia.post(url, data=typed | {"resident_agencies": "14"}, follow_redirects=False)
    assert refused.status_code == 422 and 'value="Malawee"' in refused.text
    assert "not a country we know" in refused.text and 'aria-invalid="true" aria-describedby="e-country"' in (
        refused.text
    )
    assert SAVED not in refused.text and 'name="resident_agencies"' in refused.text  # the same page
    [draft] = drafts(mia)
    assert draft.country_code == "MWI" and draft.answers["resident_agencies"] == "14"  # the rest is saved


def test_two_people_saving_different_pages_of_one_draft_keep_each_others_answers(
    public_site: TestClient, content: Content, monkeypatch: pytest.MonkeyPatch
) -> None:
    mia = member(public_site)
    url = saved_draft(mia, content)
    max_ = signed_in(TestClient(public_site.app), "max", "member", "MWI")
    both_read = threading.Barrier(2, timeout=20)
    read: Callable[..., Any] = diagnose.given

    def read_then_wait(*args: Any, **kwargs: Any) -> Any:  # both have read the draft before either saves
        found = read(*args, **kwargs)
        both_read.wait()
        return found

    monkeypatch.setattr(diagnose, "given", read_then_wait)
    answered: dict[str, Response] = {}

    def save(name: str, client: TestClient, data: dict[str, Any]) -> None:
        answered[name] = client.post(url, data=data, follow_redirects=False)

    posts = [
        threading.Thread(target=save, args=("mia", mia, {"page": "step_1", "go": "next", "dq01": "no"})),
        threading.Thread(target=save, args=("max", max_, {"page": "step_2", "go": "next", "iq05": "no"})),
    ]
    for post in posts:
        post.start()
    for post in posts:
        post.join(30)
    assert [r.status_code for r in answered.values()] == [303, 303]
    [draft] = drafts(mia)
    assert draft.answers["dq01"] == "no" and draft.answers["iq05"] == "no"
    assert draft.answers["resident_agencies"] == "12"


def test_a_long_answer_typed_with_the_browsers_line_breaks_is_kept(
    public_site: TestClient, content: Content
) -> None:
    mia = member(public_site)
    url = saved_draft(mia, content)
    notes = "A line of notes.\r\n" * 230  # 3,910 characters as the page counts them, 4,140 as sent
    data = {"page": "context", "go": "next", "country": "MWI", **page_of(content, "context"), "notes": notes}
    saved = mia.post(url, data=data, follow_redirects=False)
    assert saved.status_code == 303
    [draft] = drafts(mia)
    assert draft.answers["notes"] == notes.replace("\r\n", "\n").strip()


def test_an_answer_too_long_is_refused_on_its_page_with_every_answer_kept(
    public_site: TestClient, content: Content
) -> None:
    mia = member(public_site)
    url = saved_draft(mia, content)
    data = {"page": "context", "go": "next", "country": "MWI", **page_of(content, "context")}
    refused = mia.post(url, data=data | {"resident_agencies": "15", "notes": "x" * 4001})
    assert refused.status_code == 422 and 'id="questionnaire"' in refused.text
    assert "longer than 4000 characters" in refused.text
    assert 'value="15"' in refused.text and "x" * 4001 in refused.text  # the page's edits are there
    [draft] = drafts(mia)
    assert draft.answers["resident_agencies"] == "12"  # nothing of the page was saved


def test_an_anonymous_page_says_sign_in_does_not_carry_the_answers_and_offers_them_as_a_file(
    public_site: TestClient, content: Content
) -> None:
    token = csrf_of(public_site, "/diagnose")
    context = page_of(content, "context", resident_agencies="lots")
    data = {"csrf_token": token, "page": "context", "country": "MWI", **context}
    refused = public_site.post("/diagnose", data=data | {"action": "save"})
    assert refused.status_code == 401 and "kept on this page" not in refused.text
    assert "Signing in does not carry these answers" in refused.text
    assert 'formaction="/diagnose/answers.yaml"' in refused.text
    page = public_site.post("/diagnose", data=data | {"go": "step_1"}).text
    assert "Sign in to save them" not in page and 'formaction="/diagnose/answers.yaml"' in page
    carried = {k: v for k, v in hidden(page).items() if k not in ("csrf_token", "page")}
    got = public_site.post(
        "/diagnose/answers.yaml", data={**carried, "csrf_token": token, "page": "step_1", "dq01": "no"}
    )
    assert got.status_code == 200 and got.headers["content-type"].startswith("application/yaml")
    assert got.headers["content-disposition"] == 'attachment; filename="answers-MWI.yaml"'
    answer_set = AnswerSet.model_validate(yaml.safe_load(got.text))  # as `cer diagnose FILE` reads it
    assert answer_set.country == "MWI" and answer_set.answers["resident_agencies"] == "lots"
    assert answer_set.answers["dq01"] == "no" and answer_set.answers["agencies"] == context["agencies"]
    assert drafts(public_site) == []
