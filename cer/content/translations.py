"""The toolkit's content in other languages: one gettext catalogue per language, keyed by the English text.

The content's YAML is written in English. Every text a person reads in it (a step's name and objectives, an
action's sub-activities, a workstream's scope, a tool's summary, a question's label, a rule's reason...) is
listed in `cer/locale/content.pot` by `make messages` and translated in
`cer/locale/<lang>/LC_MESSAGES/content.po`, which translators edit with any PO editor. Which fields are texts
is said once, below (`TEXT_FIELDS`); a test fails on a new string field of the content's models that is in
neither list, so no text can escape translation unnoticed.

Published titles of tools, names of support providers and codes stay as published (facts), as the content's
README says. A text with no translation falls back to English as a `Fallback` string, which a web page shows
marked (`lang="en"`, underlined) and anything else reads as plain text.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from functools import cache
from pathlib import Path
from typing import Any

from babel.messages.catalog import Catalog
from babel.messages.pofile import read_po
from markupsafe import Markup, escape
from pydantic import BaseModel

from diagnostics.questionnaire import Choice, Labels, Question, Questionnaire, Section
from diagnostics.rules import (
    Duration,
    PlanningFile,
    Role,
    Rule,
    RulesFile,
    WorkstreamDefault,
)
from diagnostics.working_calendars import CalendarsFile, UnHoliday
from tools_catalog.models import SupportFile, SupportProvider, Tool, ToolsFile
from workstreams.models import Action, Step, StepsFile, Timing, Workstream, WorkstreamsFile
from workstreams.templates import TaskTemplate, TemplatesFile

LOCALE_DIR = Path(__file__).resolve().parent.parent / "locale"
DOMAIN = "content"
LANGUAGES = ("fr", "es", "ar")  # English is the content itself
# The texts a person reads, by model: translated. Labels (the questionnaire's texts) are texts wherever found.
TEXT_FIELDS: dict[type[BaseModel], tuple[str, ...]] = {
    Step: ("name", "tagline", "objectives", "notes"),
    Action: ("name", "detail", "sub_activities"),
    Timing: ("note",),
    Workstream: ("name", "qualifier", "scope", "may_not_apply_when", "always_applies_because"),
    Tool: ("summary", "note"),
    SupportProvider: ("description", "offers"),
    Choice: ("name",),
    Rule: ("reason",),
    WorkstreamDefault: ("reason",),
    Role: ("name", "short"),
    Duration: ("why",),
    TaskTemplate: ("title", "description"),
    UnHoliday: ("name", "note"),
}
# String fields that are not prose: identifiers, codes, conditions, addresses, and facts kept as published.
NOT_TEXT: dict[type[BaseModel], tuple[str, ...]] = {
    Step: ("alt_names",),  # other spellings seen in sources: facts
    Action: ("id",),
    Workstream: ("code", "dao_pillar"),  # the 2014 SOPs' pillar name, as published
    Tool: ("id", "title", "publisher", "countries", "tags", "url"),  # tags: search terms, searched in English
    SupportProvider: ("id", "name", "contact_hint"),
    Choice: ("value",),
    Question: ("id", "relevant", "constraint", "choice_list", "default"),
    Section: ("id",),
    Questionnaire: ("version",),
    Rule: ("id", "when", "workstream", "action", "tool"),
    Role: ("id", "chaired_by", "present_when", "fallback"),
    TaskTemplate: ("key", "action", "per", "when", "when_in", "unless"),
}
FILE_MODELS = (
    StepsFile,
    WorkstreamsFile,
    TemplatesFile,
    ToolsFile,
    SupportFile,
    Questionnaire,
    RulesFile,
    PlanningFile,
    CalendarsFile,
)


class Fallback(str):
    """A content text shown in English because its language has no translation yet: marked on web pages."""

    __slots__ = ()

    def __html__(self) -> Markup:
        return Markup('<span lang="en" dir="ltr" class="fallback">%s</span>') % escape(str(self))


def _fields_of(model: BaseModel) -> tuple[str, ...]:
    for kind in type(model).__mro__:
        if kind in TEXT_FIELDS:
            return TEXT_FIELDS[kind]
    return ()


def texts(model: Any, where: str = "") -> Iterator[tuple[str, str]]:
    """Every translatable English text under `model`, with where it is (`steps[3].objectives[1]`)."""
    if isinstance(model, Labels):
        yield model.en, where
        return
    if isinstance(model, BaseModel):
        fields = _fields_of(model)
        for name in type(model).model_fields:
            value = getattr(model, name)
            path = f"{where}.{name}" if where else name
            if name in fields:
                yield from _strings(value, path)
            else:
                yield from texts(value, path)
    elif isinstance(model, list | tuple):
        for i, item in enumerate(model):
            yield from texts(item, f"{where}[{i}]")
    elif isinstance(model, dict):
        for key, item in model.items():
            yield from texts(item, f"{where}.{key}")


def _strings(value: Any, where: str) -> Iterator[tuple[str, str]]:
    if isinstance(value, str):
        yield value, where
    elif isinstance(value, list):
        for i, item in enumerate(value):
            yield from _strings(item, f"{where}[{i}]")


@cache
def catalogue(lang: str, locale_dir: Path = LOCALE_DIR) -> Mapping[str, str]:
    """The translated content texts of `lang` (English text → translation), empty for English or none."""
    path = locale_dir / lang / "LC_MESSAGES" / f"{DOMAIN}.po"
    if lang not in LANGUAGES or not path.is_file():
        return {}
    with path.open("rb") as f:
        po = read_po(f, locale=lang)
    return {
        m.id: m.string
        for m in po
        if isinstance(m.id, str) and isinstance(m.string, str) and m.id and m.string and not m.fuzzy
    }


def fill_labels(model: Any) -> Any:
    """`model` with every Labels' missing languages taken from the catalogues (the questionnaire speaks
    every language at once: a form is shown in the reader's, an XLSForm carries them all)."""
    return _rebuild(model, _fill)


