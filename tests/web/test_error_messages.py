"""Every form and API route says a wrong value in words a person understands (issue 21, item 3): a sentence
that names the field by its label as the form shows it (the API: by its field), in the page's language, with
none of pydantic's own words ("Input should be…", "value_error", "Field required").

One table: each row posts (or asks for) one wrong value — a non-number, a bad date, a too-long text, a bad
choice, an unknown id, a missing field, a body that is not JSON — and says the label and the problem a
person should read. Each language runs the whole table on one site and lists every row that fails."""

from __future__ import annotations

import html
import re
from dataclasses import dataclass, field
from typing import Any

import pytest
from fastapi.testclient import TestClient

from cer.content import Content
from cer.views.error_words import NAMED, in_language
from tests.web.conftest import seed_plan
from tests.web.test_diagnose_pages import form
from workstreams.errors import N_, Message

LEAKS = (
    "Input should",
    "value_error",
    "type_error",
    "Field required",
    "JSON decode error",
    "Unable to parse",
    "validation error",
    "[type=",
)
REQUIRED = Message(N_("Required: fill this in."))
WHOLE = Message(N_("Enter a whole number, e.g. 18."))
DATE = Message(N_("Enter a date as YYYY-MM-DD, e.g. 2027-01-15."))
YES_NO = Message(N_("Choose yes or no."))
NOT_FOUND = N_("%(what)s was not found: the address is wrong, or the link that brought you here is broken.")


@dataclass(frozen=True)
class Case:
    """One wrong value: how it is sent (`path` with {code}, {task}, {ref}, {diagnosis}), the label the
    message names (None for the API, which names `api_field`), and what it says (`problem`)."""

    name: str
    method: str
    path: str
    problem: Message
    label: str | None = None
    send: dict[str, Any] = field(default_factory=dict)
    api_field: str | None = "-"  # the API's `field` for the error ("-": not an API route)
    status: int = 422


