"""Every tool of the catalogue can be recommended by some diagnosis: for each one, answers are found that make
the real selection code (diagnostics.selection.diagnose) recommend it, with no override.

The answers are built from the questionnaire itself: a country team that has done nothing yet (every
readiness answer 'no', so every action of every selected workstream is needed), then the same team with one
context answer changed at a time, through every value the question allows (a few numbers for the number
questions, a date for the date ones). A tool linked only to actions outside its workstreams (issue 19: T059),
or named by no rule that can fire, is never recommended and the test names it.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Iterator
from typing import Any

import pytest

from cer.content import Content
from diagnostics.answers import AnswersError, validate_answers
from diagnostics.questionnaire import QuestionType
from diagnostics.rules import Effect
from diagnostics.selection import diagnose
from tests.factories import make_answer_set, make_answers
from tools_catalog.catalogue import Catalogue

NUMBERS = (0, 1, 2, 3, 5, 12, 60)


def _variants(content: Content) -> Iterator[dict[str, Any]]:
    base = make_answers(content, readiness="no")
    yield base
    q = content.questionnaire
    for question in q.questions.values():
        if question.type in (QuestionType.yes_no, QuestionType.single):
            values: tuple[Any, ...] = q.allowed_values(question)
        elif question.type is QuestionType.integer:
            values = NUMBERS
        elif question.type is QuestionType.date:
            values = (dt.date(2027, 7, 1),)
        else:
            continue
        for value in values:
            yield {**base, question.id: value}


def _recommended(content: Content, answers: dict[str, Any]) -> set[str]:
    try:
        validated = validate_answers(content.questionnaire, make_answer_set(content, answers), final=True)
    except AnswersError:
        return set()  # not a valid answer set (a number out of range): no country could give it
    diagnosis = diagnose(
        questionnaire=content.questionnaire,
        rules=content.rules,
        framework=content.framework,
        catalogue=content.catalogue,
        answers=validated,
    )
    return {t.tool for t in diagnosis.tools if any(r.effect is Effect.include for r in t.reasons)}


def test_every_tool_in_the_catalogue_is_recommended_by_some_diagnosis(content: Content) -> None:
    found: dict[str, dict[str, Any]] = {}
    for answers in _variants(content):
        for tool in _recommended(content, answers) - set(found):
            found[tool] = answers
    never = [t.id for t in content.catalogue.tools if t.id not in found]
    assert not never, f"no diagnosis recommends {', '.join(never)}: link each to an action of its workstreams"


def test_a_tool_named_only_by_a_rule_is_recommended_when_the_rule_fires(content: Content) -> None:
    """The post-crisis guidance is recommended for a country in crisis, not for a stable one (a rule's tools
    are reachable through its condition, not through the action links)."""
    ruled = {tool for rule in content.rules.tool_rules for tool in rule.tools}
    assert ruled, "the rules name tools"
    stable = _recommended(content, make_answers(content, readiness="yes", post_crisis="no"))
    crisis = _recommended(content, make_answers(content, readiness="yes", post_crisis="yes"))
    assert {"T095", "T096", "T097", "T098"} <= crisis - stable


def test_a_tool_linked_only_outside_its_workstreams_is_named(content: Content) -> None:
    """Issue 19's T059 as it was (workstream B, linked only to 7.4 of workstream A): never recommended."""
    tools = [
        t.model_copy(update={"actions": ["7.4"]}) if t.id == "T059" else t for t in content.catalogue.tools
    ]
    before = dataclasses.replace(content, catalogue=Catalogue(tools, content.catalogue.providers))
    with pytest.raises(AssertionError, match="no diagnosis recommends T059: "):
        test_every_tool_in_the_catalogue_is_recommended_by_some_diagnosis(before)
