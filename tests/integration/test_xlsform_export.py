"""The questionnaire as an XLSForm (issue 20): pyxform converts it as KoBoToolbox and ODK Central do, with ODK
Validate (a Java program) switched on, and reading the workbook back finds every question, choice, condition
and translation of the content."""

from __future__ import annotations

import io
import re
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from typing import Any

import pytest
from openpyxl import load_workbook
from pyxform.xls2xform import convert

from cer.content import Content
from cer.content.countries import all_countries
from cer.views.xlsform import LANGUAGE_NAMES, list_name, questionnaire_xlsform
from diagnostics.questionnaire import Labels, Question, Questionnaire, QuestionType

XF = "{http://www.w3.org/2002/xforms}"
Sheet = list[dict[str, Any]]


@pytest.fixture(scope="module")
def workbook(content: Content) -> bytes:
    return questionnaire_xlsform(content.questionnaire, all_countries())


def sheet(workbook: bytes, name: str) -> Sheet:
    """A sheet's rows as {header: value}, the way pyxform reads them."""
    rows = load_workbook(io.BytesIO(workbook), read_only=True)[name].iter_rows(values_only=True)
    header = next(rows)
    return [{h: v for h, v in zip(header, row, strict=True) if v not in (None, "")} for row in rows]


def survey_by_name(workbook: bytes) -> dict[str, dict[str, Any]]:
    return {row["name"]: row for row in sheet(workbook, "survey") if row["type"] != "end_group"}


def labels_in(row: dict[str, Any], column: str, langs: Iterator[str] | tuple[str, ...]) -> dict[str, str]:
    return {lang: row.get(f"{column}::{LANGUAGE_NAMES[lang]}", "") for lang in langs}


def written(labels: Labels | None) -> dict[str, str]:
    """What the workbook holds for a text: each language's translation, English where the content has none."""
    return (
        {lang: labels.get(lang) for lang in LANGUAGE_NAMES} if labels else dict.fromkeys(LANGUAGE_NAMES, "")
    )


def test_pyxform_converts_the_xlsform_with_odk_validate_and_no_warning(
    workbook: bytes, content: Content
) -> None:
    warnings: list[str] = []
    result = convert(xlsform=io.BytesIO(workbook), warnings=warnings, validate=True, file_type=".xlsx")
    assert warnings == []
    binds = {b.get("nodeset"): b for b in ET.fromstring(result.xform).iter(f"{XF}bind")}
    paths = {"country": "/data/country"} | {
        q.id: f"/data/{s.id}/{q.id}" for s in content.questionnaire.sections for q in s.questions
    }
    for q in content.questionnaire.questions.values():
        bind = binds[paths[q.id]]
        for attribute in ("relevant", "constraint"):
            condition = getattr(q, attribute)
            expected = re.sub(r"\$\{(\w+)\}", lambda m: paths[m[1]], condition) if condition else None
            found = bind.get(attribute)
            assert unspaced(found) == unspaced(expected), q.id  # pyxform puts spaces around a path
        assert (bind.get("required") == "true()") == q.required, q.id
    assert binds["/data/questionnaire_version"].get("calculate") == f"'{content.questionnaire.version}'"
    assert f'version="{content.questionnaire.version}"' in result.xform
    translations = [t.get("lang") for t in ET.fromstring(result.xform).iter(f"{XF}translation")]
    assert translations == list(LANGUAGE_NAMES.values())


def test_the_survey_asks_the_country_first_then_each_section_as_a_group(
    workbook: bytes, content: Content
) -> None:
    rows = sheet(workbook, "survey")
    assert (rows[0]["type"], rows[0]["name"], rows[0]["required"]) == (
        "select_one countries",
        "country",
        "yes",
    )
    assert rows[0]["label::French (fr)"] == "Pays" and rows[0]["required_message::Spanish (es)"]
    assert rows[1] == {"type": "calculate", "name": "questionnaire_version",
                       "calculation": f"'{content.questionnaire.version}'"}  # fmt: skip
    groups = [(r["type"], r["name"]) for r in rows if r["type"] in ("begin_group", "end_group")]
    ids = [s.id for s in content.questionnaire.sections]
    assert groups == [(kind, i) for i in ids for kind in ("begin_group", "end_group")]
    by_name = survey_by_name(workbook)
    for section in content.questionnaire.sections:
        assert labels_in(by_name[section.id], "label", LANGUAGE_NAMES) == written(section.title)
        if section.intro:
            note = by_name[f"{section.id}_intro"]
            assert note["type"] == "note" and labels_in(note, "label", LANGUAGE_NAMES) == written(
                section.intro
            )


