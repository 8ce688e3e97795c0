"""Bad content is reported as `file: field.path: message`, all problems at once, and never half-loaded."""

from __future__ import annotations

from pathlib import Path

import pytest

from cer.content import ContentError, load_content

PREMISES = "tools_catalog/content/d_common_premises.yaml"
STEPS = "workstreams/content/steps.yaml"


def _edit(root: Path, rel: str, old: str, new: str, count: int = 1) -> None:
    path = root / rel
    text = path.read_text(encoding="utf-8")
    assert old in text, f"{old!r} not in {rel}"
    path.write_text(text.replace(old, new, count), encoding="utf-8")


def _line_after(root: Path, rel: str, text: str) -> int:
    """The number of the line after the first line `text` of the file (where an edit adds one)."""
    lines = (root / rel).read_text(encoding="utf-8").splitlines(keepends=True)
    return next(n for n, line in enumerate(lines, start=1) if line == text) + 1


def _problems(root: Path) -> list[str]:
    with pytest.raises(ContentError) as caught:
        load_content(root)
    return [str(p) for p in caught.value.problems]


def test_an_unknown_key_is_reported_with_file_and_field(content_copy: Path) -> None:
    added = _line_after(content_copy, PREMISES, "  type: guidance\n")
    _edit(content_copy, PREMISES, "  type: guidance\n", "  type: guidance\n  colour: blue\n")
    problems = _problems(content_copy)
    assert len(problems) == 1
    assert problems[0].startswith(f"{PREMISES}: tools[0].colour: unknown field 'colour'")
    assert f"(line {added})" in problems[0]


def test_an_unknown_workstream_letter_names_the_letter_and_the_known_ones(content_copy: Path) -> None:
    _edit(content_copy, PREMISES, "workstreams: [B, D]", "workstreams: [B, H]")
    assert _problems(content_copy) == [
        f"{PREMISES}: tools[1].workstreams[1]: unknown workstream 'H' (known: A, B, C, D, E, F, G)"
    ]


def test_an_action_pointing_at_a_missing_workstream_is_a_broken_reference(content_copy: Path) -> None:
    _edit(content_copy, STEPS, "workstreams: [B, D]", "workstreams: [B, X]")
    problems = _problems(content_copy)
    assert problems == [
        f"{STEPS}: steps[1].actions[3].workstreams[1]: unknown workstream 'X' (known: A, B, C, D, E, F, G)",
        # and the task template of D at that action no longer fits
        "workstreams/content/templates.yaml: templates.D[0]: action 2.4 is not part of workstream D",
    ]


def test_a_task_template_naming_an_unknown_parameter_is_reported(content_copy: Path) -> None:
    _edit(content_copy, "workstreams/content/templates.yaml", "per: service_lines", "per: service_line")
    problems = _problems(content_copy)
    assert len(problems) == 1  # _edit changes the first occurrence only
    assert problems[0].startswith(
        "workstreams/content/templates.yaml: templates.B[0]: per names 'service_line', which is not a "
        "parameter of workstream B"
    )


def test_a_tool_pointing_at_a_missing_action_is_a_broken_reference(content_copy: Path) -> None:
    _edit(content_copy, PREMISES, "actions: ['3.1', '6.1']", "actions: ['3.1', '6.9']")
    assert _problems(content_copy) == [
        f"{PREMISES}: tools[0].actions[1]: unknown action '6.9' (known: "
        + ", ".join(
            f"{s}.{a}"
            for s, n in ((1, 7), (2, 4), (3, 4), (4, 5), (5, 1), (6, 3), (7, 4), (8, 4), (9, 3))
            for a in range(1, n + 1)
        )
        + ")"
    ]


def test_a_tool_pointing_at_a_step_the_framework_lacks_is_a_broken_reference(content_copy: Path) -> None:
    steps = content_copy / STEPS
    text = steps.read_text(encoding="utf-8")
    steps.write_text(text[: text.index("  - number: 9")], encoding="utf-8")  # the framework loses step 9
    problems = _problems(content_copy)
    expected = "tools[0].steps[1]: unknown step 9 (known: 1, 2, 3, 4, 5, 6, 7, 8)"
    assert f"tools_catalog/content/g_organizational_change.yaml: {expected}" in problems


def test_a_tool_linked_to_an_action_outside_its_steps_is_reported(content_copy: Path) -> None:
    _edit(content_copy, PREMISES, "actions: ['3.1', '6.1']", "actions: ['3.1', '8.2']")
    assert _problems(content_copy) == [
        f"{PREMISES}: tools[0].actions[1]: action 8.2 is in a step the tool does not list"
    ]


