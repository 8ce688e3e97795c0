"""The diagnostic questionnaire as an XLSForm (issue 20): a workbook KoBoToolbox and ODK Central take as it
is, to field the diagnostic on phones and tablets, offline.

Three sheets, as the XLSForm specification names them: `survey` (a `country` question first, chosen from the
ISO 3166 list; the questionnaire's version as a `calculate` field, so every submission says which version it
answered; then a group per section, its intro as a note), `choices` (every list the questions choose from)
and `settings` (a stable `form_id`, `version` = the questionnaire's version). Texts go in one column per
language, `label::French (fr)`, as KoBo reads them; a text the content has not translated yet is given in
English there (an empty cell would show a dash on the phone). Conditions are copied as the content writes
them: its expression language is ODK XPath."""

from __future__ import annotations

import gettext
import io
from collections.abc import Iterable, Sequence
from functools import cache
from typing import TYPE_CHECKING

from openpyxl import Workbook

from cer.views.i18n import N_, translations
from diagnostics.questionnaire import (
    LANGUAGES,
    READINESS_CHOICES,
    YES_NO_CHOICES,
    Choice,
    Labels,
    Question,
    Questionnaire,
    QuestionType,
)

if TYPE_CHECKING:
    from openpyxl.worksheet.worksheet import Worksheet

FORM_ID = "cer_diagnostic"  # stable: KoBo and ODK Central keep every version's submissions under it
COUNTRY = "country"  # the answers files' key: `country: MWI`
VERSION_FIELD = "questionnaire_version"
COUNTRY_LIST = "countries"
LANGUAGE_NAMES = {"en": "English (en)", "fr": "French (fr)", "es": "Spanish (es)", "ar": "Arabic (ar)"}
BUILT_IN_LISTS = {QuestionType.readiness: "readiness", QuestionType.yes_no: "yes_no"}
PLAIN_TYPES = {QuestionType.integer: "integer", QuestionType.date: "date", QuestionType.text: "text"}
SURVEY_COLUMNS = ("type", "name", "label", "hint", "required", "required_message", "constraint",
                  "constraint_message", "relevant", "calculation", "appearance")  # fmt: skip
TRANSLATED = frozenset({"label", "hint", "required_message", "constraint_message"})
COUNTRY_LABEL = N_("Country")
REQUIRED_MESSAGE = N_("an answer is required")

Line = dict[str, "str | Labels | None"]
Texts = dict[str, str]  # language → text


def questionnaire_xlsform(questionnaire: Questionnaire, countries: Iterable[tuple[str, str]]) -> bytes:
    """The questionnaire as an XLSForm workbook (.xlsx bytes); `countries`: (ISO alpha-3 code, English name),
    the names given in French, Spanish and Arabic from the ISO 3166 translations."""
    langs = languages(questionnaire)
    book = Workbook()
    survey = book.active
    assert survey is not None  # a new workbook has its sheet
    survey.title = "survey"
    _write(survey, SURVEY_COLUMNS, survey_rows(questionnaire), langs)
    _write(
        book.create_sheet("choices"),
        ("list_name", "name", "label"),
        choice_rows(questionnaire, countries),
        langs,
    )
    settings: Line = {
        "form_title": questionnaire.title.en,
        "form_id": FORM_ID,
        "version": questionnaire.version,
        "default_language": LANGUAGE_NAMES["en"],
    }
    _write(book.create_sheet("settings"), tuple(settings), [settings], langs)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def languages(questionnaire: Questionnaire) -> list[str]:
    """English, and each language the content has texts in."""
    found = {lang for labels in _all_labels(questionnaire) for lang in LANGUAGES if getattr(labels, lang)}
    return [lang for lang in LANGUAGES if lang == "en" or lang in found]


def survey_rows(questionnaire: Questionnaire) -> list[Line]:
    rows: list[Line] = [
        {"type": f"select_one {COUNTRY_LIST}", "name": COUNTRY, "label": _interface(COUNTRY_LABEL),
         "required": "yes", "required_message": _interface(REQUIRED_MESSAGE), "appearance": "autocomplete"},
        {"type": "calculate", "name": VERSION_FIELD, "calculation": f"'{questionnaire.version}'"},
    ]  # fmt: skip
    taken = {COUNTRY, VERSION_FIELD, *questionnaire.questions}
    for section in questionnaire.sections:
        rows.append({"type": "begin_group", "name": section.id, "label": section.title})
        if section.intro:
            rows.append({"type": "note", "name": _free(f"{section.id}_intro", taken), "label": section.intro})
        rows += [_question_row(questionnaire, q) for q in section.questions]
        rows.append({"type": "end_group", "name": section.id})
    return rows


