"""Several respondents per country through the JSON API: three answer (one through an imported file), the
coordinator resolves a tie, diagnoses the consensus and reads the spread in its reasons; all of it in the
OpenAPI document."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from fastapi.testclient import TestClient

from cer.content import Content
from cer.services import users
from cer.services.access import principal
from cer.services.respondents import import_submissions
from diagnostics.answers import AnswerSet
from tests.factories import make_answers
from tests.web.conftest import add_user, db_session


def bearer(client: TestClient, username: str, role: str) -> dict[str, str]:
    add_user(client, username, role, "MWI")
    with db_session(client) as session:
        token = users.create_token(session=session, username=username, name="t", by="t")[1]
    return {"Authorization": f"Bearer {token}"}


@dataclass
class Submission:
    row: int
    provenance: dict[str, Any]
    answer_set: AnswerSet


def test_three_respondents_a_tie_and_the_consensus_diagnosed_with_the_spread(
    public_site: TestClient, content: Content
) -> None:
    api = TestClient(public_site.app)
    amina, chidi = bearer(api, "amina", "member"), bearer(api, "chidi", "coordinator")
    base = make_answers(content)
    mine = api.post("/api/countries/MWI/respondents", json={"answers": {**base, "dq05": "no"}}, headers=amina)
    assert mine.status_code == 201 and mine.json()["kind"] == "user" and mine.json()["label"] == "Amina"
    unicef = api.post(
        "/api/countries/MWI/respondents",
        json={"kind": "agency", "label": "UNICEF", "answers": {**base, "dq05": "yes"}},
        headers=chidi,
    )
    assert unicef.status_code == 201
    with db_session(api) as session:
        coordinator = principal(session=session, user=users.get_user(session=session, username="chidi"))
        sent = AnswerSet(
            questionnaire_version=content.questionnaire.version, answers={**base, "dq05": "partly"}
        )
        wfp = Submission(2, {"uuid": "uuid:1", "agency": "WFP"}, sent)
        import_submissions(
            session=session, who=coordinator, country="MWI", content=content, submissions=[wfp]
        )
    listed = api.get("/api/countries/MWI/respondents", headers=amina).json()
    assert [r["label"] for r in listed["respondents"]] == ["Amina", "UNICEF", "WFP"]
    assert listed["respondents"][2]["provenance"]["uuid"] == "uuid:1"
    seen = api.get("/api/countries/MWI/consensus", headers=amina).json()
    assert seen["undecided"] == ["dq05"]
    dq05 = next(q for q in seen["questions"] if q["question"] == "dq05")
    assert dq05["tie"] and {c["value"]: c["respondents"] for c in dq05["counts"]}["no"] == ["Amina"]
    assert "1 of 3 respondents answered “No”" in dq05["spread"]
    assert api.post("/api/countries/MWI/consensus/diagnose", headers=chidi).status_code == 409
    refused = api.put("/api/countries/MWI/consensus/dq05", json={"value": "no"}, headers=amina)
    assert refused.status_code == 403
    decided = api.put(
        "/api/countries/MWI/consensus/dq05", json={"value": "no", "why": "the staff survey"}, headers=chidi
    ).json()
    assert decided["undecided"] == [] and decided["answers"]["dq05"] == "no"
    done = api.post("/api/countries/MWI/consensus/diagnose", headers=chidi)
    assert done.status_code == 201, done.text
    assert any(
        "(1 of 3 respondents answered “No”; decided by chidi)" in c["text"] for c in done.json()["cited"]
    )
    assert done.json()["diagnosis"]["id"] >= 1
    again = api.get("/api/countries/MWI/respondents", headers=chidi).json()
    assert [r["answers"]["dq05"] for r in again["respondents"]] == ["no", "yes", "partly"]


def test_a_member_changes_their_own_answers_only(public_site: TestClient) -> None:
    api = TestClient(public_site.app)
    amina, bola = bearer(api, "amina", "member"), bearer(api, "bola", "member")
    mine = api.post("/api/countries/MWI/respondents", json={"answers": {"dq05": "no"}}, headers=amina).json()
    path = f"/api/countries/MWI/respondents/{mine['id']}/answers"
    assert api.put(path, json={"answers": {"dq05": "yes"}}, headers=bola).status_code == 403
    changed = api.put(path, json={"answers": {"dq05": "yes"}}, headers=amina)
    assert changed.status_code == 200 and changed.json()["answers"] == {"dq05": "yes"}
    bad = api.put(path, json={"answers": {"dq05": "maybe"}}, headers=amina)
    assert bad.status_code == 422 and bad.json()["errors"][0]["field"] == "dq05"


def test_the_openapi_document_describes_the_respondents_routes(public_site: TestClient) -> None:
    document = public_site.get("/api/openapi.json").json()
    paths = document["paths"]
    assert {"get", "post"} <= set(paths["/api/countries/{code}/respondents"])
    assert "put" in paths["/api/countries/{code}/respondents/{respondent_id}/answers"]
    assert {"get"} <= set(paths["/api/countries/{code}/consensus"])
    assert "put" in paths["/api/countries/{code}/consensus/{question}"]
    assert "post" in paths["/api/countries/{code}/consensus/diagnose"]
    assert {"ConsensusPublic", "RespondentPublic", "ConsensusDiagnosisPublic"} <= set(
        document["components"]["schemas"]
    )
