"""Cross-reference checks of the diagnostic content: questionnaire, selection rules and planning defaults."""

from __future__ import annotations

from collections.abc import Iterable

from cer.content_checks import Problem
from cer.content_paths import PLANNING, QUESTIONNAIRE, RULES
from diagnostics.expressions import Call, Compare, Current, Expression, Literal, Ref
from diagnostics.questionnaire import Questionnaire, QuestionType
from diagnostics.rules import PlanningFile, Rule, RulesFile
from workstreams.framework import Framework


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
                problems += _expression(
                    q, question.constraint_expr, f"{at}.constraint", set(q.questions), True
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
        elif known[action].step != step:
            problems.append(Problem(QUESTIONNAIRE, f"{at}[{k}]", f"action {action} is not in step {step}"))
    return problems


def _expression(
    q: Questionnaire, expr: Expression, at: str, known: set[str], allow_current: bool
) -> list[Problem]:
    """Unknown or not-yet-asked questions, a misplaced '.', and choice values a question does not offer."""
    problems = []
    for name in sorted(expr.references - known):
        what = "a question asked later" if name in q.questions else "an unknown question"
        problems.append(
            Problem(
                QUESTIONNAIRE if at.startswith("sections") else RULES,
                at,
                f"refers to {what} {name!r} in {expr.text!r}",
            )
        )
    if not allow_current and expr.uses_current():
        problems.append(
            Problem(
                QUESTIONNAIRE, at, f"'.' (the answer itself) is only allowed in a constraint: {expr.text!r}"
            )
        )
    for ref, value in _compared_values(expr):
        question = q.questions.get(ref)
        if question and question.type not in (QuestionType.integer, QuestionType.date, QuestionType.text):
            allowed = q.allowed_values(question)
            if value not in allowed:
                file = QUESTIONNAIRE if at.startswith("sections") else RULES
                problems.append(
                    Problem(file, at, f"{value!r} is not a choice of {ref!r} (choices: {', '.join(allowed)})")
                )
    return problems


def _compared_values(expr: Expression) -> Iterable[tuple[str, object]]:
    for node in expr.tree.walk():
        pairs = []
        if isinstance(node, Compare):
            pairs = [(node.left, node.right), (node.right, node.left)]
        elif isinstance(node, Call) and node.function == "selected":
            pairs = [(node.args[0], node.args[1])]
        for ref, lit in pairs:
            if isinstance(ref, Ref) and isinstance(lit, Literal) and isinstance(lit.value, str) and lit.value:
                yield ref.name, lit.value
            if isinstance(ref, Current):
                continue


def check_rules(
    rules: RulesFile, q: Questionnaire | None, framework: Framework | None, tool_ids: set[str] | None
) -> list[Problem]:
    problems: list[Problem] = []
    codes = {w.code for w in framework.workstreams} if framework else None
    actions = {a.id for a in framework.actions} if framework else None
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
    rule: Rule, at: str, codes: set[str] | None, actions: set[str] | None, tool_ids: set[str] | None
) -> list[Problem]:
    problems = []
    targets: list[tuple[str, str, set[str] | None, str]] = []
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
    return problems


def check_planning(
    planning: PlanningFile, q: Questionnaire | None, framework: Framework | None
) -> list[Problem]:
    problems: list[Problem] = []
    roles = set(planning.role)
    refs: list[tuple[str, str]] = [
        (f"leads.by_workstream.{k}", v) for k, v in planning.leads.by_workstream.items()
    ]
    refs += [(f"leads.by_step.{k}", v) for k, v in planning.leads.by_step.items()]
    refs += [(f"leads.by_action.{k}", v) for k, v in planning.leads.by_action.items()]
    for k, vs in planning.contributors.by_workstream.items():
        refs += [(f"contributors.by_workstream.{k}[{i}]", v) for i, v in enumerate(vs)]
    for step, vs in planning.contributors.by_step.items():
        refs += [(f"contributors.by_step.{step}[{i}]", v) for i, v in enumerate(vs)]
    problems += [
        Problem(PLANNING, path, f"unknown role {role!r}") for path, role in refs if role not in roles
    ]
    for i, role in enumerate(planning.roles):
        chair = q.questions.get(role.chaired_by) if q and role.chaired_by else None
        if q and role.chaired_by and (chair is None or chair.type is not QuestionType.single):
            problems.append(
                Problem(
                    PLANNING, f"roles[{i}].chaired_by", f"{role.chaired_by!r} is not a single-choice question"
                )
            )
    if framework:
        codes = {w.code for w in framework.workstreams}
        if set(planning.leads.by_workstream) != codes:
            problems.append(
                Problem(
                    PLANNING,
                    "leads.by_workstream",
                    f"must name a lead for each of {', '.join(sorted(codes))}",
                )
            )
        if set(planning.durations.by_step) != {s.number for s in framework.steps}:
            problems.append(Problem(PLANNING, "durations.by_step", "must give a duration for every step"))
        known = {a.id for a in framework.actions}
        for key in [*planning.durations.by_action, *planning.leads.by_action]:
            if key not in known:
                problems.append(Problem(PLANNING, f"durations.by_action.{key}", f"unknown action {key!r}"))
    return problems
