"""'Common Premises (where feasible)' keeps its qualifier wherever a person reads the name (issue 19)."""

from __future__ import annotations

from cer.content import Content
from cer.views.export_rows import workstream_titles
from cer.views.export_sheets import sheet_name
from tests.factories import make_answers, make_diagnosis, make_plan


def test_the_premises_workstream_is_titled_with_its_qualifier(content: Content) -> None:
    premises = content.framework.workstream("D")
    assert premises.title == "Common Premises (where feasible)"
    assert content.framework.workstream("A").title == "UN Programme"
    assert workstream_titles(content.framework)["D"] == premises.title


def test_its_spreadsheet_sheet_keeps_the_qualifier_within_excels_31_characters(content: Content) -> None:
    name = sheet_name("D", content.framework.workstream("D").title)
    assert name == "D Common Premises (feasible)" and len(name) <= 31
    assert sheet_name("A", "UN Programme") == "A UN Programme"
    assert sheet_name("B", content.framework.workstream("B").title) == "B Common Services"


def test_its_tasks_say_where_feasible_in_their_titles(content: Content) -> None:
    diagnosis = make_diagnosis(content, make_answers(content, readiness="no"))
    plan = make_plan(content, diagnosis)
    titles = {t.id: t.title for t in plan.tasks}
    assert titles["D-5.1"] == "Develop implementation plan (Common Premises, where feasible)"
    services = "Develop implementation plan (Common Services and Harmonized Business Practices)"
    assert titles["B-5.1"] == services
