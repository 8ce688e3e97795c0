"""Workstream run parameters and the task templates they expand to (pure: no database, no Prefect)."""

from __future__ import annotations

import pytest

from cer.content import Content
from workstreams.errors import InvalidRequest
from workstreams.parameters import parse_cli_values, run_parameters
from workstreams.status import parse_reference
from workstreams.templates import expand


def test_cli_values_split_lists_on_commas_and_leave_the_rest_to_the_model() -> None:
    values = parse_cli_values("B", ["service_lines=procurement, ict", "lead-agency=WFP"])
    assert values == {"service_lines": ["procurement", "ict"], "lead_agency": "WFP"}
    params = run_parameters("b", {"country": " mwi ", **values})
    assert params.country == "MWI" and [s.value for s in params.service_lines] == ["procurement", "ict"]  # type: ignore[attr-defined]
    with pytest.raises(InvalidRequest, match="write name=value"):
        parse_cli_values("B", ["service_lines"])
    with pytest.raises(InvalidRequest, match="unknown workstream 'H'"):
        parse_cli_values("H", [])


def test_every_bad_field_is_named() -> None:
    with pytest.raises(InvalidRequest) as caught:
        run_parameters(
            "E", {"country": "M1", "funding_target_usd": -5, "funding_sources": ["one_fund", "one_fund"]}
        )
    message = str(caught.value)
    assert message.startswith("3 problem(s) with the workstream E parameters:")
    assert (
        "country:" in message and "funding_target_usd:" in message and "one_fund is listed twice" in message
    )


def test_templates_expand_per_value_and_say_why(content: Content) -> None:
    params = run_parameters(
        "D", {"country": "MWI", "premises_options": ["lease"], "security_constraint": False}
    )
    tasks = expand(content.templates["D"], params)
    assert [(t.action, t.template) for t in tasks] == [("3.1", "appraise-lease")]  # no security assessment
    assert tasks[0].because == "premises_options includes leasing shared premises"
    c = expand(
        content.templates["C"], run_parameters("C", {"country": "MWI", "communications_group_exists": True})
    )
    assert c == []  # the group exists and no audience was chosen
    assert expand(content.templates["B"], run_parameters("B", {"country": "MWI"})) == []


def test_names_that_would_give_the_same_task_are_refused(content: Content) -> None:
    params = run_parameters(
        "A", {"country": "MWI", "results_groups": ["Health & Nutrition", "Health  nutrition"]}
    )
    with pytest.raises(InvalidRequest, match="would be the same task"):
        expand(content.templates["A"], params)


def test_task_references_keep_template_keys_lower_case() -> None:
    assert parse_reference("mwi-b-2.4/Stocktake-ICT") == ("MWI", "B-2.4/stocktake-ict")
    assert parse_reference("MWI-B-4.1") == ("MWI", "B-4.1")
    with pytest.raises(InvalidRequest):
        parse_reference("MWI-B-4.1/")
