"""A country team's answers: a document validated against the questionnaire.

Validation reports every problem by question id: unknown questions, wrong types, violated constraints and —
for a final diagnosis — required questions left unanswered where they are relevant. A draft may be partial.
Answers to questions that skip logic makes irrelevant are set aside, never used.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from diagnostics.expressions import Expression
from diagnostics.questionnaire import Question, Questionnaire, QuestionType
from diagnostics.rules import Effect
from workstreams.errors import N_, Message, Written, explain


class Override(BaseModel):
    """A person's decision that overrides the rules for one workstream, action or tool."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    target: Literal["workstream", "action", "tool"]
    id: str = Field(min_length=1, description="'D', '4.1' or 'T054'.")
    workstream: str | None = Field(default=None, description="For an action: only in this workstream.")
    decision: Effect
    justification: str = Field(
        min_length=10, max_length=2000, description="Why, in a sentence; it is shown with the result."
    )
    by: str | None = Field(default=None, description="Who decided.")

    @model_validator(mode="before")
    @classmethod
    def _normalize_codes(cls, data: Any) -> Any:
        """Workstream letters and tool ids in any case: 'd' is 'D', 't054' is 'T054'."""
        if isinstance(data, dict):
            data = dict(data)
            if isinstance(data.get("id"), int | float) and not isinstance(data.get("id"), bool):
                data["id"] = str(data["id"])  # an unquoted action id such as 4.1 reads as a number
            if data.get("target") in ("workstream", "tool") and isinstance(data.get("id"), str):
                data["id"] = data["id"].strip().upper()
            if isinstance(data.get("workstream"), str):
                data["workstream"] = data["workstream"].strip().upper()
        return data


def check_overrides(
    overrides: list[Override], *, workstreams: set[str], actions: dict[str, list[str]], tools: set[str]
) -> list[AnswerProblem]:
    """Overrides must name a known workstream, action (of that workstream) or tool, once each.

    `actions` maps each action id to the workstreams it belongs to.
    """
    problems: list[AnswerProblem] = []
    seen: set[tuple[str, str, str | None]] = set()
    for i, o in enumerate(overrides):
        at = f"overrides[{i}]"
        known = {"workstream": workstreams, "action": actions, "tool": tools}[o.target]
        if o.id not in known:
            problems.append(
                AnswerProblem(
                    f"{at}.id",
                    Message(N_("unknown %(kind)s %(value)s"), kind=Message(o.target), value=repr(o.id)),
                )
            )
        if o.workstream is not None and o.target != "action":
            problems.append(
                AnswerProblem(f"{at}.workstream", Message(N_("only an action override names a workstream")))
            )
        elif o.workstream is not None and o.workstream not in workstreams:
            problems.append(
                AnswerProblem(
                    f"{at}.workstream", Message(N_("unknown workstream %(code)s"), code=repr(o.workstream))
                )
            )
        elif o.workstream is not None and o.id in actions and o.workstream not in actions[o.id]:
            belongs = ", ".join(actions[o.id])
            problems.append(
                AnswerProblem(
                    f"{at}.workstream",
                    Message(
                        N_("action %(action)s is not in workstream %(code)s (%(belongs)s)"),
                        action=o.id,
                        code=o.workstream,
                        belongs=belongs,
                    ),
                )
            )
        key = (o.target, o.id, o.workstream)
        if key in seen:
            problems.append(
                AnswerProblem(
                    at, Message(N_("%(kind)s %(id)s is overridden twice"), kind=Message(o.target), id=o.id)
                )
            )
        seen.add(key)
    return problems


class AnswerSet(BaseModel):
    """The answers document, as saved (YAML, JSON or a web form)."""

    model_config = ConfigDict(extra="forbid")

    questionnaire_version: str
    country: str | None = Field(default=None, description="ISO 3166 alpha-3, e.g. 'MWI'.")
    answers: dict[str, Any] = Field(default_factory=dict)
    overrides: list[Override] = Field(default_factory=list)


@dataclass(frozen=True, order=True)
class AnswerProblem:
    where: str  # a question id, or 'overrides[0].id', 'questionnaire_version'
    message: str

    def __str__(self) -> str:
        return f"{self.where}: {self.message}"


class AnswersError(ValueError):
    def __init__(self, problems: list[AnswerProblem]) -> None:
        self.problems = problems
        super().__init__("\n".join(map(str, problems)))


@dataclass(frozen=True)
class Answers:
    """Validated answers: typed values of the relevant questions only."""

    values: dict[str, Any]
    ignored: list[str] = field(default_factory=list)  # answered but not relevant
    missing: list[str] = field(default_factory=list)  # required, relevant, unanswered
    overrides: list[Override] = field(default_factory=list)

    @property
    def complete(self) -> bool:
        return not self.missing


