"""Diagnose + plan, measured next to a bare critical-path pass over the same task graph on the same calendar.

    python bench/diagnose.py [--repeat 200] [--countries 200]

For each shipped example (repeated) and for a portfolio of generated countries (each on its own working
calendar: its weekend, its public holidays and the UN's), prints the time of
(1) the floor: a bare critical-path pass over the plan's own task graph as plain tuples — a forward and a
    backward pass in working days, then every start and due date placed on the same `WorkingCalendar` — run
    in the same process on the same graphs, and
(2) the product's work: validating the answers (skip logic, constraints), selecting with reasons, building the
    plan (owners, dependencies, critical path, slack) backward from the next programme cycle when it has one.
Targets (issue 16): (2) at most 10x (1); and from N to 10 N countries the time grows no worse than linearly
(10x, with noise). Calendars are built once per country before timing, as the product caches them. It prints
figures and ratios; it asserts nothing.
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
from cer.content.calendars import calendar_in_use, default_choice, years_around
from diagnostics.answers import AnswerSet, validate_answers
from diagnostics.calendar import WorkingCalendar
from diagnostics.planner import Plan, build_plan
from diagnostics.selection import diagnose

EXAMPLES = Path(__file__).resolve().parent.parent / "examples"
START = dt.date(2027, 1, 15)
COUNTRIES = ["MWI", "SOM", "VNM", "AFG", "NPL", "KEN", "BGD", "PAK", "UGA", "TZA", "ALB", "URY", "RWA", "MOZ"]
ROUNDS = 3
Graph = tuple[tuple[str, int, tuple[int, ...]], ...]  # (id, duration, indexes of what it waits for), in order


def calendar_for(content: Content, country: str) -> WorkingCalendar:
    return calendar_in_use(content.calendars, default_choice(country), years_around(START)).working


def full(content: Content, raw: dict[str, Any], country: str, calendar: WorkingCalendar) -> Plan:
    q = content.questionnaire
    answers = validate_answers(q, AnswerSet(questionnaire_version=q.version, answers=raw))
    fw = content.framework
    d = diagnose(
        questionnaire=q, rules=content.rules, framework=fw, catalogue=content.catalogue, answers=answers
    )
    cycle = answers.values.get("next_cycle_start")
    return build_plan(
        d,
        framework=fw,
        planning=content.planning,
        questionnaire=q,
        country=country,
        start=START,
        calendar=calendar,
        finish_by=cycle if isinstance(cycle, dt.date) and cycle > START else None,
    )


def graph_of(plan: Plan) -> Graph:
    """The plan's network (ongoing tasks aside) as plain tuples, in an order where dependencies come first."""
    tasks = {t.id: t for t in plan.tasks if not t.ongoing}
    order: list[str] = []
    seen: set[str] = set()

    def visit(key: str) -> None:
        if key not in seen:
            seen.add(key)
            for d in tasks[key].depends_on:
                visit(d)
            order.append(key)

    for key in sorted(tasks):
        visit(key)
    index = {key: i for i, key in enumerate(order)}
    return tuple((k, tasks[k].duration_days, tuple(index[d] for d in tasks[k].depends_on)) for k in order)


def bare(graph: Graph, calendar: WorkingCalendar) -> list[tuple[str, dt.date, dt.date, bool]]:
    """The floor: early and late starts, slack, and dates on the calendar."""
    n = len(graph)
    early = [0] * n
    for i, (_, _, deps) in enumerate(graph):
        early[i] = max((early[d] + graph[d][1] for d in deps), default=0)
    end = max((early[i] + graph[i][1] for i in range(n)), default=0)
    late_finish = [end] * n
    for i in range(n - 1, -1, -1):
        late_start = late_finish[i] - graph[i][1]
        for d in graph[i][2]:
            late_finish[d] = min(late_finish[d], late_start)
    start = calendar.first_working_day(START)
    return [
        (
            key,
            calendar.add_working_days(start, early[i]),
            calendar.add_working_days(start, early[i] + duration - 1),
            late_finish[i] - duration == early[i],
        )
        for i, (key, duration, _) in enumerate(graph)
    ]


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


def portfolio(content: Content, size: int, seed: int) -> tuple[float, float]:
    """Seconds for the floor and for diagnose + plan over `size` generated countries (best of ROUNDS)."""
    rng = random.Random(seed)
    people = [(random_answers(content, rng), rng.choice(COUNTRIES)) for _ in range(size)]
    calendars = {code: calendar_for(content, code) for code in COUNTRIES}
    graphs = [graph_of(full(content, raw, code, calendars[code])) for raw, code in people]  # built untimed
    floor_s = work_s = float("inf")
    for _ in range(ROUNDS):  # the best of a few rounds: other work on the machine only ever adds time
        started = time.perf_counter()
        for graph, (_, code) in zip(graphs, people, strict=True):
            bare(graph, calendars[code])
        floor_s = min(floor_s, time.perf_counter() - started)
        started = time.perf_counter()
        for raw, code in people:
            full(content, raw, code, calendars[code])
        work_s = min(work_s, time.perf_counter() - started)
    return floor_s, work_s


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--repeat", type=int, default=200)
    parser.add_argument("--countries", type=int, default=200)
    args = parser.parse_args()
    content = get_content()

    print(f"One country, {args.repeat} runs each (median / p95 ms)")
    print(f"  {'example':12}{'bare CPM':>16}{'diagnose+plan':>20}{'ratio':>8}  tasks")
    for path in sorted(EXAMPLES.glob("*.yaml")):
        doc = yaml.safe_load(path.read_text(encoding="utf-8"))
        raw, code = doc["answers"], doc["country"]
        calendar = calendar_for(content, code)
        graph = graph_of(full(content, raw, code, calendar))
        base = per_call_ms(lambda graph=graph, calendar=calendar: bare(graph, calendar), args.repeat)
        work = per_call_ms(
            lambda raw=raw, code=code, calendar=calendar: full(content, raw, code, calendar), args.repeat
        )
        b, w = statistics.median(base), statistics.median(work)
        figures = f"{b:8.3f} /{_p95(base):6.3f}{w:12.3f} /{_p95(work):6.3f}{w / b:7.1f}x"
        print(f"  {path.stem:12}{figures}  {len(graph)}")

    small, large = args.countries, args.countries * 10
    print(f"\nPortfolios of generated countries on {len(COUNTRIES)} countries' calendars")
    results = {}
    for size in (small, large):
        floor_s, work_s = portfolio(content, size, seed=2027)
        results[size] = work_s
        ratio = work_s / floor_s
        verdict = "met" if ratio <= 10 else "MISSED"
        print(
            f"  {size:6} countries: bare CPM {floor_s * 1000:9.1f} ms, diagnose+plan {work_s * 1000:9.1f} ms"
        )
        print(f"          ratio {ratio:.1f}x (target <= 10x: {verdict})")
    growth = results[large] / results[small]
    verdict = "met" if growth <= 10 * 1.2 else "MISSED"
    print(
        f"  {small} -> {large} countries: time x{growth:.1f} (target: no worse than linear, x10: {verdict})"
    )


def _p95(values: list[float]) -> float:
    return sorted(values)[int(0.95 * (len(values) - 1))]


if __name__ == "__main__":
    main()