CASES = [
    # -- the diagnosis' result: a decision, and the plan made from it
    Case(
        "an override without a justification",
        "POST",
        "/diagnoses/{diagnosis}/overrides",
        REQUIRED,
        N_("Justification"),
        {"data": {"target": "workstream", "id": "D", "at": "ws-D", "decision": "exclude"}},
    ),
    Case(
        "an override's bad decision",
        "POST",
        "/diagnoses/{diagnosis}/overrides",
        Message(N_("Choose one of: %(expected)s."), expected="'include' or 'exclude'"),
        N_("Decision"),
        {"data": {"item": "tool:T001", "at": "more", "decision": "maybe", "justification": "x" * 20}},
    ),
    Case(
        "an override of an unknown tool",
        "POST",
        "/diagnoses/{diagnosis}/overrides",
        Message(N_("unknown %(kind)s %(value)s"), kind=Message("tool"), value="'T999'"),
        N_("What to include"),
        {"data": {"item": "tool:T999", "at": "more", "decision": "include", "justification": "x" * 20}},
    ),
    Case(
        "an override's justification too long",
        "POST",
        "/diagnoses/{diagnosis}/overrides",
        Message(N_("Enter at most %(max_length)s characters."), max_length=2000),
        N_("Justification"),
        {"data": {"target": "workstream", "id": "D", "decision": "exclude", "justification": "x" * 2001}},
    ),
    Case(
        "a plan's start that is no date",
        "POST",
        "/diagnoses/{diagnosis}/plan",
        DATE,
        N_("Start date"),
        {"data": {"start": "2027-13-45"}},
    ),
    Case(
        "a plan finishing before it starts",
        "POST",
        "/diagnoses/{diagnosis}/plan",
        Message(N_("Give a date after the plan's start (%(start)s)."), start="2027-01-18"),
        N_("Finish by"),
        {"data": {"start": "2027-01-18", "finish_by": "2026-01-01"}},
    ),
    # -- a task's forms
    Case(
        "a task's version that is no whole number",
        "POST",
        "/countries/{code}/tasks/{task}",
        WHOLE,
        N_("Version"),
        {"data": {"version": "2.5", "status": "completed"}},
    ),
    Case(
        "a task's version missing",
        "POST",
        "/countries/{code}/tasks/{task}",
        REQUIRED,
        N_("Version"),
        {"data": {"status": "completed"}},
    ),
    Case(
        "a task's 'as of' that is no date",
        "POST",
        "/countries/{code}/tasks/{task}",
        DATE,
        N_("As of (if earlier than today)"),
        {"data": {"version": "1", "status": "completed", "as_of": "soon"}},
    ),
    Case(
        "a task's planned due date that is no date",
        "POST",
        "/countries/{code}/tasks/{task}/plan",
        DATE,
        N_("Due date"),
        {"data": {"version": "1", "due": "2027-02-30"}},
    ),
    Case(
        "a new task's step that is no number",
        "POST",
        "/countries/{code}/add-task",
        WHOLE,
        N_("Step"),
        {"data": {"title": "Survey", "step": "x", "lead": "OMT"}},
    ),
    Case(
        "a sign-off's step that is no number",
        "POST",
        "/countries/{code}/signoffs",
        WHOLE,
        N_("Step"),
        {"data": {"workstream": "A", "step": "three"}},
    ),
    # -- one's account
    Case(
        "a token's name too long",
        "POST",
        "/account/tokens",
        Message(N_("Enter at most %(max_length)s characters."), max_length=200),
        N_("Name"),
        {"data": {"name": "x" * 300}},
    ),
    # -- pages asked for with a wrong value in the query or the address
    Case("a tool search by a step that is no number", "GET", "/tools?step=x", WHOLE, N_("Step")),
    Case(
        "a plan filtered by a yes-or-no that is neither",
        "GET",
        "/countries/{code}?overdue=maybe",
        YES_NO,
        N_("Only overdue tasks"),
    ),
    Case("a history page that is no number", "GET", "/countries/{code}/history?page=x", WHOLE, N_("Page")),
    Case(
        "a task whose number is its reference",
        "GET",
        "/countries/{code}/tasks/{ref}",
        Message(
            NOT_FOUND,
            what=Message(N_("%(what)s “%(value)s”"), what=Message(N_("Task number")), value="{ref}"),
        ),
        status=404,
    ),
    # -- the JSON API: the field by its name, the message in the language of Accept-Language
    Case(
        "a body that is not JSON",
        "POST",
        "/api/diagnoses",
        Message(N_("Send the body as valid JSON.")),
        send={"content": b"{answers", "headers": {"Content-Type": "application/json"}},
        api_field=None,
    ),
    Case(
        "a body that is a list",
        "POST",
        "/api/diagnoses",
        Message(N_("Give named values (an object).")),
        send={"json": [1, 2]},
        api_field=None,
    ),
    Case(
        "an override's decision that is neither",
        "POST",
        "/api/diagnoses",
        Message(N_("Choose one of: %(expected)s."), expected="'include' or 'exclude'"),
        send={
            "json": {
                "questionnaire_version": "x",
                "overrides": [
                    {"target": "tool", "id": "T001", "decision": "maybe", "justification": "x" * 20}
                ],
            }
        },
        api_field="overrides.0.decision",
    ),
    Case(
        "an override of an unknown workstream",
        "POST",
        "/api/diagnoses",
        Message(N_("unknown %(kind)s %(value)s"), kind=Message("workstream"), value="'Z'"),
        send={"json": "{answers with an override of Z}"},
        api_field="overrides[0].id",
    ),
    Case(
        "a diagnosis number too long to read",
        "POST",
        "/api/plans",
        Message(N_("Enter a smaller whole number.")),
        send={"json": {"diagnosis_id": 1e30}},
        api_field="diagnosis_id",
    ),
    Case(
        "a task's version that is no whole number",
        "PATCH",
        "/api/tasks/{ref}",
        WHOLE,
        send={"json": {"version": "2.5", "status": "in_progress"}},
        api_field="version",
    ),
    Case(
        "a task's comment too long",
        "PATCH",
        "/api/tasks/{ref}",
        Message(N_("Enter at most %(max_length)s characters."), max_length=4000),
        send={"json": {"version": 1, "comment": "x" * 4001}},
        api_field="comment",
    ),
    Case("tasks asked for by a step that is no number", "GET", "/api/tasks?step=x", WHOLE, api_field="step"),
    Case(
        "a sign-off of an unknown workstream",
        "POST",
        "/api/signoffs",
        Message(N_("Choose a workstream: a letter from A to G.")),
        send={"json": {"country": "MWI", "workstream": "Z", "step": 1}},
        api_field="workstream",
    ),
    Case(
        "a flow run without its workstream",
        "POST",
        "/api/flow-runs",
        REQUIRED,
        send={"json": {"country": "MWI"}},
        api_field="workstream",
    ),
]


