"""The website in French, Spanish and Arabic as a country team uses it (issue 19): the language chosen the
way a person chooses it, then sign in, the questionnaire, the diagnosis, the plan, a task's status changed and
the report, each journey on a database of its own.

Each journey sets the language another way: French with the footer's language picker (which must stay on the
page it was clicked on), Spanish by the browser's language (Accept-Language), Arabic by a `?lang=ar` address
opened in a browser that prefers Spanish and holds a French cookie (`?lang=` wins, and every local link, form
and htmx address of each page keeps it).

Every page reached is read as a person sees it; the journey fails (after looking at every page, listing each
problem with its page and address) when:
- an English interface message is on it: each message of cer/locale/messages.pot of 2 words or more that the
  language's catalogue does not leave as it is (a message cut by placeholders or markup: its opening part of
  2 words or more, its other parts of 3 or more). Read: the visible text (`innerText`) but for elements
  marked as in another language (the picker's language names, content not yet translated: `lang="en"`) and
  the tools' and support providers' published English names; the page's title; aria-label, title,
  placeholder and alt attributes;
- an English content text of 4 words or more is on it though content.po translates it (Arabic: also every
  questionnaire text, translated or not: those are required);
- `<html>` does not name the language (in Arabic: with `dir="rtl"`), or, in Arabic, the page is wider than
  the window at 1280 or at 360 pixels (the widest elements past an edge are named);
- the server answers 500 (at once, with the problems found so far).
Each page is saved at both widths as var/screenshots/lang-<lang>-<n>-<page>-<width>.png.
"""

from __future__ import annotations

import html
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from functools import cache
from typing import TYPE_CHECKING, Any
from urllib.parse import parse_qsl, urlsplit

import pytest
from babel.messages.catalog import Catalog
from babel.messages.pofile import read_po

from cer.content import get_content
from tests.conftest import REPO
from tests.e2e.harness import DESKTOP, PASSWORD, PHONE, require_browser, shoot
from tests.e2e.test_questionnaire_journey import answer_every_page

require_browser()  # before Playwright is imported: a clear failure under CI, a skip with the reason elsewhere
from playwright.sync_api import expect  # noqa: E402

if TYPE_CHECKING:
    from playwright.sync_api import Browser, BrowserContext, Page, Response

    from tests.e2e.harness import LiveServer

pytestmark = pytest.mark.e2e

LOCALE = REPO / "cer" / "locale"
CODE = "MWI"
# What the person types, in their language: a task's comment, the report's period and summary.
TYPED = {
    "fr": ("Réunion de lancement tenue", "janvier à mars 2027", "L'équipe de pays a adopté sa vision."),
    "es": ("Reunión de lanzamiento hecha", "enero a marzo de 2027", "El equipo de país acordó su visión."),
    "ar": ("عُقد اجتماع الانطلاق", "من يناير إلى مارس 2027", "اتفق فريق الأمم المتحدة القطري على رؤيته."),
}
SPLIT = re.compile(r"%\(\w+\)[sdifr]|%[sdifr]|<[^>]*>")  # placeholders and markup cut a message into parts
WORD = re.compile(r"[^\W\d_]{2,}")  # a word: two letters or more (a code such as "A" or "1.2" is not one)
ENDS = " \t\n.,;:·—–-()…\"'“”"

READ_PAGE = """lang => {
  const other = [...document.body.querySelectorAll('[lang]')]
    .filter(e => e.lang.split('-')[0] !== lang && e.innerText);
  let shown = document.body.innerText;
  for (const e of other) shown = shown.replace(e.innerText, '\\n');
  const said = [...document.querySelectorAll('[aria-label], [title], [placeholder], [alt]')]
    .filter(e => !e.closest('[lang]') || e.closest('[lang]').lang.split('-')[0] === lang)
    .flatMap(e => ['aria-label', 'title', 'placeholder', 'alt'].map(a => e.getAttribute(a)).filter(Boolean));
  const html = document.documentElement;
  return {all: document.body.innerText, interface: [shown, document.title, ...said].join('\\n'),
          lang: html.getAttribute('lang'), dir: html.getAttribute('dir')};
}"""
OVERFLOW = """() => {
  const width = window.innerWidth, past = [];
  for (const e of document.body.querySelectorAll('*')) {
    const r = e.getBoundingClientRect();
    if (r.width <= 1 || r.height <= 1 || (r.right <= width + 0.5 && r.left >= -0.5)) continue;
    const name = e.tagName.toLowerCase() + (e.id ? '#' + e.id : '')
      + (e.classList.length ? '.' + [...e.classList].join('.') : '');
    past.push({name, left: Math.round(r.left), right: Math.round(r.right), width: Math.round(r.width),
               text: (e.innerText || '').trim().slice(0, 50)});
  }
  past.sort((a, b) => b.width - a.width);
  return {scroll: document.documentElement.scrollWidth, width, past: past.slice(0, 5)};
}"""
ADDRESSES = """() => {
  const posts = f => (f.getAttribute('method') || 'get').toLowerCase() === 'post';
  const all = (css, kind, address) => [...document.querySelectorAll(css)].map(e => [kind, address(e)]);
  return [
    ...all('a[href]', 'link', e => e.getAttribute('href')),
    ...all('[hx-get], [hx-post]', 'htmx', e => e.getAttribute('hx-get') || e.getAttribute('hx-post')),
    ...all('form', 'form', f => (f.getAttribute('action') || '') + (posts(f) ? ''
      : (f.querySelector('input[type=hidden][name=lang]') ? '?lang=kept' : '?'))),
  ];
}"""


