"""The JSON API: the same data and actions as the pages, paginated, with one error body shape everywhere."""

from __future__ import annotations

from typing import Any

from fastapi.testclient import TestClient
from sqlmodel import select

from cer.content import Content
from cer.db.tables import DiagnosisRow, FlowRunLinkRow, TaskRow
from tests.factories import make_answers
from tests.web.conftest import db_session, seed_plan


def answer_set(content: Content, **changes: Any) -> dict[str, Any]:
    return {
        "questionnaire_version": content.questionnaire.version,
        "country": "MWI",
        "answers": make_answers(content, readiness="no", **changes),
    }


def test_the_openapi_document_lists_every_route(site: TestClient) -> None:
    paths = site.get("/api/openapi.json").json()["paths"]
    for path in (
        "/api/tools",
        "/api/questionnaire",
        "/api/diagnoses",
        "/api/diagnoses/{diagnosis_id}",
        "/api/plans",
        "/api/plans/{country}",
        "/api/tasks",
        "/api/tasks/{ref}",
        "/api/flow-runs",
        "/api/signoffs",
    ):
        assert path in paths, path
    assert not any(p.startswith(("/countries", "/login", "/account")) for p in paths)  # pages are not
    docs = site.get("/api/docs").text  # the operations described on a page of our own: no CDN, no script
    assert "<code>PATCH /api/tasks/{ref}</code>" in docs and "Authorization: Bearer" in docs
    assert "<script" not in docs.split("</head>")[1]


def test_questionnaire_then_diagnosis_then_plan(any_site: TestClient, content: Content) -> None:
    site = any_site
    q = site.get("/api/questionnaire").json()
    assert q["version"] == content.questionnaire.version and q["sections"]
    bad = site.post("/api/diagnoses", json=answer_set(content, resident_agencies=0, government_request=None))
    assert bad.status_code == 422
    fields = {e["field"] for e in bad.json()["errors"]}
    assert {"resident_agencies", "government_request"} <= fields
    with db_session(site) as session:
        assert session.exec(select(DiagnosisRow)).first() is None
    made = site.post("/api/diagnoses", json=answer_set(content))
    assert made.status_code == 201
    body = made.json()
    assert (
        body["country"] == "MWI"
        and body["tasks"]
        and {w["code"] for w in body["workstreams"]} == set("ABCDEFG")
    )
    again = site.get(f"/api/diagnoses/{body['id']}").json()
    assert again["created_by"] == "tester" and [t["id"] for t in again["tasks"]] == [
        t["id"] for t in body["tasks"]
    ]
    created = site.post("/api/plans", json={"diagnosis_id": body["id"], "start": "2027-01-15"})
    assert created.status_code == 201 and created.json()["result"] == "created"
    merged = site.post("/api/plans", json={"diagnosis_id": body["id"]})
    assert merged.status_code == 200 and merged.json()["result"] == "merged"
    assert site.get("/api/plans").json()["total"] == 1
    assert site.get("/api/plans/MWI").json()["progress"]["tasks"] == len(body["tasks"])
    unknown = site.post("/api/plans", json={"diagnosis_id": 999, "extra": 1})
    assert unknown.status_code == 422 and unknown.json()["errors"][0]["field"] == "extra"


def test_a_plan_is_made_backward_from_a_target_and_keeps_its_calendar_when_merged(
    any_site: TestClient, content: Content
) -> None:
    site = any_site
    made = site.post("/api/diagnoses", json=answer_set(content, next_cycle_start="2027-07-01")).json()
    assert made["plan"]["schedule"]["finish_by"] == "2027-07-01"  # the next programme cycle, by default
    assert made["plan"]["schedule"]["shortfall_days"] > 0 and made["plan"]["schedule"]["chain"]
    request = {"diagnosis_id": made["id"], "start": "2027-01-15", "finish_by": "2029-12-31"}
    weekend = {"weekend": [4, 5], "add": [{"date": "2028-03-15", "name": "UNCT retreat"}]}
    created = site.post("/api/plans", json=request | {"calendar": weekend})
    assert created.status_code == 201, created.text
    schedule = created.json()["schedule"]
    assert schedule["finish_by"] == "2029-12-31" and schedule["shortfall_days"] == 0
    assert schedule["calendar"]["weekend"] == [4, 5]
    short = site.post("/api/plans", json={"diagnosis_id": made["id"], "finish_by": "2028-01-31"}).json()
    assert short["result"] == "merged" and short["schedule"]["calendar"] == schedule["calendar"]  # kept
    assert short["schedule"]["shortfall_days"] > 0 and short["schedule"]["chain"][0].endswith("1.2")
    refused = site.post("/api/plans", json={"diagnosis_id": made["id"], "finish_by": "2020-01-01"})
    assert refused.status_code == 422 and refused.json()["errors"][0]["field"] == "finish_by"
    with db_session(site) as session:
        days = {d for t in session.exec(select(TaskRow)).all() for d in (t.start, t.due)}
    assert not {d for d in days if d.weekday() in (4, 5)}  # on the plan's own calendar


