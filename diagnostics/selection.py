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
    """Answers as shown in reasons: choice labels, not codes; a missing answer reads '(no answer)'. Each is
    put in words when a reason first asks for it (most answers never appear in a reason)."""

    def __init__(self, questionnaire: Questionnaire, values: Mapping[str, Any]) -> None:
        super().__init__()
        self.questionnaire, self.answers = questionnaire, values

    def __missing__(self, key: str) -> str:
        if key not in self.answers:
            return "(no answer)"
        q, value = self.questionnaire.questions[key], self.answers[key]
        if isinstance(value, list):
            shown = ", ".join(self.questionnaire.choice_label(q, v) for v in value)
        elif q.type in (QuestionType.single, QuestionType.yes_no, QuestionType.readiness):
            shown = self.questionnaire.choice_label(q, value)
        else:
            shown = str(value)
        self[key] = shown
        return shown


def _shown(questionnaire: Questionnaire, values: Mapping[str, Any]) -> _Answers:
    return _Answers(questionnaire, values)


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
    decided: dict[tuple[str, tuple[int, ...]], tuple[bool, list[Reason]]] = {}
    actions = [
        _action(a.id, a.step, code, per_action[a.id], overrides, decided)
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
    """Why a readiness answer makes an action needed or not: the same words for the same answer on the same
    questionnaire, so made once (values are strings, or None when unanswered)."""
    key = (id(questionnaire), q.id, value)
    known = _READINESS.get(key)
    if known is not None and known[0] is questionnaire:
        return known[1]
    label = q.label.en
    if value is None:
        reason = Reason("readiness", q.id, Effect.include, f"Not assessed yet: “{label}” has no answer.")
    else:
        answer = questionnaire.choice_label(q, value)
        effect = Effect.include if value in ("no", "partly") else Effect.exclude
        tail = {"yes": "already in place", "na": "marked not applicable"}.get(value, "still to do")
        text = f"You answered “{answer}” to “{label}”: {tail}."
        reason = Reason("readiness", q.id, effect, text, {q.id: value})
    if len(_READINESS) > 4096:
        _READINESS.clear()
    _READINESS[(id(questionnaire), q.id, value)] = (questionnaire, reason)
    return reason


_READINESS: dict[tuple[int, str, Any], tuple[Questionnaire, Reason]] = {}


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
    decided: dict[tuple[str, tuple[int, ...]], tuple[bool, list[Reason]]],
) -> ActionDecision:
    """An action in one workstream. The same reasons give the same decision in every workstream that has
    the action, so it is worked out once per set of reasons (`decided`) unless an override is involved."""
    base, fired = reasons_for_action
    applies = (
        tuple(i for i, (r, _) in enumerate(fired) if not r.workstreams or code in r.workstreams)
        if fired
        else ()
    )
    override = (
        overrides.get(("action", action, code)) or overrides.get(("action", action, None))
        if overrides
        else None
    )
    known = decided.get((action, applies)) if override is None else None
    if known is None:
        known = _decide(base + [fired[i][1] for i in applies], override, default=False)
        if override is None:
            decided[(action, applies)] = known
    return ActionDecision(action, code, step, known[0], known[1])


def _tools(
    needed: list[ActionDecision],
    framework: Framework,
    catalogue: Catalogue,
    rules: RulesFile,
    values: Mapping[str, Any],
    shown: _Answers,
    overrides: dict[Any, Override],
) -> list[ToolRecommendation]:
    links = _links(framework, catalogue)
    reasons: dict[str, list[Reason]] = defaultdict(list)
    for a in needed:
        for tool_id, reason in links.of(a.action, a.workstream):
            reasons[tool_id].append(reason)
    for rule in rules.tool_rules:
        for fired in _fired([rule], values, shown):
            for tool_id in rule.tools:
                reasons[tool_id].append(fired)
    for (target, tool_id, _), o in overrides.items():
        if target == "tool":
            reasons[tool_id].insert(0, _override_reason(o))
    return [ToolRecommendation(tool_id, rs) for tool_id, rs in sorted(reasons.items())]


class _LinkReasons:
    """The tools linked to an action in a workstream, each with its reason ("Supports 4.1 “…”, needed in
    workstream B."): the same for every diagnosis on the same content, so made once per pair."""

    def __init__(self, framework: Framework, catalogue: Catalogue) -> None:
        self.framework, self.catalogue = framework, catalogue
        self._made: dict[tuple[str, str], tuple[tuple[str, Reason], ...]] = {}

    def of(self, action: str, code: str) -> tuple[tuple[str, Reason], ...]:
        found = self._made.get((action, code))
        if found is None:
            text = f"Supports {action} “{self.framework.action(action).name}”, needed in workstream {code}."
            reason = Reason("link", f"{code}:{action}", Effect.include, text)
            found = tuple((tool_id, reason) for tool_id in self.catalogue.by_action.get((action, code), []))
            self._made[(action, code)] = found
        return found


_LINKS: list[_LinkReasons] = []  # for the last few contents loaded (tests load several)


def _links(framework: Framework, catalogue: Catalogue) -> _LinkReasons:
    for links in _LINKS:
        if links.framework is framework and links.catalogue is catalogue:
            return links
    made = _LinkReasons(framework, catalogue)
    _LINKS[:] = [made, *_LINKS[:3]]
    return made
