"""The expression tree and how it evaluates against answers, as ODK evaluates the same XPath (the grammar:
`diagnostics.expressions`)."""

from __future__ import annotations

import datetime as dt
import re
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
    """XPath's boolean(): empty text, 0, false and an unanswered question are false."""
    return value not in (None, False, "", 0, [])


def _empty(value: Value) -> bool:
    return value is None or value == "" or value == []


def compare(op: str, left: Value, right: Value) -> bool:
    """ODK's rule: an unanswered question is the empty text ''. It equals '' (and another unanswered one),
    differs from everything else (so `${q} != 'none'` holds while `q` is unanswered: write
    `${q} != '' and ${q} != 'none'` for "answered, and not none"), and is never more or less than anything
    (XPath reads '' as a number that is no number).
    """
    if _empty(left) or _empty(right):
        same = _empty(left) and _empty(right)
        return same if op == "=" else (not same if op == "!=" else False)
    right, left = _coerce(right, left), _coerce(left, right)
    if op in ("=", "!="):
        same = left == right
        return same if op == "=" else not same
    if not _comparable(left, right):
        return False
    ordered: Callable[[Any, Any], bool] = {
        "<": lambda a, b: a < b,
        "<=": lambda a, b: a <= b,
        ">": lambda a, b: a > b,
        ">=": lambda a, b: a >= b,
    }[op]
    return ordered(left, right)


def _number(value: Value) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def _comparable(a: Value, b: Value) -> bool:
    """Numbers with numbers, dates with dates; text and yes/no flags are never ordered (XPath orders numbers
    only: text there is a number that is no number)."""
    if _number(a) and _number(b):
        return True
    return isinstance(a, dt.date) and isinstance(b, dt.date)


_NUMERIC = re.compile(r"-?[0-9]+(?:\.[0-9]+)?")


def _coerce(value: Value, like: Value) -> Value:
    """A 'YYYY-MM-DD' text compared with a date is read as a date, a numeric text compared with a number as
    a number (as XPath does)."""
    if not isinstance(value, str):
        return value
    try:
        if isinstance(like, dt.date):
            return dt.date.fromisoformat(value)
        if _number(like) and _NUMERIC.fullmatch(value.strip()):
            return float(value)
    except ValueError:
        return value
    return value


def _choices(values: Value) -> list[Any]:
    """A multiple choice answer: a list here, space-separated text in ODK."""
    if isinstance(values, str):
        return values.split()
    return list(values) if isinstance(values, list | tuple) else []


def _selected(values: Value, choice: Value) -> bool:
    return choice in _choices(values)


def _count_selected(values: Value) -> int:
    return len(_choices(values))


def text_of(value: Value) -> str:
    """XPath's string(): how ODK writes an answer (a multiple choice answer: its values, space-separated)."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, list | tuple):
        return " ".join(map(str, value))
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _string_length(value: Value) -> int:
    return len(text_of(value))


def _date(text: Value) -> dt.date:
    return dt.date.fromisoformat(str(text))


FUNCTIONS: dict[str, tuple[int, Callable[..., Value]]] = {
    "selected": (2, _selected),
    "count-selected": (1, _count_selected),
    "string-length": (1, _string_length),
    "today": (0, dt.date.today),
    "date": (1, _date),
}
"""Functions evaluated at run time: name → (number of arguments, function). The parser also knows `not()`,
`true()` and `false()`, which it turns into nodes of their own."""
