"""Changing things through the website as a country team does: signing in, the questionnaire and its skip
logic, the plan's tasks, a workstream flow waiting for sign-off, the portfolio. Each journey starts on a
database of its own, with the users it signs in as made by `cer users` (their changes carry their username).

Locators go by role and label; every page visited is saved under var/screenshots/.
"""

from __future__ import annotations

import datetime as dt
import re
import time
from collections.abc import Callable
from functools import partial
from typing import TYPE_CHECKING
from urllib.parse import urlencode

import pytest
import yaml

from tests.conftest import REPO
from tests.e2e.harness import require_browser, shoot, sign_in, submit_sign_in

require_browser()  # before Playwright is imported: a clear failure under CI, a skip with the reason elsewhere
from playwright.sync_api import expect  # noqa: E402

if TYPE_CHECKING:
    from playwright.sync_api import Locator, Page

    from tests.e2e.harness import LiveServer, OpenPage

pytestmark = pytest.mark.e2e

CHANGE = re.compile(r"^Change the status of ")
# tests/factories.py CONTEXT, as a person answers it: (question, choice) for radio groups and check boxes,
# (question, text) for fields. joint_programmes is left for later: the error journey needs it missing.
CONTEXT_CHOICES = [
    ("Which of these UN entities are resident?", "UNDP"),
    ("Which of these UN entities are resident?", "UNICEF"),
    ("Which of these UN entities are resident?", "WFP"),
    ("Where does the country stand with Delivering as One?", "Not (yet) Delivering as One"),
    ("Has the Government formally asked the UN to work more coherently?", "Yes"),
    ("Do the main donors support a more coherent UN in the country?", "Yes"),
    ("Is the country in crisis or recovering from conflict or disaster?", "No"),
    ("Does the security situation allow agencies to share one building?", "Yes"),
    ("Do agencies already share premises?", "No, every agency has its own office"),
    ("Is there a suitable building, or the prospect of one at a reasonable cost?", "Yes"),
    ("Does the OMT have a Business Operations Strategy?", "Yes"),
    ("Is there a UN Communications Group?", "Yes"),
    ("Is there an inter-agency monitoring and evaluation (M&E) group?", "Yes"),
    ("Is there a pooled fund for the UN in the country?", "No"),
    ("Does the country team keep a common budgetary framework of all its planned and funded work?", "Yes"),
]
CHAIRS = [
    ("Which agency chairs the OMT?", "UNICEF"),
    ("Which agency chairs the UN Communications Group?", "UNDP"),
    ("Which agency chairs the M&E group?", "WFP"),
]
OMT = "Is there an Operations Management Team (OMT)?"
RESIDENT = "How many UN entities have a resident office in the country?"
JOINT = "How many joint programmes are running?"


@pytest.fixture
def site(fresh_server: LiveServer) -> LiveServer:
    """Every journey here changes data: each gets a database of its own."""
    return fresh_server


def heading(page: Page) -> Locator:
    return page.get_by_role("heading", level=1)


def answer(page: Page, change: Callable[[], object]) -> None:
    """Make a change in the questionnaire, then wait until htmx has re-rendered the questions for it."""
    with page.expect_response(re.compile(r"/diagnose/check$")):
        change()
    expect(page.locator("#questionnaire")).not_to_have_class(re.compile(r"\bhtmx-request\b"))


def choice(page: Page, question: str, label: str) -> Locator:
    return page.get_by_role("group", name=question).get_by_label(label, exact=True)


def plan_tab(page: Page, name: str) -> Locator:
    return page.get_by_role("navigation", name="This plan").get_by_role("link", name=name, exact=True)


def task_row(page: Page, ref: str) -> Locator:
    return page.get_by_role("row").filter(has=page.get_by_role("link", name=ref, exact=True))


