"""The form that starts a workstream's run, made from the workstream's pydantic parameters model: a widget per
field (checkboxes, a comma-separated list, a select, a checkbox, a number, a date or text), and the values
posted back, read the same way. The service validates them (`workstreams.parameters.run_parameters`)."""

from __future__ import annotations

import datetime as dt
import enum
import types
import typing
from typing import Annotated, Any

from starlette.datastructures import FormData

from workstreams.parameters import LABELS, WorkstreamRun

HIDDEN_PARAMETERS = ("country", "plan_id", "by")  # set by the service, not by the person


def _unwrap(annotation: Any) -> tuple[bool, Any]:
    """(is a list, the item or value type) of a parameter's annotation, Optional and Annotated removed."""
    origin = typing.get_origin(annotation)
    if origin is Annotated:
        return _unwrap(typing.get_args(annotation)[0])
    if origin is list:
        return True, _unwrap(typing.get_args(annotation)[0])[1]
    if origin in (typing.Union, types.UnionType):
        inner = [a for a in typing.get_args(annotation) if a is not type(None)]
        return _unwrap(inner[0]) if len(inner) == 1 else (False, str)
    return False, annotation


def _widget(many: bool, kind: Any, choices: list[tuple[str, str]]) -> str:
    if many:
        return "checkboxes" if choices else "list"
    if choices:
        return "select"
    return {bool: "checkbox", int: "number", dt.date: "date"}.get(kind, "text")


def parameter_fields(model: type[WorkstreamRun]) -> list[dict[str, Any]]:
    """The form fields of a workstream's run parameters, from its pydantic model."""
    fields = []
    for name, info in model.model_fields.items():
        if name in HIDDEN_PARAMETERS:
            continue
        many, kind = _unwrap(info.annotation)
        choices = (
            [(m.value, LABELS.get(m.value, m.value)) for m in kind]
            if isinstance(kind, type) and issubclass(kind, enum.Enum)
            else []
        )
        default = info.get_default(call_default_factory=True)
        fields.append(
            {
                "name": name,
                "label": name.replace("_", " ").capitalize(),
                "help": info.description or "",
                "widget": _widget(many, kind, choices),
                "choices": choices,
                "default": default.value if isinstance(default, enum.Enum) else default,
            }
        )
    return fields


def parameters_from_form(model: type[WorkstreamRun], form: FormData) -> dict[str, Any]:
    """The values posted for the model's fields, as the service takes them (empty fields left out)."""
    values: dict[str, Any] = {}
    for f in parameter_fields(model):
        name = f["name"]
        if f["widget"] == "checkboxes":
            values[name] = [v for v in form.getlist(name) if v]
        elif f["widget"] == "list":
            values[name] = [v.strip() for v in str(form.get(name) or "").split(",") if v.strip()]
        elif f["widget"] == "checkbox":
            values[name] = form.get(name) == "true"
        elif str(form.get(name) or "").strip():
            values[name] = str(form.get(name)).strip()
    return values


def kept_form(model: type[WorkstreamRun] | None, form: FormData) -> dict[str, Any]:
    """What was posted, to show again beside what was refused: every value of a field of checkboxes, the
    value of any other field."""
    many = {f["name"] for f in parameter_fields(model) if f["widget"] == "checkboxes"} if model else set()
    return {name: form.getlist(name) if name in many else form.get(name) for name in form}
