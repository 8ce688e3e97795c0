"""Pydantic models of the framework content in `workstreams/content/`.

Every model forbids unknown keys so a typo in the YAML is an error, never a silently ignored field.
Cross-references (action → workstream) are checked by `cer.content`, which sees all files at once.
"""

from __future__ import annotations

from enum import StrEnum
from functools import cached_property
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

WorkstreamCode = Annotated[
    str, Field(pattern=r"^[A-Z]$", description="Workstream letter, e.g. 'D' for Common Premises.")
]
StepNumber = Annotated[int, Field(ge=1, le=9, description="Step number, 1–9.")]
ActionId = Annotated[
    str, Field(pattern=r"^[1-9]\.[1-9][0-9]?$", description="Main action id '<step>.<n>', e.g. '4.3'.")
]


class Source(StrEnum):
    """How we know a fact: seen in a source, seen only as a title in a listing, or reconstructed."""

    read = "read"
    listed = "listed"
    inferred = "inferred"


class StepKind(StrEnum):
    sequential = "sequential"
    continuous = "continuous"


class Scope(StrEnum):
    """How often an action is done: once for the whole change, or once in each workstream it belongs to."""

    shared = "shared"
    per_workstream = "per_workstream"


class ContentModel(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, use_enum_values=False)


class Timing(ContentModel):
    """When a continuous step's action happens, anchored to the sequential steps."""

    when: Literal["at", "during", "from", "each"] = Field(
        description="'at' step N, 'during' step N, 'from' step N onwards (updated later), or at 'each' step."
    )
    step: StepNumber | None = Field(default=None, description="The anchoring step; absent for 'each'.")
    note: str = Field(description="The toolkit's own wording of the timing, in short.")

    @model_validator(mode="after")
    def _step_matches_when(self) -> Timing:
        if self.when == "each" and self.step is not None:
            raise ValueError("timing 'each' takes no step")
        if self.when != "each" and self.step is None:
            raise ValueError(f"timing '{self.when}' needs a step")
        return self


class Action(ContentModel):
    """A main action of a step, e.g. 4.3 'Identify capacity requirements ...'."""

    id: ActionId
    name: str = Field(min_length=3, description="The action's name as published (or reconstructed).")
    detail: str | None = Field(default=None, description="What the action includes, in our words.")
    workstreams: list[WorkstreamCode] = Field(min_length=1, description="Workstreams the action belongs to.")
    sub_activities: list[str] = Field(default_factory=list, description="Sub-activities / analyses.")
    timing: Timing | None = Field(default=None, description="Anchor of a continuous step's action.")
    source: Source = Field(description="Whether the action itself was read in a source or is inferred.")
    workstream_mapping: Source = Field(
        default=Source.inferred, description="Whether its workstream links were read or inferred."
    )
    scope: Scope = Field(
        description="'shared': done once for the whole change, one task serving every workstream it belongs "
        "to (e.g. 1.1 Agree within UNCT to proceed); 'per_workstream': done in each of them (e.g. 5.1 an "
        "implementation plan per workstream)."
    )
    scope_source: Source = Field(
        default=Source.inferred, description="Whether the scope was read in a source or is inferred."
    )

    @cached_property
    def step(self) -> int:
        return int(self.id.split(".")[0])


class Step(ContentModel):
    number: StepNumber
    name: str = Field(min_length=3, description="The step's name as published.")
    alt_names: list[str] = Field(default_factory=list, description="Other spellings seen in sources.")
    kind: StepKind
    tagline: str = Field(description="One line on what the step is for, in our words.")
    objectives: list[str] = Field(min_length=1, description="What the step should achieve, in our words.")
    notes: list[str] = Field(default_factory=list, description="Advice for country teams on this step.")
    name_source: Source = Field(
        default=Source.read,
        description="Whether the step's name was read in a source (names are kept as published) or inferred.",
    )
    source: Source = Field(
        description="Whether what the step is for (its objectives) was read or is inferred; each action has "
        "its own marker. Step 2: name read, objectives inferred; step 3: objectives read, actions inferred."
    )
    actions: list[Action] = Field(min_length=1)

    @model_validator(mode="after")
    def _actions_belong_to_this_step(self) -> Step:
        for action in self.actions:
            if action.step != self.number:
                raise ValueError(f"action {action.id} is listed under step {self.number}")
        return self


class Workstream(ContentModel):
    code: WorkstreamCode
    name: str = Field(min_length=3, description="The workstream's name exactly as the toolkit gives it.")
    qualifier: str | None = Field(default=None, description="E.g. '(where feasible)' for D.")
    scope: str = Field(min_length=20, description="What the workstream covers, in our words.")
    may_not_apply_when: list[str] = Field(
        default_factory=list, description="Country situations in which the workstream may not apply."
    )
    always_applies_because: str | None = Field(
        default=None, description="Why no country can leave this workstream out (instead of conditions)."
    )
    may_not_apply_source: Source = Field(
        default=Source.inferred,
        description="Whether the conditions (or the reason it always applies) were read.",
    )
    dao_pillar: str | None = Field(default=None, description="Matching pillar of the 2014 DaO SOPs.")
    name_source: Source = Field(
        default=Source.read, description="Whether the workstream's letter and name were read."
    )
    source: Source = Field(
        description="Whether what the workstream covers was read, or only its name (D: the page was cut "
        "after 'Workstream D: Common Premi…', so its coverage is inferred)."
    )

    @property
    def title(self) -> str:
        """The name as people read it, qualifier included: 'Common Premises (where feasible)'."""
        return f"{self.name} {self.qualifier}" if self.qualifier else self.name

    @model_validator(mode="after")
    def _says_when_it_applies(self) -> Workstream:
        if bool(self.may_not_apply_when) == bool(self.always_applies_because):
            raise ValueError("give either may_not_apply_when or always_applies_because, exactly one of them")
        return self


class StepsFile(ContentModel):
    """`workstreams/content/steps.yaml`."""

    steps: list[Step]


class WorkstreamsFile(ContentModel):
    """`workstreams/content/workstreams.yaml`."""

    workstreams: list[Workstream]


DeviationValue = str | int | list[str] | list[int] | None


class Deviation(ContentModel):
    """One place where the content knowingly says something else than the reference it was built from
    (shared/reference/toolkit.yaml, vendored in tests/content/reference/), and why."""

    kind: Literal["count", "workstream", "step", "action", "tool", "provider", "question"]
    id: str = Field(min_length=1, description="The item: a step number, action id, tool id, question id…")
    field: str = Field(min_length=1, description="What differs, e.g. 'countries', 'status', 'timing'.")
    ours: DeviationValue = Field(description="What the content says.")
    reference: DeviationValue = Field(description="What the reference says.")
    why: str = Field(min_length=20, description="Why the content says otherwise.")


class DeviationsFile(ContentModel):
    """`workstreams/content/deviations.yaml`: the intended differences from the reference, each explained.
    tests/content/test_reference_fidelity.py fails on any other difference, and on a declared one that no
    longer differs."""

    deviations: list[Deviation]

    @model_validator(mode="after")
    def _each_once(self) -> DeviationsFile:
        keys = [(d.kind, d.id, d.field) for d in self.deviations]
        twice = sorted({k for k in keys if keys.count(k) > 1})
        if twice:
            raise ValueError(f"declared more than once: {', '.join(' '.join(k) for k in twice)}")
        return self
