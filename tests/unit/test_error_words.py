"""Each pydantic error type a door can meet is said in words a person acts on, in English and French, never
in pydantic's own words (cer.views.error_words.explain over workstreams.errors.explain)."""

from __future__ import annotations

import datetime as dt
import json
from typing import Annotated, Any, Literal

import pytest
from pydantic import BaseModel, ConfigDict, Field, TypeAdapter, ValidationError, field_validator

from cer.views.error_words import EITHER, UNUSABLE, explain, in_language, label, lines_in_words
from workstreams.errors import N_, Message


class Inner(BaseModel):
    name: str


class Everything(BaseModel):
    model_config = ConfigDict(extra="forbid")

    whole: int = 0
    share: float = 0
    flag: bool = False
    day: dt.date | None = None
    moment: dt.datetime | None = None
    text: str = ""
    short: Annotated[str, Field(max_length=3)] = ""
    sentence: Annotated[str, Field(min_length=10)] = "a sentence."
    code: Annotated[str, Field(pattern=r"^[A-G]$")] = "A"
    few: Annotated[list[int], Field(max_length=2)] = []
    some: Annotated[list[int], Field(min_length=1)] = [1]
    small: Annotated[int, Field(le=10, ge=0)] = 0
    positive: Annotated[int, Field(gt=0)] = 1
    below: Annotated[int, Field(lt=10)] = 0
    even: Annotated[int, Field(multiple_of=2)] = 0
    choice: Literal["include", "exclude"] = "include"
    items: list[int] = []
    named: dict[str, int] = {}
    inner: Inner | None = None
    rule: str = "ok"

    @field_validator("rule")
    @classmethod
    def _rule(cls, value: str) -> str:
        if value != "ok":
            raise ValueError("not a workstream we know: A to G")
        return value


# (a value that is refused, pydantic's error type, the words a person reads in English)
CASES: list[tuple[dict[str, Any], str, str]] = [
    ({"whole": "2.5"}, "int_parsing", "Enter a whole number, e.g. 18."),
    ({"whole": 2.5}, "int_from_float", "Enter a whole number, e.g. 18."),
    ({"whole": [1]}, "int_type", "Enter a whole number, e.g. 18."),
    ({"whole": "9" * 5000}, "int_parsing_size", "Enter a smaller whole number."),
    ({"share": "lots"}, "float_parsing", "Enter a number, e.g. 2.5."),
    ({"share": [1]}, "float_type", "Enter a number, e.g. 2.5."),
    ({"flag": "maybe"}, "bool_parsing", "Choose yes or no."),
    ({"flag": [1]}, "bool_type", "Choose yes or no."),
    ({"day": "2027-02-30"}, "date_from_datetime_parsing", "Enter a date as YYYY-MM-DD, e.g. 2027-01-15."),
    (
        {"day": "2027-01-15T10:00"},
        "date_from_datetime_inexact",
        "Enter a date as YYYY-MM-DD, without a time.",
    ),
    ({"day": [1]}, "date_type", "Enter a date as YYYY-MM-DD, e.g. 2027-01-15."),
    (
        {"moment": "tomorrow"},
        "datetime_from_date_parsing",
        "Enter a date and time as YYYY-MM-DDTHH:MM, e.g. 2027-01-15T09:30.",
    ),
    ({"moment": [1]}, "datetime_type", "Enter a date and time as YYYY-MM-DDTHH:MM, e.g. 2027-01-15T09:30."),
    ({"text": 5}, "string_type", "Enter text."),
    ({"short": "abcd"}, "string_too_long", "Enter at most 3 characters."),
    ({"sentence": "short"}, "string_too_short", "Enter at least 10 character(s)."),
    ({"code": "Z"}, "string_pattern_mismatch", "Not in the form expected here."),
    ({"few": [1, 2, 3]}, "too_long", "Give at most 2."),
    ({"some": []}, "too_short", "Give at least 1."),
    ({"small": 11}, "less_than_equal", "Enter 10 or less."),
    ({"small": -1}, "greater_than_equal", "Enter 0 or more."),
    ({"positive": 0}, "greater_than", "Enter more than 0."),
    ({"below": 10}, "less_than", "Enter less than 10."),
    ({"even": 3}, "multiple_of", "Enter a multiple of 2."),
    ({"choice": "maybe"}, "literal_error", "Choose one of: 'include' or 'exclude'."),
    ({"items": "x"}, "list_type", "Give a list of values."),
    ({"named": "x"}, "dict_type", "Give named values (an object)."),
    ({"inner": "x"}, "model_type", "Give named values (an object)."),
    ({"inner": {}}, "missing", "Required: fill this in."),
    ({"unknown": 1}, "extra_forbidden", "Not something we know here: remove it or check its spelling."),
    ({"rule": "Z"}, "value_error", "not a workstream we know: A to G"),
]


