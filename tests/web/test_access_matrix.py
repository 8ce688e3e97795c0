"""Who may change what: every state-changing page and API route, and the country reads, × each role × the
user's own country (MWI) and another (SOM). Allowed: anything but 401/403 (the requests are built so that
an allowed one is mostly refused for its data — a stale version, a step out of order — and writes little).
Denied: 401 without a sign-in, 403 without the role there, and the database is exactly as it was."""

# ruff: noqa: ARG005, E501  (the route table: one request per line, each with the same arguments)

from __future__ import annotations

import json
import os
import socket
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

import pytest
from fastapi.testclient import TestClient
from httpx import Response
from sqlmodel import select

from cer.content import Content
from cer.db.tables import (
    AttachmentRow,
    AuditEventRow,
    ConsensusDecisionRow,
    DiagnosisDraftRow,
    DiagnosisRow,
    FlowRunLinkRow,
    PlanRevisionRow,
    PlanRow,
    RespondentRow,
    StepSignOffRow,
    TaskEventRow,
    TaskRow,
)
from cer.services import users
from cer.services.drafts import save_draft
from tests.factories import make_answers
from tests.web.conftest import _client, csrf_of, db_session, seed_plan, signed_in, unsafe_routes

ROLES = ("anonymous", "viewer", "member", "coordinator", "admin")
NEEDED = {"read": "viewer", "change": "member", "diagnose": "member", "manage": "coordinator"}
NEEDED |= {"flow": "coordinator", "signoff": "coordinator", "signed-in": None}
RANK = {role: n for n, role in enumerate(ROLES)}


@dataclass
class World:
    clients: dict[str, TestClient]  # role → a browser signed in as a user with that role in MWI ('*': admin)
    tokens: dict[str, str]  # role → that user's API token
    task: dict[str, int]  # country → a task's id
    ref: dict[str, str]  # country → that task's reference
    diagnosis: dict[str, int]
    draft: dict[str, str]
    answers: dict[str, dict[str, Any]]


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory, content: Content) -> Iterator[World]:
    folder = tmp_path_factory.mktemp("matrix")
    with pytest.MonkeyPatch.context() as patch, socket.socket() as s:
        s.bind(("127.0.0.1", 0))  # no Prefect server answers: a flow page says so quickly
        patch.setattr(os, "environ", dict(os.environ))
        patch.setenv("PREFECT_API_URL", f"http://127.0.0.1:{s.getsockname()[1]}/api")
        first = _client(f"sqlite:///{folder / 'cer.db'}", folder)
        codes = [seed_plan(first, content, "malawi"), seed_plan(first, content, "somalia")]
        assert codes == ["MWI", "SOM"]
        first.headers["X-CSRF-Token"] = csrf_of(first)  # a valid token: only the sign-in is missing
        clients = {"anonymous": first}
        for role in ROLES[1:]:
            client = TestClient(first.app)
            clients[role] = signed_in(client, role, role, "*" if role == "admin" else "MWI")
        yield _world(first, clients, content)


def _world(first: TestClient, clients: dict[str, TestClient], content: Content) -> World:
    tokens, task, ref, diagnosis, draft = {}, {}, {}, {}, {}
    with db_session(first) as session:
        for role in ROLES[1:]:
            tokens[role] = users.create_token(session=session, username=role, name="matrix", by="t")[1]
        for code in ("MWI", "SOM"):
            plan = session.exec(select(PlanRow).where(PlanRow.country_code == code)).one()
            row = session.exec(select(TaskRow).where(TaskRow.plan_id == plan.id).order_by(TaskRow.id)).first()
            assert row is not None and row.id is not None
            task[code], ref[code], diagnosis[code] = row.id, f"{code}-{row.key}", plan.diagnosis_id
            made = save_draft(
                session=session, draft_id=None, questionnaire_version="x", country=code, answers={}, by="t"
            )
            draft[code] = made.id
    answers = {
        code: {
            "questionnaire_version": content.questionnaire.version,
            "country": code,
            "answers": make_answers(content, readiness="no"),
        }
        for code in ("MWI", "SOM")
    }
    return World(clients, tokens, task, ref, diagnosis, draft, answers)


