"""The loaded content against the reference it was built from (`tests/content/reference/toolkit.yaml`, a copy
of shared/reference/toolkit.yaml): every fact the reference gives (names and titles, counts, status markers,
question → action links, tool facts) as a `Difference` wherever the content says otherwise.

A difference is keyed by what it is about (`kind`, `id`, `field`) so that the content can declare it, with
the reason, in `workstreams/content/deviations.yaml`. Texts that are ours (taglines, objectives, scopes,
summaries, question wording) are not compared.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from cer.content import Content
from diagnostics.questionnaire import QuestionType
from workstreams.models import Deviation, Source, Step, Workstream

REFERENCE = Path(__file__).resolve().parent / "reference" / "toolkit.yaml"


@dataclass(frozen=True)
class Difference:
    kind: str  # step | action | workstream | tool | provider | question | count
    id: str
    field: str
    ours: Any
    reference: Any

    @property
    def key(self) -> tuple[str, str, str]:
        return (self.kind, self.id, self.field)

    def __str__(self) -> str:
        return f"{self.kind} {self.id}: {self.field}: ours {self.ours!r}, reference {self.reference!r}"


def load_reference(path: Path = REFERENCE) -> dict[str, Any]:
    data: dict[str, Any] = yaml.safe_load(path.read_text(encoding="utf-8"))
    return data


def differences(content: Content, ref: dict[str, Any]) -> list[Difference]:
    return [
        *_counts(content, ref),
        *_workstreams(content, ref),
        *_steps(content, ref),
        *_actions(content, ref),
        *_tools(content, ref),
        *_providers(content, ref),
        *_questions(content, ref),
    ]


def _diff(kind: str, id_: object, fields: dict[str, tuple[Any, Any]]) -> Iterator[Difference]:
    for field, (ours, reference) in fields.items():
        if ours != reference:
            yield Difference(kind, str(id_), field, ours, reference)


def _ref_actions(ref: dict[str, Any]) -> list[dict[str, Any]]:
    return [a for s in ref["steps"] for a in s["actions"]]


def _counts(content: Content, ref: dict[str, Any]) -> Iterator[Difference]:
    fw, cat = content.framework, content.catalogue
    yield from _diff(
        "count",
        "all",
        {
            "steps": (len(fw.steps), len(ref["steps"])),
            "actions": (len(fw.actions), len(_ref_actions(ref))),
            "workstreams": (len(fw.workstreams), len(ref["workstreams"])),
            "tools": (len(cat.tools), len(ref["tools"])),
            "providers": (len(cat.providers), len(ref["change_management_support"]["providers"])),
        },
    )


def workstream_marker(ws: Workstream) -> str:
    """Our two markers in the reference's words: 'read_name_only' when the name was read but not the text."""
    if ws.name_source is Source.read and ws.source is not Source.read:
        return "read_name_only"
    return ws.source.value if ws.name_source is ws.source else f"name {ws.name_source.value}"


def step_marker(step: Step) -> str:
    """Our markers of a step (its name, its objectives, each action) in the reference's words."""
    if step.name_source is Source.read and step.source is Source.inferred:
        return "title_read_content_inferred"
    if step.name_source is not step.source:
        return f"name {step.name_source.value}, objectives {step.source.value}"
    if step.source is Source.read and all(a.source is Source.inferred for a in step.actions):
        return "objectives_read_actions_inferred"
    return step.source.value


def _workstreams(content: Content, ref: dict[str, Any]) -> Iterator[Difference]:
    ours = {w.code: w for w in content.framework.workstreams}
    for r in ref["workstreams"]:
        w = ours.get(r["code"])
        if w is None:
            yield Difference("workstream", r["code"], "missing", None, r["name"])
            continue
        yield from _diff(
            "workstream",
            w.code,
            {
                "name": (w.name, r["name"]),
                "status": (workstream_marker(w), r["status"]),
                "dao_pillar": (w.dao_pillar, r.get("dao_sop_pillar")),
            },
        )


def _steps(content: Content, ref: dict[str, Any]) -> Iterator[Difference]:
    ours = {s.number: s for s in content.framework.steps}
    for r in ref["steps"]:
        s = ours.get(r["id"])
        if s is None:
            yield Difference("step", str(r["id"]), "missing", None, r["name"])
            continue
        yield from _diff(
            "step",
            s.number,
            {
                "name": (s.name, r["name"]),
                "alt_names": (s.alt_names, r.get("alt_names", [])),
                "kind": (s.kind.value, r["kind"]),
                "status": (step_marker(s), r["status"]),
                "actions": ([a.id for a in s.actions], [a["id"] for a in r["actions"]]),
            },
        )


_TIMING = [
    (re.compile(r"^at time of Step (\d)"), "at"),
    (re.compile(r"^during Step (\d)"), "during"),
    (re.compile(r"^starting at Step (\d)"), "from"),
    (re.compile(r"^at each step"), "each"),
]


def _ref_timing(text: str | None) -> str | None:
    """'at time of Step 3 (…)' → 'at 3', as our Timing reads; 'each' alone."""
    if text is None:
        return None
    for pattern, when in _TIMING:
        if match := pattern.match(text):
            return f"{when} {match.group(1)}" if match.groups() else when
    return f"unparsed: {text}"


