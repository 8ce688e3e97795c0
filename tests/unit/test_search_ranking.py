"""Ranking rules of the search index, on small catalogues built for each case."""

from __future__ import annotations

from typing import Any

from tools_catalog.models import Tool
from tools_catalog.search import SearchIndex, _one_edit
from tools_catalog.text import stem, terms


def make_tool(n: int, title: str, **fields: Any) -> Tool:
    base: dict[str, Any] = {
        "id": f"T{n:03d}",
        "title": title,
        "publisher": "UNDG",
        "type": "guidance",
        "workstreams": ["A"],
        "steps": [1],
        "summary": "A document that a country team reads when it plans its joint work together.",
        "source": "read",
    }
    return Tool.model_validate(base | fields)


def ranked(index: SearchIndex, query: str) -> list[str]:
    return [h.tool.id for h in index.search(query)]


def test_a_tool_matching_every_word_outranks_one_repeating_a_single_word() -> None:
    index = SearchIndex(
        [
            make_tool(1, "Fund fund fund: funding of funds"),
            make_tool(2, "Guidance on a pooled fund for country teams"),
            make_tool(3, "Something else entirely"),
        ]
    )
    assert ranked(index, "pooled fund")[0] == "T002"


def test_words_side_by_side_in_a_title_outrank_the_same_words_apart() -> None:
    index = SearchIndex(
        [
            make_tool(1, "House rules for the UN country office"),
            make_tool(2, "UN House transaction model"),
        ]
    )
    assert ranked(index, "UN house") == ["T002", "T001"]


def test_title_counts_more_than_summary() -> None:
    index = SearchIndex(
        [
            make_tool(
                1, "Annual review", summary="How to organize the annual review; procurement is not covered."
            ),
            make_tool(2, "Procurement guidelines"),
        ]
    )
    assert ranked(index, "procurement") == ["T002", "T001"]


def test_tags_and_countries_are_searched() -> None:
    index = SearchIndex(
        [
            make_tool(1, "Concept paper", countries=["Côte d'Ivoire"]),
            make_tool(2, "Fund protocol", tags=["mdtf", "pass-through"]),
        ]
    )
    assert ranked(index, "COTE D'IVOIRE") == ["T001"]
    assert ranked(index, "MDTF") == ["T002"]


def test_equal_scores_are_ordered_by_id_so_results_are_stable() -> None:
    index = SearchIndex([make_tool(n, "Risk log") for n in (3, 1, 2)])
    assert ranked(index, "risk log") == ["T001", "T002", "T003"]


def test_results_carry_scores_in_descending_order_and_the_words_matched() -> None:
    index = SearchIndex([make_tool(1, "Risk log"), make_tool(2, "Risk management guidance")])
    hits = index.search("risk log")
    assert [h.score for h in hits] == sorted((h.score for h in hits), reverse=True)
    assert hits[0].matched == ("risk", "log")
    assert hits[1].matched == ("risk",)


def test_limit_caps_the_number_of_results() -> None:
    index = SearchIndex([make_tool(n, f"Risk note {n}") for n in range(1, 30)])
    assert len(index.search("risk", limit=7)) == 7


def test_terms_fold_case_accents_plurals_and_british_spelling() -> None:
    assert terms("Organisations' Stratégies & M&E processes") == ["organization", "strategy", "me", "process"]
    assert stem("premises") == stem("premise")
    assert stem("analysis") == "analysis"
    assert stem("operational") == stem("operation")


def test_one_edit_means_exactly_one_insert_delete_substitute_or_swap() -> None:
    assert _one_edit("procurment", "procurement")
    assert _one_edit("porcurement", "procurement")
    assert _one_edit("procuremant", "procurement")
    assert not _one_edit("procurement", "procurement")
    assert not _one_edit("prcurment", "procurement")
    assert not _one_edit("abcd", "badc")
