"""A plan's dependencies as a graph: cycles, and moving the tasks that depend on a task that moved.

A task that depends on another starts on a working day after the other's due date (the planner's rule).
Pure: dates and keys in, dates and keys out; the services apply the result to the stored tasks.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from diagnostics.calendar import MONDAY_TO_FRIDAY, WorkingCalendar


@dataclass(frozen=True)
class Slot:
    """A task's place in time: its dates, and whether it may be moved (not completed nor dropped)."""

    start: dt.date
    due: dt.date
    movable: bool = True


def find_cycle(depends_on: Mapping[str, Iterable[str]]) -> list[str] | None:
    """A chain of keys that ends where it began (e.g. ['B-4.1', 'B-5.1', 'B-4.1']), or None: no cycle."""
    state: dict[str, int] = {}  # 1: on the current path, 2: done
    for root in sorted(depends_on):
        if state.get(root):
            continue
        path, stack = [root], [iter(sorted(depends_on.get(root, ())))]
        state[root] = 1
        while stack:
            nxt = next(stack[-1], None)
            if nxt is None:
                state[path.pop()] = 2
                stack.pop()
            elif state.get(nxt) == 1:
                return [*path[path.index(nxt) :], nxt]
            elif not state.get(nxt):
                state[nxt] = 1
                path.append(nxt)
                stack.append(iter(sorted(depends_on.get(nxt, ()))))
    return None


def earliest_start(after: dt.date, calendar: WorkingCalendar = MONDAY_TO_FRIDAY) -> dt.date:
    """The first working day after `after`: where a task that depends on one due on `after` may start."""
    return calendar.first_working_day(after + dt.timedelta(days=1))


def working_days(start: dt.date, due: dt.date, calendar: WorkingCalendar = MONDAY_TO_FRIDAY) -> int:
    """How many working days a task from `start` to `due` (both included) takes: at least one."""
    return max(calendar.working_days_between(start, due + dt.timedelta(days=1)), 1)


def push_dependants(
    slots: Mapping[str, Slot],
    depends_on: Mapping[str, Iterable[str]],
    moved: str,
    calendar: WorkingCalendar = MONDAY_TO_FRIDAY,
) -> dict[str, Slot]:
    """The dependants of `moved` (directly or through others) that now start too early, moved to start the
    working day after their last predecessor's due date, keeping their length in working days. Only movable
    tasks move; the graph must have no cycle. Answers the new slot of each task that moved."""
    dependants: dict[str, list[str]] = {}
    for key, before in depends_on.items():
        for b in before:
            dependants.setdefault(b, []).append(key)
    order, seen, todo = [], {moved}, [moved]
    while todo:  # every task downstream of `moved`
        for d in dependants.get(todo.pop(), []):
            if d not in seen and d in slots:
                seen.add(d)
                order.append(d)
                todo.append(d)
    now = dict(slots)
    changed: dict[str, Slot] = {}
    for key in _topological(order, depends_on):
        slot = now[key]
        dues = [now[b].due for b in depends_on.get(key, ()) if b in now]
        if not slot.movable or not dues or slot.start > max(dues):
            continue
        start = earliest_start(max(dues), calendar)
        length = working_days(slot.start, slot.due, calendar)
        new = Slot(start, calendar.add_working_days(start, length - 1), slot.movable)
        now[key] = changed[key] = new
    return changed


def conflicts(
    slots: Mapping[str, Slot], depends_on: Mapping[str, Iterable[str]], among: Iterable[str]
) -> list[tuple[str, str]]:
    """(dependant, predecessor) pairs touching `among` where the dependant starts before the predecessor
    ends; tasks that cannot move (completed or dropped) are left out."""
    keys = set(among)
    found = []
    for key, before in sorted(depends_on.items()):
        for b in sorted(before):
            if (key in keys or b in keys) and key in slots and b in slots:
                d, p = slots[key], slots[b]
                if d.movable and p.movable and d.start <= p.due:
                    found.append((key, b))
    return found


def slack(
    slots: Mapping[str, Slot],
    depends_on: Mapping[str, Iterable[str]],
    calendar: WorkingCalendar = MONDAY_TO_FRIDAY,
    started: Iterable[str] = (),
) -> dict[str, int]:
    """Each task's total slack in working days, as the planner computes it (forward and backward passes over
    the dependencies), with each task's length taken from its dates as they now are: a task made longer can
    put its chain on the critical path (0), and one made shorter take it off. The network starts on the
    first start date; a task that has `started` is held at its own start."""
    if not slots:
        return {}
    anchor = min(s.start for s in slots.values())

    def at(day: dt.date) -> int:
        return calendar.working_days_between(anchor, day)

    pinned = set(started)
    order = _topological(list(slots), depends_on)
    length = {k: at(slots[k].due) - at(slots[k].start) + 1 for k in order}
    early: dict[str, int] = {}
    for key in order:
        before = [early[b] + length[b] for b in depends_on.get(key, ()) if b in early]
        early[key] = at(slots[key].start) if key in pinned else max(before, default=0)
    end = max(early[k] + length[k] for k in order)
    dependants: dict[str, list[str]] = {}
    for key in order:
        for b in depends_on.get(key, ()):
            if b in slots:
                dependants.setdefault(b, []).append(key)
    late: dict[str, int] = {}
    for key in reversed(order):
        late[key] = min((late[d] for d in dependants.get(key, ())), default=end) - length[key]
    return {key: late[key] - early[key] for key in order}


def _topological(keys: list[str], depends_on: Mapping[str, Iterable[str]]) -> list[str]:
    """`keys` with each after those of them it depends on."""
    wanted, done, order = set(keys), set[str](), list[str]()

    def visit(key: str) -> None:
        if key in done:
            return
        done.add(key)
        for b in sorted(depends_on.get(key, ())):
            if b in wanted:
                visit(b)
        order.append(key)

    for key in sorted(keys):
        visit(key)
    return order
