"""The diagnostic questionnaire: context questions that decide which workstreams apply, and readiness
questions per step and main action. Content lives in `diagnostics/content/questionnaire.yaml`.
"""

from __future__ import annotations

import datetime as dt
from enum import StrEnum
from functools import cached_property
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, create_model, field_validator, model_validator

from diagnostics.expressions import Condition, Expression, parse
from workstreams.models import ActionId, ContentModel, Source, StepNumber

QuestionId = Annotated[str, Field(pattern=r"^[a-z][a-z0-9_]*$", max_length=60, description="e.g. 'dq01'.")]
LANGUAGES = ("en", "fr", "es", "ar")


class Labels(ContentModel):
    """A text in each language. English is written in the content; the others come from the content
    catalogues (`cer/locale/<lang>/LC_MESSAGES/content.po`), filled in when the content is loaded."""

    en: str = Field(min_length=1)
    fr: str | None = None
    es: str | None = None
    ar: str | None = None

    def get(self, lang: str) -> str:
        text: str | None = getattr(self, lang, None) if lang in LANGUAGES else None
        return text or self.en


class QuestionType(StrEnum):
    readiness = "readiness"  # yes / partly / no / not applicable
    yes_no = "yes_no"
    single = "single"
    multiple = "multiple"
    integer = "integer"
    date = "date"
    text = "text"


class Choice(ContentModel):
    value: Annotated[str, Field(pattern=r"^[a-z0-9][a-z0-9_-]*$")]
    label: Labels
    name: str | None = Field(default=None, description="A full name behind a short label, e.g. an agency's.")


READINESS_CHOICES = [
    Choice(value="yes", label=Labels(en="Yes", fr="Oui", es="Sí", ar="نعم")),
    Choice(value="partly", label=Labels(en="Partly", fr="En partie", es="En parte", ar="جزئيًا")),
    Choice(value="no", label=Labels(en="No", fr="Non", es="No", ar="لا")),
    Choice(
        value="na", label=Labels(en="Not applicable", fr="Sans objet", es="No corresponde", ar="لا ينطبق")
    ),
]
YES_NO_CHOICES = READINESS_CHOICES[0:3:2]


class Question(ContentModel):
    id: QuestionId
    type: QuestionType
    label: Labels
    hint: Labels | None = Field(default=None, description="Help text shown under the question.")
    required: bool = False
    relevant: Condition | None = Field(
        default=None, description="Ask only when this condition holds (skip logic)."
    )
    constraint: Condition | None = Field(
        default=None, description="A valid answer makes this true; '.' is the answer."
    )
    constraint_message: Labels | None = None
    choices: list[Choice] = Field(default_factory=list, description="For single and multiple choice.")
    choice_list: str | None = Field(default=None, description="Name of a shared list in `choice_lists`.")
    step: StepNumber | None = Field(default=None, description="Readiness questions: the step assessed.")
    actions: list[ActionId] = Field(
        default_factory=list, description="Main actions a 'no' or 'partly' opens."
    )
    source: Source = Field(description="'read' for the toolkit's own questions, 'inferred' for ours.")
    mapping: Source | None = Field(
        default=None,
        description="Readiness questions: whether the links to their step and actions were read or inferred "
        "(the toolkit's own questions were read without them: their links are inferred).",
    )

    @model_validator(mode="after")
    def _shape_fits_type(self) -> Question:
        has_choices = self.type in (QuestionType.single, QuestionType.multiple)
        if self.choices and self.choice_list:
            raise ValueError("give either choices or choice_list, not both")
        if has_choices and len(self.choices) < 2 and not self.choice_list:
            raise ValueError(f"a {self.type.value} question needs at least two choices or a choice_list")
        if not has_choices and (self.choices or self.choice_list):
            raise ValueError(f"a {self.type.value} question takes no choices")
        if self.type is QuestionType.readiness and (self.step is None or not self.actions):
            raise ValueError("a readiness question names its step and the actions it assesses")
        if self.type is QuestionType.readiness and self.mapping is None:
            raise ValueError("a readiness question says whether its links were read or inferred (mapping)")
        if self.type is not QuestionType.readiness and (
            self.step is not None or self.actions or self.mapping is not None
        ):
            raise ValueError("only readiness questions take a step, actions and a mapping")
        values = [c.value for c in self.choices]
        if len(set(values)) != len(values):
            raise ValueError("choice values must be unique")
        return self

    @cached_property
    def relevant_expr(self) -> Expression | None:
        return parse(self.relevant) if self.relevant else None

    @cached_property
    def constraint_expr(self) -> Expression | None:
        return parse(self.constraint) if self.constraint else None


