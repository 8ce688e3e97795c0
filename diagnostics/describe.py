"""Conditions in plain words, so a country team can read the skip logic and rules it is given."""

from __future__ import annotations

import datetime as dt

from diagnostics.expressions import BoolOp, Call, Compare, Current, Expression, Literal, Node, Not, Ref
from diagnostics.questionnaire import Questionnaire

_OPS = {
    "=": "is",
    "!=": "is not",
    ">=": "is at least",
    ">": "is more than",
    "<=": "is at most",
    "<": "is less than",
}
MAX_LABEL = 70


def describe(expr: Expression, questionnaire: Questionnaire, lang: str = "en") -> str:
    return _Describer(questionnaire, lang).node(expr.tree, None)


class _Describer:
    def __init__(self, questionnaire: Questionnaire, lang: str) -> None:
        self.q, self.lang = questionnaire, lang

    def label(self, qid: str) -> str:
        question = self.q.questions.get(qid)
        text = question.label.get(self.lang) if question else qid
        return f"“{text if len(text) <= MAX_LABEL else text[: MAX_LABEL - 1] + '…'}”"

    def value(self, node: Node, about: Node | None) -> str:
        if isinstance(node, Literal) and isinstance(node.value, str) and isinstance(about, Ref):
            question = self.q.questions.get(about.name)
            shown = self.q.choice_label(question, node.value, self.lang) if question else node.value
            return f"“{shown}”" if node.value else "unanswered"
        if isinstance(node, Literal):
            value = node.value
            if value is None or value == "":
                return "unanswered"
            if isinstance(value, str):
                return f"“{value}”"
            if isinstance(value, bool):
                return str(value).lower()
            return value.isoformat() if isinstance(value, dt.date) else str(value)
        return self.node(node, None)

    def node(self, node: Node, parent: str | None) -> str:
        if isinstance(node, Ref):
            return self.label(node.name)
        if isinstance(node, Current):
            return "the answer"
        if isinstance(node, Literal):
            return self.value(node, None)
        if isinstance(node, Not):
            return f"not ({self.node(node.operand, None)})"
        if isinstance(node, BoolOp):
            text = f" {node.op} ".join(self.operands(node))
            return f"({text})" if parent and parent != node.op else text
        if isinstance(node, Compare):
            left, right = node.left, node.right
            if (said := self.answered(node)) is not None:
                return said
            return f"{self.node(left, None)} {_OPS[node.op]} {self.value(right, left)}"
        if isinstance(node, Call):
            return self.call(node)
        raise TypeError(f"cannot describe {node!r}")

    def operands(self, node: BoolOp) -> list[str]:
        """Each operand in words; `${q} != '' and ${q} != 'x'` (answered, and not x) as one phrase."""
        said: list[str] = []
        items = list(node.operands)
        while items:
            first = items.pop(0)
            second = items[0] if items and node.op == "and" else None
            if isinstance(first, Compare) and _guard(first) and _excludes(second, first.left):
                assert isinstance(second, Compare)
                items.pop(0)
                value = self.value(second.right, second.left)
                said.append(f"{self.node(second.left, None)} is answered and not {value}")
            else:
                said.append(self.node(first, node.op))
        return said

    def call(self, node: Call) -> str:
        args = node.args
        if node.function == "selected":
            return f"{self.node(args[0], None)} includes {self.value(args[1], args[0])}"
        if node.function == "count-selected":
            return f"the number of choices ticked in {self.node(args[0], None)}"
        if node.function == "string-length":
            return f"the length of {self.node(args[0], None)}"
        if node.function == "today":
            return "today"
        return self.value(args[0], None)

    def answered(self, node: Compare) -> str | None:
        """The ODK ways of asking whether a question is answered, read as such: `${q} != ''`, `${q} = ''`,
        `string-length(${q}) > 0` / `= 0` and `count-selected(${q}) > 0` / `= 0`."""
        left, right, op = node.left, node.right, node.op
        if isinstance(right, Literal) and right.value == "" and op in ("=", "!="):
            subject = left
        elif isinstance(left, Call) and left.function in ("string-length", "count-selected"):
            if not (isinstance(right, Literal) and right.value == 0 and op in ("=", ">", "!=")):
                return None
            subject = left.args[0]
        else:
            return None
        return f"{self.node(subject, None)} is {'unanswered' if op == '=' else 'answered'}"


def _guard(node: Compare) -> bool:
    """`${q} != ''`: the question is answered."""
    return node.op == "!=" and isinstance(node.left, Ref) and node.right == Literal("")


def _excludes(node: Node | None, subject: Node) -> bool:
    """`${q} != 'x'` on the same question."""
    return isinstance(node, Compare) and node.op == "!=" and node.left == subject
