"""Diagnose a country from an answers file: validate, select with reasons, build the plan.

The domain does the work (`diagnostics`); this module reads the file, resolves the country and shapes the
result for JSON. Every problem with the answers is collected and raised together as `AnswersError`.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml
from pydantic import ValidationError

from cer.content import Content
from cer.content.calendars import CalendarInUse, calendar_in_use, default_choice, years_around
from cer.content.checks import format_path
from cer.content.countries import Country, find_country
from cer.content.yaml_source import MAX_DIGITS, describe_yaml_error, parse_untrusted
from cer.db.records import ReasonRecord, WorkstreamChoice
from diagnostics.answers import AnswerProblem, AnswersError, AnswerSet, check_overrides, validate_answers
from diagnostics.planner import Plan, build_plan
from diagnostics.selection import Diagnosis, Reason, diagnose
from diagnostics.working_calendars import CalendarChoice, CalendarEdit
from workstreams.errors import N_, InvalidFields, InvalidRequest, Message, NotFound, explain


@dataclass(frozen=True)
class Report:
    country: Country
    diagnosis: Diagnosis
    plan: Plan
    content_version: str
    calendar: CalendarInUse  # the working days the plan's dates fall on, and how to say which


TARGET_QUESTION = "next_cycle_start"  # plans are made backward from it when it is after their start


def read_answers(path: Path) -> AnswerSet:
    """An answers document from a YAML or JSON file; any problem with it raises `AnswersError`."""
    try:
        if path.stat().st_size > MAX_ANSWERS_BYTES:
            raise AnswersError(
                [
                    AnswerProblem(
                        str(path),
                        Message(
                            N_("larger than %(size)s MB: not an answers file"),
                            size=MAX_ANSWERS_BYTES // 2**20,
                        ),
                    )
                ]
            )
        text = path.read_text(encoding="utf-8")
        data = _json(text) if path.suffix.lower() == ".json" else parse_untrusted(text)
    except (OSError, UnicodeDecodeError) as exc:
        raise AnswersError(
            [AnswerProblem(str(path), Message(N_("cannot be read: %(why)s"), why=str(exc)))]
        ) from None
    except (RecursionError, ValueError) as exc:  # JSON nested too deeply, a number of too many digits
        raise AnswersError([AnswerProblem(str(path), _too_much(exc))]) from None
    except yaml.YAMLError as exc:
        raise AnswersError([AnswerProblem(str(path), describe_yaml_error(exc))]) from None
    except json.JSONDecodeError as exc:
        raise AnswersError(
            [
                AnswerProblem(
                    str(path),
                    Message(N_("line %(line)s: invalid JSON: %(why)s"), line=exc.lineno, why=exc.msg),
                )
            ]
        ) from None
    try:
        return AnswerSet.model_validate(data)
    except ValidationError as exc:
        raise AnswersError(
            [AnswerProblem(format_path(tuple(e["loc"])) or str(path), explain(e)) for e in exc.errors()]
        ) from None


MAX_ANSWERS_BYTES = 2 * 2**20  # the examples are ~3 kB


def _json(text: str) -> Any:
    """JSON with the numbers' length checked as they are read."""

    def number(digits: str) -> int:
        if len(digits.lstrip("-")) > MAX_DIGITS:
            raise ValueError(f"a number with too many digits ({len(digits.lstrip('-'))})")
        return int(digits)

    return json.loads(text, parse_int=number)


def _too_much(exc: Exception) -> str:
    if isinstance(exc, RecursionError):
        return Message(N_("nested too deeply: not an answers file"))
    return str(exc)


def run(
    content: Content,
    answer_set: AnswerSet,
    *,
    country: str | None,
    start: dt.date,
    draft: bool,
    finish_by: dt.date | None = None,
    calendar: CalendarChoice | CalendarEdit | None = None,
) -> Report:
    """Validate, diagnose and plan on the country's working calendar (or `calendar`, or the country's
    changed by `calendar`), backward from `finish_by`, by default the start of the next programme cycle
    when the answers give one after `start`."""
    if finish_by is not None and finish_by <= start:
        raise InvalidFields.of(
            "finish_by", N_("Give a date after the plan's start (%(start)s)."), start=start.isoformat()
        )
    problems: list[AnswerProblem] = []
    place = None
    try:
        place = _country(answer_set, country)
    except (NotFound, InvalidRequest) as exc:
        problems.append(AnswerProblem("country", exc.message))
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
    plan, in_use = _plan(content, diagnosis, place.code, start, finish_by, calendar)
    return Report(place, diagnosis, plan, content.version, in_use)


def _plan(
    content: Content,
    diagnosis: Diagnosis,
    country: str,
    start: dt.date,
    finish_by: dt.date | None,
    calendar: CalendarChoice | CalendarEdit | None,
) -> tuple[Plan, CalendarInUse]:
    target = finish_by or _next_cycle(diagnosis.answers.values, start)
    if not isinstance(calendar, CalendarChoice):
        own = default_choice(country)
        calendar = own if calendar is None else own.edited(calendar)
    in_use = calendar_in_use(content.calendars, calendar, years_around(start, target))
    plan = build_plan(
        diagnosis,
        framework=content.framework,
        planning=content.planning,
        questionnaire=content.questionnaire,
        country=country,
        start=start,
        calendar=in_use.working,
        finish_by=target,
    )
    return plan, in_use


def _next_cycle(values: Mapping[str, Any], start: dt.date) -> dt.date | None:
    given = values.get(TARGET_QUESTION)
    return given if isinstance(given, dt.date) and given > start else None


def _country(answer_set: AnswerSet, given: str | None) -> Country:
    if given is None and answer_set.country is None:
        raise InvalidRequest(N_("say which country: --country MWI, or 'country: MWI' in the answers file"))
    place = find_country(given or answer_set.country or "")
    if given and answer_set.country and find_country(answer_set.country) != place:
        raise InvalidRequest(
            N_("the answers are for %(country)s but --country says %(given)s"),
            country=answer_set.country,
            given=given,
        )
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
