"""The translation layer: Babel message catalogues for the website's own text.

Catalogues live in `cer/locale/<lang>/LC_MESSAGES/messages.po` beside a `messages.pot` template extracted from
the templates (`{% trans %}`, `_()`) and Python (`N_()` marks text rendered later). English is complete;
French and Spanish fill in over time and fall back to English. `python -m cer.views.i18n` re-extracts the
template and updates every catalogue (`make messages`). The .po files are read directly: no compile step.
"""

from __future__ import annotations

import copy
import io
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from functools import cache
from pathlib import Path

from babel.messages.catalog import Catalog, Message
from babel.messages.extract import extract_from_dir
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po, write_po
from babel.support import NullTranslations, Translations

LOCALE_DIR = Path(__file__).resolve().parent.parent / "locale"
LANGUAGES = ("en", "fr", "es", "ar")
DOMAIN = "messages"
METHODS = [
    ("**/templates/web/**.html", "jinja2.ext:babel_extract"),
    ("**/templates/reports/*.html", "jinja2.ext:babel_extract"),
    ("**/templates/reports/*.md", "jinja2.ext:babel_extract"),
    ("**/web/**.py", "python"),
    ("**/cli/*.py", "python"),
    ("**/views/report_words.py", "python"),
    ("**/views/reports.py", "python"),
    ("**/views/export_*.py", "python"),
    ("**/views/exports.py", "python"),
    ("**/views/render*.py", "python"),
    ("**/views/schedule.py", "python"),
    ("**/views/run_states.py", "python"),
    ("**/views/reason_words.py", "python"),
    ("**/views/notification_words.py", "python"),
    ("**/views/task_words.py", "python"),
    ("**/views/error_words.py", "python"),
    ("**/services/*.py", "python"),  # the services' refusals (N_ templates, said by cer.views.error_words)
    ("**/content/countries.py", "python"),
]
DOMAIN_PACKAGES = ("workstreams", "diagnostics", "tools_catalog")  # beside cer/, at the repository's root
DOMAIN_METHODS = [("**.py", "python")]
OPTIONS = {
    "**/templates/web/**.html": {"extensions": "jinja2.ext.i18n", "trimmed": "true"},
    "**/templates/reports/*.html": {"extensions": "jinja2.ext.i18n", "trimmed": "true"},
    "**/templates/reports/*.md": {"extensions": "jinja2.ext.i18n", "trimmed": "true"},
}
KEYWORDS = {
    "_": None,
    "gettext": None,
    "ngettext": (1, 2),
    "N_": None,
    "tr": (2,),
    "words": None,
    "say": None,
    "say_n": (1, 2),
    "invalid": None,  # the command line's refusals (cer.cli.app.invalid)
}
# The language of the command line's output (`cer --lang fr`, CER_LANG): set once per command by the CLI's
# callback and read by `say`. The website never sets it; it passes each request's language explicitly.
_CURRENT: ContextVar[str] = ContextVar("cer_language", default="en")


def N_(text: str) -> str:  # noqa: N802  (the conventional name for "mark for translation, translate later")
    """Marks `text` for extraction; templates translate it when they render it."""
    return text


def current_language() -> str:
    """The language `say` writes in: the command line's, English unless it chose another."""
    return _CURRENT.get()


@contextmanager
def using_language(lang: str) -> Iterator[str]:
    """Within the block, `say` writes in `lang` (an unknown language: English); restored after."""
    token = _CURRENT.set(lang if lang in LANGUAGES else "en")
    try:
        yield _CURRENT.get()
    finally:
        _CURRENT.reset(token)


def say(text: str, /, **variables: object) -> str:
    """`text` in the current language (cer --lang, CER_LANG), its %(name)s variables filled in."""
    translated: str = translations(_CURRENT.get()).gettext(text)
    return translated % variables if variables else translated


def say_n(singular: str, plural: str, num: int, /, **variables: object) -> str:
    """The singular or plural of a message in the current language, with `num` and the variables filled in."""
    translated: str = translations(_CURRENT.get()).ngettext(singular, plural, num)
    return translated % ({"num": num} | variables)


def po_path(lang: str) -> Path:
    return LOCALE_DIR / lang / "LC_MESSAGES" / f"{DOMAIN}.po"


@cache
def translations(lang: str) -> NullTranslations:
    """The catalogue for `lang` (English when there is none); messages it lacks fall back to English."""
    path = po_path(lang)
    if lang not in LANGUAGES or not path.exists():
        return NullTranslations()
    with path.open("rb") as f:
        catalog = read_po(f, locale=lang)
    buffer = io.BytesIO()
    write_mo(buffer, catalog)
    buffer.seek(0)
    return Translations(buffer, domain=DOMAIN)


def negotiate(accept_language: str | None, chosen: str | None = None) -> str:
    """`chosen` (a `lang` cookie or query value) when it is a language we have, else the first of the
    browser's `Accept-Language` preferences we have, else English."""
    if chosen in LANGUAGES:
        return chosen
    weighted = []
    for i, part in enumerate((accept_language or "").split(",")):
        tag, _, params = part.strip().partition(";")
        q = 1.0
        if params.strip().startswith("q="):
            try:
                q = float(params.strip()[2:])
            except ValueError:
                q = 0.0
        weighted.append((-q, i, tag.split("-")[0].lower()))
    for _, _, tag in sorted(weighted):
        if tag in LANGUAGES:
            return tag
    return "en"


