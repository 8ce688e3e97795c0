"""Countries by ISO code, with names as UN documents write them and UN M49 regions."""

from __future__ import annotations

import pytest

from cer.content.countries import find_country
from workstreams.errors import NotFound


@pytest.mark.parametrize(
    ("typed", "code", "name", "region"),
    [
        ("MWI", "MWI", "Malawi", ("Africa", "Sub-Saharan Africa")),
        ("vn", "VNM", "Viet Nam", ("Asia", "South-eastern Asia")),
        (
            "Tanzania, United Republic of",
            "TZA",
            "United Republic of Tanzania",
            ("Africa", "Sub-Saharan Africa"),
        ),
        ("BOL", "BOL", "Plurinational State of Bolivia", ("Americas", "Latin America and the Caribbean")),
    ],
)
def test_countries_by_code_or_name(typed: str, code: str, name: str, region: tuple[str, str]) -> None:
    country = find_country(typed)
    assert (country.code, country.name, (country.region, country.subregion)) == (code, name, region)


def test_an_unknown_country_is_not_found() -> None:
    with pytest.raises(NotFound, match="unknown country 'Narnia'"):
        find_country("Narnia")
