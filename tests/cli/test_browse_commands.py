"""`cer steps`, `cer workstreams`, `cer tools ...` and `cer support`, in text and JSON."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from typer.testing import Result

Cer = Callable[..., Result]
CerJson = Callable[..., Any]


def test_steps_overview_lists_every_step_with_its_actions(cer: Cer) -> None:
    result = cer("steps")
    assert result.exit_code == 0
    for number in range(1, 10):
        assert f"Step {number} · " in result.stdout
    assert "4.3  Identify capacity requirements" in result.stdout
    assert "Prioritize and set outcomes (inferred)" in result.stdout


def test_one_step_shows_objectives_actions_workstreams_and_tools(cer: Cer) -> None:
    out = cer("steps", "5").stdout
    assert out.startswith("Step 5 · Plan implementation")
    assert "Objectives" in out
    assert "5.1  Develop implementation plan" in out
    assert "Workstreams: A UN Programme; B Common Services" in out
    assert "T013  template" in out and "Risk Log" in out


def test_steps_json_has_actions_with_their_tools(cer_json: CerJson) -> None:
    steps = cer_json("steps")
    assert [s["number"] for s in steps] == list(range(1, 10))
    step7 = cer_json("steps", "7")
    first = step7["actions"][0]
    assert first["id"] == "7.1"
    assert first["timing"] == {"when": "at", "step": 1, "note": "at the time of Step 1"}
    assert {t["id"] for t in first["tools"]} >= {"T016", "T017"}


def test_workstreams_overview_and_one_workstream(cer: Cer) -> None:
    out = cer("workstreams").stdout
    assert "D  Common Premises (where feasible)" in out
    assert "G  Organizational Change" in out
    detail = cer("workstreams", "d").stdout
    assert detail.startswith("Workstream D · Common Premises (where feasible)")
    assert "security situation" in detail
    assert "T071" in detail and "UN House/UN Common Premises Transaction Model" in detail
    assert "UNDG Task Team on Common Premises" in detail


def test_workstream_json_lists_actions_tools_and_providers(cer_json: CerJson) -> None:
    data = cer_json("workstreams", "E")
    assert data["name"] == "Joint Resource Mobilization"
    assert "3.3" in [a["id"] for a in data["actions"]]
    assert "T079" in [t["id"] for t in data["tools"]]
    assert data["providers"]


def test_a_workstreams_own_tools_come_before_the_cross_cutting_ones(cer_json: CerJson) -> None:
    ids = [t["id"] for t in cer_json("workstreams", "D")["tools"]]
    assert ids[0] == "T071"  # the only tool for D alone
    assert ids.index("T054") < ids.index("T001")  # B+D before the framework document for all seven


def test_tools_list_filters_by_every_facet(cer_json: CerJson) -> None:
    templates = cer_json("tools", "list", "--type", "template", "--step", "5")
    assert templates and all(t["type"] == "template" and 5 in t["steps"] for t in templates)
    premises = cer_json("tools", "list", "--workstream", "D")
    assert {"T054", "T071", "T072"} <= {t["id"] for t in premises}
    assert all("D" in t["workstreams"] for t in premises)
    rwanda = cer_json("tools", "list", "--country", "rwanda")
    assert {t["id"] for t in rwanda} == {"T015", "T037", "T090"}


def test_tools_list_text_shows_one_line_per_tool_and_counts_them(cer: Cer, cer_json: CerJson) -> None:
    out = cer("tools", "list", "--workstream", "D").stdout
    rows = [line for line in out.splitlines() if line.startswith("T")]
    assert [r.split()[0] for r in rows] == [t["id"] for t in cer_json("tools", "list", "--workstream", "D")]
    assert out.rstrip().endswith(f"{len(rows)} tool(s)")


def test_tools_search_ranks_and_json_gives_id_title_score(cer: Cer, cer_json: CerJson) -> None:
    hits = cer_json("tools", "search", "common premises", "--limit", "3")
    assert len(hits) == 3
    assert hits[0]["id"] == "T071"
    assert {"id", "title", "score", "type", "workstreams", "steps", "matched"} <= set(hits[0])
    assert hits[0]["score"] >= hits[1]["score"] >= hits[2]["score"]
    text = cer("tools", "search", "procurment").stdout
    assert "procurment → procurement" in text
    assert "T055" in text.splitlines()[1]


def test_a_search_that_finds_nothing_says_so(cer: Cer) -> None:
    result = cer("tools", "search", "xqzvbn")
    assert result.exit_code == 0
    assert "No tools match 'xqzvbn'." in result.stdout


def test_tools_show_prints_every_fact_about_one_tool(cer: Cer, cer_json: CerJson) -> None:
    out = cer("tools", "show", "t054").stdout
    assert out.startswith("T054 · MOU for the Provision and Use of Common Services")
    assert "Type: template" in out and "Year: 2008" in out
    assert "Source: listed (title seen in a listing" in out
    assert cer_json("tools", "show", "T090")["countries"] == ["Rwanda"]


def test_support_lists_providers_for_a_workstream(cer: Cer, cer_json: CerJson) -> None:
    out = cer("support", "--workstream", "D").stdout
    assert "UNDG Task Team on Common Premises (TTCP)" in out
    providers = cer_json("support", "--step", "4")
    assert providers and all(4 in p["steps"] for p in providers)


def test_up_check_prints_the_overview_and_what_to_try(cer: Cer) -> None:
    result = cer("up", "--check")
    assert result.exit_code == 0
    assert "99 tools and 12 support providers loaded" in result.stdout
    assert "cer tools search" in result.stdout
