"""Queries a country team would type find the tools it means, first."""

from __future__ import annotations

import pytest

from cer.content import Content
from workstreams.errors import InvalidRequest


def _ids(content: Content, query: str, n: int = 5) -> list[str]:
    return [h.tool.id for h in content.catalogue.search(query, limit=n).hits]


ONE_FUNDS = {"T073", "T079", "T080", "T081", "T082", "T083"}


def test_one_fund_finds_the_pilots_one_funds(content: Content) -> None:
    assert set(_ids(content, "one fund")) <= ONE_FUNDS
    assert _ids(content, "one fund")[0] == "T082"  # "Pakistan One Fund": the exact phrase in a title


def test_un_house_finds_the_common_premises_model_and_hanoi(content: Content) -> None:
    assert set(_ids(content, "UN house", 2)) == {"T071", "T072"}


def test_procurement_finds_the_harmonized_procurement_guidelines(content: Content) -> None:
    assert _ids(content, "procurement")[0] == "T055"


def test_joint_communication_strategy_finds_the_guidance_note(content: Content) -> None:
    top = _ids(content, "joint communication strategy", 3)
    assert top[0] == "T065"
    assert "T069" in top  # the page of country strategies


def test_hact_finds_the_framework_and_its_assessment(content: Content) -> None:
    assert set(_ids(content, "HACT", 2)) == {"T058", "T059"}


def test_undaf_guidelines_rank_the_guidelines_themselves_first(content: Content) -> None:
    hits = content.catalogue.search("UNDAF guidelines", limit=5).hits
    assert {"T018", "T020"} <= {h.tool.id for h in hits}
    assert all("UNDAF" in h.tool.title and "Guidelines" in h.tool.title for h in hits[:3])


def test_mdtf_finds_the_trust_fund_guidance_before_individual_funds(content: Content) -> None:
    hits = content.catalogue.search("MDTF", limit=4).hits
    assert {"T076", "T077", "T078"} <= {h.tool.id for h in hits}
    assert all(h.tool.type.value != "example" for h in hits)


def test_rwanda_finds_the_rwanda_examples_before_anything_else(content: Content) -> None:
    assert set(_ids(content, "Rwanda", 3)) == {"T015", "T037", "T090"}


def test_common_premises_puts_the_transaction_model_first(content: Content) -> None:
    top = _ids(content, "common premises", 3)
    assert top[0] == "T071"
    assert "T072" in top


@pytest.mark.parametrize(
    ("typed", "meant"),
    [
        ("premisis", "premises"),  # a typo in a word the -ise rule must not touch
        ("procurment", "procurement"),  # a letter missing
        ("porcurement", "procurement"),  # two letters swapped
        ("procuremant", "procurement"),  # a letter wrong
        ("communications strategies", "communication strategy"),  # plurals
        ("organisational change", "organizational change"),  # British spelling
        ("Procurément", "procurement"),  # stray accent
        ("Vietnam", "Viet Nam"),  # words run together
        ("unhouse", "UN house"),
    ],
)
def test_search_tolerates_case_accents_plurals_spelling_and_one_letter_typos(
    content: Content, typed: str, meant: str
) -> None:
    assert _ids(content, typed, 3) == _ids(content, meant, 3)
    assert _ids(content, typed, 3)


def test_an_unfinished_word_still_finds_its_tools(content: Content) -> None:
    assert _ids(content, "procur")[0] == "T055"


def test_a_query_of_stop_words_or_nonsense_finds_nothing(content: Content) -> None:
    assert _ids(content, "the of and") == []
    assert _ids(content, "xqzvbn") == []


def test_an_empty_query_is_refused(content: Content) -> None:
    with pytest.raises(InvalidRequest, match="give one or more words"):
        content.catalogue.search("   ")


def test_unfinished_words_complete_before_being_split_in_two(content: Content) -> None:
    assert set(_ids(content, "perform", 2)) == {"T033", "T089"}  # performance, not "per" + "form"
    assert _ids(content, "oprating", 1) == _ids(content, "operating", 1)
    assert _ids(content, "organis")  # British spelling, unfinished


def test_numbers_are_never_corrected_to_other_numbers(content: Content) -> None:
    result = content.catalogue.search("2017")
    assert result.hits == []
    assert result.corrections == {}


def test_corrections_show_the_words_searched_instead(content: Content) -> None:
    assert content.catalogue.search("procurment guidelines").corrections == {"procurment": ["procurement"]}
    assert content.catalogue.search("primises").corrections == {"primises": ["premises"]}
    assert content.catalogue.search("Vietnam").corrections == {"vietnam": ["viet nam"]}
