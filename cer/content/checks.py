"""Cross-reference checks over the whole content, once every file has passed its own schema."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from cer.content.paths import STEPS as STEPS_FILE
from cer.content.paths import SUPPORT as SUPPORT_FILE
from cer.content.paths import WORKSTREAMS as WORKSTREAMS_FILE
from tools_catalog.models import SupportFile, Tool, ToolsFile
from workstreams.models import Action, StepKind, StepsFile, WorkstreamsFile


@dataclass(frozen=True, order=True)
class Problem:
    file: str
    path: str
    message: str

    def __str__(self) -> str:
        return f"{self.file}: {self.path}: {self.message}" if self.path else f"{self.file}: {self.message}"


def format_path(loc: Sequence[int | str]) -> str:
    """('tools', 3, 'workstreams', 0) -> 'tools[3].workstreams[0]'."""
    out = ""
    for part in loc:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out


def check_references(
    steps: StepsFile | None,
    workstreams: WorkstreamsFile | None,
    tools: dict[str, ToolsFile],
    support: SupportFile | None,
) -> list[Problem]:
    """Every broken reference among the files that passed their schema (None: that file did not)."""
    problems: list[Problem] = []
    codes = {w.code for w in workstreams.workstreams} if workstreams else None
    if workstreams:
        problems += _check_workstreams(workstreams)
    if steps:
        problems += _check_steps(steps, codes)
    numbers = {s.number for s in steps.steps} if steps else None
    actions = {a.id: a for s in steps.steps for a in s.actions} if steps else None
    seen_tools: dict[str, str] = {}
    for rel, file in tools.items():
        for i, tool in enumerate(file.tools):
            at = f"tools[{i}]"
            if tool.id in seen_tools:
                problems.append(
                    Problem(rel, f"{at}.id", f"tool {tool.id} is also defined in {seen_tools[tool.id]}")
                )
            seen_tools.setdefault(tool.id, rel)
            problems += _unknown(rel, f"{at}.workstreams", tool.workstreams, codes, "workstream")
            problems += _unknown(rel, f"{at}.steps", tool.steps, numbers, "step")
            problems += _unknown(rel, f"{at}.actions", tool.actions, actions, "action")
            for j, action_id in enumerate(tool.actions):
                if actions and action_id in actions and actions[action_id].step not in tool.steps:
                    problems.append(
                        Problem(
                            rel,
                            f"{at}.actions[{j}]",
                            f"action {action_id} is in a step the tool does not list",
                        )
                    )
            problems += _unrecommendable(rel, at, tool, actions)
    if support:
        problems += _check_support(support, codes, numbers)
    return problems


def _unrecommendable(rel: str, at: str, tool: Tool, actions: dict[str, Action] | None) -> list[Problem]:
    """A diagnosis recommends a tool for an action needed in one of the tool's workstreams: a tool none of
    whose actions belongs to any of its workstreams could never be recommended that way."""
    if not actions or not tool.actions or any(a not in actions for a in tool.actions):
        return []
    if any(set(actions[a].workstreams) & set(tool.workstreams) for a in tool.actions):
        return []
    listed = ", ".join(tool.actions)
    return [
        Problem(
            rel,
            f"{at}.actions",
            f"none of its actions ({listed}) is in its workstreams ({', '.join(tool.workstreams)}): "
            "no diagnosis could recommend the tool",
        )
    ]


def _check_support(support: SupportFile, codes: set[str] | None, numbers: set[int] | None) -> list[Problem]:
    problems: list[Problem] = []
    seen: set[str] = set()
    for i, provider in enumerate(support.providers):
        at = f"providers[{i}]"
        if provider.id in seen:
            problems.append(Problem(SUPPORT_FILE, f"{at}.id", f"provider id {provider.id!r} is used twice"))
        seen.add(provider.id)
        problems += _unknown(SUPPORT_FILE, f"{at}.workstreams", provider.workstreams, codes, "workstream")
        problems += _unknown(SUPPORT_FILE, f"{at}.steps", provider.steps, numbers, "step")
    return problems


def _check_workstreams(workstreams: WorkstreamsFile) -> list[Problem]:
    codes = [w.code for w in workstreams.workstreams]
    return [
        Problem(WORKSTREAMS_FILE, f"workstreams[{i}].code", f"workstream {code} is defined twice")
        for i, code in enumerate(codes)
        if code in codes[:i]
    ]


def _check_steps(steps: StepsFile, codes: set[str] | None) -> list[Problem]:
    """Numbering, unique action ids and timing anchors; action workstreams when workstreams.yaml loaded."""
    problems: list[Problem] = []
    numbers = [s.number for s in steps.steps]
    if numbers != list(range(1, len(numbers) + 1)):
        problems.append(
            Problem(STEPS_FILE, "steps", f"steps must be numbered 1, 2, 3 … in order; found {numbers}")
        )
    sequential = {s.number for s in steps.steps if s.kind is StepKind.sequential}
    seen: set[str] = set()
    for i, step in enumerate(steps.steps):
        for j, action in enumerate(step.actions):
            at = f"steps[{i}].actions[{j}]"
            if action.id in seen:
                problems.append(Problem(STEPS_FILE, f"{at}.id", f"action {action.id} is defined twice"))
            seen.add(action.id)
            problems += _unknown(STEPS_FILE, f"{at}.workstreams", action.workstreams, codes, "workstream")
            if action.timing and action.timing.step is not None and action.timing.step not in sequential:
                problems.append(
                    Problem(
                        STEPS_FILE, f"{at}.timing.step", f"step {action.timing.step} is not a sequential step"
                    )
                )
    return problems


def _unknown(
    rel: str, path: str, values: Sequence[object], known: Iterable[object] | None, kind: str
) -> list[Problem]:
    """Values not among the known ones (skipped when the known ones could not be loaded), and repeats."""
    if known is None:
        return []
    known_set = set(known)
    problems = []
    for i, value in enumerate(values):
        if value not in known_set:
            listed = ", ".join(sorted(map(str, known_set)))
            problems.append(Problem(rel, f"{path}[{i}]", f"unknown {kind} {value!r} (known: {listed})"))
        elif value in values[:i]:
            problems.append(Problem(rel, f"{path}[{i}]", f"{kind} {value!r} is listed twice"))
    return problems
