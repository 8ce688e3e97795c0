"""Diagnose a country from an answers file: validate, select with reasons, build the plan.

The domain does the work (`diagnostics`); this module reads the file, resolves the country and shapes the
result for JSON. Every problem with the answers is collected and raised together as `AnswersError`.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml
from pydantic import ValidationError

from cer.content import Content
from cer.content.checks import format_path
from cer.content.countries import Country, find_country
from cer.content.yaml_source import describe_yaml_error, parse
from diagnostics.answers import AnswerProblem, AnswersError, AnswerSet, check_overrides, validate_answers
from diagnostics.planner import Plan, PlannedTask, build_plan, public_values
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


def _reasons(reasons: list[Reason]) -> list[dict[str, Any]]:
    return [
        {
            "kind": r.kind,
            "source": r.source,
            "effect": r.effect.value,
            "text": r.text,
            "answers": dict(r.answers),
        }
        for r in reasons
    ]


def _task_json(t: PlannedTask) -> dict[str, Any]:
    values = public_values(t)
    return values | {"start": t.start.isoformat(), "due": t.due.isoformat()}


def workstreams_json(report: Report) -> list[dict[str, Any]]:
    return [
        {"code": w.code, "selected": w.selected, "reasons": _reasons(w.reasons)}
        for w in report.diagnosis.workstreams
    ]


def report_json(report: Report) -> dict[str, Any]:
    d, plan = report.diagnosis, report.plan
    return {
        "country": report.country.code,
        "country_name": report.country.name,
        "questionnaire_version": d.questionnaire_version,
        "content_version": report.content_version,
        "complete": d.answers.complete,
        "unanswered": d.answers.missing,
        "ignored_answers": d.answers.ignored,
        "workstreams": workstreams_json(report),
        "actions": [
            {"id": a.action, "workstream": a.workstream, "step": a.step, "reasons": _reasons(a.reasons)}
            for a in d.needed
        ],
        "actions_not_needed": [
            {"id": a.action, "workstream": a.workstream, "step": a.step, "reasons": _reasons(a.reasons)}
            for a in d.actions
            if not a.needed
        ],
        "tools": [{"id": t.tool, "reasons": _reasons(t.reasons)} for t in d.tools],
        "tools_excluded": [{"id": t.tool, "reasons": _reasons(t.reasons)} for t in d.tools_excluded],
        "unapplied_overrides": _reasons(d.unapplied),
        "plan": {
            "start": plan.start.isoformat(),
            "requested_start": plan.requested_start.isoformat() if plan.requested_start else None,
            "end": plan.end.isoformat(),
            "critical_path": plan.critical_path,
        },
        "tasks": [_task_json(t) for t in plan.tasks],
    }