def test_the_questionnaire_skips_what_does_not_apply_keeps_a_draft_and_explains_its_recommendation(
    site: LiveServer, page: Page
) -> None:
    sign_in(page, site.add_user("amina", "MWI", "coordinator", "Amina Phiri"))
    page.get_by_role("navigation", name="Toolkit sections").get_by_role(
        "link", name="Diagnose your needs"
    ).click()
    expect(heading(page)).to_have_text("Diagnose your needs")
    chair = page.locator("#q-omt_chair_agency")
    expect(chair).to_be_visible()  # a first, empty form shows every question, saying when each applies
    expect(chair).to_contain_text("Asked only if")
    shoot(page, "diagnose-1-empty")

    expect(page.get_by_label("Your name")).to_have_count(0)  # changes are signed by who is signed in
    country = page.get_by_label("Country", exact=True)
    for field, text in [(country, "MWI"), (page.get_by_label(RESIDENT), "12")]:
        field.fill(text)
        answer(page, partial(field.press, "Tab"))  # each change re-renders the questions: wait for it
    answer(page, choice(page, OMT, "No").check)
    expect(chair).to_be_hidden()
    expect(page.locator("#q-bos")).to_be_hidden()  # "Does the OMT have a Business Operations Strategy?"
    shoot(page, "diagnose-2-skip-logic")
    answer(page, choice(page, OMT, "Yes").check)
    expect(chair).to_be_visible()

    for question, label in CONTEXT_CHOICES:
        answer(page, choice(page, question, label).check)
    for question, label in CHAIRS:
        answer(page, partial(page.get_by_label(question).select_option, label=label))
    shoot(page, "diagnose-3-answered")

    page.get_by_role("button", name="Save and continue").click()  # a page per section: the next one
    expect(page).to_have_url(re.compile(r"/diagnose/drafts/[\w-]+\?page=step_1$"))
    expect(page.get_by_role("status").first).to_contain_text("Your answers are saved.")
    readiness = 0
    while "?page=review" not in page.url:  # every step still to do: each readiness question answered No
        groups = page.get_by_role("group").filter(has=page.get_by_label("Partly", exact=True))
        for i in range(groups.count()):
            groups.nth(i).get_by_label("No", exact=True).check()
        readiness += groups.count()
        page.get_by_role("button", name="Save and continue").click()
        expect(page.get_by_role("status").first).to_contain_text("Your answers are saved.")
    assert readiness > 20, f"only {readiness} readiness questions"

    sections = page.get_by_role("navigation", name="Sections", exact=True)
    sections.get_by_role("link", name=re.compile(r"^Your country and country team")).click()
    expect(page.get_by_label("Country", exact=True)).to_have_value("MWI")  # the draft kept every page
    expect(page.get_by_label(RESIDENT)).to_have_value("12")
    expect(choice(page, OMT, "Yes")).to_be_checked()
    expect(page.get_by_label("Which agency chairs the OMT?")).to_have_value("unicef")
    expect(choice(page, "Which of these UN entities are resident?", "WFP")).to_be_checked()
    shoot(page, "diagnose-4-draft-reloaded")

    sections.get_by_role("button", name="Check your answers").click()  # "How many joint programmes" is empty
    missing = page.get_by_role("region", name="1 answer is missing")
    expect(missing.get_by_role("link")).to_have_count(1)
    expect(missing.get_by_role("link")).to_have_text(JOINT)
    expect(missing).to_contain_text("an answer is required")
    shoot(page, "diagnose-5-missing-answer")
    missing.get_by_role("link").click()
    expect(page).to_have_url(re.compile(r"\?page=context#joint_programmes$"))
    joint = page.get_by_label(JOINT)
    expect(joint).to_be_in_viewport()
    shoot(page, "diagnose-6-jumped-to-the-field")

    joint.fill("3")
    answer(page, partial(joint.press, "Tab"))
    sections.get_by_role("button", name="Check your answers").click()
    expect(page.get_by_role("region", name=re.compile("missing"))).to_have_count(0)
    page.get_by_role("button", name="Diagnose", exact=True).click()
    expect(page).to_have_url(re.compile(r"/diagnoses/\d+$"))
    expect(heading(page)).to_have_text("Diagnosis for Malawi")
    decisions = page.get_by_role("region", name="Workstreams").locator("div.decision")
    expect(decisions).to_have_count(7)
    for decision in decisions.all():
        expect(decision.get_by_role("heading", level=3)).to_have_text(
            re.compile(r"^[A-G] .+ — (selected|not selected)$")
        )
        expect(decision.locator("ul.reasons > li").first).to_be_visible()  # every decision says why
    assert "— selected" in " ".join(decisions.all_inner_texts())
    actions = page.get_by_role("region", name=re.compile(r"^\d+ actions? needed$"))
    expect(actions.get_by_role("heading", name="Step 1", exact=True)).to_be_visible()
    assert int(actions.get_by_role("heading", level=2).inner_text().split()[0]) > 0
    tools = page.get_by_role("region", name=re.compile(r"^\d+ recommended tools?$"))
    tools.locator("details.group > summary").first.click()  # folded by workstream: a phone's page stays short
    expect(tools.get_by_role("link").first).to_be_visible()
    expect(page.get_by_role("button", name="Create plan")).to_be_visible()
    shoot(page, "diagnose-7-result")


