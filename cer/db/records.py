"""Structured values kept in JSON columns, typed: what is stored is validated on the way in and read back as
models, never as dicts picked apart with `.get(...)`."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict, Field
from sqlalchemy import JSON, String, cast
from sqlalchemy.engine import Dialect
from sqlalchemy.types import TypeDecorator

from diagnostics.working_calendars import CalendarChoice


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


class CalendarChoices(TypeDecorator[CalendarChoice | None]):
    """A plan's `CalendarChoice` (weekend, days added and removed) in a JSON column; None for a plan made
    before plans kept their calendar, which re-planning gives its country's calendar."""

    impl = JSON
    cache_ok = True

    def process_bind_param(self, value: Any, dialect: Dialect) -> Any:  # noqa: ARG002
        return None if value is None else CalendarChoice.model_validate(value).model_dump(mode="json")

    def process_result_value(self, value: Any, dialect: Dialect) -> CalendarChoice | None:  # noqa: ARG002
        return None if value is None else CalendarChoice.model_validate(value)


class WorkstreamCodes(TypeDecorator[list[str]]):
    """A task's workstreams in a JSON column: workstream letters, each once, in order (e.g. ["A", "B"])."""

    impl = JSON
    cache_ok = True

    def process_bind_param(self, value: Any, dialect: Dialect) -> Any:  # noqa: ARG002
        if value is None:
            return None
        codes = sorted({str(v) for v in value})
        if not all(len(c) == 1 and "A" <= c <= "Z" for c in codes):
            raise ValueError(f"workstream codes are single capital letters: {codes}")
        return codes

    def process_result_value(self, value: Any, dialect: Dialect) -> list[str]:  # noqa: ARG002
        return [str(v) for v in value or []]


def serving(column: Any, code: str) -> Any:
    """A WHERE clause: the JSON list of workstream codes in `column` holds `code` (SQLite and PostgreSQL
    both keep the list as written, '["A", "B"]'; a code is one letter, so '"B"' is found only as itself)."""
    return cast(column, String).like(f'%"{code.strip().upper()}"%')
