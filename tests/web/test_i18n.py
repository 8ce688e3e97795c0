"""The translation layer: catalogues that match the templates, no English outside it, the language choice."""

from __future__ import annotations

import html
import re
import shutil
from pathlib import Path

import pytest
from babel.messages.catalog import Catalog
from babel.messages.pofile import read_po
from fastapi.testclient import TestClient
from markupsafe import escape

from cer.views import i18n
from cer.web.app import SECTIONS, create_app
from cer.web.deps import LANG_COOKIE
from cer.web.templating import TEMPLATES

REPO = Path(__file__).resolve().parents[2]
TEMPLATE_DIR = REPO / "cer" / "templates" / "web"
POT = i18n.LOCALE_DIR / f"{i18n.DOMAIN}.pot"
RUN = "run `make messages` and translate what it adds"
FRAME = [
    *(label for _, label in SECTIONS),
    "Skip to content",
    "Toolkit sections",
    "Language:",
    "JSON API",
    "CER toolkit",
    "UN Coherence, Effectiveness and Relevance toolkit",
    "Search",
    "Show tools",
    "Clear",
    "Workstream",
    "Step",
    "Type",
    "Country",
    "any",
]
# Words a template may show as they are: file formats, and each language's name written in that language.
UNTRANSLATED = {"CSV", "XLSX", "HTML", "Markdown", "SVG", "UTC", "English", "Français", "Español"}
HIDDEN = [  # what a visitor never reads, or reads through the translation layer, in the order removed
    r"\{#.*?#\}",
    r"\{%-?\s*trans\b.*?%\}.*?\{%-?\s*endtrans\s*-?%\}",
    r"<script\b.*?</script>",
    r"<style\b.*?</style>",
    r"<!--.*?-->",
    r"\{\{.*?\}\}",
    r"\{%.*?%\}",
]
VISIBLE_ATTRIBUTE = re.compile(r"""\b(?:aria-label|title|placeholder|alt)\s*=\s*(["'])(.*?)\1""", re.S)
WORD = re.compile(r"[^\W\d_]{2,}")


def _read(path: Path, lang: str | None = None) -> Catalog:
    with path.open("rb") as f:
        return read_po(f, locale=lang)


def _ids(catalog: Catalog) -> set[str | tuple[str, ...]]:
    return {m.id for m in catalog if m.id}


def _strings(message_string: object) -> list[str]:
    return list(message_string) if isinstance(message_string, tuple | list) else [str(message_string or "")]


def test_the_committed_message_template_holds_every_message_of_the_templates_and_code() -> None:
    fresh, committed = _ids(i18n.extract(REPO)), _ids(_read(POT))
    assert fresh == committed, (
        f"cer/locale/messages.pot is stale; {RUN}. New: {sorted(fresh - committed, key=str)}; "
        f"gone: {sorted(committed - fresh, key=str)}"
    )


def test_english_is_complete_and_every_catalogue_has_exactly_the_template_messages() -> None:
    template = _ids(_read(POT))
    for lang in i18n.LANGUAGES:
        catalog = _read(i18n.po_path(lang), lang)
        ids = _ids(catalog)
        assert ids == template and not catalog.obsolete, (
            f"{lang}: {RUN}. Missing: {sorted(template - ids, key=str)}; "
            f"obsolete: {sorted((ids - template) | set(catalog.obsolete), key=str)}"
        )
    blank = [m.id for m in _read(i18n.po_path("en"), "en") if m.id and not all(_strings(m.string))]
    assert not blank, f"English messages without text ({RUN}): {blank}"


def test_translations_keep_the_placeholders_of_the_english() -> None:
    for lang in ("fr", "es"):
        problems = [(m.id, [str(e) for e in errors]) for m, errors in _read(i18n.po_path(lang), lang).check()]
        assert not problems, f"{lang}: {problems}"