Call = Callable[[World, TestClient, dict[str, str], str], Response]
ROUTES: dict[str, tuple[str, Call]] = {  # name: (what it needs, the request for a country)
    "page: change a task": ("change", lambda w, c, _, code: c.post(
        f"/countries/{code}/tasks/{w.task[code]}", data={"version": "999", "status": "in_progress"})),
    "page: plan a task": ("change", lambda w, c, _, code: c.post(
        f"/countries/{code}/tasks/{w.task[code]}/plan", data={"version": "999", "lead": "OMT"})),
    "page: add a task": ("change", lambda w, c, _, code: c.post(
        f"/countries/{code}/add-task", data={"title": "x", "step": "1", "lead": "OMT"})),
    "page: sign a step off": ("signoff", lambda w, c, _, code: c.post(
        f"/countries/{code}/signoffs", data={"workstream": "A", "step": "3"})),
    "page: a sign-off code": ("signoff", lambda w, c, _, code: c.post(
        f"/countries/{code}/signoff-codes", data={"workstream": "A", "step": "1"})),
    "page: start a flow": ("flow", lambda w, c, _, code: c.post(
        f"/countries/{code}/flows/E", data={"funding_target_usd": "-1"})),
    "page: save a draft": ("diagnose", lambda w, c, _, code: c.post(
        "/diagnose", data={"country": code, "dq01": "no", "action": "save"}, follow_redirects=False)),
    "page: go on with a draft": ("diagnose", lambda w, c, _, code: c.post(
        f"/diagnose/drafts/{w.draft[code]}", data={"page": "step_1", "go": "next", "dq01": "no"}, follow_redirects=False)),
    "page: override a decision": ("manage", lambda w, c, _, code: c.post(
        f"/diagnoses/{w.diagnosis[code]}/overrides",
        data={"target": "workstream", "id": "D", "decision": "exclude", "justification": "no"})),
    "page: plan from a diagnosis": ("manage", lambda w, c, _, code: c.post(
        f"/diagnoses/{w.diagnosis[code]}/plan", data={"start": "2027-01-15"}, follow_redirects=False)),
    "page: save the report's summary": ("manage", lambda w, c, _, code: c.post(
        f"/countries/{code}/report", data={"period": "Q1", "summary": "x", "action": "save"}, follow_redirects=False)),
    "page: create an API token": ("signed-in", lambda w, c, _, code: c.post(
        "/account/tokens", data={"name": f"matrix {code}"})),
    "api: diagnose": ("diagnose", lambda w, c, h, code: c.post(
        "/api/diagnoses", json=w.answers[code], headers=h)),
    "api: plan from a diagnosis": ("manage", lambda w, c, h, code: c.post(
        "/api/plans", json={"diagnosis_id": w.diagnosis[code]}, headers=h)),
    "api: change a task": ("change", lambda w, c, h, code: c.patch(
        f"/api/tasks/{w.ref[code]}", json={"version": 999, "status": "in_progress"}, headers=h)),
    "api: add a task": ("change", lambda w, c, h, code: c.post(
        f"/api/plans/{code}/tasks", json={"title": "x", "step": 1, "workstreams": ["Z"], "lead": "OMT"},
        headers=h)),
    "api: plan follows dependencies": ("manage", lambda w, c, h, code: c.patch(
        f"/api/plans/{code}", json={"follow_dependencies": True}, headers=h)),
    "api: start a flow": ("flow", lambda w, c, h, code: c.post(
        "/api/flow-runs", json={"country": code, "workstream": "E", "parameters": {"funding_target_usd": -1}},
        headers=h)),
    "api: sign a step off": ("signoff", lambda w, c, h, code: c.post(
        "/api/signoffs", json={"country": code, "workstream": "A", "step": 3}, headers=h)),
    "api: a sign-off code": ("signoff", lambda w, c, h, code: c.post(
        "/api/signoff-codes", json={"country": code, "workstream": "A", "step": 1}, headers=h)),
    "api: answer as oneself": ("diagnose", lambda w, c, h, code: c.post(
        f"/api/countries/{code}/respondents", json={"answers": {"dq05": "no"}}, headers=h)),
    "api: change a respondent's answers": ("diagnose", lambda w, c, h, code: c.put(
        f"/api/countries/{code}/respondents/999999/answers", json={"answers": {"dq05": "no"}}, headers=h)),
    "api: decide a consensus answer": ("manage", lambda w, c, h, code: c.put(
        f"/api/countries/{code}/consensus/dq05", json={"value": "no", "why": "x"}, headers=h)),
    "api: diagnose the consensus": ("manage", lambda w, c, h, code: c.post(
        f"/api/countries/{code}/consensus/diagnose", headers=h)),
    "page: decide a consensus answer": ("manage", lambda w, c, _, code: c.post(
        f"/countries/{code}/consensus/dq05", data={"value": "maybe"})),
    "page: diagnose the consensus": ("manage", lambda w, c, _, code: c.post(
        f"/countries/{code}/consensus/diagnose")),
    "page: import respondents": ("manage", lambda w, c, _, code: c.post(
        f"/countries/{code}/respondents/import", files={"file": ("s.csv", b"", "text/csv")})),
    "page: attach to a tool": ("change", lambda w, c, _, code: c.post(
        "/tools/T020/attachments", data={"country": code, "link": "ftp://x"}, files={"file": ("", b"")})),
    "page: attach to a task": ("change", lambda w, c, _, code: c.post(
        f"/countries/{code}/tasks/{w.task[code]}/attachments", data={"link": "ftp://x"}, files={"file": ("", b"")})),
    "page: invite someone": ("manage", lambda w, c, _, code: c.post(
        "/people/invitations", data={"name": "X", "email": f"matrix-{code}@example.org", "country": code, "role": "viewer"})),
    "page: give a role": ("manage", lambda w, c, _, code: c.post(
        "/people/admin/roles", data={"country": code, "role": "nonsense"})),
    "page: take a role away": ("manage", lambda w, c, _, code: c.post(
        "/people/admin/revoke", data={"country": code})),
    "read: respondents page": ("diagnose", lambda w, c, _, code: c.get(
        f"/countries/{code}/respondents", follow_redirects=False)),
    "read: api respondents": ("diagnose", lambda w, c, h, code: c.get(f"/api/countries/{code}/respondents", headers=h)),
    "read: api consensus": ("diagnose", lambda w, c, h, code: c.get(f"/api/countries/{code}/consensus", headers=h)),
    "read: plan page": ("read", lambda w, c, _, code: c.get(f"/countries/{code}", follow_redirects=False)),
    "read: task page": ("read", lambda w, c, _, code: c.get(
        f"/countries/{code}/tasks/{w.task[code]}", follow_redirects=False)),
    "read: export": ("read", lambda w, c, _, code: c.get(
        f"/countries/{code}/export.csv", follow_redirects=False)),
    "read: report": ("read", lambda w, c, _, code: c.get(
        f"/countries/{code}/report.md", follow_redirects=False)),
    "read: the report's summary": ("read", lambda w, c, _, code: c.get(
        f"/countries/{code}/report", follow_redirects=False)),
    "read: checklist": ("read", lambda w, c, _, code: c.get(
        f"/countries/{code}/checklist", follow_redirects=False)),
    "read: diagnosis page": ("read", lambda w, c, _, code: c.get(
        f"/diagnoses/{w.diagnosis[code]}", follow_redirects=False)),
    "read: api plan": ("read", lambda w, c, h, code: c.get(f"/api/plans/{code}", headers=h)),
    "read: api tasks": ("read", lambda w, c, h, code: c.get("/api/tasks", params={"country": code}, headers=h)),
    "read: api task": ("read", lambda w, c, h, code: c.get(f"/api/tasks/{w.ref[code]}", headers=h)),
    "read: api diagnosis": ("read", lambda w, c, h, code: c.get(f"/api/diagnoses/{w.diagnosis[code]}", headers=h)),
}  # fmt: skip


