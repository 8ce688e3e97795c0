"""Browse facets and lookups on the catalogue."""

from __future__ import annotations

import pytest

from cer.content import Content
from tools_catalog.catalogue import ToolFilter
from tools_catalog.models import ToolType
from workstreams.errors import NotFound


def test_facets_combine_and_every_result_satisfies_all_of_them(content: Content) -> None:
    found = content.catalogue.filter(ToolFilter(workstream="B", step=4, type=ToolType.guidance))
    assert {"T051", "T055", "T056"} <= {t.id for t in found}
    assert all("B" in t.workstreams and 4 in t.steps and t.type is ToolType.guidance for t in found)
    assert len(found) < len(content.catalogue.filter(ToolFilter(workstream="B")))


def test_country_is_matched_whatever_the_case_spacing_or_accents(content: Content) -> None:
    catalogue = content.catalogue
    assert catalogue.country("viet nam") == "Viet Nam"
    assert catalogue.country("VIETNAM") == "Viet Nam"
    assert catalogue.country("Cape Verde") == catalogue.country("cape-verde")
    ids = {t.id for t in catalogue.filter(ToolFilter(country="Viet Nam"))}
    assert {"T039", "T040", "T041", "T072", "T091"} <= ids


def test_an_unknown_country_lists_the_countries_that_have_examples(content: Content) -> None:
    with pytest.raises(NotFound) as caught:
        content.catalogue.country("Narnia")
    assert "unknown country 'Narnia'" in str(caught.value)
    assert "Tanzania" in caught.value.known


def test_tools_are_found_by_id_in_any_case(content: Content) -> None:
    assert content.catalogue.tool("t054").title == "MOU for the Provision and Use of Common Services"
    with pytest.raises(NotFound, match="unknown tool 'T999'"):
        content.catalogue.tool("T999")


def test_countries_are_listed_most_examples_first(content: Content) -> None:
    assert content.catalogue.countries[0] == "Tanzania"


def test_support_providers_narrow_by_workstream_and_step(content: Content) -> None:
    for provider in content.catalogue.providers_for(workstream="F", step=5):
        assert "F" in provider.workstreams and 5 in provider.steps
    assert content.catalogue.providers_for(workstream="F", step=5)