def test_the_page_frame_and_facets_are_translated_into_french_and_spanish() -> None:
    for lang in ("fr", "es"):
        catalog = _read(i18n.po_path(lang), lang)
        untranslated = [text for text in FRAME if not all(_strings(catalog[text].string))]
        assert not untranslated, f"{lang} lacks: {untranslated}"


def test_rerunning_make_messages_changes_no_catalogue(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Compares what each catalogue says, not its bytes: the header names the Babel version that wrote it and
    dates, which a newer Babel or another day changes without changing a single message."""
    copy = tmp_path / "locale"
    shutil.copytree(i18n.LOCALE_DIR, copy)
    files = sorted(copy.rglob("*.po*"))
    before = {path: i18n.messages(path.read_bytes()) for path in files}
    monkeypatch.setattr(i18n, "LOCALE_DIR", copy)
    i18n.update(REPO)
    changed = [
        str(path.relative_to(copy)) for path in files if i18n.messages(path.read_bytes()) != before[path]
    ]
    assert not changed, f"`python -m cer.views.i18n` rewrites {changed}: the catalogues are stale; {RUN}"


def test_an_older_header_alone_does_not_make_the_update_rewrite_a_catalogue(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    copy = tmp_path / "locale"
    shutil.copytree(i18n.LOCALE_DIR, copy)
    french = copy / "fr" / "LC_MESSAGES" / f"{i18n.DOMAIN}.po"
    aged = re.sub(
        r"POT-Creation-Date: [\d:+ -]+", "POT-Creation-Date: 2000-01-01 00:00+0000", french.read_text()
    )
    aged = re.sub(r"Generated-By: Babel [\w.]+", "Generated-By: Babel 0.1", aged)
    french.write_text(aged)
    monkeypatch.setattr(i18n, "LOCALE_DIR", copy)
    i18n.update(REPO)
    assert french.read_text() == aged


def test_a_changed_translation_is_a_changed_catalogue() -> None:
    french = i18n.po_path("fr").read_bytes()
    edited = french.replace(b'msgstr "Rechercher"', b'msgstr "Chercher"', 1)
    assert edited != french and i18n.messages(edited) != i18n.messages(french)


def test_new_messages_reach_french_untranslated_and_english_filled(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(i18n, "LOCALE_DIR", tmp_path)
    filled = i18n.update(REPO, langs=("en", "fr"))
    english, french = _read(i18n.po_path("en"), "en"), _read(i18n.po_path("fr"), "fr")
    assert len(filled) == len(_ids(english)) > 0
    assert all(all(_strings(m.string)) for m in english if m.id)
    assert not any(any(_strings(m.string)) for m in french if m.id)


def _hide(pattern: str, text: str) -> str:
    """Blanks what `pattern` matches, keeping line numbers and leaving a break between the texts around it."""
    return re.sub(pattern, lambda m: "\x1f" + "\n" * m.group().count("\n"), text, flags=re.S | re.I)


def _english_outside_the_translation_layer(source: str) -> list[tuple[int, str]]:
    for pattern in HIDDEN[:5]:
        source = _hide(pattern, source)
    found = []
    for match in VISIBLE_ATTRIBUTE.finditer(source):
        value = re.sub(r"\{\{.*?\}\}|\{%.*?%\}", "", match.group(2), flags=re.S)
        if set(WORD.findall(value)) - UNTRANSLATED:
            found.append((source.count("\n", 0, match.start()) + 1, match.group()))
    for pattern in HIDDEN[5:]:
        source = _hide(pattern, source)
    source = _hide(r"<[^>]*>", source)
    source = _hide(r"""[\w:.@-]+\s*=\s*(["']).*?\1""", source)  # attributes a macro writes outside a tag
    for lineno, line in enumerate(source.splitlines(), 1):
        for text in line.split("\x1f"):
            if set(WORD.findall(html.unescape(text))) - UNTRANSLATED:
                found.append((lineno, text.strip()))
    return found


def test_no_template_shows_english_outside_the_translation_layer() -> None:
    offending = [
        f"{path.relative_to(TEMPLATE_DIR)}:{lineno}: {text!r}"
        for path in sorted(TEMPLATE_DIR.rglob("*.html"))
        for lineno, text in _english_outside_the_translation_layer(path.read_text())
    ]
    assert not offending, "wrap these in {{ _(...) }} or {% trans %}, then `make messages`:\n" + "\n".join(
        offending
    )


def test_the_heuristic_finds_bare_text_and_attributes_but_not_translated_text() -> None:
    source = (
        '{# a comment #}<p title="Help">{{ _("Hi") }} {% trans %}Hello{% endtrans %} Bare words'
        '<a aria-label="{{ _(\'Menu\') }}">CSV</a><script>let x = "code";</script></p>'
    )
    assert _english_outside_the_translation_layer(source) == [(1, 'title="Help"'), (1, "Bare words")]


def test_templates_look_up_the_messages_that_were_extracted() -> None:
    """The app's Jinja environment must parse `{% trans %}` blocks as the extractor does (whitespace trimmed),
    or a multi-line block is looked up under a msgid no catalogue has and is never translated."""
    known = {m if isinstance(m, str) else m[0] for m in _ids(_read(POT))}
    lost = [
        f"{path.relative_to(TEMPLATE_DIR)}:{lineno}: {message!r}"
        for path in sorted(TEMPLATE_DIR.rglob("*.html"))
        for lineno, _, message in TEMPLATES.env.extract_translations(path.read_text())  # type: ignore[attr-defined]
        if message and (message if isinstance(message, str) else message[0]) not in known
    ]
    assert not lost, "looked up but not in the catalogues:\n" + "\n".join(lost)


def _nav(page: str) -> list[str]:
    nav = re.findall(r"<nav aria-label=.*?</nav>", page, re.S)[0]
    return re.findall(r'">([^<]+)</a></li>', nav)


def _in(lang: str, texts: list[str]) -> list[str]:
    return [str(escape(i18n.translations(lang).gettext(text))) for text in texts]


LABELS = [label for _, label in SECTIONS]


def test_the_browser_language_chooses_the_page_language() -> None:
    page = TestClient(create_app()).get("/", headers={"Accept-Language": "fr-FR,fr;q=0.9"}).text
    assert '<html lang="fr">' in page
    assert _nav(page) == _in("fr", LABELS) != LABELS


def test_choosing_a_language_sets_a_cookie_that_beats_the_browser_language() -> None:
    client = TestClient(create_app())
    chosen = client.get("/language", params={"lang": "es", "next": "/tools"}, follow_redirects=False)
    assert chosen.status_code == 303 and chosen.headers["location"] == "/tools"
    assert chosen.cookies[LANG_COOKIE] == "es"
    page = client.get("/tools", headers={"Accept-Language": "fr"}).text
    assert '<html lang="es">' in page and _nav(page) == _in("es", LABELS)
    assert all(text in page for text in _in("es", ["Show tools", "Search", "Workstream"]))


@pytest.mark.parametrize("target", ["https://evil.example/", "//evil.example/", "javascript:alert(1)", ""])
def test_choosing_a_language_never_redirects_off_the_site(target: str) -> None:
    response = TestClient(create_app()).get(
        "/language", params={"lang": "fr", "next": target}, follow_redirects=False
    )
    assert response.status_code == 303 and response.headers["location"] == "/"


def test_an_unknown_language_falls_back_to_english() -> None:
    client = TestClient(create_app())
    for headers, cookies in (({"Accept-Language": "de-DE,de;q=0.9"}, {}), ({}, {LANG_COOKIE: "xx"})):
        client.cookies.clear()
        client.cookies.update(cookies)
        page = client.get("/", headers=headers).text
        assert '<html lang="en">' in page and _nav(page) == LABELS
    refused = client.get("/language", params={"lang": "de", "next": "/"}, follow_redirects=False)
    assert refused.status_code == 422 and LANG_COOKIE not in refused.cookies
