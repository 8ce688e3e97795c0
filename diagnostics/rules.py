"""Selection rules and planning defaults, kept as content (`diagnostics/content/rules.yaml`, `planning.yaml`).

A rule says: when this condition on the answers holds, include or exclude this workstream / action / tool,
and here is the reason in words a country team understands. `{question_id}` in a reason is replaced by the
answer given.
"""

from __future__ import annotations

import string
from enum import StrEnum
from functools import cached_property
from typing import Annotated

from pydantic import Field, field_validator

from diagnostics.expressions import Condition, Expression, parse
from diagnostics.questionnaire import QuestionId
from tools_catalog.models import ToolId
from workstreams.models import ActionId, ContentModel, Source, StepNumber, WorkstreamCode

RuleId = Annotated[str, Field(pattern=r"^[a-z0-9][a-z0-9-]*$", description="e.g. 'premises-security'.")]
RoleId = Annotated[str, Field(pattern=r"^[a-z][a-z0-9_]*$", description="e.g. 'omt'.")]


class Effect(StrEnum):
    include = "include"
    exclude = "exclude"


class Rule(ContentModel):
    id: RuleId
    effect: Effect
    when: Condition = Field(
        description="Condition on the answers, in the questionnaire's expression language."
    )
    reason: str = Field(
        min_length=10, description="Why, for the country team; {question_id} shows an answer."
    )

    @field_validator("reason")
    @classmethod
    def _plain_placeholders(cls, text: str) -> str:
        """Only {question_id} placeholders: no format specs, conversions or stray braces."""
        try:
            fields = list(string.Formatter().parse(text))
        except ValueError as exc:
            raise ValueError(f"braces do not match ({exc}); write {{{{ and }}}} for literal braces") from None
        for _, name, spec, conversion in fields:
            if name is not None and (spec or conversion or not name.isidentifier()):
                raise ValueError(
                    f"placeholder {{{name}...}} may only name a question, like {{resident_agencies}}"
                )
        return text

    @cached_property
    def condition(self) -> Expression:
        return parse(self.when)

    @cached_property
    def placeholders(self) -> frozenset[str]:
        return frozenset(name for _, name, _, _ in string.Formatter().parse(self.reason) if name)


class WorkstreamRule(Rule):
    workstream: WorkstreamCode


class ActionRule(Rule):
    action: ActionId
    workstreams: list[WorkstreamCode] = Field(default_factory=list, description="Empty: every workstream.")


class ToolRule(Rule):
    tools: list[ToolId] = Field(min_length=1)


class WorkstreamDefault(ContentModel):
    selected: bool
    reason: str = Field(min_length=10)


class RulesFile(ContentModel):
    """`diagnostics/content/rules.yaml`: what decides workstreams, actions and tools."""

    workstream_defaults: dict[WorkstreamCode, WorkstreamDefault]
    workstream_rules: list[WorkstreamRule] = Field(default_factory=list)
    action_rules: list[ActionRule] = Field(default_factory=list)
    tool_rules: list[ToolRule] = Field(default_factory=list)

    @cached_property
    def _by_action(self) -> dict[str, list[ActionRule]]:
        grouped: dict[str, list[ActionRule]] = {}
        for rule in self.action_rules:
            grouped.setdefault(rule.action, []).append(rule)
        return grouped

    def rules_for(self, action: str) -> list[ActionRule]:
        return self._by_action.get(action, [])


class Role(ContentModel):
    id: RoleId
    name: str = Field(min_length=2, description="e.g. 'Operations Management Team (OMT)'.")
    short: str = Field(min_length=2, description="e.g. 'OMT'.")
    chaired_by: QuestionId | None = Field(
        default=None, description="Question naming the agency that chairs it."
    )
    present_when: Condition | None = Field(default=None, description="Condition under which the role exists.")
    fallback: RoleId | None = Field(default=None, description="Who takes its tasks when it does not exist.")

    @cached_property
    def presence(self) -> Expression | None:
        return parse(self.present_when) if self.present_when else None


WorkingDays = Annotated[int, Field(ge=1, le=500, description="Working days.")]


class Duration(ContentModel):
    """How long a main action takes a country team, in working days, and why we think so."""

    days: WorkingDays
    source: Source = Field(description="'inferred' for our own estimates; 'read' when a source gives it.")
    why: str = Field(min_length=10, max_length=200, description="The rationale, in one line.")


class Durations(ContentModel):
    by_step: dict[StepNumber, WorkingDays] = Field(
        description="For an action with no duration of its own (e.g. one a later content version adds)."
    )
    by_action: dict[ActionId, Duration] = Field(default_factory=dict)

    def days(self, action: str, step: int) -> int:
        found = self.by_action.get(action)
        return found.days if found is not None else self.by_step[step]


class Assignment(ContentModel):
    """Who leads: the most specific entry wins (action, then step, then workstream)."""

    by_workstream: dict[WorkstreamCode, RoleId]
    by_step: dict[StepNumber, RoleId] = Field(default_factory=dict)
    by_action: dict[ActionId, RoleId] = Field(default_factory=dict)


class Contributors(ContentModel):
    by_workstream: dict[WorkstreamCode, list[RoleId]] = Field(default_factory=dict)
    by_step: dict[StepNumber, list[RoleId]] = Field(default_factory=dict)


class PlanningFile(ContentModel):
    """`diagnostics/content/planning.yaml`: durations, leads and contributors by role."""

    roles: list[Role] = Field(min_length=1)
    durations: Durations
    leads: Assignment
    contributors: Contributors

    @cached_property
    def role(self) -> dict[str, Role]:
        return {r.id: r for r in self.roles}