def translated(model: Any, lang: str) -> Any:
    """`model` with its texts in `lang`; a text without a translation stays English, as a `Fallback`."""
    if lang not in LANGUAGES:
        return model
    words = catalogue(lang)

    def one(text: str) -> str:
        found = words.get(text)
        return found if found else Fallback(text)

    return _rebuild(model, _fill, one)


def _fill(labels: Labels) -> Labels:
    missing = {
        lang: catalogue(lang).get(labels.en) for lang in LANGUAGES if getattr(labels, lang, None) is None
    }
    missing = {lang: text for lang, text in missing.items() if text}
    if not missing:
        return labels
    filled = _copy(labels, missing)
    assert isinstance(filled, Labels)
    return filled


def _rebuild(model: Any, labels: Callable[[Labels], Labels], text: Callable[[str], str] | None = None) -> Any:
    if isinstance(model, Labels):
        return labels(model)
    if isinstance(model, BaseModel):
        fields = _fields_of(model)
        changes = {}
        for name in type(model).model_fields:
            value = getattr(model, name)
            new = _texts_in(value, text) if text and name in fields else _rebuild(value, labels, text)
            if new is not value:
                changes[name] = new
        return _copy(model, changes) if changes else model
    if isinstance(model, list):
        items = [_rebuild(item, labels, text) for item in model]
        return items if any(a is not b for a, b in zip(items, model, strict=True)) else model
    if isinstance(model, dict):
        mapped = {key: _rebuild(item, labels, text) for key, item in model.items()}
        return mapped if any(mapped[k] is not model[k] for k in model) else model
    return model


def _texts_in(value: Any, text: Callable[[str], str]) -> Any:
    if isinstance(value, str):
        return text(value)
    if isinstance(value, list):
        return [_texts_in(item, text) for item in value]
    return value


def _copy(model: BaseModel, changes: dict[str, Any]) -> BaseModel:
    """A copy with `changes`, without what the original had memoized (an index of its questions, say,
    would still point at the untranslated ones)."""
    new = model.model_copy(update=changes)
    for key in [k for k in vars(new) if k not in type(model).model_fields]:
        del new.__dict__[key]
    return new


def template(files: Mapping[str, BaseModel]) -> Catalog:
    """Every content text as a fresh template catalogue: each with the file and place it comes from."""
    catalog = Catalog(project="cer-toolkit content", domain=DOMAIN, charset="utf-8", fuzzy=False)
    for rel, model in sorted(files.items()):
        for text, where in texts(model):
            if text.strip():
                catalog.add(text, None, [(rel, 0)], auto_comments=[where])
    return catalog
