"""What the JSON API accepts, as pydantic models refusing unknown fields; the command line sends the same
when it talks to a server (`CER_SERVER_URL`)."""

from __future__ import annotations

import datetime as dt
from typing import Any, Self

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from cer.services.tasks import TaskChange
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
    start: dt.date | None = Field(default=None, description="Plan start (default: today)")


class TaskUpdate(Body):
    version: int = Field(
        ge=1, le=2**31 - 1, description="The version you saw: a change made meanwhile is refused (409)"
    )
    status: TaskStatus | None = None
    reason: str | None = Field(default=None, max_length=2000, description="Needed for blocked and dropped")
    lead: str | None = Field(default=None, max_length=120)
    contributors: list[str] | None = Field(default=None, max_length=40)
    start: dt.date | None = None
    due: dt.date | None = None
    comment: str | None = Field(default=None, max_length=4000)

    def change(self) -> TaskChange:
        return TaskChange(**self.model_dump(exclude={"version"}))


class FlowRunRequest(Body):
    country: CountryCode
    workstream: WorkstreamCode
    parameters: dict[str, Any] = Field(default_factory=dict, description="The workstream's run parameters")


class SignOffRequest(Body):
    country: CountryCode
    workstream: WorkstreamCode
    step: int = Field(ge=1, le=6)
    note: str | None = Field(default=None, max_length=2000, description="Why, when tasks are still open")
