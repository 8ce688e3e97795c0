"""The command line's language (issue 19): CER_LANG read as a setting, `say` writing in the language chosen
for the command and nowhere else, and the shared schedule lines in the language asked."""

from __future__ import annotations

import datetime as dt

import pytest

from cer.runtime.config import get_settings, language
from cer.views.i18n import current_language, say, translations, using_language
from cer.views.schedule import target_lines
from workstreams.errors import InvalidRequest


def test_cer_lang_is_a_setting_english_by_default_and_refused_when_unknown() -> None:
    assert language({}) == "en" and get_settings({}).lang == "en"
    assert language({"CER_LANG": " AR "}) == "ar"
    with pytest.raises(InvalidRequest, match="CER_LANG must be one of en, fr, es, ar, got 'de'"):
        language({"CER_LANG": "de"})


def test_say_writes_in_the_language_of_the_block_and_english_outside_it() -> None:
    assert say("Objectives") == "Objectives"
    with using_language("fr"):
        assert current_language() == "fr"
        assert say("Objectives") == translations("fr").gettext("Objectives") != "Objectives"
        assert say("Step %(number)s", number=4) == translations("fr").gettext("Step %(number)s") % {
            "number": 4
        }
    assert current_language() == "en" and say("Objectives") == "Objectives"
    with using_language("xx"):  # an unknown language is English, never an error
        assert current_language() == "en"


def test_a_plan_target_is_said_with_the_date_as_the_reader_writes_it() -> None:
    target = dt.date(2027, 6, 30)
    english = target_lines(target, 0, [], {})
    assert "2027-06-30" in english[0]
    with using_language("fr"):
        assert "30 juin 2027" in target_lines(target, 0, [], {})[0]