def test_tasks_are_paginated_filtered_and_changed_on_the_version_seen(
    any_site: TestClient, content: Content
) -> None:
    site = any_site
    code = seed_plan(site, content)
    everything = site.get("/api/tasks", params={"country": code, "per_page": 500}).json()
    total = everything["total"]
    assert total == len(everything["items"]) > 10
    first, second = (
        site.get("/api/tasks", params={"country": code, "per_page": 5, "page": p}).json() for p in (1, 2)
    )
    assert [t["ref"] for t in first["items"] + second["items"]] == [
        t["ref"] for t in everything["items"][:10]
    ]
    assert site.get("/api/tasks", params={"per_page": 501}).status_code == 422
    ref = first["items"][0]["ref"]
    changed = site.patch(f"/api/tasks/{ref}", json={"version": 1, "status": "in_progress"})
    assert changed.status_code == 200 and changed.json()["version"] == 2
    stale = site.patch(f"/api/tasks/{ref}", json={"version": 1, "status": "completed"})
    assert stale.status_code == 409 and "changed since version 1" in stale.json()["errors"][0]["message"]
    assert site.get(f"/api/tasks/{ref}").json()["status"] == "in_progress"
    typo = site.patch(f"/api/tasks/{ref}", json={"version": 2, "statsu": "completed"})
    assert typo.status_code == 422 and typo.json()["errors"][0]["field"] == "statsu"
    history = site.get(f"/api/tasks/{ref}/history").json()["items"]
    assert [(e["field"], e["by"]) for e in history] == [("status", "tester")]
    in_progress = site.get("/api/tasks", params={"country": code, "status": "in_progress"}).json()
    assert [t["ref"] for t in in_progress["items"]] == [ref]
    missing = site.get("/api/tasks/MWI-Z-9.9")
    assert missing.status_code == 404 and missing.json()["errors"][0]["field"] == "task"


def test_flow_runs_and_sign_offs_refuse_bad_input_naming_each_field(
    site: TestClient, content: Content
) -> None:
    code = seed_plan(site, content)
    bad = site.post(
        "/api/flow-runs",
        json={"country": code, "workstream": "E", "parameters": {"funding_target_usd": -1, "colour": "red"}},
    )
    assert bad.status_code == 422
    assert {e["field"] for e in bad.json()["errors"]} == {
        "parameters.funding_target_usd",
        "parameters.colour",
    }
    with db_session(site) as session:
        assert session.exec(select(FlowRunLinkRow)).first() is None
        assert session.exec(select(TaskRow)).first() is not None
    assert site.get("/api/flow-runs", params={"country": code}).json() == {
        "total": 0,
        "page": 1,
        "per_page": 25,
        "items": [],
    }
    assert site.get("/api/flow-runs").status_code == 422
    out_of_order = site.post(
        "/api/signoffs", json={"country": code, "workstream": "A", "step": 3, "note": "x"}
    )
    assert out_of_order.status_code == 422 and out_of_order.json()["errors"][0]["message"]
    assert (
        site.post("/api/signoffs", json={"country": code, "workstream": "A", "step": 9}).json()["errors"][0][
            "field"
        ]
        == "step"
    )


def test_overrides_sent_to_the_api_need_a_coordinator_and_are_signed_by_them(
    public_site: TestClient, content: Content
) -> None:
    from tests.web.conftest import signed_in

    override = {
        "target": "workstream",
        "id": "D",
        "decision": "include",
        "justification": "x" * 30,
        "by": "boss",
    }
    body = answer_set(content) | {"overrides": [override]}
    member = signed_in(public_site, "mo", "member", "MWI")
    assert member.post("/api/diagnoses", json=body).status_code == 403
    coordinator = signed_in(TestClient(public_site.app), "co", "coordinator", "MWI")
    made = coordinator.post("/api/diagnoses", json=body)
    assert made.status_code == 201
    with db_session(coordinator) as session:
        row = session.exec(select(DiagnosisRow)).one()
    assert [o["by"] for o in row.overrides] == ["co"]


