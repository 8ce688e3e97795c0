"""Managing a plan in the browser (issue 16, items 4 and 5): a coordinator changes a task's lead and due date
and sees the tasks after it move; adds a task of the team's own after a toolkit task and assigns it to a
colleague, who finds it under My tasks; dates a completion in the past; writes a progress note that the
country report shows. Each journey has a database of its own; every page visited is saved under
var/screenshots/.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import TYPE_CHECKING

import pytest

from cer.views.formats import format_date
from tests.conftest import REPO
from tests.e2e.harness import require_browser, shoot, sign_in

require_browser()  # before Playwright is imported: a clear failure under CI, a skip with the reason elsewhere
from playwright.sync_api import expect  # noqa: E402

if TYPE_CHECKING:
    from playwright.sync_api import Locator, Page

    from tests.e2e.harness import LiveServer, OpenPage

pytestmark = pytest.mark.e2e
FIRST = "MWI-8.3"  # Agree key messages: early in Malawi's plan, with tasks after it
START = "2027-01-15"


@pytest.fixture
def site(fresh_server: LiveServer) -> LiveServer:
    """Malawi's plan, made from the example answers with `cer plan create`, on a database of its own."""
    fresh_server.cer("plan", "create", str(REPO / "examples" / "malawi.yaml"), "--start", START)
    return fresh_server


def heading(page: Page) -> Locator:
    return page.get_by_role("heading", level=1)


def open_task(page: Page, ref: str) -> None:
    page.goto("/countries/MWI")
    page.get_by_role("link", name=ref, exact=True).first.click()
    expect(heading(page)).to_contain_text(ref)


def start_of(page: Page) -> dt.date:
    """The task's start, as its page writes it for machines (`<time datetime="ISO">`, words for people)."""
    dates = page.locator("dt", has_text=re.compile("^Dates$")).locator("xpath=following-sibling::dd[1]")
    return dt.date.fromisoformat(dates.locator("time").first.get_attribute("datetime") or "")


def test_a_new_lead_and_due_date_move_the_tasks_that_depend_on_it(site: LiveServer, page: Page) -> None:
    sign_in(page, site.add_user("rco", "MWI", "coordinator", "Resident Coordinator Office"))
    open_task(page, FIRST)
    shoot(page, "manage-1-task")
    form = page.get_by_role("form", name="Plan this task")
    form.get_by_label("Lead").fill("OMT")
    due = dt.date.fromisoformat(form.get_by_label("Due").input_value()) + dt.timedelta(days=120)
    form.get_by_label("Due").fill(due.isoformat())
    form.get_by_role("button", name="Save the plan of this task").click()
    saved = page.get_by_role("status")
    expect(saved).to_contain_text("Moved to follow it:")
    shoot(page, "manage-2-moved")
    expect(page.locator("dd").filter(has_text=re.compile(r"^OMT$"))).to_have_count(1)
    moved = saved.get_by_role("link").first
    ref = moved.inner_text()
    moved.click()
    expect(heading(page)).to_contain_text(ref)
    start = start_of(page)
    assert start > due, (ref, start, due)
    history = page.get_by_role("heading", name="History").locator("xpath=following-sibling::ol[1]")
    expect(history).to_contain_text(f"moved to follow {FIRST}")
    shoot(page, "manage-3-dependant")


