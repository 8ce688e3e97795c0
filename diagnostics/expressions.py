"""Conditions (`relevant`, `constraint`, rules' `when`) in a subset of ODK XPath, so that the same text runs
in our forms and in an XLSForm on KoBo/ODK.

    ${security_allows_colocation} = 'no' and ${resident_agencies} >= 5
    selected(${existing_mechanisms}, 'omt') or not(string-length(${omt_chair_agency}) > 0)
    . >= 1 and . <= 200                      -- `.` is the answer being checked

Grammar (lowest precedence first):
    expr    := and ("or" and)*
    and     := compare ("and" compare)*
    compare := operand (("=" | "!=" | "<" | "<=" | ">" | ">=") operand)?
    operand := "${" name "}" | "." | number | string
             | function "(" [expr ("," expr)*] ")" | "(" expr ")"
    function:= not | selected | count-selected | string-length | date | today | true | false

`<`, `<=`, `>`, `>=` order numbers and dates, so a quoted text beside them is refused (write date('…') for a
date). An unanswered question is the empty text '', as in ODK (see `expression_tree.compare`).
Text is tokenized and parsed into a tree of plain objects; evaluation walks that tree. Nothing is ever handed
to Python's `eval`, names resolve only to answers, and anything outside the grammar is an `ExpressionError`:
in particular what the language accepted before ODK XPath (a bare `not`, `answered()`, `true`, `false`,
`null`), each with what to write instead.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Annotated

from pydantic import AfterValidator, Field

from diagnostics.expression_tree import (
    FUNCTIONS,
    BoolOp,
    Call,
    Compare,
    Current,
    Env,
    Literal,
    Node,
    Not,
    Ref,
    Value,
    _date,
    truthy,
)

__all__ = [
    "BoolOp", "Call", "Compare", "Condition", "Current", "Expression", "ExpressionError", "Literal", "Node",
    "Not", "Ref",
    "parse", "tokenize",
]  # fmt: skip


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
KEYWORDS = {"and", "or"}
ORDERING = ("<", "<=", ">", ">=")
_NOT_XPATH = {
    "true": "'true' is not ODK XPath: write true()",
    "false": "'false' is not ODK XPath: write false()",
    "null": "'null' is not ODK XPath: an unanswered question is '' (write ${q} = '')",
}


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
        return self._bool("and", self._compare)

    def _bool(self, op: str, inner: Callable[[], Node]) -> Node:
        items = [inner()]
        while self._is("word", op):
            self.pos += 1
            items.append(inner())
        return items[0] if len(items) == 1 else BoolOp(op, tuple(items))

    def _compare(self) -> Node:
        left = self._operand()
        if not self._is("op"):
            return left
        tok = self._take("op")
        right = self._operand()
        text = next((n for n in (left, right) if isinstance(n, Literal) and isinstance(n.value, str)), None)
        if tok.text in ORDERING and text is not None:
            raise ExpressionError(
                f"{tok.text} orders numbers and dates, not the text {text.value!r}: write a number without "
                "quotes, or date('YYYY-MM-DD')",
                self.text,
                tok.position,
            )
        return Compare(tok.text, left, right)

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
            self.depth -= 1
            return inner
        if tok.kind == "word" and tok.text not in KEYWORDS:
            return self._call(tok)
        raise ExpressionError(f"unexpected {tok.text!r}", self.text, tok.position)

    def _refuse_old(self, tok: Token) -> None:
        """What the language accepted before ODK XPath, refused with what to write instead."""
        after = self.tokens[self.pos + 1] if self.pos + 1 < len(self.tokens) else None
        called = after is not None and after.kind == "punct" and after.text == "("
        if tok.text == "not" and not called:
            raise ExpressionError(
                "'not' is a function in ODK XPath: write not(…) around what it negates",
                self.text,
                tok.position,
            )
        if tok.text in _NOT_XPATH and not (called and tok.text in ("true", "false")):
            raise ExpressionError(_NOT_XPATH[tok.text], self.text, tok.position)
        if tok.text == "answered":
            arg = self.tokens[self.pos + 2] if called and self.pos + 2 < len(self.tokens) else None
            q = f"${{{arg.text}}}" if arg is not None and arg.kind == "ref" else "${q}"
            raise ExpressionError(
                f"answered() is not ODK XPath: write string-length({q}) > 0, or {q} != ''",
                self.text,
                tok.position,
            )

    def _call(self, tok: Token) -> Node:
        self._refuse_old(tok)
        if tok.text not in (*FUNCTIONS, *BUILT_IN):
            known = ", ".join(sorted((*FUNCTIONS, *BUILT_IN)))
            raise ExpressionError(f"unknown function {tok.text!r} (known: {known})", self.text, tok.position)
        self.pos += 1
        self._take("punct", "(")
        self._nested()
        args: list[Node] = []
        if not self._is("punct", ")"):
            args.append(self.expr())
            while self._is("punct", ","):
                self.pos += 1
                args.append(self.expr())
        self._take("punct", ")")
        self.depth -= 1
        arity = BUILT_IN[tok.text] if tok.text in BUILT_IN else FUNCTIONS[tok.text][0]
        if len(args) != arity:
            raise ExpressionError(
                f"{tok.text}() takes {arity} argument(s), got {len(args)}", self.text, tok.position
            )
        if tok.text in ("true", "false"):
            return Literal(tok.text == "true")
        if tok.text == "not":
            return Not(args[0])
        if tok.text == "date":
            return self._date(args[0], tok)
        return Call(tok.text, tuple(args))

    def _date(self, arg: Node, tok: Token) -> Node:
        """date('YYYY-MM-DD') is read once, when parsed: a wrong date is refused with the content."""
        if isinstance(arg, Literal) and isinstance(arg.value, str):
            try:
                return Literal(_date(arg.value))
            except ValueError:
                pass
        raise ExpressionError("date() takes a quoted 'YYYY-MM-DD'", self.text, tok.position)


BUILT_IN = {"not": 1, "true": 0, "false": 0}
"""Functions the parser turns into nodes of their own: not() into `Not`, true() and false() into literals."""


def _checked(text: str) -> str:
    try:
        parse(text)
    except ExpressionError as exc:
        raise ValueError(str(exc)) from None
    return text


Condition = Annotated[
    str, AfterValidator(_checked), Field(description="A condition in the expression language.")
]
"""A content field holding a condition: invalid text is a validation error naming the position."""