NOT_IN_THE_MATRIX = {
    "/login": "open to everyone, limited (test_security)",
    "/logout": "ends one's own sign-in",
    "/diagnose/check": "checks answers, writes nothing",
    "/diagnose/answers.yaml": "gives back the answers posted as a file, writes nothing (test_questionnaire_repairs)",
    "/account/tokens/{token_id}/revoke": "one's own tokens, or an admin (test_security)",
    "/account/feeds": "one's own feed addresses; a country's needs its read role (test_feeds)",
    "/account/feeds/{token_id}/revoke": "one's own feeds, or an admin (test_feeds)",
    "/countries/{code}/import": "the member role there; a viewer is refused (test_plan_import_pages)",
    "/api/plans/{country}/import": "the member role there (test_plan_import_pages)",
    "/people/invitations/{invitation_id}/revoke": "a coordinator of the invitation's country (test_people_pages)",
    "/people/{username}/state": "every role of the person managed by the coordinator (test_people_pages)",
    "/invitations/{token}": "open to whoever holds the link, limited like sign-in (test_invitations)",
    "/attachments/{attachment_id}/delete": "whoever attached it or a coordinator there (test_attachments)",
}
IN_THE_MATRIX = {
    "/countries/{code}/tasks/{task_id}", "/countries/{code}/signoffs", "/countries/{code}/flows/{workstream}",
    "/diagnose", "/diagnose/drafts/{draft_id}", "/diagnoses/{diagnosis_id}/overrides",
    "/diagnoses/{diagnosis_id}/plan", "/account/tokens", "/api/diagnoses", "/api/plans", "/api/tasks/{ref}",
    "/api/flow-runs", "/api/signoffs", "/countries/{code}/tasks/{task_id}/plan", "/countries/{code}/add-task",
    "/api/plans/{country}/tasks", "/api/plans/{country}", "/countries/{code}/signoff-codes", "/api/signoff-codes",
    "/countries/{code}/report", "/api/countries/{code}/respondents",
    "/api/countries/{code}/respondents/{respondent_id}/answers", "/api/countries/{code}/consensus/{question}",
    "/api/countries/{code}/consensus/diagnose", "/countries/{code}/consensus/{question}",
    "/countries/{code}/consensus/diagnose", "/countries/{code}/respondents/import",
    "/people/invitations", "/people/{username}/roles", "/people/{username}/revoke",
    "/tools/{tool_id}/attachments", "/countries/{code}/tasks/{task_id}/attachments",
}  # fmt: skip


