"""What the JSON API accepts, as pydantic models refusing unknown fields; the command line sends the same
when it talks to a server (`CER_SERVER_URL`)."""

from __future__ import annotations

from typing import Any, Self

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from cer.services.custom_tasks import NewTask
from cer.services.tasks import TaskChange
from diagnostics.working_calendars import CalendarEdit
from workstreams.dates import Day
from workstreams.errors import InvalidFields
from workstreams.parameters import CountryCode, WorkstreamCode
from workstreams.status import TaskStatus


class Body(BaseModel):
    model_config = ConfigDict(extra="forbid")

    @classmethod
    def of(cls, **values: Any) -> Self:
        """The request made from `values` (the command line's options), each bad one named in words."""
        try:
            return cls.model_validate(values)
        except ValidationError as exc:
            raise InvalidFields.from_validation(exc) from None


class PlanRequest(Body):
    diagnosis_id: int = Field(ge=1, le=2**31 - 1, description="A stored, complete diagnosis")
    start: Day | None = Field(default=None, description="Plan start (default: today)")
    finish_by: Day | None = Field(
        default=None,
        description="Plan backward to finish by then (default: the next programme cycle's start, when the "
        "answers give one after the start); the answer says by how many working days it does not fit",
    )
    calendar: CalendarEdit | None = Field(
        default=None, description="Changes to the country's working calendar for this plan"
    )


def calendar_edit(weekend: str | None, holidays: list[str], working_days: list[str]) -> CalendarEdit | None:
    """Calendar changes as people write them: a weekend such as 'fri,sat', days off such as '2027-03-10' or
    '2027-03-10=Staff retreat', holidays worked such as '2027-05-01'; None when nothing changes. Each bad
    one is named (InvalidFields)."""
    if not weekend and not holidays and not working_days:
        return None
    days = [d.strip().lower()[:3] for d in (weekend or "").replace("-", ",").split(",") if d.strip()]
    values = {
        "weekend": [_WEEKDAYS.index(d) if d in _WEEKDAYS else d for d in days] or None,
        "add": [dict(zip(("date", "name"), h.split("=", 1), strict=False)) for h in holidays if h.strip()],
        "remove": [d.strip() for d in working_days if d.strip()],
    }
    try:
        return CalendarEdit.model_validate(values)
    except ValidationError as exc:
        raise InvalidFields.from_validation(exc).under("calendar") from None


_WEEKDAYS = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"]


class PlanSettings(Body):
    follow_dependencies: bool = Field(
        description="Moving a task moves the tasks that depend on it (true) or only warns of the conflict"
    )


class TaskUpdate(Body):
    version: int = Field(
        ge=1, le=2**31 - 1, description="The version you saw: a change made meanwhile is refused (409)"
    )
    status: TaskStatus | None = None
    reason: str | None = Field(default=None, max_length=2000, description="Needed for blocked and dropped")
    lead: str | None = Field(default=None, max_length=120)
    contributors: list[str] | None = Field(default=None, max_length=40)
    start: Day | None = None
    due: Day | None = None
    comment: str | None = Field(default=None, max_length=4000)
    status_on: Day | None = Field(
        default=None, description="The day the new status took effect, when earlier than today"
    )
    title: str | None = Field(default=None, max_length=300, description="A custom task's title")
    description: str | None = Field(default=None, max_length=4000, description="A custom task's description")
    note: str | None = Field(default=None, max_length=4000, description="The country team's own note")
    assignee: str | None = Field(default=None, max_length=60, description="A username; '' clears it")
    depends_on: list[str] | None = Field(
        default=None, max_length=100, description="Tasks of the same plan, e.g. ['MWI-B-4.1']"
    )
    progress: str | None = Field(default=None, max_length=4000, description="A progress note, in words")
    progress_on: Day | None = Field(default=None, description="The day it describes (default: today)")

    def change(self) -> TaskChange:
        return TaskChange(**self.model_dump(exclude={"version"}))


class TaskCreate(Body):
    """A task the country team adds to its plan."""

    title: str = Field(min_length=1, max_length=300)
    step: int = Field(ge=1, le=9, description="The toolkit step it belongs to")
    workstreams: list[str] = Field(
        min_length=1, max_length=7, description="Workstreams it serves, e.g. ['B']"
    )
    lead: str = Field(min_length=1, max_length=120, description="An agency, or a group such as OMT")
    contributors: list[str] = Field(default_factory=list, max_length=40)
    start: Day | None = Field(default=None, description="Default: the plan's start or today")
    due: Day | None = Field(default=None, description="Default: 10 working days on")
    depends_on: list[str] = Field(default_factory=list, max_length=100, description="e.g. ['MWI-B-4.1']")
    description: str = Field(default="", max_length=4000)
    assignee: str | None = Field(default=None, max_length=60, description="A username")

    def new(self) -> NewTask:
        return NewTask(**self.model_dump())


class FlowRunRequest(Body):
    country: CountryCode
    workstream: WorkstreamCode
    parameters: dict[str, Any] = Field(default_factory=dict, description="The workstream's run parameters")


class SignOffRequest(Body):
    country: CountryCode
    workstream: WorkstreamCode
    step: int = Field(ge=1, le=6)
    note: str | None = Field(default=None, max_length=2000, description="Why, when tasks are still open")


class SignOffCodeRequest(Body):
    country: CountryCode
    workstream: WorkstreamCode
    step: int = Field(ge=1, le=6)


class PlanImportRequest(Body):
    """A plan file to import into a country's plan (XLSX or CSV, base64), how to read its columns, and
    whether only to check it."""

    filename: str = Field(min_length=1, max_length=200, description="e.g. 'action-plan.xlsx'")
    content_base64: str = Field(max_length=1_000_000, description="The file's bytes, base64 (at most 700 kB)")
    mapping: dict[str, str] = Field(
        default_factory=dict, description="Field → column letter, number or header, e.g. {'due': 'G'}"
    )
    workstream: WorkstreamCode | None = Field(default=None, description="For rows naming none")
    dry_run: bool = False

    def data(self) -> bytes:
        import base64
        import binascii

        try:
            return base64.b64decode(self.content_base64, validate=True)
        except (binascii.Error, ValueError):
            raise InvalidFields.of("content_base64", "not base64: send the file's bytes encoded") from None
