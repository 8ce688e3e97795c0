"""Dependencies as a graph (diagnostics.dependencies): a cycle is found and named; moving a task pushes the
tasks downstream of it so that each starts after everything it depends on ends."""

from __future__ import annotations

import datetime as dt

from hypothesis import given, settings
from hypothesis import strategies as st

from diagnostics.dependencies import Slot, conflicts, find_cycle, push_dependants, working_days

MONDAY = dt.date(2027, 3, 1)


@st.composite
def plans(draw: st.DrawFn) -> tuple[dict[str, Slot], dict[str, list[str]], str, Slot]:
    """A random acyclic plan (each task depends only on earlier ones), a task of it and where it moves."""
    n = draw(st.integers(2, 12))
    keys = [f"T{i}" for i in range(n)]
    graph = {k: sorted(set(draw(st.lists(st.sampled_from(keys[:i]), max_size=3)))) if i else []
             for i, k in enumerate(keys)}  # fmt: skip
    slots = {}
    for k in keys:
        start = MONDAY + dt.timedelta(days=draw(st.integers(0, 120)))
        slots[k] = Slot(start, start + dt.timedelta(days=draw(st.integers(0, 40))))
    moved = draw(st.sampled_from(keys))
    start = MONDAY + dt.timedelta(days=draw(st.integers(0, 200)))
    return slots, graph, moved, Slot(start, start + dt.timedelta(days=draw(st.integers(0, 60))))


def downstream(graph: dict[str, list[str]], key: str) -> set[str]:
    found, todo = set(), [key]
    while todo:
        k = todo.pop()
        for d, before in graph.items():
            if k in before and d not in found:
                found.add(d)
                todo.append(d)
    return found


@settings(max_examples=300, deadline=None)
@given(plans())
def test_moving_a_task_keeps_every_task_after_it_starting_after_what_it_depends_on(plan: tuple) -> None:  # type: ignore[type-arg]
    slots, graph, moved, to = plan
    slots = slots | {moved: to}
    after = slots | push_dependants(slots, graph, moved)
    for key in downstream(graph, moved):
        for before in graph[key]:
            if before == moved or before in downstream(graph, moved):
                assert after[key].start > after[before].due, (key, before)
    assert conflicts(after, graph, downstream(graph, moved)) == []  # only the moved task's own may remain


@settings(max_examples=200, deadline=None)
@given(plans())
def test_a_task_pushed_along_keeps_its_length_in_working_days(plan: tuple) -> None:  # type: ignore[type-arg]
    slots, graph, moved, to = plan
    slots = slots | {moved: to}
    for key, new in push_dependants(slots, graph, moved).items():
        assert working_days(new.start, new.due) == working_days(slots[key].start, slots[key].due)
        assert new.start > slots[key].start


def test_a_cycle_is_named_from_where_it_starts_back_to_it() -> None:
    assert find_cycle({"A": [], "B": ["A"], "C": ["B"]}) is None
    assert find_cycle({"A": ["C"], "B": ["A"], "C": ["B"]}) == ["A", "C", "B", "A"]
    assert find_cycle({"A": ["A"]}) == ["A", "A"]


@given(st.dictionaries(st.sampled_from("ABCDEF"), st.lists(st.sampled_from("ABCDEF"), max_size=3)))
def test_a_named_cycle_is_really_one_and_none_means_the_tasks_can_be_ordered(graph: dict) -> None:  # type: ignore[type-arg]
    cycle = find_cycle(graph)
    if cycle is not None:
        assert cycle[0] == cycle[-1]
        assert all(cycle[i + 1] in graph.get(cycle[i], []) for i in range(len(cycle) - 1))
        return
    done: set[str] = set()
    remaining = set(graph) | {d for ds in graph.values() for d in ds}
    while remaining:  # an order exists: some task always has everything it depends on done
        ready = {k for k in remaining if set(graph.get(k, [])) <= done}
        assert ready
        done |= ready
        remaining -= ready


def test_a_completed_task_is_not_moved_but_those_after_it_are_not_held_back() -> None:
    slots = {
        "A": Slot(MONDAY, MONDAY + dt.timedelta(days=4)),
        "B": Slot(MONDAY + dt.timedelta(days=7), MONDAY + dt.timedelta(days=11), movable=False),
    }
    slots["A"] = Slot(MONDAY + dt.timedelta(days=14), MONDAY + dt.timedelta(days=18))
    assert push_dependants(slots, {"A": [], "B": ["A"]}, "A") == {}
