"""`cer` talking to a cer-toolkit server's JSON API instead of a database: set `CER_SERVER_URL` (e.g.
https://cer.example.org) and `CER_TOKEN` (from `cer tokens create` or the website's Account page).

Then the plan, task, run and sign-off commands ask the server, as the token's user, with that user's roles;
the server records the change as theirs. The token is sent only over https, or over plain http to this
machine (loopback). Errors come back as the server says them: 401 and 403 are refusals (exit 4), 409 a
conflict (exit 3), 404 and 422 bad requests (exit 2). The answers are read into the same models
(cer.views.public) the server built them from, so a command prints the same as on the database.
"""

from __future__ import annotations

import datetime as dt
import json
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar

from pydantic import BaseModel, TypeAdapter

from cer.services.errors import Conflict, Forbidden, Unauthenticated
from cer.views.public import (
    CreatedPlan,
    DiagnosisPublic,
    FlowRunPublic,
    ImportPublic,
    Page,
    PlanPublic,
    PlanWithTasks,
    RevisionPublic,
    SignOffCodePublic,
    SignOffPublic,
    StartedRunPublic,
    StepPublic,
    TaskEdited,
    TaskEventPublic,
    TaskHistory,
    TaskPublic,
)
from cer.views.requests import (
    FlowRunRequest,
    PlanImportRequest,
    PlanRequest,
    PlanSettings,
    SignOffCodeRequest,
    SignOffRequest,
    TaskCreate,
    TaskUpdate,
)
from workstreams.errors import InvalidRequest

if TYPE_CHECKING:
    from cer.cli.backend import PlanTiming, TaskQuery
    from cer.services.tasks import TaskChange
    from diagnostics.answers import AnswerSet

M = TypeVar("M")


class Missing(InvalidRequest):
    """The server answered 404: what was asked for is not there."""


PAGE = 500  # tasks asked for at once


