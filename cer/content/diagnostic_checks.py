"""Cross-reference checks of the diagnostic content: questionnaire, selection rules and planning defaults."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from cer.content.checks import Problem
from cer.content.paths import PLANNING, QUESTIONNAIRE, RULES
from diagnostics.expressions import Call, Compare, Current, Expression, Literal, Node, Ref
from diagnostics.questionnaire import Question, Questionnaire, QuestionType
from diagnostics.rules import ActionRule, PlanningFile, Role, Rule, RulesFile
from workstreams.framework import Framework
from workstreams.models import Action, Scope


def check_questionnaire(q: Questionnaire, framework: Framework | None) -> list[Problem]:
    problems: list[Problem] = []
    seen: list[str] = []
    for i, section in enumerate(q.sections):
        for j, question in enumerate(section.questions):
            at = f"sections[{i}].questions[{j}]"
            if question.id in seen:
                problems.append(
                    Problem(QUESTIONNAIRE, f"{at}.id", f"question {question.id!r} is defined twice")
                )
            if question.choice_list and question.choice_list not in q.choice_lists:
                problems.append(
                    Problem(
                        QUESTIONNAIRE, f"{at}.choice_list", f"unknown choice list {question.choice_list!r}"
                    )
                )
            if question.relevant_expr:
                problems += _expression(
                    q, question.relevant_expr, f"{at}.relevant", set(seen), allow_current=False
                )
            if question.constraint_expr:
                known = {*seen, question.id}
                problems += _expression(
                    q, question.constraint_expr, f"{at}.constraint", known, True, question
                )
            if framework:
                problems += _readiness_links(question.actions, question.step, framework, f"{at}.actions")
            seen.append(question.id)
    if framework:
        covered = {a for question in q.questions.values() for a in question.actions}
        for action in framework.actions:
            if action.id not in covered:
                problems.append(
                    Problem(QUESTIONNAIRE, "sections", f"no readiness question covers action {action.id}")
                )
    return problems


def _readiness_links(actions: list[str], step: int | None, framework: Framework, at: str) -> list[Problem]:
    known = {a.id: a for a in framework.actions}
    problems = []
    for k, action in enumerate(actions):
        if action not in known:
            problems.append(Problem(QUESTIONNAIRE, f"{at}[{k}]", f"unknown action {action!r}"))
        elif known[action].step != step and not _runs_at(known[action], step):
            problems.append(Problem(QUESTIONNAIRE, f"{at}[{k}]", f"action {action} is not in step {step}"))
    return problems


def _runs_at(action: Action, step: int | None) -> bool:
    """Whether a continuous step's action is under way at `step` (8.4 at each step, 9.1 from step 1 on), so
    that a question on that step may open it too (DQ05 also relates to 8.4, DQ10 to 9.1)."""
    timing = action.timing
    if timing is None or step is None:
        return False
    if timing.when == "each":
        return True
    assert timing.step is not None
    return timing.step <= step if timing.when == "from" else timing.step == step


def _expression(
    q: Questionnaire,
    expr: Expression,
    at: str,
    known: set[str],
    allow_current: bool,
    current: Question | None = None,
) -> list[Problem]:
    """Unknown or not-yet-asked questions, a misplaced '.', and comparisons that can never hold."""
    file = QUESTIONNAIRE if at.startswith("sections") else RULES
    problems = []
    for name in sorted(expr.references - known):
        what = "a question asked later" if name in q.questions else "an unknown question"
        problems.append(Problem(file, at, f"refers to {what} {name!r} in {expr.text!r}"))
    if not allow_current and expr.uses_current():
        problems.append(
            Problem(file, at, f"'.' (the answer itself) is only allowed in a constraint: {expr.text!r}")
        )
    problems += [
        Problem(file, at, f"{message} in {expr.text!r}") for message in _type_errors(q, expr, current)
    ]
    return problems


def _kind(q: Questionnaire, node: Node, current: Question | None) -> tuple[Question | None, str]:
    """The question a node reads (a reference, or '.' in a constraint) and the kind of its answer."""
    question = (
        q.questions.get(node.name)
        if isinstance(node, Ref)
        else current
        if isinstance(node, Current)
        else None
    )
    if question is None:
        return None, ""
    kind = question.type.value
    return question, ("choice" if kind in ("readiness", "yes_no", "single") else kind)


def _type_errors(q: Questionnaire, expr: Expression, current: Question | None) -> list[str]:
    errors = []
    for node in expr.tree.walk():
        if isinstance(node, Call) and node.function in ("selected", "count-selected"):
            question, kind = _kind(q, node.args[0], current)
            if question is not None and kind != "multiple":
                errors.append(f"{node.function}() needs a multiple-choice question, not {question.id!r}")
            elif question is not None and node.function == "selected":
                errors += _literal_errors(q, question, "multiple", "=", node.args[1])
        if isinstance(node, Compare):
            for side, other in ((node.left, node.right), (node.right, node.left)):
                question, kind = _kind(q, side, current)
                if question is not None:
                    errors += _literal_errors(q, question, kind, node.op, other)
    return errors


def _literal_errors(q: Questionnaire, question: Question, kind: str, op: str, other: Node) -> list[str]:
    if not isinstance(other, Literal) or other.value in (None, ""):
        return []
    value = other.value
    if isinstance(value, bool):
        return [f"answers are never true or false; compare {question.id!r} with a choice such as 'yes'"]
    if kind == "choice" and op not in ("=", "!="):
        return [f"{question.id!r} is a choice: compare it with = or !=, not {op}"]
    if kind in ("choice", "multiple"):
        allowed = q.allowed_values(question)
        if value not in allowed:
            return [f"{value!r} is not a choice of {question.id!r} (choices: {', '.join(allowed)})"]
        return []
    expected: tuple[type, ...] = {"integer": (int, float), "date": (dt.date,), "text": (str,)}.get(kind, ())
    if expected and not isinstance(value, expected):
        return [f"{question.id!r} takes {kind} answers; {value!r} is not one"]
    return []


def check_rules(
    rules: RulesFile, q: Questionnaire | None, framework: Framework | None, tool_ids: set[str] | None
) -> list[Problem]:
    problems: list[Problem] = []
    codes = {w.code for w in framework.workstreams} if framework else None
    actions = {a.id: list(a.workstreams) for a in framework.actions} if framework else None
    if codes is not None and set(rules.workstream_defaults) != codes:
        problems.append(
            Problem(
                RULES, "workstream_defaults", f"must give a default for exactly {', '.join(sorted(codes))}"
            )
        )
    groups: list[tuple[str, list[Rule]]] = [
        ("workstream_rules", list(rules.workstream_rules)),
        ("action_rules", list(rules.action_rules)),
        ("tool_rules", list(rules.tool_rules)),
    ]
    ids: set[str] = set()
    for group, items in groups:
        for i, rule in enumerate(items):
            at = f"{group}[{i}]"
            if rule.id in ids:
                problems.append(Problem(RULES, f"{at}.id", f"rule id {rule.id!r} is used twice"))
            ids.add(rule.id)
            if q is not None:
                problems += _expression(
                    q, rule.condition, f"{at}.when", set(q.questions), allow_current=False
                )
                problems += [
                    Problem(RULES, f"{at}.reason", f"{{{p}}} is not a question")
                    for p in sorted(rule.placeholders - set(q.questions))
                ]
            problems += _rule_targets(rule, at, codes, actions, tool_ids)
    return problems


def _rule_targets(
    rule: Rule,
    at: str,
    codes: set[str] | None,
    actions: dict[str, list[str]] | None,
    tool_ids: set[str] | None,
) -> list[Problem]:
    problems = []
    targets: list[tuple[str, str, Iterable[str] | None, str]] = []
    if (code := getattr(rule, "workstream", None)) is not None:
        targets.append((f"{at}.workstream", code, codes, "workstream"))
    if (action := getattr(rule, "action", None)) is not None:
        targets.append((f"{at}.action", action, actions, "action"))
    for k, code in enumerate(getattr(rule, "workstreams", [])):
        targets.append((f"{at}.workstreams[{k}]", code, codes, "workstream"))
    for k, tool in enumerate(getattr(rule, "tools", [])):
        targets.append((f"{at}.tools[{k}]", tool, tool_ids, "tool"))
    for path, value, known, kind in targets:
        if known is not None and value not in known:
            problems.append(Problem(RULES, path, f"unknown {kind} {value!r}"))
    if isinstance(rule, ActionRule) and actions is not None and rule.action in actions:
        belongs = actions[rule.action]
        for k, code in enumerate(rule.workstreams):
            if code not in belongs:
                problems.append(
                    Problem(
                        RULES, f"{at}.workstreams[{k}]", f"action {rule.action} is not in workstream {code}"
                    )
                )
    return problems


def check_planning(
    planning: PlanningFile, q: Questionnaire | None, framework: Framework | None
) -> list[Problem]:
    problems = [Problem(PLANNING, path, f"unknown role {role!r}") for path, role in _role_refs(planning)
                if role not in planning.role]  # fmt: skip
    for i, role in enumerate(planning.roles):
        problems += _check_role(role, f"roles[{i}]", planning, q)
    if framework:
        problems += _planning_covers(planning, framework)
    return problems


def _role_refs(planning: PlanningFile) -> list[tuple[str, str]]:
    refs = [(f"leads.by_workstream.{k}", v) for k, v in planning.leads.by_workstream.items()]
    refs += [(f"leads.by_step.{k}", v) for k, v in planning.leads.by_step.items()]
    refs += [(f"leads.by_action.{k}", v) for k, v in planning.leads.by_action.items()]
    for code, roles in planning.contributors.by_workstream.items():
        refs += [(f"contributors.by_workstream.{code}[{i}]", r) for i, r in enumerate(roles)]
    for step, roles in planning.contributors.by_step.items():
        refs += [(f"contributors.by_step.{step}[{i}]", r) for i, r in enumerate(roles)]
    return refs + [(f"roles[{i}].fallback", r.fallback) for i, r in enumerate(planning.roles) if r.fallback]


def _check_role(role: Role, at: str, planning: PlanningFile, q: Questionnaire | None) -> list[Problem]:
    problems = []
    if q and role.chaired_by:
        chair = q.questions.get(role.chaired_by)
        if chair is None or chair.type is not QuestionType.single or not chair.choice_list:
            problems.append(
                Problem(
                    PLANNING, f"{at}.chaired_by", f"{role.chaired_by!r} is not a question choosing an agency"
                )
            )
    if q and role.presence:
        found = _expression(q, role.presence, f"{at}.present_when", set(q.questions), False)
        problems += [Problem(PLANNING, f"{at}.present_when", p.message) for p in found]
    if bool(role.present_when) != bool(role.fallback):
        problems.append(
            Problem(PLANNING, at, "present_when and fallback go together: who acts while the role is absent?")
        )
    fallback = planning.role.get(role.fallback or "")
    if fallback is not None and fallback.fallback:
        problems.append(
            Problem(
                PLANNING,
                f"{at}.fallback",
                f"{fallback.id!r} may itself be absent; fall back to a role that always exists",
            )
        )
    return problems


def _planning_covers(planning: PlanningFile, framework: Framework) -> list[Problem]:
    problems = []
    codes = {w.code for w in framework.workstreams}
    if set(planning.leads.by_workstream) != codes:
        problems.append(
            Problem(
                PLANNING, "leads.by_workstream", f"must name a lead for each of {', '.join(sorted(codes))}"
            )
        )
    if set(planning.durations.by_step) != {s.number for s in framework.steps}:
        problems.append(Problem(PLANNING, "durations.by_step", "must give a duration for every step"))
    known = {a.id for a in framework.actions}
    for section, keys in (
        ("durations.by_action", planning.durations.by_action),
        ("leads.by_action", planning.leads.by_action),
    ):
        problems += [
            Problem(PLANNING, f"{section}.{k}", f"unknown action {k!r}") for k in keys if k not in known
        ]
    return problems + _shared_leads(planning, framework)


def _shared_leads(planning: PlanningFile, framework: Framework) -> list[Problem]:
    """A shared action is one task: when its workstreams' usual leads differ, the content names its lead."""
    problems = []
    leads = planning.leads
    for a in framework.actions:
        if a.scope is not Scope.shared or a.id in leads.by_action or a.step in leads.by_step:
            continue
        usual = sorted({leads.by_workstream[w] for w in a.workstreams if w in leads.by_workstream})
        if len(usual) > 1:
            problems.append(
                Problem(
                    PLANNING,
                    "leads.by_action",
                    f"action {a.id} is one task shared by workstreams {', '.join(a.workstreams)}, whose "
                    f"leads differ ({', '.join(usual)}): name its lead here (or in leads.by_step.{a.step})",
                )
            )
    return problems
