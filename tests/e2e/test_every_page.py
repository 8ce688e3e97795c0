"""Every page of the site, on a desktop and on a phone (issue 21, items 4 and 8).

A coordinator of Malawi, whose plan has a workstream run, visits each page. On each one nothing is wider than
the screen, axe-core finds no serious or critical violation (too little colour contrast is serious) and
every part of the page lies in a landmark (<main>, <nav>…); on the phone every control one taps is at least
24 × 24 px (WCAG 2.2, 2.5.8), links inside running text excepted. Every page is saved under
var/screenshots/tour-<name>-<width>.png to look at. One walk per viewport finds every page's problems before
failing, so that one run says all that is wrong.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from typing import TYPE_CHECKING

import pytest
from sqlmodel import Session, create_engine, select

from cer.db.tables import DiagnosisRow, FlowRunLinkRow, PlanRow
from tests.conftest import REPO
from tests.e2e.harness import AXE, DESKTOP, PHONE, check_page, require_browser, sign_in

require_browser()  # a clear failure under CI, a skip with the reason elsewhere
if TYPE_CHECKING:
    from playwright.sync_api import Page, ViewportSize

    from tests.e2e.harness import LiveServer, OpenPage

pytestmark = pytest.mark.e2e
SMALLEST_TARGET = 24  # CSS pixels, WCAG 2.2 success criterion 2.5.8 (AA)

# The controls on the page smaller than 24 × 24 px that are not a link inside a sentence. A link counts as
# running text when it is laid out inline in a block that has words of its own besides its links, and sits
# outside navigation, tables and labels (a menu's links, a table's links and checkbox labels are targets of
# their own). A checkbox or radio button counts by its label, the bigger target a finger meets.
SMALL_TARGETS = """(least) => {
  const targets = 'a[href], button, input:not([type=hidden]), select, textarea, summary, [role=button]';
  const BLOCK = e => !['inline', 'contents'].includes(getComputedStyle(e).display);
  const own_words = block => {
    const copy = block.cloneNode(true);
    copy.querySelectorAll(targets + ', .visually-hidden').forEach(t => t.remove());
    return /[\\p{L}\\p{N}]/u.test(copy.textContent);
  };
  const in_text = e => {
    if (e.tagName !== 'A' || BLOCK(e)) return false;
    if (e.closest('nav, header, table, label, .tabs, .chip, .languages')) return false;
    let block = e.parentElement;
    while (block && !BLOCK(block)) block = block.parentElement;
    return block !== null && own_words(block);
  };
  const box = e => {
    if ((e.type === 'checkbox' || e.type === 'radio') && e.labels && e.labels.length) {
      return e.labels[0].getBoundingClientRect();
    }
    return e.getBoundingClientRect();
  };
  const small = [];
  for (const e of document.querySelectorAll(targets)) {
    const r = box(e);
    const shown = r.width > 0 && r.height > 0 && r.right > 0 && r.bottom > 0 && e.checkVisibility();
    if (!shown || (r.width >= least && r.height >= least) || in_text(e)) continue;
    const name = (e.innerText || e.value || e.getAttribute('aria-label') || e.name || '').trim().slice(0, 30);
    small.push(`${e.tagName.toLowerCase()} "${name}" ${Math.round(r.width)}x${Math.round(r.height)}`);
  }
  return small;
}"""


@pytest.fixture
def site(fresh_server: LiveServer) -> LiveServer:
    """Malawi's plan from the example answers, and a run of its first workstream (Prefect is not running:
    its state is unknown), on a database of its own."""
    fresh_server.cer("plan", "create", str(REPO / "examples" / "malawi.yaml"), "--start", "2027-01-15")
    engine = create_engine(fresh_server.env["CER_DATABASE_URL"])
    with Session(engine) as session:
        plan = session.exec(select(PlanRow)).one()
        first = plan.selected[0]
        session.add(
            FlowRunLinkRow(flow_run_id="run-1", flow="workstream", name=f"MWI · {first} · 2027-01-15",
                           plan_id=plan.id, country_code="MWI", workstream=first, parameters={},
                           started_by="rco", created_at=dt.datetime(2027, 1, 15, 9, 0))
        )  # fmt: skip
        session.commit()
    engine.dispose()
    fresh_server.add_user("rco", "MWI", "coordinator", "Amina Diallo")
    return fresh_server


def diagnosis_of(site: LiveServer) -> int:
    engine = create_engine(site.env["CER_DATABASE_URL"])
    with Session(engine) as session:
        found = session.exec(select(DiagnosisRow.id)).first()
    engine.dispose()
    assert found is not None, "the plan was made from a diagnosis"
    return found


def first_link(page: Page, path: str, css: str) -> str:
    """The address the first link matching `css` on `path` leads to."""
    page.goto(path)
    href = page.locator(css).first.get_attribute("href")
    assert href, f"{path} has a link {css}"
    return href


def pages_of(page: Page, site: LiveServer) -> dict[str, str]:
    """Every page a coordinator reaches, by a name for its screenshot."""
    plan = "/countries/MWI"
    return {
        "overview": "/",
        "steps": "/steps",
        "step": "/steps/2",
        "workstreams": "/workstreams",
        "workstream": "/workstreams/B",
        "tools": "/tools",
        "tool": first_link(page, "/tools", "ul.tools a[href^='/tools/']"),
        "support": "/support",
        "diagnose": "/diagnose",
        "diagnosis": f"/diagnoses/{diagnosis_of(site)}",
        "drafts": "/diagnose/drafts",
        "countries": "/countries",
        "plan": plan,
        "timeline": f"{plan}/timeline",
        "task": first_link(page, plan, "table.tasks a[href*='/tasks/']"),
        "add-task": f"{plan}/add-task",
        "import": f"{plan}/import",
        "history": f"{plan}/history",
        "flows": f"{plan}/flows",
        "respondents": f"{plan}/respondents",
        "report-summary": f"{plan}/report",
        "report": f"{plan}/report.html",
        "checklist": "/checklist",
        "plan-checklist": f"{plan}/checklist",
        "portfolio": "/portfolio",
        "portfolio-report": "/portfolio/report.html",
        "my-tasks": "/tasks?agency=UNDP",
        "account": "/account",
        "people": "/people",
        "api-docs": "/api/docs",
    }


# axe-core's rules on landmarks, which it rates moderate (check_page reports serious and critical ones)
LANDMARK_RULES = """async () => {
  const found = await axe.run(document, {runOnly: ['region', 'landmark-one-main', 'page-has-heading-one']});
  return found.violations.map(v => v.id + ': ' + v.nodes.slice(0, 3).map(n => n.target.join(' ')).join(', '));
}"""


def problems_on(page: Page, name: str, phone: bool) -> Iterator[str]:
    """What is wrong with the page shown now, in words; nothing when all is well."""
    try:
        check_page(page, f"tour-{name}")
    except AssertionError as exc:
        yield str(exc).splitlines()[0]
    if not page.evaluate("() => typeof window.axe !== 'undefined'"):  # check_page stopped before axe
        page.evaluate(AXE.read_text(encoding="utf-8"))
    outside = page.evaluate(LANDMARK_RULES)
    if outside:
        yield f"{page.url}: {outside}"
    if phone:
        small = page.evaluate(SMALL_TARGETS, SMALLEST_TARGET)
        if small:
            yield f"{page.url}: {len(small)} targets under 24 px, e.g. {small[:8]}"


@pytest.mark.parametrize("viewport", [DESKTOP, PHONE], ids=["1280px", "360px"])
def test_every_page_fits_the_screen_is_accessible_and_easy_to_tap(
    site: LiveServer, open_page: OpenPage, viewport: ViewportSize
) -> None:
    page = open_page(viewport)
    phone = viewport == PHONE
    page.goto("/login")
    found = list(problems_on(page, "login", phone))  # signed out
    sign_in(page, "rco", next="/countries/MWI")
    for name, path in pages_of(page, site).items():
        answer = page.goto(path)
        if answer is None or not answer.ok:
            found.append(f"{path}: {answer.status if answer else 'no answer'}")
            continue
        found += problems_on(page, name, phone)
    assert not found, "\n".join(found)
