"""The respondents page of a country: the answers side by side (the spread in words, who said what, a tie
marked), the coordinator's decision, KoBo submissions uploaded (all or nothing, problems by row and
question), and the consensus diagnosed, its reasons citing the spread."""

from __future__ import annotations

import re
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlmodel import select

from cer.content import Content
from cer.content.countries import all_countries
from cer.db.tables import RespondentRow
from cer.services import users
from cer.services.access import principal
from cer.services.respondents import add_respondent, save_my_answers
from cer.views.xlsform import questionnaire_xlsform
from tests.factories import make_answers
from tests.kobo_exports import Respondent, form_fields, kobo_csv, table
from tests.web.conftest import add_user, csrf_of, db_session, seed_plan, signed_in

PAGE = "/countries/MWI/respondents"


def answered(client: TestClient, content: Content) -> None:
    """Amina answers as herself ("No" to dq05), the coordinator adds UNICEF ("Yes")."""
    add_user(client, "amina", "member", "MWI")
    base = make_answers(content)
    with db_session(client) as session:
        amina = principal(session=session, user=users.get_user(session=session, username="amina"))
        chidi = principal(session=session, user=users.get_user(session=session, username="chidi"))
        save_my_answers(
            session=session, who=amina, content=content, country="MWI", answers={**base, "dq05": "no"}
        )
        add_respondent(session=session, who=chidi, content=content, country="MWI", label="UNICEF",
                       answers={**base, "dq05": "yes"})  # fmt: skip


def kobo_file(content: Content, **answers: Any) -> bytes:
    """KoBo's CSV export of one submission (by WFP's enumerator), made from the questionnaire's XLSForm."""
    fields = form_fields(questionnaire_xlsform(content.questionnaire, all_countries()))
    doc = {"questionnaire_version": content.questionnaire.version, "country": "MWI",
           "answers": make_answers(content) | answers}  # fmt: skip
    return kobo_csv(table(fields, [Respondent(doc, 1, submitter="wfp")]))


def upload(client: TestClient, data: bytes) -> Any:
    files = {"file": ("submissions.csv", data, "text/csv")}
    return client.post(f"{PAGE}/import", files=files, data={"csrf_token": csrf_of(client, PAGE)})


def text(html: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


@pytest.fixture
def chidi(public_site: TestClient) -> TestClient:
    return signed_in(public_site, "chidi", "coordinator", "MWI")


def test_a_coordinator_imports_resolves_the_tie_and_diagnoses_the_consensus(
    chidi: TestClient, content: Content
) -> None:
    answered(chidi, content)
    done = upload(chidi, kobo_file(content, dq05="partly"))
    assert done.status_code == 200, text(done.text)[:600]
    page = text(done.text)
    assert "1 respondent stored from the file." in page
    assert "Amina" in page and "UNICEF" in page and "wfp" in page and "imported from a file" in page
    assert "1 of 3 respondents answered “No”" in page
    assert "No: Amina" in page and "Yes: UNICEF" in page and "Partly: wfp" in page
    assert "TIE between" in page and "1 tie waits for the coordinator's decision." in page
    refused = chidi.post("/countries/MWI/consensus/diagnose", data={"csrf_token": csrf_of(chidi, PAGE)})
    assert refused.status_code == 409 and "decide the tied questions first: dq05" in text(refused.text)
    form = {"value": "no", "why": "the staff survey", "csrf_token": csrf_of(chidi, PAGE)}
    decided = chidi.post("/countries/MWI/consensus/dq05", data=form)
    assert decided.status_code == 200 and str(decided.url).endswith(f"{PAGE}#q-dq05")
    assert "Decision saved." in decided.text
    page = text(decided.text)
    assert "Decided: No, by chidi — the staff survey" in page and "TIE between" not in page
    diagnosed = chidi.post("/countries/MWI/consensus/diagnose", data={"csrf_token": csrf_of(chidi, PAGE)})
    assert diagnosed.status_code == 200 and re.search(r"/diagnoses/\d+$", str(diagnosed.url))
    assert "(1 of 3 respondents answered “No”; decided by chidi)" in text(diagnosed.text)


def test_a_file_with_a_problem_shows_its_row_and_question_and_stores_nothing(
    chidi: TestClient, content: Content
) -> None:
    refused = upload(chidi, kobo_file(content, dq05="maybe"))
    assert refused.status_code == 422
    page = text(refused.text)
    assert "1 problem; nothing is stored until it is fixed" in page and "Row 2, question dq05" in page
    with db_session(chidi) as session:
        assert session.exec(select(RespondentRow)).all() == []
    assert upload(chidi, b"").status_code == 422


def test_a_decision_refused_is_said_beside_its_question(chidi: TestClient, content: Content) -> None:
    answered(chidi, content)
    form = {"value": "maybe", "csrf_token": csrf_of(chidi, PAGE)}
    refused = chidi.post("/countries/MWI/consensus/dq05", data=form)
    assert refused.status_code == 422 and 'id="e-dq05"' in refused.text


def test_a_member_reads_the_answers_side_by_side_but_decides_nothing(
    chidi: TestClient, content: Content
) -> None:
    answered(chidi, content)
    member = signed_in(TestClient(chidi.app), "amina", add=False)
    page = member.get(PAGE)
    assert page.status_code == 200 and "1 of 2 respondents answered “No”" in text(page.text)
    assert "Consensus answer" not in page.text and "Import the submissions" not in page.text
    assert member.post("/countries/MWI/consensus/dq05", data={"value": "no"}).status_code == 403
    seed_plan(chidi, content)
    assert f'href="{PAGE}"' in member.get("/countries/MWI").text  # the plan's own sections link to it


def test_a_member_gives_the_questionnaires_answers_as_their_own_to_the_round(
    public_site: TestClient, content: Content
) -> None:
    """Each respondent answers with the questionnaire itself: the form's "my answers" button keeps them as
    that person's answers in the country's round, beside the others'; answering again replaces them."""
    from tests.web.test_diagnose_pages import form

    amina = signed_in(public_site, "amina", "member", "MWI")
    data = form(content, dq05="no") | {"action": "respond", "csrf_token": csrf_of(amina, "/diagnose")}
    given = amina.post("/diagnose", data=data, follow_redirects=False)
    assert given.status_code == 303 and given.headers["location"] == PAGE
    page = text(amina.get(PAGE).text)
    assert "Your answers are kept as yours in the country&#39;s round." in page  # said once, by the server
    assert "amina" in page.lower() and "answered as themself" in page and "No: " in page
    again = form(content, dq05="yes") | {"action": "respond", "csrf_token": csrf_of(amina, "/diagnose")}
    assert amina.post("/diagnose", data=again, follow_redirects=False).status_code == 303
    with db_session(amina) as session:
        [mine] = session.exec(select(RespondentRow)).all()
    assert mine.answers["dq05"] == "yes"
    nowhere = form(content) | {"country": "", "action": "respond", "csrf_token": csrf_of(amina, "/diagnose")}
    refused = amina.post("/diagnose", data=nowhere)
    assert refused.status_code == 422 and "Choose the country whose round you answer for." in refused.text