def the_error(values: dict[str, Any]) -> dict[str, Any]:
    with pytest.raises(ValidationError) as refused:
        Everything.model_validate(values)
    errors = refused.value.errors()
    assert len(errors) == 1, errors
    return dict(errors[0])


@pytest.mark.parametrize(("values", "kind", "words"), CASES, ids=[c[1] for c in CASES])
def test_each_error_type_is_said_in_words_in_english_and_french(
    values: dict[str, Any], kind: str, words: str
) -> None:
    error = the_error(values)
    assert error["type"] == kind
    said = explain(error)
    assert str(said) == words
    assert "Input should" not in said and "Value error" not in said and "Field required" not in said
    french = in_language(said, "fr")
    assert "Input should" not in french
    if kind not in (
        "value_error",
        "int_parsing_size",
        "datetime_from_date_parsing",
        "datetime_type",
        "multiple_of",
    ):  # words of our own: in French once the catalogues have them
        assert french != str(said), f"{kind}: not said in French: {french}"


def test_a_body_that_is_not_json_or_not_an_object_is_said_in_words() -> None:
    try:
        TypeAdapter(Everything).validate_json("{not json")
    except ValidationError as exc:
        not_json = dict(exc.errors()[0])
    assert not_json["type"] == "json_invalid"
    assert str(explain(not_json)) == "Send the body as valid JSON."
    try:
        Everything.model_validate_json(json.dumps([1, 2]))
    except ValidationError as exc:
        a_list = dict(exc.errors()[0])
    assert str(explain(a_list)) == "Give named values (an object)."


def test_an_error_type_nobody_has_worded_is_not_said_in_pydantic_s_words() -> None:
    error = {"type": "uuid_parsing", "loc": ("id",), "msg": "Input should be a valid UUID, invalid character"}
    assert str(explain(error)) == UNUSABLE
    assert "Input should" not in in_language(explain(error), "fr")


def test_a_list_of_choices_says_or_in_the_reader_s_language() -> None:
    choice = explain(the_error({"choice": "maybe"}))
    either = in_language(Message(EITHER, choices="'include'", last="'exclude'"), "fr")
    assert in_language(choice, "fr").endswith(f"{either}.")
    assert in_language(choice, "en") == "Choose one of: 'include' or 'exclude'."


def test_a_field_is_named_by_the_label_its_form_shows() -> None:
    assert label("finish_by", "en") == "Finish by"
    assert label("as_of", "en") == "As of (if earlier than today)"
    assert label("overrides.0.justification", "en") == "Justification"
    assert label("task_id", "fr") == in_language(Message(N_("Task number")), "fr") != "Task number"
    line = lines_in_words([{"field": "finish_by", "message": Message(N_("Required: fill this in."))}], "fr",
                          labelled=True)  # fmt: skip
    assert line.startswith(in_language(Message(N_("Finish by")), "fr")) and "Obligatoire" in line
