"""Diagnose + plan, measured next to the floor of validating the same answers with pydantic alone.

    python bench/diagnose.py [--repeat 200] [--countries 200]

For one country (each shipped example, repeated) and for a portfolio of generated countries, prints the time
of (1) pydantic validation of the answers against the questionnaire's typed model — the floor — and (2) the
full diagnose + plan: validation with skip logic and constraints, selection with reasons, the plan with its
critical path. Target (issue 3): (2) at most 10x (1). It prints figures; it asserts nothing.
"""

from __future__ import annotations

import argparse
import datetime as dt
import random
import statistics
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import yaml

from cer.content import Content, get_content
from diagnostics.answers import AnswerSet, validate_answers
from diagnostics.planner import build_plan
from diagnostics.selection import diagnose

EXAMPLES = Path(__file__).resolve().parent.parent / "examples"
START = dt.date(2027, 1, 15)


def floor(content: Content, raw: dict[str, Any]) -> object:
    return content.questionnaire.answer_model.model_validate(raw)


def full(content: Content, raw: dict[str, Any]) -> object:
    q = content.questionnaire
    answers = validate_answers(q, AnswerSet(questionnaire_version=q.version, answers=raw))
    fw = content.framework
    d = diagnose(
        questionnaire=q, rules=content.rules, framework=fw, catalogue=content.catalogue, answers=answers
    )
    return build_plan(d, framework=fw, planning=content.planning, questionnaire=q, country="XXX", start=START)


def random_answers(content: Content, rng: random.Random) -> dict[str, Any]:
    q = content.questionnaire
    raw: dict[str, Any] = {}
    for question in q.questions.values():
        kind, values = question.type.value, q.allowed_values(question)
        if kind == "integer":
            raw[question.id] = rng.randint(4, 40)
        elif kind == "date":
            raw[question.id] = f"20{rng.randint(26, 32)}-0{rng.randint(1, 9)}-15"
        elif kind == "text":
            raw[question.id] = "note"
        elif kind == "multiple":
            raw[question.id] = rng.sample(values, k=rng.randint(0, 3))
        elif question.choice_list == "agencies":  # chairs come from the agencies ticked as resident
            if raw.get("agencies"):
                raw[question.id] = rng.choice(raw["agencies"])
        else:
            raw[question.id] = rng.choice(values)
    return raw


def per_call_ms(fn: Callable[[], object], repeat: int) -> list[float]:
    fn()  # warm: content caches, compiled conditions
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        times.append((time.perf_counter() - start) * 1000)
    return times


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--repeat", type=int, default=200)
    parser.add_argument("--countries", type=int, default=200)
    args = parser.parse_args()
    content = get_content()

    print(f"One country, {args.repeat} runs each (median / p95 ms)")
    print(f"  {'example':12}{'floor':>16}{'diagnose+plan':>20}{'ratio':>8}  tasks")
    for path in sorted(EXAMPLES.glob("*.yaml")):
        raw = yaml.safe_load(path.read_text(encoding="utf-8"))["answers"]
        base = per_call_ms(lambda raw=raw: floor(content, raw), args.repeat)
        work = per_call_ms(lambda raw=raw: full(content, raw), args.repeat)
        tasks = len(full(content, raw).tasks)  # type: ignore[attr-defined]
        b, w = statistics.median(base), statistics.median(work)
        print(
            f"  {path.stem:12}{b:8.3f} /{_p95(base):6.3f}{w:12.3f} /{_p95(work):6.3f}{w / b:7.1f}x  {tasks}"
        )

    rng = random.Random(2027)
    portfolio = [random_answers(content, rng) for _ in range(args.countries)]
    start = time.perf_counter()
    for raw in portfolio:
        floor(content, raw)
    base_s = time.perf_counter() - start
    start = time.perf_counter()
    for raw in portfolio:
        full(content, raw)
    work_s = time.perf_counter() - start
    ratio = work_s / base_s
    verdict = "met" if ratio <= 10 else "MISSED"
    print(f"\n{args.countries} countries: floor {base_s * 1000:.1f} ms, diagnose+plan {work_s * 1000:.1f} ms")
    print(f"  ratio {ratio:.1f}x (target <= 10x: {verdict})")


def _p95(values: list[float]) -> float:
    return sorted(values)[int(0.95 * (len(values) - 1))]


if __name__ == "__main__":
    main()
