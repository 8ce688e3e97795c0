"""Unknown ids exit 2 with a clear message; bad content exits 1 listing every problem; never a traceback."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest
from typer.testing import Result

from tests.conftest import REPO

Cer = Callable[..., Result]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["steps", "10"], "Error: unknown step 10; known: 1, 2, 3, 4, 5, 6, 7, 8, 9"),
        (["workstreams", "H"], "Error: unknown workstream 'H'; known: A, B, C, D, E, F, G"),
        (["tools", "show", "T999"], "Error: unknown tool 'T999'; known: T001, T002"),
        (["tools", "list", "--workstream", "Z"], "Error: unknown workstream 'Z'"),
        (["tools", "list", "--step", "0"], "Error: unknown step 0"),
        (["tools", "list", "--country", "Narnia"], "Error: unknown country 'Narnia'; known: Albania"),
        (["support", "--workstream", "Q"], "Error: unknown workstream 'Q'"),
    ],
)
def test_unknown_ids_and_filters_exit_2_with_a_message(cer: Cer, args: list[str], message: str) -> None:
    result = cer(*args)
    assert result.exit_code == 2
    assert result.stderr.startswith(message)
    assert "Traceback" not in result.output
    assert result.stdout == ""


def test_an_unknown_tool_type_exits_2_naming_the_choices(cer: Cer) -> None:
    result = cer("tools", "list", "--type", "manual")
    assert result.exit_code == 2
    assert "guidance" in result.stderr and "template" in result.stderr


def test_content_validate_reports_ok_with_counts(cer: Cer) -> None:
    result = cer("content", "validate")
    assert result.exit_code == 0
    assert "9 steps, 35 actions, 7 workstreams, 99 tools, 12 providers" in result.stdout
    data = json.loads(cer("content", "validate", "--json").stdout)
    assert data["ok"] is True and data["counts"]["tools"] == 99


def test_content_validate_on_corrupted_content_exits_1_naming_file_and_field(
    cer: Cer, content_copy: Path
) -> None:
    premises = content_copy / "tools_catalog/content/d_common_premises.yaml"
    premises.write_text(premises.read_text().replace("workstreams: [B, D]", "workstreams: [B, H]"))
    steps = content_copy / "workstreams/content/steps.yaml"
    steps.write_text(steps.read_text().replace("  - number: 2\n", "  - number: 2\n    colour: red\n"))
    result = cer("--content-root", str(content_copy), "content", "validate")
    assert result.exit_code == 1
    assert (
        "tools_catalog/content/d_common_premises.yaml: tools[1].workstreams[1]: unknown workstream 'H'"
        in result.output
    )
    assert "workstreams/content/steps.yaml: steps[1].colour: unknown field 'colour'" in result.output
    as_json = cer("--content-root", str(content_copy), "content", "validate", "--json")
    assert as_json.exit_code == 1
    assert {p["file"] for p in json.loads(as_json.stdout)["problems"]} == {
        "workstreams/content/steps.yaml",
        "tools_catalog/content/d_common_premises.yaml",
    }


def test_browse_commands_on_bad_content_show_nothing_and_exit_1(cer: Cer, content_copy: Path) -> None:
    premises = content_copy / "tools_catalog/content/d_common_premises.yaml"
    premises.write_text(premises.read_text().replace("type: guidance", "type: manual"))
    result = cer("tools", "list", env={"CER_CONTENT_ROOT": str(content_copy)})
    assert result.exit_code == 1
    assert result.stdout == ""
    assert "d_common_premises.yaml: tools[0].type" in result.stderr


def test_content_schema_writes_the_schemas_that_are_committed(cer: Cer, tmp_path: Path) -> None:
    result = cer("content", "schema", "--out", str(tmp_path))
    assert result.exit_code == 0
    written = {p.name: p.read_text() for p in tmp_path.iterdir()}
    committed = {p.name: p.read_text() for p in (REPO / "schemas").iterdir()}
    assert written == committed
    tools_schema = json.loads(written["tools.schema.json"])
    assert tools_schema["$defs"]["Tool"]["additionalProperties"] is False


def test_content_schema_into_a_folder_it_cannot_create_exits_1_with_a_message(
    cer: Cer, tmp_path: Path
) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("not a folder")
    result = cer("content", "schema", "--out", str(blocker / "schemas"))
    assert result.exit_code == 1
    assert result.stderr.startswith("Error: cannot write the schemas to")


def test_empty_search_and_empty_filters_are_refused(cer: Cer) -> None:
    assert cer("tools", "search", "  ").exit_code == 2
    assert cer("tools", "list", "--workstream", "").exit_code == 2
    assert cer("support", "--workstream", "").exit_code == 2


def test_tool_type_is_case_insensitive_and_the_cli_choices_match_the_model(cer: Cer) -> None:
    from cer.cli import ToolTypeChoice
    from tools_catalog.models import ToolType

    assert [c.value for c in ToolTypeChoice] == [t.value for t in ToolType]
    assert cer("tools", "list", "--type", "TEMPLATE").exit_code == 0