def test_reading_the_survey_back_finds_every_question_condition_and_translation(
    workbook: bytes, content: Content
) -> None:
    questionnaire = content.questionnaire
    by_name = survey_by_name(workbook)
    for q in questionnaire.questions.values():
        row = by_name[q.id]
        assert row["type"] == xlsform_type(questionnaire, q), q.id
        assert (row.get("relevant"), row.get("constraint")) == (q.relevant, q.constraint), q.id
        assert labels_in(row, "label", LANGUAGE_NAMES) == written(q.label), q.id
        assert labels_in(row, "hint", LANGUAGE_NAMES) == written(q.hint), q.id
        assert labels_in(row, "constraint_message", LANGUAGE_NAMES) == written(q.constraint_message), q.id
        assert (row.get("required") == "yes") == q.required, q.id
        assert all(labels_in(row, "required_message", LANGUAGE_NAMES).values()) == q.required, q.id
    # The content is translated: every text it has in French, Spanish and Arabic is in the workbook as it is.
    arabic = [by_name[q.id]["label::Arabic (ar)"] for q in questionnaire.questions.values()]
    assert arabic == [q.label.ar for q in questionnaire.questions.values()] and all(arabic)


def test_reading_the_choices_back_finds_every_choice_of_every_list(workbook: bytes, content: Content) -> None:
    questionnaire = content.questionnaire
    lists: dict[str, dict[str, dict[str, str]]] = {}
    for row in sheet(workbook, "choices"):
        lists.setdefault(row["list_name"], {})[row["name"]] = labels_in(row, "label", LANGUAGE_NAMES)
    for q in questionnaire.questions.values():
        if q.type in (QuestionType.integer, QuestionType.date, QuestionType.text):
            continue
        found = lists[list_name(questionnaire, q)]
        assert found == {c.value: written(c.label) for c in questionnaire.choices(q)}, q.id
    countries = lists["countries"]
    assert list(countries) == [code for code, _ in all_countries()]
    assert countries["MWI"]["en"] == "Malawi" and countries["VNM"]["en"] == "Viet Nam"
    assert countries["MWI"]["fr"] == "Malawi" and countries["TZA"]["fr"] == "République unie de Tanzanie"
    assert countries["MWI"]["ar"] == "ملاوي"


def test_the_settings_give_a_stable_form_id_and_the_questionnaire_version(
    workbook: bytes, content: Content
) -> None:
    (settings,) = sheet(workbook, "settings")
    assert settings == {
        "form_title": content.questionnaire.title.en,
        "form_id": "cer_diagnostic",
        "version": content.questionnaire.version,
        "default_language": "English (en)",
    }


def test_a_text_not_yet_translated_is_given_in_english_and_a_language_without_texts_has_no_column() -> None:
    questionnaire = Questionnaire.model_validate({
        "version": "2031.4", "title": {"en": "Small"},
        "sections": [{"id": "only", "title": {"en": "Only", "fr": "Seule"}, "questions": [
            {"id": "lead", "type": "single", "label": {"en": "Who leads?"}, "source": "inferred",
             "constraint": ". != 'x'",
             "choices": [{"value": "a", "label": {"en": "A"}}, {"value": "x", "label": {"en": "X"}}]},
        ]}],
    })  # fmt: skip
    made = questionnaire_xlsform(questionnaire, [("MWI", "Malawi")])
    rows = survey_by_name(made)
    header = next(load_workbook(io.BytesIO(made))["survey"].iter_rows(values_only=True))
    assert "label::French (fr)" in header and "label::Arabic (ar)" not in header
    assert labels_in(rows["lead"], "label", ("en", "fr")) == {"en": "Who leads?", "fr": "Who leads?"}
    assert labels_in(rows["only"], "label", ("en", "fr")) == {"en": "Only", "fr": "Seule"}
    assert rows["lead"]["type"] == "select_one lead"
    assert convert(xlsform=io.BytesIO(made), validate=True, file_type=".xlsx").xform


def unspaced(text: str | None) -> str | None:
    return re.sub(r"\s+", "", text) if text is not None else None


def xlsform_type(questionnaire: Questionnaire, q: Question) -> str:
    plain = {QuestionType.integer: "integer", QuestionType.date: "date", QuestionType.text: "text"}
    if q.type in plain:
        return plain[q.type]
    kind = "select_multiple" if q.type is QuestionType.multiple else "select_one"
    return f"{kind} {list_name(questionnaire, q)}"