def validate_answers(questionnaire: Questionnaire, answer_set: AnswerSet, *, final: bool = True) -> Answers:
    problems: list[AnswerProblem] = []
    if answer_set.questionnaire_version != questionnaire.version:
        problems.append(
            AnswerProblem(
                "questionnaire_version",
                Message(
                    N_("answers are for version %(given)s; the questionnaire is version %(current)s"),
                    given=repr(answer_set.questionnaire_version),
                    current=repr(questionnaire.version),
                ),
            )
        )
    typed = _typed(questionnaire, answer_set.answers, problems)
    values, ignored, missing = _apply_logic(questionnaire, typed, problems)
    if final:
        rejected = {p.where for p in problems}
        problems += [
            AnswerProblem(qid, Message(N_("an answer is required"))) for qid in missing if qid not in rejected
        ]
    if problems:
        raise AnswersError(sorted(problems, key=_question_order(questionnaire)))
    return Answers(values, ignored, missing, list(answer_set.overrides))


def relevant_questions(questionnaire: Questionnaire, raw: dict[str, Any]) -> set[str]:
    """The questions asked given these (possibly partial, possibly wrong) answers: skip logic applied as a
    final validation would, wrong answers counting as unanswered."""
    typed = _typed(questionnaire, raw, [])
    values: dict[str, Any] = {}
    asked: set[str] = set()
    for q in questionnaire.questions.values():
        if q.relevant_expr is not None and not q.relevant_expr.evaluate(values):
            continue
        asked.add(q.id)
        value = typed.get(q.id)
        if value is not None and (q.constraint_expr is None or q.constraint_expr.evaluate(values, value)):
            values[q.id] = value
    return asked


def _plain(
    questionnaire: Questionnaire, raw: dict[str, Any], problems: list[AnswerProblem]
) -> dict[str, Any]:
    """Undo what YAML does to unquoted yes/no (booleans); refuse booleans and repeats elsewhere."""
    plain: dict[str, Any] = {}
    for qid, value in raw.items():
        q = questionnaire.questions.get(qid)
        if q is not None and isinstance(value, bool):
            if "yes" in questionnaire.allowed_values(q):
                value = "yes" if value else "no"
            else:
                problems.append(
                    AnswerProblem(
                        qid,
                        Message(
                            N_("expected %(type)s, got %(value)s (yes/no)"),
                            type=q.type.value,
                            value=str(value).lower(),
                        ),
                    )
                )
                continue
        if q is not None and isinstance(value, list) and len(set(map(str, value))) != len(value):
            problems.append(AnswerProblem(qid, Message(N_("a choice is ticked more than once"))))
            continue
        plain[qid] = value
    return plain


def _typed(
    questionnaire: Questionnaire, raw: dict[str, Any], problems: list[AnswerProblem]
) -> dict[str, Any]:
    model = questionnaire.answer_model
    raw = _plain(questionnaire, raw, problems)
    try:
        return {k: v for k, v in model.model_validate(raw).model_dump().items() if v is not None}
    except ValidationError as exc:
        bad = set()
        for err in exc.errors():
            qid = str(err["loc"][0])
            bad.add(qid)
            problems.append(AnswerProblem(qid, _type_message(questionnaire, qid, err)))
        valid = {k: v for k, v in raw.items() if k not in bad}
        return {k: v for k, v in model.model_validate(valid).model_dump().items() if v is not None}


def _type_message(questionnaire: Questionnaire, qid: str, err: Any) -> Message:
    if err["type"] == "extra_forbidden":
        return Message(N_("unknown question"))
    q = questionnaire.questions[qid]
    if q.type in (QuestionType.integer, QuestionType.date, QuestionType.text):
        return Message(N_("%(what)s (got %(input)s)"), what=explain(err), input=repr(err.get("input")))
    allowed = ", ".join(questionnaire.allowed_values(q))
    return Message(N_("%(input)s is not one of: %(allowed)s"), input=repr(err.get("input")), allowed=allowed)


def _apply_logic(
    questionnaire: Questionnaire, typed: dict[str, Any], problems: list[AnswerProblem]
) -> tuple[dict[str, Any], list[str], list[str]]:
    """Walk the questions in order: skip logic, constraints, and which required answers are missing."""
    values: dict[str, Any] = {}
    ignored, missing = [], []
    for q in questionnaire.questions.values():
        if q.relevant_expr is not None and not q.relevant_expr.evaluate(values):
            if q.id in typed:
                ignored.append(q.id)
            continue
        if q.id not in typed:
            if q.required:
                missing.append(q.id)
            continue
        value = typed[q.id]
        if q.constraint_expr is not None and not q.constraint_expr.evaluate(values, value):
            problems.append(AnswerProblem(q.id, _constraint_message(q, q.constraint_expr)))
            continue
        values[q.id] = value
    return values, ignored, missing


def _constraint_message(q: Question, expr: Expression) -> Message:
    said = q.constraint_message
    if said is not None:
        return Written(said.en, fr=said.fr, es=said.es, ar=said.ar)
    return Message(N_("the answer must satisfy %(rule)s"), rule=expr.text)


def _question_order(questionnaire: Questionnaire) -> Any:
    order = {qid: i for i, qid in enumerate(questionnaire.questions)}
    return lambda p: (order.get(p.where, -1 if p.where == "questionnaire_version" else len(order)), p.where)