def diagnose(page: Page, answers_file: str) -> None:
    """A complete diagnosis from an example answers file, posted as the form would post it (with the form's
    CSRF token and the browser's cookies); then its page."""
    data = yaml.safe_load((REPO / "examples" / answers_file).read_text())
    page.goto("/diagnose")
    token = page.locator("#questionnaire input[name=csrf_token]").input_value()
    fields = [("country", data["country"]), ("action", "diagnose"), ("csrf_token", token)]
    for qid, value in data["answers"].items():
        fields += [(qid, str(v)) for v in (value if isinstance(value, list) else [value])]
    response = page.request.post(
        "/diagnose",
        data=urlencode(fields),
        headers={"Content-Type": "application/x-www-form-urlencoded"},
    )
    assert response.ok and re.search(r"/diagnoses/\d+$", response.url), (response.status, response.url)
    page.goto(response.url)


def test_a_plan_made_from_a_diagnosis_has_tasks_whose_status_changes_inline_and_leaves_history(
    site: LiveServer, page: Page
) -> None:
    sign_in(page, site.add_user("amina", "MWI", "coordinator", "Amina Phiri"))
    diagnose(page, "malawi.yaml")
    page.get_by_role("button", name="Create plan").click()
    expect(page).to_have_url(re.compile(r"/countries/MWI(\?|$)"))
    expect(heading(page)).to_have_text("Malawi: the plan")
    change = page.get_by_role("link", name=CHANGE).first
    ref = CHANGE.sub("", change.get_attribute("aria-label") or "")
    assert ref.startswith("MWI-"), ref
    shoot(page, "plan-1-created")

    row = task_row(page, ref)
    change.click()
    expect(row.get_by_role("button", name="Save")).to_be_visible()
    row.get_by_label("Status").select_option(label="in progress")
    row.get_by_label("Comment").fill("Kick-off meeting held with the RC Office")
    shoot(page, "plan-2-inline-form")
    row.get_by_role("button", name="Save").click()
    expect(row.get_by_role("status")).to_have_text("Saved.")
    expect(row).to_contain_text("in progress")
    expect(row.get_by_role("link", name=f"Change the status of {ref}")).to_be_visible()
    shoot(page, "plan-3-saved")

    page.reload()
    expect(task_row(page, ref)).to_contain_text("in progress")
    task_row(page, ref).get_by_role("link", name=ref, exact=True).click()
    expect(heading(page)).to_contain_text(ref)
    history = page.get_by_role("heading", name="History").locator("xpath=following-sibling::ol[1]")
    expect(history.get_by_role("listitem").first).to_contain_text("amina")
    expect(history).to_contain_text(re.compile(r"status: not.started → in.progress"))
    expect(history).to_contain_text("Kick-off meeting held with the RC Office")
    shoot(page, "plan-4-task")

    plan_tab(page, "Timeline").click()
    expect(heading(page)).to_have_text("Malawi: timeline")
    expect(page.get_by_role("img", name="Timeline of Malawi's plan")).to_be_visible()
    critical = page.get_by_role("heading", name="Critical path").locator("xpath=following-sibling::ol[1]")
    expect(critical.get_by_role("link").first).to_have_text(re.compile(r"^MWI-"))
    shoot(page, "plan-5-timeline")
    page.get_by_label("By", exact=True).select_option("quarter")
    page.get_by_role("button", name="Show").click()
    expect(page.get_by_role("img", name="Timeline of Malawi's plan")).to_contain_text(
        re.compile(r"Q\d 20\d\d")
    )
    page.set_viewport_size({"width": 480, "height": 900})  # a phone: the same tasks as a dated list
    expect(page.get_by_role("img", name="Timeline of Malawi's plan")).to_be_hidden()
    dated = page.get_by_role("list", name="The tasks by start date")
    expect(dated).to_be_visible()
    expect(dated.get_by_role("listitem").first).to_contain_text(
        re.compile(r"\d{1,2} \w{3} \d{4} → \d{1,2} \w{3} \d{4}")
    )
    shoot(page, "plan-5-timeline-phone")
    page.set_viewport_size({"width": 1280, "height": 900})

    plan_tab(page, "History").click()
    expect(heading(page)).to_have_text("Malawi: history")
    change_row = task_row(page, ref).filter(has_text="status: not started → in progress")  # in words
    expect(change_row).to_contain_text("amina")
    expect(change_row).to_contain_text("Kick-off meeting held with the RC Office")
    shoot(page, "plan-6-history")