def _catalog(path: str) -> Catalog:
    with (LOCALE / path).open("rb") as po:
        return read_po(po)


def _plain(text: str) -> str:
    """Spaces as one space within each line; lines kept apart, so that no text is found across two blocks."""
    return "\n".join(" ".join(line.split()) for line in text.splitlines())


def _found(part: str, text: str) -> bool:
    return re.search(rf"(?<!\w){re.escape(part)}(?!\w)", text) is not None


def _forms(value: Any) -> list[str]:
    """A message's forms: its singular and plural, or its one text."""
    return [v for v in (value if isinstance(value, list | tuple) else [value]) if v]


@cache
def english_messages(lang: str) -> tuple[str, ...]:
    """The parts of the interface's English messages a page in `lang` must not show (see the module)."""
    translated = {m.id: _forms(m.string) for m in _catalog(f"{lang}/LC_MESSAGES/messages.po") if m.id}
    parts: set[str] = set()
    for message in _catalog("messages.pot"):
        theirs = translated.get(message.id, [])
        for english in _forms(message.id):
            if english in theirs:  # left as it is in this language: "OMT", "CSV"
                continue
            pieces = SPLIT.split(html.unescape(english))
            for n, piece in enumerate(pieces):
                piece = " ".join(piece.split()).strip(ENDS)
                least = 2 if len(pieces) == 1 or n == 0 else 3  # a message's opening words say it is there
                if len(WORD.findall(piece)) >= least and not any(piece in t for t in theirs):
                    parts.add(piece)
    return tuple(sorted(parts))


@cache
def english_content(lang: str) -> tuple[str, ...]:
    """The content's English texts (each line of 4 words or more) a page in `lang` must not show: those
    content.po translates; in Arabic, also every questionnaire text (required, translated or not)."""
    lines: set[str] = set()
    for message in _catalog(f"{lang}/LC_MESSAGES/content.po"):
        required = lang == "ar" and any(p.endswith("questionnaire.yaml") for p, _ in message.locations)
        if not message.id or not (required or any(t != message.id for t in _forms(message.string))):
            continue
        for english in _forms(message.id):
            lines |= {" ".join(s.split()) for s in english.splitlines() if len(WORD.findall(s)) >= 4}
    return tuple(sorted(lines))


@cache
def published_names() -> tuple[str, ...]:
    """The tools' titles and the support providers' names, kept as published (in English), longest first."""
    catalogue = get_content().catalogue
    names = {" ".join(t.title.split()) for t in catalogue.tools} | {p.name for p in catalogue.providers}
    return tuple(sorted(names, key=len, reverse=True))


def _without_published(text: str) -> str:
    for name in published_names():
        text = text.replace(name, "\n")
    return text


def _unkept(addresses: list[list[str]]) -> list[str]:
    """The local addresses of a page that lose `?lang=`: every one but another site's, a static file's or
    one naming a language itself (the language picker)."""
    lost = []
    for kind, address in addresses:
        local = address.startswith(("?", "/")) and not address.startswith(("//", "/static/"))
        if local and "lang" not in dict(parse_qsl(urlsplit(html.unescape(address)).query)):
            lost.append(f"{kind} {address}")
    return sorted(set(lost))


