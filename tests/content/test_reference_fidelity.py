"""The content is faithful to the reference it was built from (tests/content/reference/toolkit.yaml): the
names, counts, status markers, question → action links and tool facts it gives, unless
workstreams/content/deviations.yaml declares the difference and says why."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from cer.content import Content, load_content
from cer.content.paths import DEVIATIONS, QUESTIONNAIRE, STEPS, SUPPORT, WORKSTREAMS
from tests.conftest import REPO
from tests.content.reference_diff import REFERENCE, Difference, differences, load_reference, verdict
from workstreams.models import Deviation, DeviationsFile

SHARED = REPO.parent / "shared" / "reference" / "toolkit.yaml"
TOOLS_B = "tools_catalog/content/b_common_services.yaml"


def declared(root: Path) -> list[Deviation]:
    text = (root / DEVIATIONS).read_text(encoding="utf-8")
    return DeviationsFile.model_validate(yaml.safe_load(text)).deviations


def test_the_vendored_reference_is_a_copy_of_the_shared_one() -> None:
    if not SHARED.is_file():
        pytest.skip("no ../shared/reference next to this checkout (a clean clone): the vendored copy is used")
    assert REFERENCE.read_bytes() == SHARED.read_bytes(), f"copy {SHARED} to {REFERENCE} again"


def test_the_content_says_what_the_reference_says_or_declares_why_not(content: Content) -> None:
    problems = verdict(differences(content, load_reference()), declared(content.root))
    assert not problems, "\n".join(
        ["The content differs from tests/content/reference/toolkit.yaml: mend it, or declare the difference "
         f"(what and why) in {DEVIATIONS}:", *problems]
    )  # fmt: skip


def test_every_item_of_the_reference_is_in_the_content_in_its_order(content: Content) -> None:
    ref, fw, cat = load_reference(), content.framework, content.catalogue
    assert [s.number for s in fw.steps] == [s["id"] for s in ref["steps"]]
    assert [a.id for a in fw.actions] == [a["id"] for s in ref["steps"] for a in s["actions"]]
    assert [w.code for w in fw.workstreams] == [w["code"] for w in ref["workstreams"]]
    assert [t.id for t in cat.tools] == [t["id"] for t in ref["tools"]]
    assert [p.name for p in cat.providers] == [
        p["name"] for p in ref["change_management_support"]["providers"]
    ]
    questions = [*ref["diagnostic_questions"], *ref["inferred_questions"]]
    assert {q["id"].lower() for q in questions} <= set(content.questionnaire.questions)


def test_the_finer_markers_of_the_reference_are_kept(content: Content) -> None:
    fw, q = content.framework, content.questionnaire.questions
    assert (fw.step(2).name_source.value, fw.step(2).source.value) == ("read", "inferred")
    assert all(a.source.value == "inferred" for a in fw.step(3).actions) and fw.step(3).source.value == "read"
    assert (fw.workstream("D").name_source.value, fw.workstream("D").source.value) == ("read", "inferred")
    assert all(
        q[f"dq{n:02d}"].mapping is not None and q[f"dq{n:02d}"].mapping.value == "inferred"
        for n in range(1, 12)
    )
    assert q["dq05"].actions == ["1.2", "8.4"] and q["dq10"].actions == ["1.3", "9.1"]


# Each drift the outside review found (issue 19), put back into a copy of the content: the test must see it.
DRIFTS = [
    (SUPPORT, "- id: ttcp\n", "  source: read\n", "  source: inferred\n", "provider ttcp: status"),
    (STEPS, "  - number: 2\n", "    name_source: read\n", "    name_source: inferred\n", "step 2: status"),
    (WORKSTREAMS, "  - code: D\n", "    source: inferred", "    source: read", "workstream D: status"),
    (QUESTIONNAIRE, "- id: dq05\n", '["1.2", "8.4"]', '["1.2"]', "question dq05: actions: ours ['1.2']"),
    (QUESTIONNAIRE, "- id: dq01\n", "mapping: inferred", "mapping: read", "question dq01: mapping"),
    (TOOLS_B, "- id: T063\n", "  actions_source: inferred\n",
     "  actions_source: inferred\n  countries: [Ethiopia]\n", "tool T063: countries: ours ['Ethiopia']"),
]  # fmt: skip


@pytest.mark.parametrize(("rel", "anchor", "old", "new", "expected"), DRIFTS, ids=[d[4][:22] for d in DRIFTS])
def test_a_drift_from_the_reference_fails_the_fidelity_check(
    content_copy: Path, rel: str, anchor: str, old: str, new: str, expected: str
) -> None:
    _edit_after(content_copy / rel, anchor, old, new)
    problems = verdict(differences(load_content(content_copy), load_reference()), declared(content_copy))
    assert [p for p in problems if p.startswith("undeclared") and expected in p], problems


def test_a_declaration_that_no_longer_differs_fails_as_stale(content_copy: Path) -> None:
    stale = "  - kind: tool\n    id: T094\n    field: countries\n    ours: []\n    reference: []\n"
    (content_copy / DEVIATIONS).write_text(
        (content_copy / DEVIATIONS).read_text(encoding="utf-8") + stale + "    why: kept for a test only.\n",
        encoding="utf-8",
    )
    problems = verdict(differences(load_content(content_copy), load_reference()), declared(content_copy))
    assert problems == ["stale declaration (no longer differs): tool T094 countries"]


def test_a_declaration_must_give_the_values_that_differ() -> None:
    found = [Difference("tool", "T001", "year", 2009, 2008)]
    dev = Deviation(
        kind="tool", id="T001", field="year", ours=2010, reference=2008, why="a reason, long enough"
    )
    assert verdict(found, [dev]) == [
        "declared as ours 2010, reference 2008, but found: tool T001: year: ours 2009, reference 2008"
    ]
    assert verdict(found, [dev.model_copy(update={"ours": 2009})]) == []


def _edit_after(path: Path, anchor: str, old: str, new: str) -> None:
    """Replace the first `old` after `anchor` in the file (one item's field)."""
    text = path.read_text(encoding="utf-8")
    start = text.index(anchor)
    at = text.index(old, start)
    path.write_text(text[:at] + new + text[at + len(old) :], encoding="utf-8")