def test_a_status_saved_over_someone_elses_change_is_refused_and_the_comment_typed_is_kept(
    site: LiveServer, open_page: OpenPage
) -> None:
    site.cer("plan", "create", "examples/malawi.yaml")
    first, second = open_page(), open_page()
    sign_in(first, site.add_user("amina", "MWI", "coordinator", "Amina Phiri"), next="/countries/MWI")
    ref = CHANGE.sub("", first.get_by_role("link", name=CHANGE).first.get_attribute("aria-label") or "")
    sign_in(second, site.add_user("tendai", "MWI", "member", "Tendai Banda"), next="/countries/MWI")
    for page in (first, second):  # both open the same task's form, on the same version of it
        task_row(page, ref).get_by_role("link", name=f"Change the status of {ref}").click()
        expect(task_row(page, ref).get_by_role("button", name="Save")).to_be_visible()

    row = task_row(first, ref)
    row.get_by_label("Status").select_option(label="in progress")
    row.get_by_role("button", name="Save").click()
    expect(row.get_by_role("status")).to_have_text("Saved.")
    shoot(first, "plan-conflict-1-first-saved")

    row = task_row(second, ref)
    row.get_by_label("Status").select_option(label="blocked")
    row.get_by_label("Comment").fill("Waiting for the ministry's letter")
    with second.expect_response(re.compile(r"/tasks/\d+$")) as response:
        row.get_by_role("button", name="Save").click()
    assert response.value.status == 409
    expect(row.get_by_role("alert")).to_contain_text("changed")
    expect(row.get_by_label("Comment")).to_have_value("Waiting for the ministry's letter")
    shoot(second, "plan-conflict-2-second-refused")
    second.reload()  # nothing was written over the first person's change
    expect(task_row(second, ref)).to_contain_text("in progress")


def test_a_country_plan_asks_for_sign_in_and_only_members_may_change_its_tasks(
    site: LiveServer, open_page: OpenPage
) -> None:
    site.cer("plan", "create", "examples/malawi.yaml")
    page = open_page()
    page.goto("/countries/MWI")  # nobody signed in: the plan is for Malawi's team
    expect(page).to_have_url(re.compile(r"/login\?next=%2Fcountries%2FMWI$"))
    expect(heading(page)).to_have_text("Sign in")
    shoot(page, "access-1-asked-to-sign-in")

    submit_sign_in(page, site.add_user("chikondi", "MWI", "member", "Chikondi Mwale"))
    expect(page).to_have_url(re.compile(r"/countries/MWI$"))  # back where they were going
    expect(heading(page)).to_have_text("Malawi: the plan")
    change = page.get_by_role("link", name=CHANGE).first
    ref = CHANGE.sub("", change.get_attribute("aria-label") or "")
    row = task_row(page, ref)
    change.click()
    expect(row.get_by_role("button", name="Save")).to_be_visible()
    row.get_by_label("Status").select_option(label="in progress")
    row.get_by_role("button", name="Save").click()
    expect(row.get_by_role("status")).to_have_text("Saved.")
    shoot(page, "access-2-member-changed-a-task")

    header = page.get_by_role("banner")
    header.get_by_role("button", name="Sign out").click()
    expect(header.get_by_role("link", name="Sign in")).to_be_visible()
    expect(header.get_by_role("link", name="chikondi")).to_have_count(0)
    page.goto("/countries/MWI")
    expect(page).to_have_url(re.compile(r"/login\?next=%2Fcountries%2FMWI$"))
    shoot(page, "access-3-signed-out")

    viewer = open_page()
    sign_in(viewer, site.add_user("grace", "MWI", "viewer", "Grace Banda"), next="/countries/MWI")
    expect(heading(viewer)).to_have_text("Malawi: the plan")
    expect(task_row(viewer, ref)).to_contain_text("in progress")
    expect(viewer.get_by_role("link", name=CHANGE)).to_have_count(0)  # a viewer reads, changes nothing
    shoot(viewer, "access-4-viewer")


def reload_until(page: Page, where: Locator, text: str, seconds: float) -> None:
    """Reload the page until `where` shows `text`: the flows page shows the runs as they were when it was
    made. Each look waits (Playwright's auto-waiting) for the page to show it; no fixed pauses."""
    deadline = time.monotonic() + seconds
    while True:
        page.reload()
        try:
            expect(where).to_contain_text(text, timeout=2_000)
            return
        except AssertionError:
            if time.monotonic() > deadline:
                raise  # showing what the page says instead


