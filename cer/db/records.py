"""Structured values kept in JSON columns, typed: what is stored is validated on the way in and read back as
models, never as dicts picked apart with `.get(...)`."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict, Field
from sqlalchemy import JSON
from sqlalchemy.engine import Dialect
from sqlalchemy.types import TypeDecorator


class ReasonRecord(BaseModel):
    """Why a decision was taken: the rule, default, readiness answer or override behind it."""

    model_config = ConfigDict(frozen=True)

    kind: str = Field(description="rule, default, readiness, link or override")
    source: str = Field(
        description="The rule id, question id, 'default', 'override' or '<workstream>:<action>'"
    )
    effect: str = Field(description="include or exclude")
    text: str
    answers: dict[str, Any] = Field(default_factory=dict, description="The answers that fired it")


class WorkstreamChoice(BaseModel):
    """A workstream as a plan's diagnosis decided it: selected or not, and why."""

    model_config = ConfigDict(frozen=True)

    code: str = Field(pattern="^[A-G]$")
    selected: bool
    reasons: list[ReasonRecord] = Field(default_factory=list)


class WorkstreamChoices(TypeDecorator[list[WorkstreamChoice]]):
    """A list of `WorkstreamChoice` in a JSON column."""

    impl = JSON
    cache_ok = True

    def process_bind_param(self, value: Any, dialect: Dialect) -> Any:  # noqa: ARG002
        if value is None:
            return None
        return [WorkstreamChoice.model_validate(v).model_dump(mode="json") for v in value]

    def process_result_value(self, value: Any, dialect: Dialect) -> list[WorkstreamChoice]:  # noqa: ARG002
        return [WorkstreamChoice.model_validate(v) for v in value or []]


def selected_codes(choices: list[WorkstreamChoice]) -> list[str]:
    return [c.code for c in choices if c.selected]
