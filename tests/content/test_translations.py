"""The toolkit in French, Spanish and Arabic: every text translated, the glossary followed, nothing else
changed.

Content texts live in `cer/locale/<lang>/LC_MESSAGES/content.po`, the interface's in `messages.po`; both are
extracted by `make messages` (tests/web/test_i18n.py fails when they are stale).
"""

from __future__ import annotations

import re
import types
import typing
from pathlib import Path
from typing import Any

import pytest
import yaml
from babel.messages.pofile import read_po
from pydantic import BaseModel

from cer.content import content_files, default_root, get_content, translations
from cer.content.translations import FILE_MODELS, NOT_TEXT, TEXT_FIELDS, Fallback
from diagnostics.questionnaire import Labels

LOCALE = Path(translations.LOCALE_DIR)
GLOSSARY = yaml.safe_load((LOCALE / "glossary.yaml").read_text(encoding="utf-8"))
QUESTIONNAIRE = "diagnostics/content/questionnaire.yaml"


def _po(lang: str, domain: str) -> list[Any]:
    with (LOCALE / lang / "LC_MESSAGES" / f"{domain}.po").open("rb") as f:
        return [m for m in read_po(f, locale=lang) if m.id]


def _translated(message: Any) -> bool:
    strings = message.string if isinstance(message.string, tuple | list) else [message.string]
    return all(strings) and "fuzzy" not in message.flags


def _missing(lang: str, domain: str, only_file: str | None = None) -> list[str]:
    return [
        str(m.id)[:70]
        for m in _po(lang, domain)
        if not _translated(m) and (only_file is None or any(loc[0] == only_file for loc in m.locations))
    ]


@pytest.mark.parametrize("lang", ["fr", "es"])
def test_every_content_text_is_translated_into_french_and_spanish(lang: str) -> None:
    missing = _missing(lang, "content")
    assert not missing, f"{len(missing)} content texts lack {lang}: {missing[:10]}"


def test_every_questionnaire_text_is_translated_into_arabic() -> None:
    missing = _missing("ar", "content", only_file=QUESTIONNAIRE)
    assert not missing, f"{len(missing)} questionnaire texts lack Arabic: {missing[:10]}"


@pytest.mark.parametrize("lang", ["fr", "es", "ar"])
def test_every_interface_message_is_translated(lang: str) -> None:
    missing = _missing(lang, "messages")
    assert not missing, f"{len(missing)} interface messages lack {lang}: {missing[:10]}"


def test_the_catalogues_hold_every_content_text() -> None:
    files, _ = content_files(default_root())
    english = {text for model in files.values() for text, _ in translations.texts(model) if text.strip()}
    for lang in translations.LANGUAGES:
        listed = {m.id for m in _po(lang, "content")}
        assert english <= listed, f"{lang}: run `make messages`: {sorted(english - listed)[:5]}"


def _string_fields(model: type[BaseModel], seen: set[type[BaseModel]]) -> list[tuple[type[BaseModel], str]]:
    """Every (model, field) holding text (str, list of str...), in `model` and the models it contains."""
    if model in seen or model is Labels:
        return []
    seen.add(model)
    found = []
    for name, field in model.model_fields.items():
        kinds = _leaves(field.annotation)
        if str in kinds:
            found.append((model, name))
        for kind in kinds:
            if isinstance(kind, type) and issubclass(kind, BaseModel):
                found += _string_fields(kind, seen)
    return found


def _leaves(annotation: Any) -> set[Any]:
    """What a field's values may be (a dict's values, not its keys); a str with a pattern is a code."""
    origin = typing.get_origin(annotation)
    if origin is typing.Annotated:
        inner, *meta = typing.get_args(annotation)
        coded = any(
            getattr(m, "metadata", None) and any(hasattr(x, "pattern") for x in m.metadata) for m in meta
        )
        return set() if inner is str and coded else _leaves(inner)
    if origin is dict:
        return _leaves(typing.get_args(annotation)[1])
    if origin in (list, tuple, set, frozenset, typing.Union, types.UnionType):
        return {leaf for arg in typing.get_args(annotation) for leaf in _leaves(arg)}
    if isinstance(annotation, type) and issubclass(annotation, str) and annotation is not str:
        return set()  # an enum of codes
    return {annotation}


def _declared(model: type[BaseModel], field: str) -> bool:
    for kind in model.__mro__:
        if field in TEXT_FIELDS.get(kind, ()) or field in NOT_TEXT.get(kind, ()):
            return True
    return False


def test_every_string_field_of_the_content_is_declared_a_text_or_not() -> None:
    """A new field holding words must be translated (TEXT_FIELDS) or said not to be prose (NOT_TEXT)."""
    seen: set[type[BaseModel]] = set()
    fields = [pair for model in FILE_MODELS for pair in _string_fields(model, seen)]
    undeclared = [f"{m.__name__}.{f}" for m, f in fields if not _declared(m, f)]
    assert not undeclared, f"declare in cer/content/translations.py: {undeclared}"
    assert len(fields) > 40