@dataclass
class Journey:
    """One person's journey in `lang`: `look()` at each page reached gathers what is wrong with it."""

    page: Page
    lang: str
    kept: bool = False  # the journey started from a `?lang=` address: every page must keep it
    problems: list[str] = field(default_factory=list)
    looked: int = 0
    failed: list[str] = field(default_factory=list)  # the server's errors: 500 answers, htmx's included

    def __post_init__(self) -> None:
        self.page.on("response", self._answered)

    def _answered(self, response: Response) -> None:
        if response.status >= 500:
            self.failed.append(f"{response.status} for {response.request.method} {response.url}")

    def look(self, name: str) -> None:
        page, lang = self.page, self.lang
        page.wait_for_load_state()
        self.looked += 1
        where = f"page {self.looked} '{name}' ({page.url})"
        if self.failed:
            shoot(page, f"lang-{lang}-{self.looked:02d}-{name}-server-error")
            pytest.fail(f"{where}: the server failed: {self.failed}; before: {self.problems}", pytrace=False)
        wrong = _in_english(page.evaluate(READ_PAGE, lang), lang)
        if self.kept:
            if "lang" not in dict(parse_qsl(urlsplit(page.url).query)):
                wrong.append(f"its address lost ?lang={lang}")
            lost = _unkept(page.evaluate(ADDRESSES))
            if lost:
                wrong.append(f"{len(lost)} local addresses without lang={lang}: {lost}")
        for size in (DESKTOP, PHONE):
            page.set_viewport_size(size)
            wide = page.evaluate(OVERFLOW) if lang == "ar" else {"scroll": 0, "width": 0}
            if wide["scroll"] > wide["width"]:
                wrong.append(
                    f"{wide['scroll']} px wide in a {wide['width']} px window; past an edge: {wide['past']}"
                )
            shoot(page, f"lang-{lang}-{self.looked:02d}-{name}-{size['width']}")
        page.set_viewport_size(DESKTOP)
        self.problems += [f"{where}: {w}" for w in wrong]


def _in_english(seen: dict[str, str], lang: str) -> list[str]:
    """What is wrong with a page's language, as READ_PAGE saw it."""
    said, shown = (_without_published(_plain(seen[k])) for k in ("interface", "all"))
    wrong = [f"<html lang={seen['lang']!r}>"] if seen["lang"] != lang else []
    if lang == "ar" and seen["dir"] != "rtl":
        wrong.append(f'<html dir={seen["dir"]!r}>, not dir="rtl"')
    english = [m for m in english_messages(lang) if _found(m, said)]
    if english:
        wrong.append(f"{len(english)} English interface messages: {english}")
    texts = [t for t in english_content(lang) if t in shown]
    if texts:
        wrong.append(f"{len(texts)} English content texts: {texts}")
    return wrong


@pytest.fixture
def context_for(browser: Browser, fresh_server: LiveServer) -> Iterator[Callable[..., BrowserContext]]:
    """A browser context on a fresh server, speaking `locale` (its Accept-Language); closed at the end."""
    made: list[BrowserContext] = []

    def new(locale: str = "en-US") -> BrowserContext:
        context = browser.new_context(base_url=fresh_server.url, viewport=DESKTOP, locale=locale)
        made.append(context)
        return context

    yield new
    for context in made:
        context.close()


def sign_in_from_here(journey: Journey, username: str) -> None:
    """The header's sign-in link, the form (found by its fields' names: the page is translated), back here."""
    page = journey.page
    back = urlsplit(page.url).path
    page.locator("header .account a[href^='/login']").click()
    expect(page).to_have_url(re.compile(r"/login\?"))
    journey.look("sign-in")
    page.locator("input[name=username]").fill(username)
    page.locator("input[name=password]").fill(PASSWORD)
    page.locator("form.login button[type=submit]").click()
    expect(page.locator("header .account a[href^='/account']")).to_have_text(username)
    expect(page).to_have_url(re.compile(re.escape(back) + r"(\?|$)"))


