"""Refused input is explained in words a person acts on, the same at every door (workstreams.errors)."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Literal

import pytest
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from workstreams.errors import field_errors


class Form(BaseModel):
    model_config = ConfigDict(extra="forbid")

    agencies: int
    share: float = 0
    start: dt.date | None = None
    name: Annotated[str, Field(min_length=1, max_length=5)] = "x"
    target: Annotated[int, Field(ge=0, le=10)] = 0
    kind: Literal["pilot", "none"] = "none"
    code: str = "A"

    @field_validator("code")
    @classmethod
    def _known(cls, value: str) -> str:
        if value != "A":
            raise ValueError("not a workstream we know: A to G")
        return value


def _messages(**values: object) -> dict[str | None, str | None]:
    with pytest.raises(ValidationError) as caught:
        Form.model_validate(values)
    return {e["field"]: e["message"] for e in field_errors(caught.value.errors())}


def test_each_kind_of_refusal_says_what_to_enter() -> None:
    found = _messages(
        agencies="2.5", share="half", start="soon", name="", target=11, kind="maybe", code="Z", colour="blue"
    )
    assert found == {
        "agencies": "Enter a whole number, e.g. 18.",
        "share": "Enter a number, e.g. 2.5.",
        "start": "Enter a date as YYYY-MM-DD, e.g. 2027-01-15.",
        "name": "Required: fill this in.",
        "target": "Enter 10 or less.",
        "kind": "Choose one of: 'pilot' or 'none'.",
        "code": "not a workstream we know: A to G",
        "colour": "Not something we know here: remove it or check its spelling.",
    }


def test_a_missing_value_and_a_too_long_one_are_named() -> None:
    assert _messages(name="abcdefgh", target=-1) == {
        "agencies": "Required: fill this in.",
        "name": "Enter at most 5 characters.",
        "target": "Enter 0 or more.",
    }


def test_no_message_repeats_the_input_that_was_refused() -> None:
    secret = "hunter2-password"
    assert all(secret not in str(m) for m in _messages(agencies=secret, name=secret).values())