def _leaves_of(value: Any, path: str = "") -> dict[str, Any]:
    if isinstance(value, BaseModel):
        return {
            k: v
            for name in type(value).model_fields
            for k, v in _leaves_of(getattr(value, name), f"{path}.{name}").items()
        }
    if isinstance(value, list | tuple):
        return {k: v for i, item in enumerate(value) for k, v in _leaves_of(item, f"{path}[{i}]").items()}
    if isinstance(value, dict):
        return {k: v for key, item in value.items() for k, v in _leaves_of(item, f"{path}.{key}").items()}
    return {path: value}


@pytest.mark.parametrize("lang", ["fr", "es", "ar"])
def test_a_translated_content_differs_from_english_in_its_texts_only(lang: str) -> None:
    english, other = get_content(), get_content(lang=lang)
    assert other.version == english.version and other.lang == lang
    words = translations.catalogue(lang)
    changed = 0
    for name in ("questionnaire", "rules", "planning", "calendars"):
        before, after = _leaves_of(getattr(english, name)), _leaves_of(getattr(other, name))
        assert before.keys() == after.keys()
        for path, value in before.items():
            if after[path] != value:
                changed += 1
                assert isinstance(value, str) and words.get(value) == after[path], path
    for a, b in zip(english.framework.actions, other.framework.actions, strict=True):
        assert (a.id, a.workstreams, a.scope, a.source) == (b.id, b.workstreams, b.scope, b.source)
        assert b.name == words.get(a.name, a.name)
    for a, b in zip(english.catalogue.tools, other.catalogue.tools, strict=True):
        assert (a.id, a.title, a.url, a.countries) == (b.id, b.title, b.url, b.countries), "titles stay"
    assert changed > 0


def test_a_text_without_translation_stays_english_and_says_so() -> None:
    arabic = get_content(lang="ar")
    words = translations.catalogue("ar")
    tool = arabic.catalogue.tools[0]
    assert tool.summary == words.get(tool.summary, tool.summary)
    untranslated = [t for t in arabic.catalogue.tools if t.summary not in words.values()]
    for t in untranslated:
        assert isinstance(t.summary, Fallback)
        assert t.summary.__html__().startswith('<span lang="en" dir="ltr" class="fallback">')
    french = get_content(lang="fr")
    assert not any(isinstance(t.summary, Fallback) for t in french.catalogue.tools)


def test_the_questionnaire_speaks_every_language_at_once() -> None:
    """Labels carry all languages in every copy (a form in the reader's language, an XLSForm with all)."""
    questionnaire = get_content().questionnaire
    for section in questionnaire.sections:
        for question in section.questions:
            for lang in ("fr", "es", "ar"):
                assert getattr(question.label, lang), f"{question.id} has no {lang} label"


def _variants(term: str) -> re.Pattern[str]:
    """A glossary term in any case, each word singular or plural ('équipes de pays des Nations Unies')."""
    words = [re.escape(w) + r"(?:s|es|x)?" for w in term.split()]
    return re.compile(r"\b" + r"\s+".join(words), re.IGNORECASE)


def _english_variants(term: str) -> re.Pattern[str]:
    alternatives = {term, term.replace("United Nations", "UN")}
    return re.compile("|".join(r"\b" + re.escape(a) for a in alternatives), re.IGNORECASE)


@pytest.mark.parametrize("lang", ["fr", "es"])
@pytest.mark.parametrize("domain", ["content", "messages"])
def test_translations_use_the_glossarys_un_terms(lang: str, domain: str) -> None:
    offences = []
    for term in GLOSSARY["un_terms"]:
        english = _english_variants(term["en"])
        wanted = [_variants(term[lang])] + (
            [_variants(term[f"{lang}_plural"])] if f"{lang}_plural" in term else []
        )
        for message in _po(lang, domain):
            said = isinstance(message.id, str) and english.search(message.id) and _translated(message)
            if said and not any(w.search(message.string.replace("’", "'")) for w in wanted):
                offences.append(f"{term['en']!r} → {term[lang]!r} in {message.string[:80]!r}")
    assert not offences, f"{len(offences)} translations ignore the glossary: {offences[:8]}"


class _AnyValue(dict[str, object]):
    def __missing__(self, key: str) -> object:
        return 1


@pytest.mark.parametrize("lang", ["en", "fr", "es", "ar"])
def test_every_translation_can_be_filled_in(lang: str) -> None:
    """The website fills every message with `%` (even one without placeholders): a lone "%" in a translation
    ("% terminado") would break every page that shows it."""
    broken = []
    for message in _po(lang, "messages"):
        strings = message.string if isinstance(message.string, tuple | list) else [message.string]
        for text in filter(None, strings):
            try:
                text % _AnyValue()
            except (ValueError, TypeError) as exc:
                broken.append(f"{text!r}: {exc}")
    assert not broken, broken