class Remote:
    """The backend of a remote `cer`: each request is one call (or one per page) to the server's API."""

    def __init__(self, url: str, token: str) -> None:
        self.url, self.token = url, token

    def create_plan(self, answers: AnswerSet, country: str | None, timing: PlanTiming) -> PlanWithTasks:
        code = (country or answers.country or "").strip().upper()
        try:
            self.call("GET", f"/api/plans/{_part(code)}", into=PlanPublic)
        except Missing:
            pass
        else:
            raise Conflict(f"{code} already has a plan; re-diagnose it instead")
        diagnosis = self._diagnose(answers, code)
        body = PlanRequest(
            diagnosis_id=diagnosis.id or 0,
            start=timing.start,
            finish_by=timing.finish_by,
            calendar=timing.calendar,
        )
        self.call("POST", "/api/plans", body=body, into=CreatedPlan)
        return self.plan(code)

    def rediagnose(self, country: str, answers: AnswerSet) -> RevisionPublic:
        code = self.call("GET", f"/api/plans/{_part(country)}", into=PlanPublic).country  # no plan: refused
        diagnosis = self._diagnose(answers, code)
        merged = self.call(
            "POST", "/api/plans", body=PlanRequest(diagnosis_id=diagnosis.id or 0), into=CreatedPlan
        )
        if merged.revision is None:
            raise Conflict(f"{code}'s plan was removed meanwhile: a new one was created from these answers")
        return merged.revision

    def plan(self, country: str) -> PlanWithTasks:
        plan = self.call("GET", f"/api/plans/{_part(country)}", into=PlanPublic)
        from cer.cli.backend import TaskQuery

        return PlanWithTasks(plan=plan, tasks=self.tasks(TaskQuery(plan.country)))

    def tasks(self, query: TaskQuery) -> list[TaskPublic]:
        found: list[TaskPublic] = []
        params = {
            "country": query.country.strip().upper() if query.country else None,
            "workstream": query.workstream,
            "status": query.status.value if query.status else None,
            "overdue": "true" if query.overdue else None,
            "mine": "true" if query.mine else None,
            "agency": query.agency,
            "per_page": PAGE,
        }
        while True:
            page = self.call(
                "GET", "/api/tasks", params=params | {"page": len(found) // PAGE + 1}, into=Page[TaskPublic]
            )
            found += page.items
            if len(found) >= page.total or not page.items:
                return found

    def change_task(self, ref: str, change: TaskChange, version: int | None) -> TaskEdited:
        seen = (
            version
            if version is not None
            else self.call("GET", f"/api/tasks/{_part(ref)}", into=TaskPublic).version
        )
        fields = {k: v for k, v in vars(change).items() if v is not None}
        body = TaskUpdate.of(version=seen, **fields)
        return self.call("PATCH", f"/api/tasks/{_part(ref)}", body=body, into=TaskEdited)

    def follow_dependencies(self, country: str, follow: bool) -> PlanPublic:
        body = PlanSettings(follow_dependencies=follow)
        return self.call("PATCH", f"/api/plans/{_part(country)}", body=body, into=PlanPublic)

    def add_task(self, country: str, request: TaskCreate) -> TaskEdited:
        return self.call("POST", f"/api/plans/{_part(country)}/tasks", body=request, into=TaskEdited)

    def import_plan(self, country: str, request: PlanImportRequest) -> ImportPublic:
        return self.call("POST", f"/api/plans/{_part(country)}/import", body=request, into=ImportPublic)

    def history(self, ref: str) -> list[TaskEventPublic]:
        return self.call("GET", f"/api/tasks/{_part(ref)}/history", into=TaskHistory).items

    def start_workstream(self, request: FlowRunRequest) -> StartedRunPublic:
        return self.call("POST", "/api/flow-runs", body=request, into=StartedRunPublic)

    def start_change_process(
        self,
        answers: AnswerSet,  # noqa: ARG002
        country: str,  # noqa: ARG002
        start: dt.date | None,  # noqa: ARG002
    ) -> StartedRunPublic:
        raise InvalidRequest(
            "`cer run change-process` works on the database only: unset CER_SERVER_URL on the server, or "
            "start the workstreams one by one (`cer run workstream`)"
        )

    def sign_off(self, request: SignOffRequest) -> SignOffPublic:
        return self.call("POST", "/api/signoffs", body=request, into=SignOffPublic)

    def signoff_code(self, request: SignOffCodeRequest) -> SignOffCodePublic:
        return self.call("POST", "/api/signoff-codes", body=request, into=SignOffCodePublic)

    def steps(self, country: str, workstream: str) -> list[StepPublic]:
        params = {"country": country.strip().upper(), "workstream": workstream.strip().upper()}
        return self.call("GET", "/api/signoffs", params=params, into=list[StepPublic])

    def runs(self, country: str) -> list[FlowRunPublic]:
        params = {"country": country.strip().upper(), "state": "true", "per_page": PAGE}
        return self.call("GET", "/api/flow-runs", params=params, into=Page[FlowRunPublic]).items

    def _diagnose(self, answers: AnswerSet, country: str) -> DiagnosisPublic:
        body = answers.model_copy(update={"country": country}) if country else answers
        return self.call("POST", "/api/diagnoses", body=body, into=DiagnosisPublic)

    def call(
        self,
        method: str,
        path: str,
        *,
        into: type[M],
        params: Mapping[str, Any] | None = None,
        body: BaseModel | None = None,
    ) -> M:
        """The answer read into `into`; an error answer raised as the matching error, with the server's
        message."""
        query = urllib.parse.urlencode({k: v for k, v in (params or {}).items() if v is not None})
        request = urllib.request.Request(
            f"{self.url}{path}{'?' + query if query else ''}",
            method=method,
            data=None if body is None else body.model_dump_json(exclude_none=True).encode(),
            headers={"Authorization": f"Bearer {self.token}", "Content-Type": "application/json"},
        )
        try:
            with _OPENER.open(request, timeout=60) as answer:
                data = answer.read()
        except urllib.error.HTTPError as error:
            raise _error(error.code, error.read()) from None
        except (urllib.error.URLError, OSError) as error:
            reason = getattr(error, "reason", error)
            raise InvalidRequest(f"cannot reach the server at {self.url}: {reason}") from None
        result: M = TypeAdapter(into).validate_json(data)
        return result


def _part(text: str) -> str:
    return urllib.parse.quote(text.strip(), safe="")


class _NoRedirects(urllib.request.HTTPRedirectHandler):
    """A redirect is refused, not followed: urllib would send the token on to wherever it points."""

    def redirect_request(self, req: Any, fp: Any, code: int, msg: str, headers: Any, newurl: str) -> None:  # noqa: ARG002
        raise InvalidRequest(f"the server redirected to {newurl}: set CER_SERVER_URL to the address it names")


_OPENER = urllib.request.build_opener(_NoRedirects)


def _error(status: int, body: bytes) -> Exception:
    """The server's error answer as our error: its messages, each with the field it is about."""
    try:
        errors = json.loads(body)["errors"]
        message = "; ".join(
            f"{e['field']}: {e['message']}" if e.get("field") else e["message"] for e in errors
        )
    except (ValueError, KeyError, TypeError):
        message = f"the server answered {status}"
    if status == 401:
        return Unauthenticated(f"{message} (check CER_TOKEN)")
    if status == 403:
        return Forbidden(message)
    if status == 409:
        return Conflict(message)
    if status == 404:
        return Missing(message)
    return InvalidRequest(message)
