"""The shipped catalogue: every tool of the reference with its facts, and the support providers."""

from __future__ import annotations

from collections import Counter

from cer.content import Content, schema_documents
from tests.conftest import REPO
from tools_catalog.models import Source, ToolType


def test_the_catalogue_holds_all_99_tools_with_unique_ids(content: Content) -> None:
    ids = [t.id for t in content.catalogue.tools]
    assert len(ids) == 99
    assert ids == [f"T{n:03d}" for n in range(1, 100)]


def test_tool_types_cover_the_five_kinds(content: Content) -> None:
    counts = Counter(t.type for t in content.catalogue.tools)
    assert set(counts) == set(ToolType)
    assert counts[ToolType.example] > 30


def test_examples_from_pilot_countries_name_their_country(content: Content) -> None:
    rwanda = {t.id for t in content.catalogue.tools if "Rwanda" in t.countries}
    assert rwanda == {"T015", "T037", "T090"}
    # The reference gives no country for these (issue 19): the pilots an evaluation covers, the country an OMT
    # example comes from, the countries a service was piloted in are said in the summary or note instead.
    for tool_id in ("T063", "T092", "T094"):
        assert content.catalogue.tool(tool_id).countries == [], tool_id


def test_tools_only_seen_in_listings_are_marked_and_summarized_cautiously(content: Content) -> None:
    listed = [t for t in content.catalogue.tools if t.source is Source.listed]
    assert len(listed) > 20
    for tool in listed:
        assert (
            "not available" in tool.summary or "not seen" in tool.summary or "listed" in tool.summary.lower()
        ), tool.id


def test_summaries_are_our_own_words_not_the_title(content: Content) -> None:
    for tool in content.catalogue.tools:
        assert tool.summary.strip().lower() != tool.title.strip().lower()
        assert len(tool.summary.split()) >= 15, tool.id


def test_action_links_read_from_the_step_tables_are_marked_read(content: Content) -> None:
    implementation_plan_tools = {t.id for t in content.catalogue.tools if "5.1" in t.actions}
    assert {"T011", "T012", "T013", "T014", "T015"} <= implementation_plan_tools
    assert content.catalogue.tool("T016").actions_source is Source.read


def test_support_providers_cover_every_workstream(content: Content) -> None:
    providers = content.catalogue.providers
    assert len(providers) == 12
    covered = {w for p in providers for w in p.workstreams}
    assert covered == {w.code for w in content.framework.workstreams}
    premises = [p.name for p in content.catalogue.providers_for(workstream="D")]
    assert any("Common Premises" in name for name in premises)


def test_committed_json_schemas_are_up_to_date() -> None:
    for name, text in schema_documents().items():
        committed = REPO / "schemas" / name
        assert committed.is_file(), f"schemas/{name} is missing: run `cer content schema`"
        assert committed.read_text(encoding="utf-8") == text, (
            f"schemas/{name} is stale: run `cer content schema`"
        )
