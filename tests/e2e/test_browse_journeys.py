"""Browsing the toolkit as a person does: links, the tool search form, the keyboard and a small screen.

Locators go by role and label, so each journey also checks that the markup names what a screen reader reads.
Every page visited is saved under var/screenshots/.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

import pytest

from tests.e2e.harness import PHONE, require_browser, shoot

require_browser()  # before Playwright is imported: a clear failure under CI, a skip with the reason elsewhere
from playwright.sync_api import expect  # noqa: E402

if TYPE_CHECKING:
    from playwright.sync_api import Locator, Page

    from tests.e2e.harness import OpenPage

pytestmark = pytest.mark.e2e

TOOL_COUNT = re.compile(r"^(\d+) tools?\b")


def heading(page: Page) -> Locator:
    return page.get_by_role("heading", level=1)


def result_links(page: Page) -> Locator:
    """The tools found, in the order shown (the tools page's only list inside <main>)."""
    return page.get_by_role("main").get_by_role("listitem").get_by_role("link")


def shown_tools(page: Page, q: str = "") -> list[str]:
    """The titles listed, once the count above them speaks of the search `q` (live update or new page)."""
    count = page.get_by_text(TOOL_COUNT)
    if q:
        expect(count).to_contain_text(f"“{q}”")
    else:
        expect(count).not_to_contain_text("“")
    match = TOOL_COUNT.match(count.inner_text())
    assert match, count.inner_text()
    expect(result_links(page)).to_have_count(int(match.group(1)))
    return result_links(page).all_inner_texts()


def test_a_visitor_reaches_a_tool_through_its_workstream(page: Page) -> None:
    page.goto("/")
    expect(heading(page)).to_have_text("Overview of Toolkit")
    shoot(page, "browse-1-overview")

    sections = page.get_by_role("navigation", name="Toolkit sections")
    sections.get_by_role("link", name="View toolkit by workstream").click()
    expect(page).to_have_url(re.compile(r"/workstreams$"))
    expect(heading(page)).to_have_text("By workstream")
    expect(sections.get_by_role("link", name="View toolkit by workstream")).to_have_attribute(
        "aria-current", "page"
    )
    shoot(page, "browse-2-workstreams")

    page.get_by_role("heading", name="D Common Premises").get_by_role("link").click()
    expect(page).to_have_url(re.compile(r"/workstreams/D$"))
    expect(heading(page)).to_have_text("D Common Premises (where feasible)")
    shoot(page, "browse-3-workstream-d")

    # The links under the "Tools" heading (the section is not a named region, so find the list after it).
    tools = page.get_by_role("heading", name="Tools", exact=True).locator("xpath=following-sibling::ul[1]")
    first = tools.get_by_role("link").first
    title = first.inner_text().strip()
    assert title, "the workstream lists no tools"
    first.click()
    expect(page).to_have_url(re.compile(r"/tools/T\d+$"))
    expect(heading(page)).to_have_text(title)
    expect(page).to_have_title(re.compile(re.escape(title)))
    expect(page.get_by_role("main").get_by_role("link", name=re.compile(r"^D\b"))).to_be_visible()
    shoot(page, "browse-4-tool")


def test_a_tool_search_narrowed_to_a_workstream_is_a_shareable_url(page: Page, open_page: OpenPage) -> None:
    page.goto("/tools")
    everything = shown_tools(page)
    search = page.get_by_role("search")
    search.get_by_label("Search").fill("common")
    search.get_by_label("Workstream").select_option(label="D Common Premises (where feasible)")
    search.get_by_role("button", name="Show tools").click()

    expect(page).to_have_url(re.compile(r"[?&]q=common(&|$)"))
    expect(page).to_have_url(re.compile(r"[?&]workstream=D(&|$)"))
    narrowed = shown_tools(page, "common")
    assert 0 < len(narrowed) < len(everything)
    shoot(page, "search-1-common-in-d")

    shared = open_page()
    shared.goto(page.url)
    assert shown_tools(shared, "common") == narrowed  # the same tools, in the same order
    expect(shared.get_by_label("Search")).to_have_value("common")
    expect(shared.get_by_label("Workstream")).to_have_value("D")
    shoot(shared, "search-2-shared-url")

    hrefs = [link.get_attribute("href") for link in result_links(shared).all()]
    for href in hrefs:  # each result is a tool of workstream D, as its own page says
        assert href
        shared.goto(href)
        expect(shared.get_by_role("main").get_by_role("link", name=re.compile(r"^D\b"))).to_be_visible()

    search.get_by_label("Workstream").select_option(label="any")
    search.get_by_role("button", name="Show tools").click()
    expect(page).to_have_url(re.compile(r"[?&]workstream=(&|$)"))
    expect(page.get_by_label("Search")).to_have_value("common")
    widened = shown_tools(page, "common")
    assert len(widened) > len(narrowed) and set(narrowed) <= set(widened)
    shoot(page, "search-3-any-workstream")

    page.get_by_role("link", name="Clear").click()
    expect(page).to_have_url(re.compile(r"/tools$"))
    expect(page.get_by_label("Search")).to_have_value("")
    assert shown_tools(page) == everything


@pytest.mark.parametrize(("path", "name"), [("/", "overview"), ("/tools", "tools")])
def test_on_a_small_screen_the_page_fits_and_tab_first_reaches_the_skip_link(
    open_page: OpenPage, path: str, name: str
) -> None:
    page = open_page(PHONE)
    page.goto(path)
    width = page.evaluate("document.documentElement.scrollWidth")
    shoot(page, f"small-{name}")
    assert width <= PHONE["width"], (
        f"{path} scrolls sideways: {width} px wide on a {PHONE['width']} px screen"
    )

    skip = page.get_by_role("link", name="Skip to content")
    expect(skip).not_to_be_in_viewport()
    page.keyboard.press("Tab")
    expect(skip).to_be_focused()
    expect(skip).to_be_in_viewport()
    shoot(page, f"small-{name}-skip-link")

    page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile(r"#main$"))
