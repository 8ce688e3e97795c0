"""A member answers the questionnaire page by page in the browser, on a desktop and on a phone: Save and
continue from section to section, the section list to jump, the review page naming a missing answer, its link
to the question, the answer given, the diagnosis. Every page reached is checked (`check_page`: no sideways
scrolling, no serious accessibility violation) and saved under var/screenshots/.

`answer_questionnaire_in_pages(page, country)` is the same path for other journeys: a country's example
answers (examples/*.yaml) given page by page, by the inputs' names and values (so it works in any language),
then Diagnose; it returns the diagnosis page's address.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from functools import cache, partial
from typing import TYPE_CHECKING, Any

import pytest
import yaml

from cer.content import get_content
from tests.conftest import REPO
from tests.e2e.harness import PHONE, check_page, require_browser, sign_in

require_browser()  # before Playwright is imported: a clear failure under CI, a skip with the reason elsewhere
from playwright.sync_api import expect  # noqa: E402

if TYPE_CHECKING:
    from playwright.sync_api import Page, ViewportSize

    from tests.e2e.harness import LiveServer, OpenPage

pytestmark = pytest.mark.e2e

QUESTIONNAIRE = REPO / "diagnostics" / "content" / "questionnaire.yaml"
Look = Callable[[str], object]


@pytest.fixture
def site(fresh_server: LiveServer) -> LiveServer:
    """The journey saves drafts and diagnoses: a database of its own."""
    return fresh_server


@cache
def example(country: str) -> dict[str, Any]:
    """The answers of the shipped example for `country` (an ISO code: MWI, SOM, VNM)."""
    for path in sorted((REPO / "examples").glob("*.yaml")):
        data = yaml.safe_load(path.read_text())
        if isinstance(data, dict) and data.get("country") == country:
            return dict(data["answers"])
    raise LookupError(f"no example answers for {country} in examples/")


def sections() -> list[tuple[str, list[str]]]:
    """Each page of the questionnaire: its section's id and its questions' ids."""
    return [(s.id, [q.id for q in s.questions]) for s in get_content().questionnaire.sections]


@cache
def named_by_conditions() -> frozenset[str]:
    return frozenset(re.findall(r"\$\{(\w+)\}", QUESTIONNAIRE.read_text()))


def changed(page: Page, change: Callable[[], object]) -> None:
    """Make a change, then wait until htmx has re-rendered the page's questions for it (skip logic)."""
    with page.expect_response(re.compile(r"/diagnose/check(\?|$)")):
        change()
    expect(page.locator("#questionnaire")).not_to_have_class(re.compile(r"\bhtmx-request\b"))


def answer_page(page: Page, answers: dict[str, Any], questions: list[str]) -> None:
    """Give `answers` to the questions of the page shown, by the inputs' names and values."""
    for qid in questions:
        if qid not in answers:
            continue
        named = page.locator(f"#questions [name='{qid}']")
        kind = named.first.evaluate("e => e.tagName === 'INPUT' ? e.type : e.tagName.toLowerCase()")
        value = answers[qid]
        for v in value if isinstance(value, list) else [value]:
            change: Callable[[], object]
            if kind in ("radio", "checkbox"):
                change = page.locator(f"#questions input[name='{qid}'][value='{v}']").check
            elif kind == "select":
                change = partial(named.select_option, str(v))
            elif kind == "date":
                change = partial(named.fill, str(v))
            else:
                named.fill(str(v))
                change = partial(named.press, "Tab")
            changed(page, change) if qid in named_by_conditions() else change()


def save_and_continue(page: Page, to: str) -> None:
    page.locator("button[name=go][value=next]").click()
    expect(page).to_have_url(re.compile(rf"/diagnose/drafts/[\w-]+\?page={to}(&lang=\w+)?$"))