def _question_row(questionnaire: Questionnaire, q: Question) -> Line:
    required: Line = (
        {"required": "yes", "required_message": _interface(REQUIRED_MESSAGE)} if q.required else {}
    )
    return {
        "type": _type(questionnaire, q), "name": q.id, "label": q.label, "hint": q.hint, **required,
        "constraint": q.constraint, "constraint_message": q.constraint_message, "relevant": q.relevant,
    }  # fmt: skip


def _type(questionnaire: Questionnaire, q: Question) -> str:
    if q.type in PLAIN_TYPES:
        return PLAIN_TYPES[q.type]
    kind = "select_multiple" if q.type is QuestionType.multiple else "select_one"
    return f"{kind} {list_name(questionnaire, q)}"


def list_name(questionnaire: Questionnaire, q: Question) -> str:
    """The choices list a question chooses from: readiness, yes_no, a shared list's name, or its own id."""
    if q.type in BUILT_IN_LISTS:
        return BUILT_IN_LISTS[q.type]
    if q.choice_list:
        return q.choice_list
    shared = {*BUILT_IN_LISTS.values(), COUNTRY_LIST, *questionnaire.choice_lists}
    return q.id if q.id not in shared else f"{q.id}_choices"


def choice_rows(questionnaire: Questionnaire, countries: Iterable[tuple[str, str]]) -> list[Line]:
    lists: dict[str, Sequence[Choice]] = {
        "readiness": READINESS_CHOICES, "yes_no": YES_NO_CHOICES, **questionnaire.choice_lists,
    }  # fmt: skip
    for q in questionnaire.questions.values():
        lists.setdefault(list_name(questionnaire, q), q.choices)
    rows: list[Line] = [
        {"list_name": COUNTRY_LIST, "name": code, "label": Labels(**country_names(code, name))}
        for code, name in countries
    ]
    rows += [{"list_name": name, "name": c.value, "label": c.label} for name, cs in lists.items() for c in cs]
    return rows


def country_names(code: str, name: str) -> Texts:
    """A country's name in each language: English as given, the others from pycountry's ISO 3166 catalogues
    (in reading order, as UN documents write them), English when a catalogue lacks it."""
    import pycountry

    from cer.content.countries import display_name

    found = pycountry.countries.get(alpha_3=code)
    names = {"en": name}
    for lang in LANGUAGES[1:]:
        iso = found.name if found else name
        translated = _iso_translations(lang).gettext(iso)
        names[lang] = display_name(translated) if translated != iso else name
    return names


@cache
def _iso_translations(lang: str) -> gettext.NullTranslations:
    import pycountry

    return gettext.translation("iso3166-1", pycountry.LOCALES_DIR, languages=[lang], fallback=True)


def _interface(message: str) -> Labels:
    """One of the interface's messages in each language (the first letter a capital, as a form shows it)."""
    texts = {lang: translations(lang).gettext(message) for lang in LANGUAGES}
    return Labels(**{lang: text[:1].upper() + text[1:] for lang, text in texts.items()})


def _free(name: str, taken: set[str]) -> str:
    while name in taken:
        name += "_"
    taken.add(name)
    return name


def _all_labels(questionnaire: Questionnaire) -> Iterable[Labels]:
    yield questionnaire.title
    for section in questionnaire.sections:
        yield from (labels for labels in (section.title, section.intro) if labels)
        for q in section.questions:
            yield from (labels for labels in (q.label, q.hint, q.constraint_message) if labels)
    for q in questionnaire.questions.values():
        yield from (c.label for c in questionnaire.choices(q))


def _write(sheet: Worksheet, columns: Sequence[str], rows: Sequence[Line], langs: Sequence[str]) -> None:
    """A header row (`label::English (en)`, … for the translated columns that rows use) and the rows."""
    used = [c for c in columns if any(row.get(c) for row in rows)]
    header = [(c, lang) for c in used for lang in (langs if c in TRANSLATED else [None])]
    sheet.append([f"{c}::{LANGUAGE_NAMES[lang]}" if lang else c for c, lang in header])
    for row in rows:
        sheet.append([_cell(row.get(c), lang) for c, lang in header])
    for cells in sheet.iter_rows(min_row=2):
        for cell in cells:
            if cell.data_type == "f":  # a text beginning with '=' stays text
                cell.data_type = "s"


def _cell(value: str | Labels | None, lang: str | None) -> str | None:
    if isinstance(value, Labels):
        return value.get(lang or "en")
    return value
