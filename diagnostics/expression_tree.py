"""The expression tree and how it evaluates against answers (the grammar: `diagnostics.expressions`)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from typing import Any

Value = Any
Env = Mapping[str, Value]


class Node:
    def evaluate(self, env: Env, current: Value) -> Value:
        raise NotImplementedError

    def children(self) -> tuple[Node, ...]:
        return ()

    def walk(self) -> Iterator[Node]:
        yield self
        for child in self.children():
            yield from child.walk()


@dataclass(frozen=True)
class Ref(Node):
    name: str

    def evaluate(self, env: Env, current: Value) -> Value:  # noqa: ARG002 - same signature for every node
        return env.get(self.name)


@dataclass(frozen=True)
class Current(Node):
    def evaluate(self, env: Env, current: Value) -> Value:  # noqa: ARG002
        return current


@dataclass(frozen=True)
class Literal(Node):
    value: Value

    def evaluate(self, env: Env, current: Value) -> Value:  # noqa: ARG002
        return self.value


@dataclass(frozen=True)
class Not(Node):
    operand: Node

    def evaluate(self, env: Env, current: Value) -> Value:
        return not truthy(self.operand.evaluate(env, current))

    def children(self) -> tuple[Node, ...]:
        return (self.operand,)


@dataclass(frozen=True)
class BoolOp(Node):
    op: str  # "and" | "or"
    operands: tuple[Node, ...]

    def evaluate(self, env: Env, current: Value) -> Value:
        if self.op == "and":
            return all(truthy(o.evaluate(env, current)) for o in self.operands)
        return any(truthy(o.evaluate(env, current)) for o in self.operands)

    def children(self) -> tuple[Node, ...]:
        return self.operands


@dataclass(frozen=True)
class Compare(Node):
    op: str
    left: Node
    right: Node

    def evaluate(self, env: Env, current: Value) -> Value:
        return compare(self.op, self.left.evaluate(env, current), self.right.evaluate(env, current))

    def children(self) -> tuple[Node, ...]:
        return (self.left, self.right)


@dataclass(frozen=True)
class Call(Node):
    function: str
    args: tuple[Node, ...]

    def evaluate(self, env: Env, current: Value) -> Value:
        return FUNCTIONS[self.function][1](*(a.evaluate(env, current) for a in self.args))

    def children(self) -> tuple[Node, ...]:
        return self.args


def truthy(value: Value) -> bool:
    return value not in (None, False, "", 0, [])


def _empty(value: Value) -> bool:
    return value is None or value == "" or value == []


def compare(op: str, left: Value, right: Value) -> bool:
    """A missing answer (on the left, where questions go) satisfies nothing but `= ''` / `= null`: a rule
    like `${pooled_fund} != 'none'` does not fire before the question is answered. An answer `!= ''` holds.
    """
    if _empty(left):
        return op == "=" and _empty(right)
    if _empty(right):  # an answer compared with '' or null: "is answered"
        return op == "!="
    if op in ("=", "!="):
        same = left == _coerce(right, left)
        return same if op == "=" else not same
    right = _coerce(right, left)
    if not _comparable(left, right):
        return False
    ordered: Callable[[Any, Any], bool] = {
        "<": lambda a, b: a < b,
        "<=": lambda a, b: a <= b,
        ">": lambda a, b: a > b,
        ">=": lambda a, b: a >= b,
    }[op]
    return ordered(left, right)


def _comparable(a: Value, b: Value) -> bool:
    """Numbers with numbers, dates with dates, text with text; yes/no flags are never ordered."""
    if isinstance(a, bool) or isinstance(b, bool):
        return False
    if isinstance(a, int | float) and isinstance(b, int | float):
        return True
    return type(a) is type(b)


def _coerce(value: Value, like: Value) -> Value:
    """A 'YYYY-MM-DD' string compared with a date is read as a date."""
    if isinstance(like, dt.date) and isinstance(value, str):
        try:
            return dt.date.fromisoformat(value)
        except ValueError:
            return value
    return value


def _selected(values: Value, choice: Value) -> bool:
    return isinstance(values, list | tuple) and choice in values


def _count_selected(values: Value) -> int:
    return len(values) if isinstance(values, list | tuple) else 0


def _date(text: Value) -> dt.date:
    return dt.date.fromisoformat(str(text))


FUNCTIONS: dict[str, tuple[int, Callable[..., Value]]] = {
    "selected": (2, _selected),
    "count-selected": (1, _count_selected),
    "answered": (1, lambda v: not _empty(v)),
    "date": (1, _date),
}