@dataclass(frozen=True)
class World:
    code: str
    task: int
    ref: str
    diagnosis: int
    answers: dict[str, Any]


def a_world(site: TestClient, content: Content) -> World:
    """Malawi's plan, one of its tasks, and a diagnosis of Malawi made in the browser."""
    code = seed_plan(site, content)
    first = site.get("/api/tasks", params={"country": code, "per_page": 1}).json()["items"][0]
    done = site.post("/diagnose", data=form(content) | {"action": "diagnose"}, follow_redirects=False)
    diagnosis = int(done.headers["location"].rsplit("/", 1)[1])
    stored = site.get(f"/api/diagnoses/{diagnosis}").json()
    answers = {
        "questionnaire_version": stored["questionnaire_version"],
        "country": code,
        "answers": {k: v for k, v in form(content).items() if k != "country"},
    }
    return World(code, int(first["id"]), first["ref"], diagnosis, answers)


def said(case: Case, world: World, lang: str) -> str:
    """What a person should read, in `lang`: the label and the problem for a page, the problem for the API."""
    problem = in_language(_filled(case.problem, world), lang)
    if case.label is None:
        return problem
    named = Message(NAMED, field=in_language(Message(case.label), lang), problem=problem)
    return in_language(named, lang)


def _filled(message: Message, world: World) -> Message:
    values = {
        k: _filled(v, world) if isinstance(v, Message) else str(v).format(ref=world.ref)
        for k, v in message.values.items()
    }
    return Message(message.template, **values) if values else message


def _send(case: Case, world: World) -> dict[str, Any]:
    send = dict(case.send)
    if send.get("json") == "{answers with an override of Z}":
        override = {"target": "workstream", "id": "Z", "decision": "exclude", "justification": "x" * 20}
        send["json"] = world.answers | {"overrides": [override]}
    return send


def answer_of(site: TestClient, case: Case, world: World, lang: str) -> tuple[int, str, list[Any]]:
    path = case.path.format(code=world.code, task=world.task, ref=world.ref, diagnosis=world.diagnosis)
    send = _send(case, world)
    headers = {**send.pop("headers", {}), "Accept-Language": lang}
    if not path.startswith("/api/"):
        path += ("&" if "?" in path else "?") + f"lang={lang}"
    answer = site.request(case.method, path, headers=headers, follow_redirects=False, **send)
    if path.startswith("/api/"):
        return answer.status_code, answer.text, answer.json().get("errors", [])
    main = re.search(r'<main id="main">(.*)</main>', answer.text, re.S)
    text = re.sub(r"\s+", " ", html.unescape(re.sub(r"<[^>]+>", " ", main.group(1) if main else answer.text)))
    return answer.status_code, text, []


def problems_with(case: Case, site: TestClient, world: World, lang: str) -> list[str]:
    status, text, errors = answer_of(site, case, world, lang)
    found = []
    if status != case.status:
        found.append(f"status {status}, not {case.status}")
    leaked = [leak for leak in LEAKS if leak in text]
    if leaked:
        found.append(f"pydantic's words {leaked}")
    expected = said(case, world, lang)
    if case.api_field != "-":
        pair = {"field": case.api_field, "message": expected}
        if pair not in errors:
            found.append(f"no {pair} in {errors}")
    elif re.sub(r"\s+", " ", expected) not in text:
        found.append(f"“{expected}” not in “{text[:400]}”")
    return [f"{case.name} ({case.method} {case.path}): {p}" for p in found]


@pytest.mark.parametrize("lang", ["en", "fr"])
def test_every_wrong_value_is_said_in_words_naming_its_field_in_the_page_s_language(
    site: TestClient, content: Content, lang: str
) -> None:
    world = a_world(site, content)
    problems = [p for case in CASES for p in problems_with(case, site, world, lang)]
    assert not problems, "\n".join(problems)
