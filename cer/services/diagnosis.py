"""Diagnose a country from an answers file: validate, select with reasons, build the plan.

The domain does the work (`diagnostics`); this module reads the file, resolves the country and shapes the
result for JSON. Every problem with the answers is collected and raised together as `AnswersError`.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass
from pathlib import Path

import yaml
from pydantic import ValidationError

from cer.content import Content
from cer.content.checks import format_path
from cer.content.countries import Country, find_country
from cer.content.yaml_source import describe_yaml_error, parse
from cer.db.records import ReasonRecord, WorkstreamChoice
from diagnostics.answers import AnswerProblem, AnswersError, AnswerSet, check_overrides, validate_answers
from diagnostics.planner import Plan, build_plan
from diagnostics.selection import Diagnosis, Reason, diagnose
from workstreams.errors import InvalidRequest, NotFound, explain


@dataclass(frozen=True)
class Report:
    country: Country
    diagnosis: Diagnosis
    plan: Plan
    content_version: str


def read_answers(path: Path) -> AnswerSet:
    """An answers document from a YAML or JSON file; any problem with it raises `AnswersError`."""
    try:
        text = path.read_text(encoding="utf-8")
        data = json.loads(text) if path.suffix.lower() == ".json" else parse(text)
    except (OSError, UnicodeDecodeError) as exc:
        raise AnswersError([AnswerProblem(str(path), f"cannot be read: {exc}")]) from None
    except yaml.YAMLError as exc:
        raise AnswersError([AnswerProblem(str(path), describe_yaml_error(exc))]) from None
    except json.JSONDecodeError as exc:
        raise AnswersError(
            [AnswerProblem(str(path), f"line {exc.lineno}: invalid JSON: {exc.msg}")]
        ) from None
    try:
        return AnswerSet.model_validate(data)
    except ValidationError as exc:
        raise AnswersError(
            [AnswerProblem(format_path(tuple(e["loc"])) or str(path), explain(e)) for e in exc.errors()]
        ) from None


def run(
    content: Content, answer_set: AnswerSet, *, country: str | None, start: dt.date, draft: bool
) -> Report:
    problems: list[AnswerProblem] = []
    place = None
    try:
        place = _country(answer_set, country)
    except (NotFound, InvalidRequest) as exc:
        problems.append(AnswerProblem("country", str(exc)))
    answers = None
    try:
        answers = validate_answers(content.questionnaire, answer_set, final=not draft)
    except AnswersError as exc:
        problems += exc.problems
    fw = content.framework
    problems += check_overrides(
        answer_set.overrides,
        workstreams={w.code for w in fw.workstreams},
        actions={a.id: list(a.workstreams) for a in fw.actions},
        tools={t.id for t in content.catalogue.tools},
    )
    if problems or answers is None or place is None:
        raise AnswersError(problems)
    diagnosis = diagnose(
        questionnaire=content.questionnaire,
        rules=content.rules,
        framework=fw,
        catalogue=content.catalogue,
        answers=answers,
    )
    plan = build_plan(
        diagnosis,
        framework=fw,
        planning=content.planning,
        questionnaire=content.questionnaire,
        country=place.code,
        start=start,
    )
    return Report(place, diagnosis, plan, content.version)


def _country(answer_set: AnswerSet, given: str | None) -> Country:
    if given is None and answer_set.country is None:
        raise InvalidRequest("say which country: --country MWI, or 'country: MWI' in the answers file")
    place = find_country(given or answer_set.country or "")
    if given and answer_set.country and find_country(answer_set.country) != place:
        raise InvalidRequest(f"the answers are for {answer_set.country} but --country says {given}")
    return place


def reasons(found: list[Reason]) -> list[ReasonRecord]:
    """Reasons as they are stored and shown: the effect as its word."""
    return [
        ReasonRecord(
            kind=r.kind, source=r.source, effect=r.effect.value, text=r.text, answers=dict(r.answers)
        )
        for r in found
    ]


def workstream_choices(report: Report) -> list[WorkstreamChoice]:
    return [
        WorkstreamChoice(code=w.code, selected=w.selected, reasons=reasons(w.reasons))
        for w in report.diagnosis.workstreams
    ]