def diagnose_plan_change_and_report(journey: Journey, username: str) -> None:
    """From the questionnaire (the page open) to the report, looking at every page on the way."""
    page, (comment, period, summary) = journey.page, TYPED[journey.lang]
    journey.look("questionnaire")
    sign_in_from_here(journey, username)
    answer_every_page(page, CODE)  # page by page, to the review page (tests/e2e/test_questionnaire_journey)
    journey.look("questionnaire-review")
    page.locator("button[name=action][value=diagnose]").click()
    expect(page).to_have_url(re.compile(r"/diagnoses/\d+(\?|$)"))
    journey.look("diagnosis")
    page.locator("form[action*='/plan'] button[type=submit]").click()
    expect(page).to_have_url(re.compile(rf"/countries/{CODE}(\?|$)"))
    journey.look("plan")
    first = page.locator("tr:has(a[hx-get*='/edit'])").first.get_attribute("id")
    row = page.locator(f"tr#{first}")  # the row by its id: its content changes as it is edited
    row.locator("a[hx-get*='/edit']").click()
    row.locator("select[name=status]").select_option("in_progress")
    row.locator("textarea[name=comment]").fill(comment)
    journey.look("plan-status-form")
    row.locator("button[type=submit]").click()
    expect(row.get_by_role("status")).to_be_visible()
    journey.look("plan-status-saved")
    row.locator("a[href*='/tasks/']").first.click()
    expect(page).to_have_url(re.compile(rf"/countries/{CODE}/tasks/\d+(\?|$)"))
    expect(page.locator("main")).to_contain_text(comment)
    journey.look("task")
    tabs = page.locator("nav.tabs")
    tabs.locator(f"a[href='/countries/{CODE}/report'], a[href^='/countries/{CODE}/report?']").click()
    expect(page).to_have_url(re.compile(rf"/countries/{CODE}/report(\?|$)"))
    page.locator("input[name=period]").fill(period)
    page.locator("textarea[name=summary]").fill(summary)
    page.locator("button[name=action][value=save]").click()
    expect(page.locator("#summary-saved")).to_be_visible()
    journey.look("report-summary")
    page.locator(f"main a[href^='/countries/{CODE}/report.html']").first.click()
    expect(page).to_have_url(re.compile(rf"/countries/{CODE}/report\.html(\?|$)"))
    expect(page.locator("body")).to_contain_text(summary)
    journey.look("report")


def fail_on(journey: Journey) -> None:
    if journey.problems:
        pytest.fail("\n".join([f"{len(journey.problems)} problems:", *journey.problems]), pytrace=False)


def test_in_french_chosen_with_the_language_picker_which_stays_on_the_page(
    fresh_server: LiveServer, context_for: Callable[..., BrowserContext]
) -> None:
    username = fresh_server.add_user("amelie", CODE, "coordinator", "Amélie Martin")
    page = context_for("en-US").new_page()
    page.goto("/diagnose")
    expect(page.locator("html")).to_have_attribute("lang", "en")
    page.locator("footer .languages a[lang=fr]").click()
    expect(page).to_have_url(re.compile(r"/diagnose$"))  # the picker keeps the page, no ?lang= in it
    expect(page.locator("html")).to_have_attribute("lang", "fr")
    journey = Journey(page, "fr")
    diagnose_plan_change_and_report(journey, username)
    fail_on(journey)


def test_in_spanish_chosen_by_the_browsers_language(
    fresh_server: LiveServer, context_for: Callable[..., BrowserContext]
) -> None:
    username = fresh_server.add_user("lucia", CODE, "coordinator", "Lucía García")
    page = context_for("es-ES").new_page()
    page.goto("/")
    expect(page.locator("html")).to_have_attribute("lang", "es")
    journey = Journey(page, "es")
    journey.look("home")
    page.locator("header nav a[href='/diagnose']").click()
    expect(page).to_have_url(re.compile(r"/diagnose$"))
    diagnose_plan_change_and_report(journey, username)
    fail_on(journey)


def test_in_arabic_from_a_lang_address_that_wins_over_the_cookie_and_the_browser_and_is_kept(
    fresh_server: LiveServer, context_for: Callable[..., BrowserContext]
) -> None:
    username = fresh_server.add_user("layla", CODE, "coordinator", "Layla Haddad")
    context = context_for("es-ES")
    context.add_cookies([{"name": "cer_lang", "value": "fr", "url": fresh_server.url}])
    page = context.new_page()
    page.goto("/")
    expect(page.locator("html")).to_have_attribute("lang", "fr")  # the cookie wins over the browser's Spanish
    page.goto("/?lang=ar")
    expect(page.locator("html")).to_have_attribute("lang", "ar")  # ?lang= wins over both
    journey = Journey(page, "ar", kept=True)
    journey.look("home")
    page.locator("header nav a[href^='/diagnose']").click()
    expect(page).to_have_url(re.compile(r"/diagnose\?lang=ar$"))
    diagnose_plan_change_and_report(journey, username)
    fail_on(journey)
