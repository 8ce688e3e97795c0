"""Dates, numbers and lists as each language's readers write them (cer.views.formats)."""

from __future__ import annotations

import datetime as dt

import pytest

from cer.views import formats

DAY = dt.date(2026, 11, 30)
MOMENT = dt.datetime(2026, 11, 30, 14, 5, 59)


@pytest.mark.parametrize(
    ("lang", "written"),
    [("en", "30 Nov 2026"), ("fr", "30 nov. 2026"), ("es", "30 nov 2026"), ("ar", "30 نوفمبر 2026")],
)
def test_a_date_names_its_month_in_the_readers_language(lang: str, written: str) -> None:
    assert formats.format_date(DAY, lang) == written
    assert formats.format_date(MOMENT, lang) == written  # a moment's day


@pytest.mark.parametrize(
    ("lang", "written"),
    [
        ("en", "30 Nov 2026, 14:05"),
        ("fr", "30 nov. 2026, 14:05"),
        ("es", "30 nov 2026, 14:05"),
        ("ar", "30 نوفمبر 2026، 14:05"),
    ],
)
def test_a_moment_is_a_day_and_a_24_hour_time_as_stored(lang: str, written: str) -> None:
    assert formats.format_datetime(MOMENT, lang) == written


def test_arabic_numbers_use_western_digits_and_arabic_dates_are_never_numeric_day_month() -> None:
    assert formats.format_number(1234.5, "ar") == "1,234.5"
    assert formats.format_percent(0.42, "ar") == "42%"
    assert "/" not in formats.format_date(DAY, "ar")
    assert formats.format_date(DAY, "ar").split()[0] == "30"


@pytest.mark.parametrize(
    ("lang", "written"), [("en", "1,234,567.891"), ("fr", "1\u202f234\u202f567,891"), ("es", "1.234.567,891")]
)
def test_a_number_uses_the_locales_grouping_and_decimal_signs(lang: str, written: str) -> None:
    assert formats.format_number(1234567.891, lang) == written


def test_a_number_can_be_rounded_to_fixed_decimals() -> None:
    assert formats.format_number(3.14159, "fr", digits=1) == "3,1"
    assert formats.format_number(12.6, "en", digits=0) == "13"


def test_a_percentage_follows_french_spacing() -> None:
    assert formats.format_percent(0.425, "en") == "42%"
    assert formats.format_percent(0.5, "fr") == "50\u00a0%"


@pytest.mark.parametrize(
    ("lang", "written"),
    [("en", "UNDP, UNICEF and WFP"), ("fr", "UNDP, UNICEF et WFP"), ("es", "UNDP, UNICEF y WFP")],
)
def test_a_list_is_joined_as_a_sentence_says_it(lang: str, written: str) -> None:
    assert formats.format_words(["UNDP", "UNICEF", "WFP"], lang) == written


def test_alternatives_and_codes_and_nothing() -> None:
    assert formats.format_words(["A", "B"], "es", "or") == "A o B"
    assert formats.format_words([], "fr") == "—"
    assert formats.format_codes(["A", "B", "C"], "fr") == "A, B, C"
    assert formats.format_codes(["A", "B"], "ar") == "A، B"
    assert formats.format_codes([], "en") == "—"


def test_the_month_of_a_chart_axis() -> None:
    assert formats.format_month(DAY, "en") == "Nov 2026"
    assert formats.format_month(DAY, "fr") == "nov. 2026"


def test_missing_values_are_a_dash_and_unknown_languages_are_english() -> None:
    for write in (formats.format_date, formats.format_datetime, formats.format_month, formats.format_number):
        assert write(None, "fr") == "—"
    assert formats.format_percent(None, "fr") == "—"
    assert formats.format_date(DAY, "xx") == "30 Nov 2026"
    assert formats.format_date(DAY, None) == "30 Nov 2026"


def test_only_arabic_is_written_right_to_left() -> None:
    assert [formats.text_direction(lang) for lang in ("en", "fr", "es", "ar", "xx")] == [
        "ltr",
        "ltr",
        "ltr",
        "rtl",
        "ltr",
    ]


def test_iso_text_is_read_as_a_date_and_other_text_is_kept() -> None:
    assert formats.format_date("2027-03-01", "fr") == "1 mars 2027"
    assert formats.format_datetime("2027-03-01T09:30:00", "es") == "1 mar 2027, 09:30"
    assert formats.format_datetime(DAY, "en") == "30 Nov 2026"  # a day has no time to show
    assert formats.format_date("next cycle", "en") == "next cycle"