def extract(root: Path) -> Catalog:
    """Every translatable message in the website's templates and Python, as a fresh template catalogue."""
    catalog = Catalog(project="cer-toolkit", domain=DOMAIN, charset="utf-8", fuzzy=False)
    found = extract_from_dir(
        str(root / "cer"), METHODS, OPTIONS, KEYWORDS, comment_tags=("Translators:",), strip_comment_tags=True
    )
    for filename, lineno, message, comments, context in found:
        catalog.add(message, None, [(f"cer/{filename}", lineno)], auto_comments=comments, context=context)
    for package in DOMAIN_PACKAGES:  # the domain's refusals: N_ templates in workstreams/, diagnostics/...
        tags = ("Translators:",)
        more = extract_from_dir(str(root / package), DOMAIN_METHODS, {}, KEYWORDS, comment_tags=tags)
        for filename, lineno, message, comments, context in more:
            where = [(f"{package}/{filename}", lineno)]
            catalog.add(message, None, where, auto_comments=comments, context=context)
    return catalog


def update(root: Path, langs: Iterable[str] = LANGUAGES) -> list[str]:
    """Rewrite messages.pot and merge it into each language's catalogue; English gets msgstr = msgid.

    Returns the English messages that were missing before (now filled)."""
    template = extract(root)
    _write(LOCALE_DIR / f"{DOMAIN}.pot", template)
    filled: list[str] = []
    for lang in langs:
        path = po_path(lang)
        if path.exists():
            with path.open("rb") as f:
                catalog = read_po(f, locale=lang)
        else:
            catalog = Catalog(locale=lang, domain=DOMAIN, project="cer-toolkit", fuzzy=False)
        # Babel adds the template's new Message objects themselves, not copies: filling English would
        # otherwise fill French and Spanish with English too.
        catalog.update(copy.deepcopy(template), no_fuzzy_matching=True)
        catalog.obsolete.clear()
        if lang == "en":
            for message in catalog:
                strings = (
                    list(message.string) if isinstance(message.string, tuple | list) else [message.string]
                )
                if message.id and not any(strings):
                    message.string = message.id
                    filled.append(str(message.id[0] if message.pluralizable else message.id))
        _write(path, catalog)
    translations.cache_clear()
    return filled


def _write(path: Path, catalog: Catalog) -> None:
    """Write `catalog` unless its messages are those already in the file: the header (dates, the Babel
    version that wrote it) alone never makes a catalogue change, so re-running the update changes nothing."""
    buffer = io.BytesIO()
    write_po(buffer, catalog, width=110, omit_header=False, sort_output=True, include_lineno=False)
    text = buffer.getvalue()
    if path.exists() and messages(path.read_bytes()) == messages(text):
        return
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(text)


MessageFacts = tuple[object, ...]


def messages(po: bytes) -> list[MessageFacts]:
    """What a catalogue says, without its header: each message's id, context, text, flags, comments and
    places, in order (obsolete ones too). Two catalogues with equal messages translate the same."""
    catalog = read_po(io.BytesIO(po))

    def facts(message: Message) -> MessageFacts:
        return (
            message.id,
            message.context,
            message.string,
            tuple(sorted(message.flags)),
            tuple(message.auto_comments),
            tuple(message.user_comments),
            tuple(message.locations),
            tuple(message.previous_id),
        )

    listed = [facts(m) for m in catalog if m.id]
    return listed + [("obsolete", *facts(m)) for m in catalog.obsolete.values()]


def update_content(root: Path) -> int:
    """Rewrite content.pot from the content's English texts and merge it into each language's content.po.

    A text whose English changed keeps its old translation marked fuzzy (with the previous English), which
    is not used until a translator confirms it. Returns the number of content texts."""
    from cer.content import content_files  # only here: `cer --help` must not load the content
    from cer.content import translations as content_translations

    files, _ = content_files(root)
    template = content_translations.template(files)
    _write(LOCALE_DIR / f"{content_translations.DOMAIN}.pot", template)
    for lang in content_translations.LANGUAGES:
        path = LOCALE_DIR / lang / "LC_MESSAGES" / f"{content_translations.DOMAIN}.po"
        if path.exists():
            with path.open("rb") as f:
                catalog = read_po(f, locale=lang)
        else:
            catalog = Catalog(
                locale=lang, domain=content_translations.DOMAIN, project="cer-toolkit", fuzzy=False
            )
        catalog.update(copy.deepcopy(template), update_header_comment=False)
        catalog.obsolete.clear()
        _write(path, catalog)
    content_translations.catalogue.cache_clear()
    return len(template)


if __name__ == "__main__":
    added = update(Path(__file__).resolve().parents[2])
    update_content(Path(__file__).resolve().parents[2])
    print(f"catalogues updated in {LOCALE_DIR}; {len(added)} new English messages")  # noqa: T201
