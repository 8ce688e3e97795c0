"""Conditions in plain words, so a country team can read the skip logic and rules it is given."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from diagnostics.expressions import BoolOp, Call, Compare, Current, Expression, Literal, Node, Not, Ref
from diagnostics.questionnaire import Questionnaire
from workstreams.errors import N_

# Each phrase is a template the reader's language fills in (`say`: a catalogue's gettext; English by default).
_OPS = {
    "=": N_("%(subject)s is %(value)s"),
    "!=": N_("%(subject)s is not %(value)s"),
    ">=": N_("%(subject)s is at least %(value)s"),
    ">": N_("%(subject)s is more than %(value)s"),
    "<=": N_("%(subject)s is at most %(value)s"),
    "<": N_("%(subject)s is less than %(value)s"),
}
_JOIN = {"and": N_("%(first)s and %(then)s"), "or": N_("%(first)s or %(then)s")}
UNANSWERED = N_("unanswered")
ANSWERED_AND_NOT = N_("%(subject)s is answered and not %(value)s")
IS_ANSWERED = N_("%(subject)s is answered")
IS_UNANSWERED = N_("%(subject)s is unanswered")
INCLUDES = N_("%(subject)s includes %(value)s")
NUMBER_TICKED = N_("the number of choices ticked in %(subject)s")
LENGTH_OF = N_("the length of %(subject)s")
TODAY = N_("today")
THE_ANSWER = N_("the answer")
NOT = N_("not (%(condition)s)")
Say = Callable[[str], str]
MAX_LABEL = 70


def describe(expr: Expression, questionnaire: Questionnaire, lang: str = "en", say: Say | None = None) -> str:
    """`expr` in words: its questions and choices by their labels in `lang`, the phrases around them by `say`
    (the door's catalogue for that language; English without it)."""
    return _Describer(questionnaire, lang, say or (lambda text: text)).node(expr.tree, None)


class _Describer:
    def __init__(self, questionnaire: Questionnaire, lang: str, say: Say) -> None:
        self.q, self.lang, self.say = questionnaire, lang, say

    def fill(self, template: str, **values: object) -> str:
        return self.say(template) % values

    def label(self, qid: str) -> str:
        question = self.q.questions.get(qid)
        text = question.label.get(self.lang) if question else qid
        return f"“{text if len(text) <= MAX_LABEL else text[: MAX_LABEL - 1] + '…'}”"

    def value(self, node: Node, about: Node | None) -> str:
        if isinstance(node, Literal) and isinstance(node.value, str) and isinstance(about, Ref):
            question = self.q.questions.get(about.name)
            shown = self.q.choice_label(question, node.value, self.lang) if question else node.value
            return f"“{shown}”" if node.value else self.say(UNANSWERED)
        if isinstance(node, Literal):
            value = node.value
            if value is None or value == "":
                return self.say(UNANSWERED)
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
            return self.say(THE_ANSWER)
        if isinstance(node, Literal):
            return self.value(node, None)
        if isinstance(node, Not):
            return self.fill(NOT, condition=self.node(node.operand, None))
        if isinstance(node, BoolOp):
            parts = self.operands(node)
            text = parts[0]
            for then in parts[1:]:
                text = self.fill(_JOIN[node.op], first=text, then=then)
            return f"({text})" if parent and parent != node.op else text
        if isinstance(node, Compare):
            left, right = node.left, node.right
            if (said := self.answered(node)) is not None:
                return said
            return self.fill(_OPS[node.op], subject=self.node(left, None), value=self.value(right, left))
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
                said.append(self.fill(ANSWERED_AND_NOT, subject=self.node(second.left, None), value=value))
            else:
                said.append(self.node(first, node.op))
        return said

    def call(self, node: Call) -> str:
        args = node.args
        if node.function == "selected":
            return self.fill(INCLUDES, subject=self.node(args[0], None), value=self.value(args[1], args[0]))
        if node.function == "count-selected":
            return self.fill(NUMBER_TICKED, subject=self.node(args[0], None))
        if node.function == "string-length":
            return self.fill(LENGTH_OF, subject=self.node(args[0], None))
        if node.function == "today":
            return self.say(TODAY)
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
        return self.fill(IS_UNANSWERED if op == "=" else IS_ANSWERED, subject=self.node(subject, None))


def _guard(node: Compare) -> bool:
    """`${q} != ''`: the question is answered."""
    return node.op == "!=" and isinstance(node.left, Ref) and node.right == Literal("")


def _excludes(node: Node | None, subject: Node) -> bool:
    """`${q} != 'x'` on the same question."""
    return isinstance(node, Compare) and node.op == "!=" and node.left == subject