def test_the_matrix_covers_every_route_that_changes_something() -> None:
    assert unsafe_routes() == IN_THE_MATRIX | set(NOT_IN_THE_MATRIX)
    assert sum(1 for name in ROUTES if not name.startswith("read")) == len(IN_THE_MATRIX)


def snapshot(client: TestClient) -> str:
    """Everything a change could touch, as text."""
    tables = (
        TaskRow,
        TaskEventRow,
        PlanRow,
        PlanRevisionRow,
        DiagnosisRow,
        DiagnosisDraftRow,
        StepSignOffRow,
        FlowRunLinkRow,
        RespondentRow,
        ConsensusDecisionRow,
        AttachmentRow,
    )
    with db_session(client) as session:
        rows = [r.model_dump(mode="json") for table in tables for r in session.exec(select(table)).all()]
        rows += [
            e.model_dump(mode="json", exclude={"at"})
            for e in session.exec(select(AuditEventRow)).all()
            if e.action not in ("login", "logout")
        ]
    return json.dumps(rows, sort_keys=True, default=str)


def allowed(role: str, need: str, own: bool) -> bool:
    wanted = NEEDED[need]
    if role == "anonymous":
        return False
    return wanted is None or (RANK[role] >= RANK[wanted] and (own or role == "admin"))


@pytest.mark.parametrize("country", ["MWI", "SOM"], ids=["own country", "other country"])
@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("route", list(ROUTES))
def test_each_route_allows_exactly_the_roles_it_should(
    world: World, route: str, role: str, country: str
) -> None:
    need, call = ROUTES[route]
    client = world.clients[role]
    api = route.startswith("api") or route.startswith("read: api")
    headers = {"Authorization": f"Bearer {world.tokens[role]}"} if api and role != "anonymous" else {}
    if api:  # an API client has no cookies: the token alone says who it is
        client = TestClient(client.app)
    before = snapshot(client)
    answer = call(world, client, headers, country)
    expected = allowed(role, need, country == "MWI")
    if expected:
        assert answer.status_code not in (401, 403), (answer.status_code, answer.text[:300])
        return
    if role == "anonymous":
        assert answer.status_code == 401 or (
            answer.status_code == 303 and answer.headers["location"].startswith("/login?next=")
        ), (answer.status_code, answer.text[:300])
    else:
        assert answer.status_code == 403, (answer.status_code, answer.text[:300])
        text = answer.json()["errors"][0]["message"] if api else answer.text
        assert "role" in text
    assert snapshot(client) == before
