"""Arabic in the browser (issue 19): pages asked for with `?lang=ar` are laid out right to left, on a phone
and on a desktop, and none of them scrolls sideways. Every page visited is saved under var/screenshots/."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest

from tests.conftest import REPO
from tests.e2e.harness import DESKTOP, PHONE, require_browser, shoot, sign_in

require_browser()  # before Playwright is imported: a clear failure under CI, a skip with the reason elsewhere
from playwright.sync_api import expect  # noqa: E402

if TYPE_CHECKING:
    from tests.e2e.harness import LiveServer, OpenPage

pytestmark = pytest.mark.e2e
PAGES = {
    "overview": "/?lang=ar",
    "steps": "/steps?lang=ar",
    "plan": "/countries/MWI?lang=ar",
    "timeline": "/countries/MWI/timeline?lang=ar",
}

# What sticks out of the screen (the outermost elements wider than it), to say what makes a page scroll.
WIDER_THAN_THE_SCREEN = """[...document.body.querySelectorAll('*')].filter(e => {
  const box = e.getBoundingClientRect(); return box.left < 0 || box.right > window.innerWidth;
}).slice(0, 5).map(e => e.tagName + (e.className ? '.' + e.className : '') + ' ' + e.scrollWidth)"""


@pytest.fixture
def site(fresh_server: LiveServer) -> LiveServer:
    """Malawi's plan, made from the example answers with `cer plan create`, on its own database."""
    fresh_server.cer("plan", "create", str(REPO / "examples" / "malawi.yaml"), "--start", "2027-01-15")
    return fresh_server


@pytest.mark.parametrize("viewport", [PHONE, DESKTOP], ids=["360px", "1280px"])
def test_arabic_pages_are_right_to_left_and_never_scroll_sideways(
    site: LiveServer, open_page: OpenPage, viewport: dict[str, int]
) -> None:
    page = open_page(viewport)  # type: ignore[arg-type]
    sign_in(page, site.add_user("rco", "MWI", "coordinator", "Amina Diallo"))
    for name, path in PAGES.items():
        page.goto(path)
        expect(page.locator("html")).to_have_attribute("dir", "rtl")
        expect(page.locator("html")).to_have_attribute("lang", "ar")
        shoot(page, f"rtl-{name}-{viewport['width']}")
        wide, screen = page.evaluate("[document.documentElement.scrollWidth, window.innerWidth]")
        assert wide <= screen, f"{path} scrolls sideways: {wide} px wide on a {screen} px screen"
        # the page is mirrored: the main column's text starts on the right
        align = page.evaluate("getComputedStyle(document.querySelector('main h1')).direction")
        assert align == "rtl", path
    page.get_by_role("main").get_by_role("link").first.click()  # a link followed keeps the language
    expect(page.locator("html")).to_have_attribute("lang", "ar")


def test_the_arabic_report_keeps_its_language_in_its_links_and_fits_a_phone(
    site: LiveServer, open_page: OpenPage
) -> None:
    page = open_page(PHONE)
    sign_in(page, site.add_user("rco", "MWI", "coordinator", "Amina Diallo"))
    page.goto("/countries/MWI/report.html?lang=ar")
    expect(page.locator("html")).to_have_attribute("dir", "rtl")
    shoot(page, "rtl-report-360")
    nav = page.get_by_role("navigation")
    expect(nav.locator('a[href="/countries/MWI?lang=ar"]')).to_have_count(1)  # "Back to the plan"
    expect(nav.locator('a[href="/countries/MWI/report?lang=ar"]')).to_have_count(1)  # "Write the summary"
    wide, screen = page.evaluate("[document.documentElement.scrollWidth, window.innerWidth]")
    beyond = page.evaluate(WIDER_THAN_THE_SCREEN)
    assert wide <= screen, f"the report scrolls sideways: {wide} px wide on a {screen} px screen: {beyond}"
    nav.locator('a[href="/countries/MWI?lang=ar"]').click()
    expect(page.locator("html")).to_have_attribute("lang", "ar")
    page.goto("/portfolio/report.html?lang=ar")
    shoot(page, "rtl-portfolio-report-360")
    wide, screen = page.evaluate("[document.documentElement.scrollWidth, window.innerWidth]")
    assert wide <= screen, f"the portfolio report scrolls sideways: {page.evaluate(WIDER_THAN_THE_SCREEN)}"


@pytest.mark.parametrize("lang", ["en", "ar"])
def test_on_a_phone_the_header_s_site_name_and_sign_out_never_overlap(
    site: LiveServer, open_page: OpenPage, lang: str
) -> None:
    page = open_page(PHONE)
    sign_in(page, site.add_user("rco", "MWI", "coordinator", "Amina Diallo"))
    page.goto(f"/countries/MWI?lang={lang}")
    shoot(page, f"header-{lang}-360")
    title, user = (page.locator(f"header {css}").first.bounding_box() for css in (".brand", ".account"))
    assert title and user, "the header shows the site's name and who is signed in"
    apart = (
        title["x"] + title["width"] <= user["x"]
        or user["x"] + user["width"] <= title["x"]
        or title["y"] + title["height"] <= user["y"]
        or user["y"] + user["height"] <= title["y"]
    )
    assert apart, f"the site's name {title} and the sign-out block {user} overlap"