def test_every_problem_in_every_file_is_reported_together(content_copy: Path) -> None:
    _edit(content_copy, PREMISES, "type: guidance", "type: manual")
    _edit(content_copy, STEPS, "kind: sequential", "kind: sometimes")
    _edit(content_copy, "workstreams/content/workstreams.yaml", "  - code: G", "  - code: GG")
    problems = _problems(content_copy)
    files = {p.split(":")[0] for p in problems}
    assert files == {PREMISES, STEPS, "workstreams/content/workstreams.yaml"}
    assert any("tools[0].type: Input should be 'guidance'" in p and "(got 'manual')" in p for p in problems)
    assert any("steps[0].kind" in p for p in problems)
    assert any("workstreams[6].code" in p for p in problems)


def test_step_checks_still_run_when_workstreams_yaml_is_broken(content_copy: Path) -> None:
    _edit(content_copy, "workstreams/content/workstreams.yaml", "  - code: G", "  - code: GG")
    _edit(content_copy, STEPS, 'id: "1.5"', 'id: "1.4"')
    assert f"{STEPS}: steps[0].actions[4].id: action 1.4 is defined twice" in _problems(content_copy)


def test_a_file_that_is_not_utf8_is_a_problem_not_a_crash(content_copy: Path) -> None:
    (content_copy / "tools_catalog/content/zz.yml").write_bytes(b"tools:\n  - id: T500\n    title: caf\xe9\n")
    assert "tools_catalog/content/zz.yml: not UTF-8 text (byte 34): save the file as UTF-8" in _problems(
        content_copy
    )


def test_problems_are_listed_in_natural_order(content_copy: Path) -> None:
    path = content_copy / "tools_catalog/content/a_un_programme.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace("  summary:", "  summery:"), encoding="utf-8")
    paths = [p.split(": ")[1] for p in _problems(content_copy) if "summery" in p]
    assert paths[:3] == ["tools[0].summery", "tools[1].summery", "tools[2].summery"]
    assert paths.index("tools[9].summery") < paths.index("tools[10].summery")


def test_invalid_yaml_and_duplicate_keys_name_the_line(content_copy: Path) -> None:
    added = _line_after(content_copy, PREMISES, "  type: guidance\n")
    _edit(content_copy, PREMISES, "  type: guidance\n", "  type: guidance\n  type: template\n")
    _edit(content_copy, STEPS, "    kind: sequential\n", "    kind: [sequential\n")
    problems = _problems(content_copy)
    assert any(
        p.startswith(f"{PREMISES}: line {added}, column 3: invalid YAML: key 'type' appears twice")
        for p in problems
    )
    assert any(p.startswith(f"{STEPS}: line ") and "invalid YAML" in p for p in problems)


def test_a_tool_id_defined_in_two_files_is_reported(content_copy: Path) -> None:
    _edit(content_copy, PREMISES, "id: T072", "id: T001")
    problems = _problems(content_copy)
    # Files are read in name order, so the second definition met is the one in framework.yaml.
    assert problems == [
        f"tools_catalog/content/framework.yaml: tools[0].id: tool T001 is also defined in {PREMISES}"
    ]


def test_a_tool_whose_actions_lie_outside_its_workstreams_could_never_be_recommended(
    content_copy: Path,
) -> None:
    # T059 (workstream B) linked only to 7.4, an action of workstream A alone: issue 19's finding.
    _edit(
        content_copy,
        "tools_catalog/content/b_common_services.yaml",
        "actions: ['7.2', '7.4']",
        "actions: ['7.4']",
    )
    assert _problems(content_copy) == [
        "tools_catalog/content/b_common_services.yaml: tools[8].actions: none of its actions (7.4) is in its "
        "workstreams (B): no diagnosis could recommend the tool"
    ]


def test_a_stray_file_among_the_framework_content_is_reported(content_copy: Path) -> None:
    (content_copy / "workstreams/content/extra.yaml").write_text("steps: []\n", encoding="utf-8")
    assert _problems(content_copy) == [
        "workstreams/content/extra.yaml: unexpected file; "
        "workstreams/content holds only steps.yaml, workstreams.yaml, templates.yaml and deviations.yaml"
    ]


def test_a_missing_file_is_reported(content_copy: Path) -> None:
    (content_copy / STEPS).unlink()
    assert _problems(content_copy) == [f"{STEPS}: file is missing"]


def test_the_unchanged_copy_loads_and_has_the_same_version(content_copy: Path, content: object) -> None:
    loaded = load_content(content_copy)
    assert loaded.version == content.version
    _edit(content_copy, PREMISES, "facilities]", "facilities, offices]")
    assert load_content(content_copy).version != loaded.version
