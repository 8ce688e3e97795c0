"""Countries by ISO 3166 code, from the maintained pycountry list (imported only when needed)."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

from workstreams.errors import N_, Message, NotFound


@dataclass(frozen=True)
class Country:
    code: str  # ISO 3166-1 alpha-3
    name: str
    region: str | None = None  # UN M49 region, e.g. 'Africa'
    subregion: str | None = None  # UN M49 sub-region, e.g. 'Sub-Saharan Africa'


def find_country(text: str) -> Country:
    """A country from its alpha-3 or alpha-2 code or its name, in any case: 'MWI', 'mw', 'Malawi'."""
    import pycountry

    wanted = text.strip()
    found = None
    if wanted:
        try:
            found = pycountry.countries.lookup(wanted)
        except LookupError:
            found = None
    if found is None:
        raise NotFound(N_("country"), text, [Message(N_("an ISO 3166 code such as MWI, VNM or SOM"))])
    region, subregion = un_region(found.alpha_3)
    return Country(found.alpha_3, display_name(found.name), region, subregion)


def un_region(alpha_3: str) -> tuple[str | None, str | None]:
    """The UN M49 region and sub-region of a country, from the maintained countryinfo data (or None)."""
    from countryinfo import CountryInfo

    try:
        info = CountryInfo(alpha_3)
        return info.region() or None, info.subregion() or None
    except (KeyError, ValueError, AttributeError):
        return None, None


def display_name(iso_name: str) -> str:
    """The ISO short name in reading order, as UN documents write it: 'Viet Nam', and 'Tanzania, United
    Republic of' as 'United Republic of Tanzania'."""
    head, sep, tail = iso_name.partition(", ")
    return f"{tail} {head}" if sep else iso_name


@cache
def all_countries() -> list[tuple[str, str]]:
    """Every ISO 3166 country as (alpha-3 code, name in reading order), sorted by name."""
    import pycountry

    return sorted(((c.alpha_3, display_name(c.name)) for c in pycountry.countries), key=lambda c: c[1])