def test_a_task_of_ones_own_after_a_toolkit_task_is_found_by_its_assignee_under_my_tasks(
    site: LiveServer, open_page: OpenPage
) -> None:
    coordinator = open_page()
    sign_in(coordinator, site.add_user("rco", "MWI", "coordinator"))
    site.add_user("amina", "MWI", "member", "Amina Phiri")
    site.cer("users", "agency", "amina", "WFP")
    coordinator.goto("/countries/MWI")
    coordinator.get_by_role("navigation", name="This plan").get_by_role("link", name="Add a task").click()
    form = coordinator.get_by_role("form", name="A task of your own")
    form.get_by_label("Title").fill("Joint ICT survey of all agencies")
    form.get_by_label("Step").select_option("5")
    form.get_by_role("group", name="Workstreams it serves").get_by_label("B", exact=True).check()
    form.get_by_label("Lead").fill("OMT")
    form.get_by_label("Assigned to").select_option(label="Amina Phiri (amina)")
    form.get_by_label("Depends on").select_option(value="8.3")
    shoot(coordinator, "custom-1-form")
    form.get_by_role("button", name="Add the task").click()
    expect(heading(coordinator)).to_contain_text("MWI-B-5/custom-1 Joint ICT survey of all agencies")
    expect(coordinator.locator("#task-assignee")).to_have_text("amina")
    shoot(coordinator, "custom-2-added")

    colleague = open_page()
    sign_in(colleague, "amina", next="/tasks")
    expect(heading(colleague)).to_have_text("My tasks")
    mine = colleague.locator("table#mine")
    expect(mine.get_by_role("link", name="MWI-B-5/custom-1")).to_be_visible()
    shoot(colleague, "custom-3-my-tasks")
    colleague.get_by_role("link", name="My agency (WFP)").click()
    expect(colleague.get_by_role("heading", name=re.compile(r"^WFP leads"))).to_be_visible()
    expect(colleague.get_by_role("heading", name=re.compile(r"^WFP contributes"))).to_be_visible()
    shoot(colleague, "custom-4-my-agency")


def test_a_completion_dated_in_the_past_and_a_progress_note_appear_in_the_report(
    site: LiveServer, page: Page
) -> None:
    sign_in(page, site.add_user("rco", "MWI", "coordinator"))
    open_task(page, FIRST)
    status = page.get_by_role("form", name="Change the status or comment")
    status.get_by_label("Status").select_option(label="in progress")
    status.get_by_role("button", name="Save").click()
    open_task(page, FIRST)
    march = dt.date.today() - dt.timedelta(days=12)
    status = page.get_by_role("form", name="Change the status or comment")
    status.get_by_label("Status").select_option(label="completed")
    status.get_by_label("As of (if earlier than today)").fill(march.isoformat())
    status.get_by_role("button", name="Save").click()
    open_task(page, FIRST)
    completed = page.locator("dd").filter(has_text="completed")
    expect(completed).to_contain_text("as of " + format_date(march, "en"))
    form = page.get_by_role("form", name="Plan this task")
    form.get_by_label("Progress note").fill("Key messages agreed by the UNCT on its retreat")
    form.get_by_role("button", name="Save the plan of this task").click()
    expect(page.locator("#task-progress")).to_contain_text("Key messages agreed by the UNCT on its retreat")
    shoot(page, "backdated-1-task")
    page.goto("/countries/MWI/report.html")
    row = page.get_by_role("row").filter(has_text=FIRST)
    expect(row).to_contain_text(f"completed on {march.day} {march:%B %Y}")  # the report's dates in words
    expect(row).to_contain_text("Key messages agreed by the UNCT on its retreat")
    shoot(page, "backdated-2-report")


def test_a_plan_kept_in_excel_is_uploaded_checked_and_imported(site: LiveServer, page: Page) -> None:
    """Issue 18: a member uploads the team's own workbook (a plain form, no script involved), sees how its
    columns are read and what each row does, and imports it; the plan then holds its tasks."""
    sign_in(page, site.add_user("mo", "MWI", "member", "Programme Officer"))
    page.goto("/countries/MWI")
    page.get_by_role("link", name="Import a plan").click()
    page.get_by_label("File").set_input_files(str(REPO / "examples" / "plans" / "malawi_action_plan.xlsx"))
    page.get_by_role("button", name="Check the file").click()
    expect(page.get_by_label("Due", exact=True)).to_have_value("G")  # the column guessed from its header
    expect(page.get_by_role("region", name="The rows of the file")).to_contain_text("updates MWI-B-2.4")
    shoot(page, "import-1-checked")
    page.get_by_role("button", name="Import", exact=True).click()
    expect(page).to_have_url(re.compile(r"/countries/MWI$"))
    expect(page.get_by_text("Agree long-term agreements for fuel and travel")).to_have_count(1)
    shoot(page, "import-2-plan")
