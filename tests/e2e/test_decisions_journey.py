"""Decisions in place, in the browser (issue 21): a coordinator opens a diagnosis' result, excludes a
workstream and includes a tool the result left out, each with a justification and where it stands; the
reasons say who decided and why, a notice says what was done; an empty justification is refused naming the
field, and nothing already decided is lost. On a desktop and on a phone; every page checked (check_page)."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

import pytest
from sqlmodel import Session, create_engine, select

from cer.db.tables import DiagnosisRow
from tests.e2e.harness import DESKTOP, PHONE, check_page, require_browser, sign_in

require_browser()  # before Playwright is imported: a clear failure under CI, a skip with the reason elsewhere
from playwright.sync_api import expect  # noqa: E402

if TYPE_CHECKING:
    from playwright.sync_api import Page, ViewportSize

    from tests.e2e.harness import LiveServer, OpenPage

pytestmark = pytest.mark.e2e
WHY_OUT = "Common premises wait for the new government compound."
WHY_IN = "The country team asked for this tool at its retreat."


@pytest.fixture
def site(fresh_server: LiveServer) -> LiveServer:
    """The journey changes data: a database of its own (the pages open on it)."""
    return fresh_server


def a_diagnosis(site: LiveServer) -> int:
    """Malawi's example diagnosed and planned with the command line, as a coordinator would; its number."""
    site.cer("plan", "create", "examples/malawi.yaml")
    engine = create_engine(site.env["CER_DATABASE_URL"])
    with Session(engine) as session:
        found = session.exec(select(DiagnosisRow.id)).first()
    engine.dispose()
    assert found is not None
    return found


def exclude_a_workstream(page: Page, number: int) -> tuple[str, str]:
    """On diagnosis `number`'s result, the first selected workstream excluded where it stands, with a
    justification: the page shows the new diagnosis there, the notice and the reason; (anchor, code)."""
    selected = page.locator("ul.decisions > li:has(> div.decision.selected)").first
    anchor = selected.get_attribute("id") or ""
    code = anchor.removeprefix("ws-")
    selected.locator("summary", has_text="Change").click()
    selected.get_by_label("Justification").fill(WHY_OUT)
    selected.get_by_role("button", name="Exclude").click()
    expect(page).to_have_url(re.compile(rf"/diagnoses/(\d+)#{anchor}$"))
    assert not page.url.endswith(f"/diagnoses/{number}#{anchor}")  # a new diagnosis records the decision
    expect(page.get_by_role("status")).to_contain_text(f"Excluded: {code} ")
    item = page.locator(f"#{anchor}")
    expect(item.get_by_role("heading", level=3)).to_contain_text("— not selected")
    expect(item.locator("ul.reasons > li").first).to_contain_text(
        f"Overridden by the country team (chidi): {WHY_OUT}"
    )
    expect(item.locator("button", has_text="Include again")).to_have_count(1)
    expect(item).to_be_in_viewport()
    return anchor, code


# At 1280 px only: excluding in place is walked at 360 px by the whole journey below.
@pytest.mark.parametrize("viewport", [DESKTOP], ids=["desktop"])
def test_a_coordinator_excludes_a_workstream_and_includes_a_tool_where_they_stand(
    site: LiveServer, open_page: OpenPage, viewport: ViewportSize
) -> None:
    number = a_diagnosis(site)
    page = open_page(viewport)
    sign_in(page, site.add_user("chidi", "MWI", "coordinator", "Chidi Okoro"), next=f"/diagnoses/{number}")
    summary = page.get_by_role("navigation", name="The result in short")
    expect(summary.get_by_role("link", name=re.compile(r"^Workstreams selected: \d of 7$"))).to_be_visible()
    check_page(page, "decisions-1-result")

    anchor, code = exclude_a_workstream(page, number)
    check_page(page, "decisions-2-excluded")

    # An empty justification is refused beside the field; what was decided before stays.
    tools = page.get_by_role("region", name=re.compile(r"^\d+ recommended tools?$"))
    tools.locator("details.group > summary").first.click()  # the tools are folded, by workstream
    tool = page.locator("ul.decisions > li[id^='t-']").first
    tool.locator("summary", has_text="Change").click()
    tool.get_by_role("button", name="Exclude").click()
    errors = page.get_by_role("alert")
    expect(errors).to_contain_text("The decision was not applied")
    expect(errors.get_by_role("link")).to_have_text("Justification: Required: fill this in.")
    field = page.locator("ul.decisions > li[id^='t-']").first.get_by_label("Justification")
    expect(field).to_have_attribute("aria-invalid", "true")
    expect(field).to_be_visible()  # its form stays open
    expect(page.locator(f"#{anchor}")).to_contain_text(WHY_OUT)
    check_page(page, "decisions-3-refused")

    # Include a tool the result did not recommend, chosen from the list of what exists.
    other = page.locator("#more")
    other.locator("summary").click()
    choice = (
        other.get_by_label("What to include").locator("optgroup[label='Tools not recommended'] option").first
    )
    value = choice.get_attribute("value") or ""
    other.get_by_label("What to include").select_option(value)
    other.get_by_label("Justification").fill(WHY_IN)
    other.get_by_role("button", name="Include", exact=True).click()
    tool_id = value.removeprefix("tool:")
    expect(page).to_have_url(re.compile(rf"/diagnoses/\d+#t-{tool_id}$"))
    expect(page.get_by_role("status")).to_contain_text(f"Included: {tool_id} ")
    included = page.locator(f"#t-{tool_id}")
    expect(included).to_contain_text("included")
    expect(included.locator("ul.reasons > li").first).to_contain_text(WHY_IN)
    expect(page.locator(f"#{anchor}")).to_contain_text(WHY_OUT)  # both decisions hold
    expect(page.get_by_role("region", name="Decisions by the country team")).to_contain_text(WHY_IN)
    check_page(page, "decisions-4-included")

    # Without htmx's help the same address shows the same result (the pushed address is a real page).
    page.reload()
    expect(page.locator(f"#t-{tool_id}")).to_contain_text(WHY_IN)
    check_page(page, "decisions-5-reloaded")


@pytest.mark.parametrize("viewport", [DESKTOP, PHONE], ids=["desktop", "phone"])
def test_from_the_paged_questionnaire_to_the_review_to_the_result_and_a_decision_in_place(
    site: LiveServer, open_page: OpenPage, viewport: ViewportSize
) -> None:
    """The whole of issue 21's first journey: a coordinator answers page by page, reviews, diagnoses and
    overrides a decision on the result where it stands; every page looked at (check_page)."""
    from tests.e2e.test_questionnaire_journey import answer_questionnaire_in_pages

    page = open_page(viewport)
    sign_in(page, site.add_user("chidi", "MWI", "coordinator", "Chidi Okoro"), next="/diagnose")
    result = answer_questionnaire_in_pages(page, "MWI", look=lambda name: check_page(page, f"whole-{name}"))
    number = int(result.rsplit("/", 1)[1])
    check_page(page, "whole-result")
    anchor, _ = exclude_a_workstream(page, number)
    check_page(page, "whole-decided")
    page.reload()  # the decision is kept: the same address shows it without htmx
    expect(page.locator(f"#{anchor}").locator("ul.reasons > li").first).to_contain_text(WHY_OUT)
