"""From validated answers to a diagnosis: which workstreams apply, which actions are needed, which tools help,
and why — every decision carries the rules, answers and overrides behind it.

How decisions combine (also stated in rules.yaml): a person's override decides; otherwise an exclusion rule
that fires excludes; otherwise an inclusion rule that fires includes; otherwise the default (workstreams) or
the readiness answers (actions: 'no', 'partly' or no answer yet make an action needed) apply.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from diagnostics.answers import Answers, Override
from diagnostics.questionnaire import Question, Questionnaire, QuestionType
from diagnostics.rules import ActionRule, Effect, Rule, RulesFile
from tools_catalog.catalogue import Catalogue
from workstreams.framework import Framework


@dataclass(frozen=True, slots=True)
class Reason:
    kind: str  # "rule" | "default" | "readiness" | "link" | "override"
    source: str  # the rule id, question id, "default", "override" or "<workstream>:<action>"
    effect: Effect  # whether this reason argues for or against
    text: str
    answers: Mapping[str, Any] = field(default_factory=dict)  # the answers that fired it


@dataclass(frozen=True, slots=True)
class WorkstreamDecision:
    code: str
    selected: bool
    reasons: list[Reason]


@dataclass(frozen=True, slots=True)
class ActionDecision:
    action: str
    workstream: str
    step: int
    needed: bool
    reasons: list[Reason]


@dataclass(frozen=True, slots=True)
class ToolRecommendation:
    tool: str
    reasons: list[Reason]


@dataclass(frozen=True)
class Diagnosis:
    questionnaire_version: str
    workstreams: list[WorkstreamDecision]
    actions: list[ActionDecision]  # every action of every selected workstream, needed or not
    tools: list[ToolRecommendation]
    answers: Answers
    tools_excluded: list[ToolRecommendation] = field(default_factory=list)  # removed by an override
    unapplied: list[Reason] = field(default_factory=list)  # overrides that had nothing to act on

    @property
    def selected(self) -> list[str]:
        return [w.code for w in self.workstreams if w.selected]

    @property
    def needed(self) -> list[ActionDecision]:
        return [a for a in self.actions if a.needed]


class _Answers(dict[str, str]):
    """Answers as shown in reasons: choice labels, not codes; a missing answer reads '(no answer)'."""

    def __missing__(self, key: str) -> str:
        return "(no answer)"


def _shown(questionnaire: Questionnaire, values: Mapping[str, Any]) -> _Answers:
    shown = _Answers()
    for qid, value in values.items():
        q = questionnaire.questions[qid]
        if isinstance(value, list):
            shown[qid] = ", ".join(questionnaire.choice_label(q, v) for v in value)
        elif q.type in (QuestionType.single, QuestionType.yes_no, QuestionType.readiness):
            shown[qid] = questionnaire.choice_label(q, value)
        else:
            shown[qid] = str(value)
    return shown


def _fired(rules: Iterable[Rule], values: Mapping[str, Any], shown: _Answers) -> list[Reason]:
    return [
        Reason(
            "rule",
            r.id,
            r.effect,
            r.reason.format_map(shown),
            {q: values.get(q) for q in sorted(r.condition.references)},
        )
        for r in rules
        if r.condition.evaluate(values)
    ]


def _override_reason(o: Override) -> Reason:
    who = f" ({o.by})" if o.by else ""
    return Reason(
        "override", "override", o.decision, f"Overridden by the country team{who}: {o.justification}"
    )


def _decide(reasons: list[Reason], override: Override | None, default: bool) -> tuple[bool, list[Reason]]:
    """Override, then any exclusion rule, then any reason for, then the default; deciding reasons first."""
    if override is not None:
        return override.decision is Effect.include, [_override_reason(override), *reasons]
    vetoes = [r for r in reasons if r.kind == "rule" and r.effect is Effect.exclude]
    if vetoes:
        return False, vetoes + [r for r in reasons if r not in vetoes]
    pro = [r for r in reasons if r.effect is Effect.include]
    if pro:
        return True, pro + [r for r in reasons if r.effect is Effect.exclude]
    return default, reasons


def diagnose(
    *,
    questionnaire: Questionnaire,
    rules: RulesFile,
    framework: Framework,
    catalogue: Catalogue,
    answers: Answers,
) -> Diagnosis:
    values, shown = answers.values, _shown(questionnaire, answers.values)
    overrides = {(o.target, o.id, o.workstream): o for o in answers.overrides}
    workstreams = [
        _workstream(code, rules, values, shown, overrides) for code in (w.code for w in framework.workstreams)
    ]
    selected = [w.code for w in workstreams if w.selected]
    per_action = _action_reasons(framework, questionnaire, rules, values, shown)
    actions = [
        _action(a.id, a.step, code, per_action[a.id], overrides)
        for code in selected
        for a in framework.actions_for(code)
    ]
    tools = _tools([a for a in actions if a.needed], framework, catalogue, rules, values, shown, overrides)
    kept: list[ToolRecommendation] = []
    removed: list[ToolRecommendation] = []
    for t in tools:
        vetoed = t.reasons[0].kind == "override" and t.reasons[0].effect is Effect.exclude
        (removed if vetoed else kept).append(t)
    unapplied = _unapplied(answers.overrides, selected, actions)
    return Diagnosis(questionnaire.version, workstreams, actions, kept, answers, removed, unapplied)


def _unapplied(overrides: list[Override], selected: list[str], actions: list[ActionDecision]) -> list[Reason]:
    """Action overrides aimed at a workstream that is not selected: say so rather than drop them silently."""
    decided = {(a.action, a.workstream) for a in actions}
    unapplied = []
    for o in overrides:
        if o.target == "action" and not any(
            (o.id, w) in decided for w in ([o.workstream] if o.workstream else selected)
        ):
            where = f"workstream {o.workstream}" if o.workstream else "any selected workstream"
            text = (
                f"The override of action {o.id} had no effect: {where} is not selected or lacks the action."
            )
            unapplied.append(Reason("override", "override", o.decision, text))
    return unapplied


def _workstream(
    code: str, rules: RulesFile, values: Mapping[str, Any], shown: _Answers, overrides: dict[Any, Override]
) -> WorkstreamDecision:
    default = rules.workstream_defaults[code]
    reasons = _fired((r for r in rules.workstream_rules if r.workstream == code), values, shown)
    if not reasons:
        effect = Effect.include if default.selected else Effect.exclude
        reasons = [Reason("default", "default", effect, default.reason)]
    selected, ordered = _decide(reasons, overrides.get(("workstream", code, None)), default.selected)
    return WorkstreamDecision(code, selected, ordered)


def _readiness_reason(questionnaire: Questionnaire, q: Question, value: Any) -> Reason:
    label = q.label.en
    if value is None:
        return Reason("readiness", q.id, Effect.include, f"Not assessed yet: “{label}” has no answer.")
    answer = questionnaire.choice_label(q, value)
    effect = Effect.include if value in ("no", "partly") else Effect.exclude
    tail = {"yes": "already in place", "na": "marked not applicable"}.get(value, "still to do")
    return Reason("readiness", q.id, effect, f"You answered “{answer}” to “{label}”: {tail}.", {q.id: value})


def _action_reasons(
    framework: Framework,
    questionnaire: Questionnaire,
    rules: RulesFile,
    values: Mapping[str, Any],
    shown: _Answers,
) -> dict[str, tuple[list[Reason], list[tuple[ActionRule, Reason]]]]:
    """Per action, once (not once per workstream): its readiness reasons and the action rules that fire."""
    readiness = questionnaire.readiness_by_action
    per_action = {}
    for action in framework.actions:
        base = [_readiness_reason(questionnaire, q, values.get(q.id)) for q in readiness.get(action.id, [])]
        fired = [(r, reason) for r in rules.rules_for(action.id) for reason in _fired([r], values, shown)]
        per_action[action.id] = (base, fired)
    return per_action


def _action(
    action: str,
    step: int,
    code: str,
    reasons_for_action: tuple[list[Reason], list[tuple[ActionRule, Reason]]],
    overrides: dict[Any, Override],
) -> ActionDecision:
    base, fired = reasons_for_action
    reasons = base + [reason for rule, reason in fired if not rule.workstreams or code in rule.workstreams]
    override = overrides.get(("action", action, code)) or overrides.get(("action", action, None))
    needed, ordered = _decide(reasons, override, default=False)
    return ActionDecision(action, code, step, needed, ordered)


def _tools(
    needed: list[ActionDecision],
    framework: Framework,
    catalogue: Catalogue,
    rules: RulesFile,
    values: Mapping[str, Any],
    shown: _Answers,
    overrides: dict[Any, Override],
) -> list[ToolRecommendation]:
    linked = catalogue.by_action
    reasons: dict[str, list[Reason]] = defaultdict(list)
    for a in needed:
        name = framework.action(a.action).name
        for tool_id in linked.get((a.action, a.workstream), []):
            text = f"Supports {a.action} “{name}”, needed in workstream {a.workstream}."
            reasons[tool_id].append(Reason("link", f"{a.workstream}:{a.action}", Effect.include, text))
    for rule in rules.tool_rules:
        for fired in _fired([rule], values, shown):
            for tool_id in rule.tools:
                reasons[tool_id].append(fired)
    for (target, tool_id, _), o in overrides.items():
        if target == "tool":
            reasons[tool_id].insert(0, _override_reason(o))
    return [ToolRecommendation(tool_id, rs) for tool_id, rs in sorted(reasons.items())]
