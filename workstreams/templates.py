"""Task templates: the tasks a workstream run's parameters imply (content in `templates.yaml`).

A template belongs to a workstream and an action. With `per: service_lines` it yields one task per chosen
service line; with `when: security_constraint` only when that parameter is set (and, with `when_in`, set
to one of the listed values); with `unless` only when it is not. Its key becomes part of the task's
identity — plan, workstream, action, template key — so running a workstream again never creates the same
task twice.
"""

from __future__ import annotations

import string
from dataclasses import dataclass
from enum import Enum
from typing import Any

from pydantic import Field, model_validator

from workstreams.errors import N_, InvalidRequest
from workstreams.models import ActionId, ContentModel, Source, WorkstreamCode
from workstreams.parameters import LABELS, RUN_PARAMETERS, WorkstreamRun

TemplateKey = str


class TaskTemplate(ContentModel):
    key: str = Field(
        pattern=r"^[a-z0-9-]*(\{item\})?[a-z0-9-]*$",
        max_length=30,
        description="Short slug, unique within the action; '{item}' stands for each value of `per`",
    )
    action: ActionId
    title: str = Field(
        min_length=3, max_length=200, description="May use {label}, {item} and parameter names"
    )
    description: str = Field(min_length=3)
    duration_days: int = Field(ge=1, le=260, description="Working days")
    per: str | None = Field(
        default=None, description="A parameter: one task per value (or for its one value)"
    )
    when: str | None = Field(default=None, description="A parameter: only when it is set / true / non-zero")
    when_in: list[str] | None = Field(default=None, description="With `when`: only for these values")
    unless: str | None = Field(default=None, description="A parameter: only when it is not set / false")
    source: Source

    @model_validator(mode="after")
    def _item_needs_per(self) -> TaskTemplate:
        if ("{item}" in self.key) != (self.per is not None):
            raise ValueError("a template with `per` has '{item}' in its key, and only such a template does")
        if self.when_in is not None and self.when is None:
            raise ValueError("`when_in` needs `when`")
        return self

    def placeholders(self) -> set[str]:
        names = set()
        for text in (self.title, self.description):
            names |= {name for _, name, _, _ in string.Formatter().parse(text) if name}
        return names


class TemplatesFile(ContentModel):
    templates: dict[WorkstreamCode, list[TaskTemplate]]


@dataclass(frozen=True)
class TemplateTask:
    """One task a run's parameters call for (no dates or owners yet: the plan decides those)."""

    action: str
    template: str  # the expanded key, e.g. 'stocktake-procurement'
    title: str
    description: str
    duration_days: int
    source: Source
    because: str  # the parameter that called for it, in words: "service_lines includes ICT"


def check_template(code: str, template: TaskTemplate) -> list[str]:
    """What is wrong with a template for workstream `code` (unknown parameters, placeholders)."""
    model = RUN_PARAMETERS.get(code)
    if model is None:
        return [f"no workstream {code!r} takes parameters"]
    fields = model.model_fields
    problems = [
        f"{attr} names {name!r}, which is not a parameter of workstream {code} (known: {', '.join(fields)})"
        for attr, name in (("per", template.per), ("when", template.when), ("unless", template.unless))
        if name is not None and name not in fields
    ]
    allowed = set(fields) | ({"item", "label"} if template.per else set())
    problems += [f"unknown placeholder {{{name}}}" for name in sorted(template.placeholders() - allowed)]
    return problems


def expand(templates: list[TaskTemplate], params: WorkstreamRun) -> list[TemplateTask]:
    """The tasks `params` call for, in template order; the same parameters give the same tasks."""
    values = {name: _plain(getattr(params, name)) for name in type(params).model_fields}
    text_values = {name: _text(value) for name, value in values.items()}
    tasks: list[TemplateTask] = []
    for template in templates:
        if template.when is not None and not _applies(values[template.when], template.when_in):
            continue
        if template.unless is not None and values[template.unless]:
            continue
        items: list[Any] = [None]
        if template.per is not None:
            chosen = values[template.per]
            items = list(chosen) if isinstance(chosen, list) else [chosen] if chosen not in (None, "") else []
        for item in items:
            fill = dict(text_values, item=_slug(item), label=LABELS.get(str(item), str(item)))
            because = _because(template, values, fill["label"] if item is not None else None)
            tasks.append(
                TemplateTask(
                    action=template.action,
                    template=template.key.replace("{item}", _slug(item)),
                    title=template.title.format(**fill),
                    description=template.description.strip().format(**fill),
                    duration_days=template.duration_days,
                    source=template.source,
                    because=because,
                )
            )
    seen: dict[tuple[str, str], str] = {}
    for task in tasks:
        if (task.action, task.template) in seen:
            raise InvalidRequest(
                N_(
                    "%(first)s and %(second)s would be the same task (%(key)s): "
                    "give the values more distinct names"
                ),
                first=repr(seen[task.action, task.template]),
                second=repr(task.title),
                key=f"{task.action}/{task.template}",
            )
        seen[task.action, task.template] = task.title
    return tasks


def _because(template: TaskTemplate, values: dict[str, Any], label: str | None) -> str:
    reasons = []
    if template.per is not None:
        many = isinstance(values[template.per], list)
        reasons.append(f"{template.per} {'includes' if many else 'is'} {label}")
    if template.when is not None:
        reasons.append(f"{template.when} is {_text(values[template.when])}")
    if template.unless is not None:
        reasons.append(f"{template.unless} is not set")
    return " and ".join(reasons) or "every run of the workstream"


def _applies(value: Any, allowed: list[str] | None) -> bool:
    if allowed is not None:
        return str(value) in allowed
    return bool(value)


def _plain(value: Any) -> Any:
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, list):
        return [_plain(v) for v in value]
    return value


def _text(value: Any) -> str:
    if isinstance(value, list):
        return ", ".join(LABELS.get(str(v), str(v)) for v in value) or "none"
    if isinstance(value, int) and not isinstance(value, bool):
        return f"{value:,}"
    return LABELS.get(str(value), str(value)) if value is not None else ""


def _slug(item: Any) -> str:
    text = "".join(c if c.isalnum() else "-" for c in str(item).lower()).strip("-")
    return "-".join(part for part in text.split("-") if part)[:20] if item is not None else ""