def test_a_workstream_flow_waits_for_each_step_to_be_signed_off(
    live_stack: LiveServer, open_page: OpenPage
) -> None:
    live_stack.cer("plan", "create", "examples/somalia.yaml", "--start", dt.date.today().isoformat())
    page = open_page(server=live_stack)
    sign_in(page, live_stack.add_user("amina", "SOM", "coordinator", "Amina Yusuf"), next="/countries/SOM")
    plan_tab(page, "Flows and sign-off").click()
    expect(heading(page)).to_have_text("Somalia: workstream flows")
    a = page.get_by_role("region", name="A UN Programme")
    step = {
        n: a.get_by_role("row").filter(has=page.get_by_role("rowheader", name=str(n), exact=True))
        for n in (1, 2)
    }
    expect(step[1]).to_contain_text("not opened yet")
    shoot(page, "flows-1-before")

    start = a.get_by_role("form", name="Start the A flow")
    start.get_by_label("Results groups").fill("Health, Education")
    start.get_by_role("button", name="Start the flow").click()
    expect(page).to_have_url(re.compile(r"/countries/SOM/flows#ws-A$"))  # nothing said in the address
    expect(page.get_by_role("status")).to_contain_text(re.compile(r"Run \S+ started"))
    shoot(page, "flows-2-started")

    runs = a.get_by_role("heading", name="Runs").locator("xpath=following-sibling::div[1]")
    reload_until(page, runs, "waiting for the sign-off of step 1", 60)
    expect(runs).to_contain_text(re.compile(r"SOM · A UN Programme · \d{4}-\d\d-\d\d"))  # named, not a UUID
    expect(step[1].get_by_role("button", name="Sign off step 1")).to_be_visible()
    shoot(page, "flows-3-waiting-for-step-1")

    step[1].get_by_role("button", name="Sign off step 1").click()  # open tasks, and no note saying why
    note = step[1].get_by_label(re.compile(r"^Note"))
    expect(note).to_have_attribute("aria-invalid", "true")
    expect(note).to_have_accessible_description(re.compile(r"open task"))
    shoot(page, "flows-4-note-required")

    note.fill("Agreed at the UNCT retreat; the open tasks go on in step 2")
    step[1].get_by_role("button", name="Sign off step 1").click()
    expect(page.get_by_role("status")).to_contain_text("signed off")
    expect(step[1]).to_contain_text("signed off by amina")
    expect(step[1]).to_contain_text("Agreed at the UNCT retreat")
    shoot(page, "flows-5-step-1-signed-off")

    reload_until(page, runs, "waiting for the sign-off of step 2", 30)
    expect(step[2].get_by_role("button", name="Sign off step 2")).to_be_visible()
    shoot(page, "flows-6-waiting-for-step-2")


def test_the_portfolio_shows_every_country_with_a_plan_and_a_report(site: LiveServer, page: Page) -> None:
    site.cer("plan", "create", "examples/malawi.yaml")
    site.cer("plan", "create", "examples/somalia.yaml")
    sign_in(page, site.add_user("pat", "*", "viewer", "Pat Okello"))
    page.get_by_role("navigation", name="Toolkit sections").get_by_role("link", name="Portfolio").click()
    expect(heading(page)).to_have_text("Portfolio")
    expect(page.get_by_text("2 countries with a plan.")).to_be_visible()
    expect(page.get_by_role("img", name="Share of tasks by status, per country")).to_be_visible()
    grid = page.get_by_role("table", name="Per cent complete and overdue tasks, per workstream")
    expect(grid.get_by_role("rowheader")).to_have_text(["Malawi", "Somalia"])
    expect(grid.get_by_role("row").nth(1).get_by_role("cell")).to_have_count(8)  # A–G and overdue
    shoot(page, "portfolio-1")

    for country, code in [("Malawi", "MWI"), ("Somalia", "SOM")]:
        grid.get_by_role("link", name=country).click()
        expect(page).to_have_url(re.compile(rf"/countries/{code}$"))
        expect(heading(page)).to_have_text(f"{country}: the plan")
        shoot(page, f"portfolio-2-{code.lower()}")
        page.go_back()
    page.get_by_role("link", name="HTML", exact=True).click()
    expect(page).to_have_url(re.compile(r"/portfolio/report\.html$"))
    expect(heading(page)).to_have_text("Portfolio progress report")
    expect(page.get_by_role("cell", name="Malawi (MWI)")).to_be_visible()
    expect(page.get_by_role("cell", name="Somalia (SOM)")).to_be_visible()
    shoot(page, "portfolio-3-report")