class Section(ContentModel):
    id: QuestionId
    title: Labels
    intro: Labels | None = None
    questions: list[Question] = Field(min_length=1)


class Questionnaire(ContentModel):
    """`diagnostics/content/questionnaire.yaml`."""

    version: Annotated[str, Field(pattern=r"^\d{4}\.\d+$", description="e.g. '2026.1'; bump on any change.")]
    title: Labels
    choice_lists: dict[str, list[Choice]] = Field(
        default_factory=dict, description="Choices shared by questions."
    )
    sections: list[Section] = Field(min_length=1)

    @cached_property
    def questions(self) -> dict[str, Question]:
        return {q.id: q for s in self.sections for q in s.questions}

    @field_validator("choice_lists")
    @classmethod
    def _unique_values(cls, lists: dict[str, list[Choice]]) -> dict[str, list[Choice]]:
        for name, choices in lists.items():
            values = [c.value for c in choices]
            if len(set(values)) != len(values) or len(values) < 2:
                raise ValueError(f"choice list {name!r} needs two or more distinct values")
        return lists

    def choices(self, question: Question) -> list[Choice]:
        if question.type is QuestionType.readiness:
            return READINESS_CHOICES
        if question.type is QuestionType.yes_no:
            return YES_NO_CHOICES
        if question.choice_list:
            return self.choice_lists.get(question.choice_list, [])
        return question.choices

    def allowed_values(self, question: Question) -> tuple[str, ...]:
        return tuple(c.value for c in self.choices(question))

    @cached_property
    def answer_model(self) -> type[BaseModel]:
        """A pydantic model with one optional, typed field per question; unknown question ids are refused."""
        fields: dict[str, Any] = {q.id: (self._annotation(q) | None, None) for q in self.questions.values()}
        return create_model(
            f"Answers_{self.version.replace('.', '_')}", __config__=ConfigDict(extra="forbid"), **fields
        )

    def _annotation(self, q: Question) -> Any:
        if q.type is QuestionType.integer:
            return int
        if q.type is QuestionType.date:
            return dt.date
        if q.type is QuestionType.text:
            return Annotated[str, Field(max_length=4000)]
        allowed = Literal[self.allowed_values(q)]  # type: ignore[valid-type]
        if q.type is QuestionType.multiple:
            return Annotated[list[allowed], Field(max_length=len(self.allowed_values(q)))]  # type: ignore[valid-type]
        return allowed

    def choice_label(self, question: Question, value: str, lang: str = "en") -> str:
        choice = self._choices_by_value.get((question.id, value))
        return choice.label.get(lang) if choice else value

    @cached_property
    def _choices_by_value(self) -> dict[tuple[str, str], Choice]:
        return {(q.id, c.value): c for q in self.questions.values() for c in self.choices(q)}

    @cached_property
    def readiness_by_action(self) -> dict[str, list[Question]]:
        """The readiness questions that assess each main action."""
        by_action: dict[str, list[Question]] = {}
        for q in self.questions.values():
            for action in q.actions if q.type is QuestionType.readiness else []:
                by_action.setdefault(action, []).append(q)
        return by_action