def test_the_openapi_document_describes_every_answer(site: TestClient) -> None:
    """Each /api operation names the shape of its success answer (a pydantic model), so a client generated
    from the document can read every answer."""
    document = site.get("/api/openapi.json").json()
    vague = []
    for path, operations in document["paths"].items():
        for method, operation in operations.items():
            ok = next(v for k, v in operation["responses"].items() if k.startswith("2"))
            schema = ok.get("content", {}).get("application/json", {}).get("schema", {})
            if path != "/api/questionnaire" and "$ref" not in str(schema):
                vague.append(f"{method.upper()} {path}: {schema}")
    assert vague == []
    shapes = document["components"]["schemas"]
    assert {"TaskPublic", "PlanPublic", "DiagnosisPublic", "SignOffPublic", "StepPublic"} <= set(shapes)
    assert "ref" in shapes["TaskPublic"]["required"] and "revision" in shapes["CreatedPlan"]["properties"]


def test_a_country_s_flow_runs_come_newest_first_as_the_api_says(site: TestClient, content: Content) -> None:
    code = seed_plan(site, content)
    with db_session(site) as session:
        for n in range(3):
            session.add(
                FlowRunLinkRow(flow_run_id=f"run-{n}", country_code=code, flow="workstream-b", started_by="t")
            )
        session.commit()
    runs = site.get("/api/flow-runs", params={"country": code, "per_page": 2}).json()
    assert (runs["total"], [r["flow_run_id"] for r in runs["items"]]) == (3, ["run-2", "run-1"])
    rest = site.get("/api/flow-runs", params={"country": code, "page": 2, "per_page": 2}).json()
    assert [r["flow_run_id"] for r in rest["items"]] == ["run-0"]


def test_steps_overdue_tasks_and_what_a_merge_changed_are_answered(
    site: TestClient, content: Content
) -> None:
    code = seed_plan(site, content)
    steps = site.get("/api/signoffs", params={"country": code, "workstream": "b"})
    assert steps.status_code == 200
    assert [s["step"] for s in steps.json()] == [1, 2, 3, 4, 5, 6] and not any(
        s["signed_by"] for s in steps.json()
    )
    assert site.get("/api/signoffs", params={"country": code, "workstream": "Z"}).status_code == 422
    assert site.get("/api/tasks", params={"country": code, "overdue": "true"}).json()["total"] == 0
    ref = site.get("/api/tasks", params={"country": code, "per_page": 1}).json()["items"][0]["ref"]
    past = {"version": 1, "start": "2026-01-05", "due": "2026-02-06"}
    assert site.patch(f"/api/tasks/{ref}", json=past).status_code == 200
    overdue = site.get("/api/tasks", params={"country": code, "overdue": "true"}).json()
    assert [t["ref"] for t in overdue["items"]] == [ref]
    made = site.post("/api/diagnoses", json=answer_set(content)).json()
    merged = site.post("/api/plans", json={"diagnosis_id": made["id"]})
    assert merged.status_code == 200 and merged.json()["result"] == "merged"
    revision = merged.json()["revision"]
    assert revision["by"] == "tester" and set(revision) >= {"added", "dropped", "reinstated", "changed"}


def test_dates_outside_2000_to_2100_are_refused_at_every_door(site: TestClient, content: Content) -> None:
    """Year 9999 once overflowed the working-day calendar (500) or, stored on a task, broke its country's
    timeline and calendar export for every reader."""
    code = seed_plan(site, content)
    made = site.post("/api/diagnoses", json=answer_set(content)).json()
    far = site.post("/api/plans", json={"diagnosis_id": made["id"], "start": "9999-12-31"})
    assert far.status_code == 422 and first_error_of(far) == (
        "start",
        "Give a date from 2000-01-01 to 2100-12-31.",
    )
    ref = site.get("/api/tasks", params={"country": code, "per_page": 1}).json()["items"][0]["ref"]
    for day in ("9999-12-31", "0001-01-01"):
        moved = site.patch(f"/api/tasks/{ref}", json={"version": 1, "due": day})
        assert moved.status_code == 422 and first_error_of(moved)[0] == "due"
    assert site.get(f"/countries/{code}/timeline").status_code == 200
    # the website's form too
    page = site.post(f"/diagnoses/{made['id']}/plan", data={"start": "9999-12-31"}, follow_redirects=False)
    assert page.status_code == 422 and "Give a date from 2000-01-01 to 2100-12-31." in page.text


def first_error_of(answer: Any) -> tuple[str, str]:
    error = answer.json()["errors"][0]
    return error["field"], error["message"]