def _actions(content: Content, ref: dict[str, Any]) -> Iterator[Difference]:
    ours = {a.id: a for a in content.framework.actions}
    for r in _ref_actions(ref):
        a = ours.get(r["id"])
        if a is None:
            yield Difference("action", r["id"], "missing", None, r["name"])
            continue
        # The links of an inferred action are inferred with it; for a read action the reference gives them
        # a marker of their own, or none (5.1, 7.x): then there is nothing to compare.
        mapping = r.get("workstream_mapping", "inferred" if r["status"] == "inferred" else None)
        timing = " ".join(str(p) for p in (a.timing.when, a.timing.step) if p) if a.timing else None
        yield from _diff(
            "action",
            a.id,
            {
                "name": (a.name, r["name"]),
                "workstreams": (sorted(a.workstreams), sorted(r["workstreams"])),
                "status": (a.source.value, r["status"]),
                "workstream_mapping": (a.workstream_mapping.value if mapping else None, mapping),
                "timing": (timing, _ref_timing(r.get("timing"))),
                "sub_activities": (len(a.sub_activities), len(r.get("sub_activities", []))),
            },
        )


def _tools(content: Content, ref: dict[str, Any]) -> Iterator[Difference]:
    ours = {t.id: t for t in content.catalogue.tools}
    table = _step_table_links(ref)
    for r in ref["tools"]:
        t = ours.get(r["id"])
        if t is None:
            yield Difference("tool", r["id"], "missing", None, r["title"])
            continue
        read_links = sorted(table.get(t.id, set()))
        kept = sorted(a for a in read_links if a in t.actions and t.actions_source is Source.read)
        yield from _diff(
            "tool",
            t.id,
            {
                "title": (t.title, r["title"]),
                "publisher": (t.publisher, str(r["publisher"])),
                "year": (t.year, r["year"]),
                "type": (t.type.value, r["type"]),
                "workstreams": (sorted(t.workstreams), sorted(r["workstreams"])),
                "steps": (sorted(t.steps), sorted(r["steps"])),
                "countries": (t.countries, [r["country"]] if r["country"] else []),
                "section": (t.section.value if t.section else None, r.get("section")),
                "url": (t.url, r["url"]),
                "note": (t.note, r.get("note")),
                "status": (t.source.value, r["status"]),
                "step_table_actions": (kept, read_links),
            },
        )


def _step_table_links(ref: dict[str, Any]) -> dict[str, set[str]]:
    """Tool → the actions whose published tool table lists it (guidance and templates, examples)."""
    links: dict[str, set[str]] = {}
    for a in _ref_actions(ref):
        for tool in [*a.get("guidance_and_templates", []), *a.get("examples", [])]:
            links.setdefault(tool, set()).add(a["id"])
    return links


def _providers(content: Content, ref: dict[str, Any]) -> Iterator[Difference]:
    refs = ref["change_management_support"]["providers"]
    ours = list(content.catalogue.providers)
    yield from _diff("provider", "all", {"names": ([p.name for p in ours], [r["name"] for r in refs])})
    by_name = {p.name: p for p in ours}
    for r in refs:
        p = by_name.get(r["name"])
        if p is not None:
            yield from _diff("provider", p.id, {"status": (p.source.value, r["status"])})


def _questions(content: Content, ref: dict[str, Any]) -> Iterator[Difference]:
    ours = content.questionnaire.questions
    refs = [*ref["diagnostic_questions"], *ref["inferred_questions"]]
    for r in refs:
        q = ours.get(r["id"].lower())
        if q is None:
            yield Difference("question", r["id"].lower(), "missing", None, r["text"])
            continue
        mapping = q.mapping.value if q.mapping else None
        yield from _diff(
            "question",
            q.id,
            {
                "type": (q.type.value, QuestionType.readiness.value),
                "step": (q.step, r["step"]),
                "actions": (q.actions, [r["action"], *r.get("also_relates_to", [])]),
                "status": (q.source.value, r["status"]),
                "mapping": (mapping, r.get("mapping", r["status"])),
            },
        )
    # Questions of ours: nothing the reference gives, so nothing may claim to have been read.
    known = {r["id"].lower() for r in refs}
    for q in ours.values():
        if q.id not in known:
            mapping = q.mapping.value if q.mapping else None
            yield from _diff(
                "question",
                q.id,
                {
                    "status": (q.source.value, Source.inferred.value),
                    "mapping": (mapping, Source.inferred.value if q.step else None),
                },
            )


def verdict(found: list[Difference], declared: list[Deviation]) -> list[str]:
    """What is wrong, one line each: a difference not declared, a declaration whose values are not the ones
    found, a declaration that no longer differs (stale). Empty when the content is faithful."""
    by_key = {d.key: d for d in found}
    wanted = {(d.kind, d.id, d.field): d for d in declared}
    problems = [f"undeclared: {d}" for d in found if d.key not in wanted]
    for key, dev in wanted.items():
        diff = by_key.get(key)
        if diff is None:
            problems.append(f"stale declaration (no longer differs): {' '.join(key)}")
        elif (_plain(diff.ours), _plain(diff.reference)) != (dev.ours, dev.reference):
            problems.append(f"declared as ours {dev.ours!r}, reference {dev.reference!r}, but found: {diff}")
    return problems


def _plain(value: Any) -> Any:
    return list(value) if isinstance(value, tuple) else value
