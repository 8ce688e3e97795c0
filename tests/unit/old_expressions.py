"""A frozen copy of the condition language as it was before ODK XPath (issue 20), for tests only.

Copied from diagnostics/expressions.py and diagnostics/expression_tree.py at the commit before the migration:
tests evaluate each content condition's OLD text with this copy and its NEW text with diagnostics.expressions,
and check they agree. Do not change it to follow the product.
"""

# ruff: noqa
# mypy: ignore-errors

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


class ExpressionError(ValueError):
    def __init__(self, message: str, text: str, position: int) -> None:
        self.position = position
        super().__init__(f"{message} at position {position + 1} in {text!r}")


_TOKEN = re.compile(
    r"""\s*(?:
        (?P<ref>\$\{(?P<name>[A-Za-z_][A-Za-z0-9_]*)\})
      | (?P<number>-?\d{1,15}(?:\.\d{1,15})?(?![\d.]))
      | (?P<string>'[^']*'|"[^"]*")
      | (?P<op><=|>=|!=|=|<|>)
      | (?P<punct>[(),.])
      | (?P<word>[A-Za-z][A-Za-z0-9_-]*)
    )""",
    re.VERBOSE | re.ASCII,
)
MAX_LENGTH = 2000
MAX_DEPTH = 40
KEYWORDS = {"and", "or", "not", "true", "false", "null"}


@dataclass(frozen=True)
class Token:
    kind: str
    text: str
    position: int


def tokenize(text: str) -> list[Token]:
    tokens, pos = [], 0
    while pos < len(text):
        if text[pos:].isspace():
            break
        m = _TOKEN.match(text, pos)
        if not m or m.end() == pos:
            raise ExpressionError(f"unexpected character {text[pos:].lstrip()[:1]!r}", text, pos)
        kind = next(k for k in ("ref", "number", "string", "op", "punct", "word") if m.group(k) is not None)
        value = m.group("name") if kind == "ref" else m.group(kind)
        tokens.append(Token(kind, value, m.start(kind)))
        pos = m.end()
    return tokens


@dataclass(frozen=True)
class Expression:
    """A parsed expression: its text, its tree and the question ids it reads."""

    text: str
    tree: Node

    @property
    def references(self) -> frozenset[str]:
        return frozenset(n.name for n in self.tree.walk() if isinstance(n, Ref))

    def uses_current(self) -> bool:
        return any(isinstance(n, Current) for n in self.tree.walk())

    def evaluate(self, answers: Env, current: Value = None) -> bool:
        return truthy(self.tree.evaluate(answers, current))


def parse(text: str) -> Expression:
    if len(text) > MAX_LENGTH:
        raise ExpressionError(f"longer than {MAX_LENGTH} characters", text[:40] + "…", MAX_LENGTH)
    parser = _Parser(text, tokenize(text))
    if not parser.tokens:
        raise ExpressionError("empty expression", text, 0)
    tree = parser.expr()
    if parser.pos < len(parser.tokens):
        tok = parser.tokens[parser.pos]
        raise ExpressionError(f"unexpected {tok.text!r}", text, tok.position)
    return Expression(text, tree)


class _Parser:
    def __init__(self, text: str, tokens: list[Token]) -> None:
        self.text, self.tokens, self.pos, self.depth = text, tokens, 0, 0

    def _nested(self) -> None:
        self.depth += 1
        if self.depth > MAX_DEPTH:
            tok = self._peek()
            raise ExpressionError(f"nested more than {MAX_DEPTH} deep", self.text, tok.position if tok else 0)

    def _peek(self) -> Token | None:
        return self.tokens[self.pos] if self.pos < len(self.tokens) else None

    def _is(self, kind: str, text: str | None = None) -> bool:
        tok = self._peek()
        return tok is not None and tok.kind == kind and (text is None or tok.text == text)

    def _take(self, kind: str, text: str | None = None) -> Token:
        tok = self._peek()
        if tok is None or not self._is(kind, text):
            where = tok.position if tok else len(self.text)
            found = repr(tok.text) if tok else "the end"
            raise ExpressionError(f"expected {text or kind!r}, found {found}", self.text, where)
        self.pos += 1
        return tok

    def expr(self) -> Node:
        return self._bool("or", self._and)

    def _and(self) -> Node:
        return self._bool("and", self._not)

    def _bool(self, op: str, inner: Callable[[], Node]) -> Node:
        items = [inner()]
        while self._is("word", op):
            self.pos += 1
            items.append(inner())
        return items[0] if len(items) == 1 else BoolOp(op, tuple(items))

    def _not(self) -> Node:
        if self._is("word", "not"):
            self.pos += 1
            self._nested()
            return Not(self._not())
        left = self._operand()
        if self._is("op"):
            op = self._take("op").text
            return Compare(op, left, self._operand())
        return left

    def _operand(self) -> Node:
        tok = self._peek()
        if tok is None:
            raise ExpressionError("expression ends too early", self.text, len(self.text))
        if tok.kind == "ref":
            self.pos += 1
            return Ref(tok.text)
        if tok.kind == "number":
            self.pos += 1
            return Literal(float(tok.text) if "." in tok.text else int(tok.text))
        if tok.kind == "string":
            self.pos += 1
            return Literal(tok.text[1:-1])
        if tok.kind == "punct" and tok.text == ".":
            self.pos += 1
            return Current()
        if tok.kind == "punct" and tok.text == "(":
            self.pos += 1
            self._nested()
            inner = self.expr()
            self._take("punct", ")")
            return inner
        if tok.kind == "word" and tok.text in ("true", "false", "null"):
            self.pos += 1
            return Literal({"true": True, "false": False, "null": None}[tok.text])
        if tok.kind == "word" and tok.text not in KEYWORDS:
            return self._call(tok)
        raise ExpressionError(f"unexpected {tok.text!r}", self.text, tok.position)

    def _call(self, tok: Token) -> Node:
        if tok.text not in FUNCTIONS:
            known = ", ".join(FUNCTIONS)
            raise ExpressionError(f"unknown function {tok.text!r} (known: {known})", self.text, tok.position)
        self.pos += 1
        self._take("punct", "(")
        args: list[Node] = []
        if not self._is("punct", ")"):
            args.append(self.expr())
            while self._is("punct", ","):
                self.pos += 1
                args.append(self.expr())
        self._take("punct", ")")
        arity = FUNCTIONS[tok.text][0]
        if len(args) != arity:
            raise ExpressionError(
                f"{tok.text}() takes {arity} argument(s), got {len(args)}", self.text, tok.position
            )
        if tok.text == "date" and not isinstance(args[0], Literal):
            raise ExpressionError("date() takes a quoted 'YYYY-MM-DD'", self.text, tok.position)
        if tok.text == "date":
            try:
                return Literal(_date(args[0].evaluate({}, None)))
            except ValueError:
                raise ExpressionError("date() takes a quoted 'YYYY-MM-DD'", self.text, tok.position) from None
        return Call(tok.text, tuple(args))