def answer_every_page(
    page: Page, country: str, skip: frozenset[str] = frozenset(), look: Look | None = None
) -> None:
    """From the questionnaire's first page to its review page, the example answers of `country` given page
    by page with Save and continue (the sections in `skip` passed over with the section list)."""
    answers, pages = example(country), sections()
    if not re.search(r"/diagnose(\?|$)", page.url):  # (a journey in another language may be there already)
        page.goto("/diagnose")
    country_field = page.locator("input[name=country]")
    country_field.fill(country)
    changed(page, partial(country_field.press, "Tab"))
    for n, (section, questions) in enumerate(pages):
        following = pages[n + 1][0] if n + 1 < len(pages) else "review"
        if section in skip:
            continue
        answer_page(page, answers, questions)
        if look:
            look(f"questionnaire-{section}")
        if following in skip:  # the section list: straight to the one after
            after = next((s for s, _ in pages[n + 1 :] if s not in skip), "review")
            page.locator(f"#sections button[value={after}]").click()
            expect(page).to_have_url(re.compile(rf"\?page={after}(&lang=\w+)?$"))
        else:
            save_and_continue(page, following)


def answer_questionnaire_in_pages(page: Page, country: str, look: Look | None = None) -> str:
    """The example answers of `country` given page by page by a signed-in member, then Diagnose on the
    review page; the diagnosis page's address (the page is left on it)."""
    answer_every_page(page, country, look=look)
    if look:
        look("questionnaire-review")
    page.locator("button[name=action][value=diagnose]").click()
    expect(page).to_have_url(re.compile(r"/diagnoses/\d+$"))
    return page.url


# On a phone only: the same pages at 1280 px are walked by test_decisions_journey's whole journey, which
# answers page by page with answer_questionnaire_in_pages (kept short: `make test` runs on 2 cores).
@pytest.mark.parametrize("viewport", [PHONE], ids=["phone"])
def test_a_member_answers_page_by_page_fixes_what_the_review_finds_and_diagnoses(
    site: LiveServer, open_page: OpenPage, viewport: ViewportSize
) -> None:
    site.add_user("amina", "MWI", "member", "Amina Phiri")
    page = open_page(viewport)
    sign_in(page, "amina", next="/diagnose")
    look = partial(check_page, page)
    look("questionnaire-first")
    progress = page.locator("#progress-said")
    expect(progress).to_contain_text(re.compile(r"^0 of \d+ questions answered"))
    resident = page.locator("#questions [name=resident_agencies]")
    resident.fill("3")  # (the example says 18: a change again later)
    changed(page, partial(resident.press, "Tab"))
    expect(progress).to_contain_text(re.compile(r"^1 of \d+ questions answered"))  # counted live (htmx)
    expect(page.locator("#sections [aria-current=page]")).to_contain_text("1 of")
    answer_every_page(page, "MWI", skip=frozenset({"step_3"}), look=look)  # step 3 jumped over

    expect(page.get_by_role("heading", name="Check your answers")).to_be_visible()
    missing = page.locator("section[aria-labelledby=missing-h]")
    expect(missing.get_by_role("heading")).to_have_text("4 answers are missing")
    expect(page.locator("section[aria-labelledby=wrong-h]")).to_have_count(0)
    expect(page.locator("#sections [aria-current=page]")).to_have_text("Check your answers")
    look("questionnaire-review-missing")
    first = missing.get_by_role("link").first
    target = first.get_attribute("href") or ""
    assert re.search(r"\?page=step_3#iq08$", target), target
    first.click()
    expect(page).to_have_url(re.compile(r"\?page=step_3#iq08$"))
    expect(page.locator("#iq08")).to_be_in_viewport()
    expect(page.locator("#sections [aria-current=page]")).to_contain_text("Step 3")
    look("questionnaire-step_3-from-review")
    answer_page(page, example("MWI"), next(q for s, q in sections() if s == "step_3"))
    page.locator("#sections button[value=review]").click()
    expect(page.get_by_role("status").first).to_contain_text("Your answers are saved.")
    expect(missing).to_have_count(0)
    expect(progress).to_contain_text("63 of 64 questions answered")  # all but the optional notes
    look("questionnaire-review-complete")
    page.get_by_role("button", name="Diagnose", exact=True).click()
    expect(page).to_have_url(re.compile(r"/diagnoses/\d+$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Diagnosis for Malawi")
    look("questionnaire-diagnosis")
