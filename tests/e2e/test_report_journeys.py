"""The report a Resident Coordinator receives, in the browser (issue 18, parts 5 and 6): a coordinator writes
the summary, opens the report and prints it to PDF with Chromium; the PDF has more than one A4 page and the
status table's header repeats on every page the table spans. The toolkit's checklist is a link away.
Every page visited is saved under var/screenshots/, the PDF beside them."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from tests.conftest import REPO
from tests.e2e.harness import SCREENSHOTS, require_browser, shoot, sign_in

require_browser()  # before Playwright is imported: a clear failure under CI, a skip with the reason elsewhere
from playwright.sync_api import expect  # noqa: E402

if TYPE_CHECKING:
    from playwright.sync_api import Page

    from tests.e2e.harness import LiveServer

pytestmark = pytest.mark.e2e
PDFTOTEXT = Path("/usr/bin/pdftotext")
# The status table's header row as pdftotext lays it out ("Lead and contributing" may wrap in its column)
HEADER = re.compile(r"^\s*Key action\s{2,}Lead and(?: contributing)?\s{2,}Progress\s{2,}Status\s*$", re.M)


@pytest.fixture
def site(fresh_server: LiveServer) -> LiveServer:
    """Malawi's plan (51 tasks), made from the example answers with `cer plan create`, on its own database."""
    fresh_server.cer("plan", "create", str(REPO / "examples" / "malawi.yaml"), "--start", "2027-01-15")
    return fresh_server


def pdf_pages(pdf: Path) -> list[str]:
    """The text of each page of `pdf` as laid out (`pdftotext -layout`; each page ends with a form feed)."""
    text = subprocess.run(
        [str(PDFTOTEXT), "-layout", str(pdf), "-"], capture_output=True, text=True, check=True
    ).stdout
    return text.split("\f")[:-1]


def test_a_coordinator_writes_the_summary_and_prints_the_report_with_its_table_header_on_every_page(
    site: LiveServer, page: Page, tmp_path: Path
) -> None:
    if not PDFTOTEXT.exists():
        pytest.fail(f"{PDFTOTEXT} is missing: apt-get install poppler-utils", pytrace=False)
    sign_in(page, site.add_user("rco", "MWI", "coordinator", "Amina Diallo"), next="/countries/MWI")
    page.get_by_role("navigation", name="This plan").get_by_role("link", name="Write the report").click()
    form = page.get_by_role("form", name="Summary of the report")
    form.get_by_label("Reporting period").fill("January to March 2027")
    form.get_by_label("Summary").fill(
        "The UNCT agreed its vision.\n\nThe OMT began the business operations strategy."
    )
    form.get_by_role("button", name="Save").click()
    expect(page.locator("#summary-saved")).to_contain_text("Saved by rco")
    shoot(page, "report-1-summary")

    page.get_by_role("link", name="Open the report to print or send").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Progress report: Malawi (MWI)")
    expect(page.locator(".cover")).to_contain_text("January to March 2027")
    expect(page.locator(".cover")).to_contain_text("Amina Diallo")
    shoot(page, "report-2-document")
    pdf = tmp_path / "mwi-report.pdf"
    pdf.write_bytes(page.pdf(format="A4", print_background=True))
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    (SCREENSHOTS / "report-3-printed.pdf").write_bytes(pdf.read_bytes())

    pages = pdf_pages(pdf)
    assert len(pages) > 1, "the report fits on one page: no page breaks between its sections"
    assert "Open the report" not in "".join(pages) and "Back to the plan" not in pages[0]  # no nav printed
    assert "January to March 2027" in pages[0] and "The UNCT agreed its vision." in pages[0]
    first = next(n for n, text in enumerate(pages) if "Status of each key action" in text)
    after = next(n for n, text in enumerate(pages) if "Changes since the previous report" in text)
    table = pages[first:after]
    assert len(table) > 1, "51 tasks fit on one page: the status table cannot show its header repeating"
    assert [len(HEADER.findall(text)) for text in table] == [1] * len(table)
    assert "MWI-9.3" in table[-1]  # the last key action, on the table's last page


@pytest.mark.usefixtures("site")
def test_anyone_finds_the_toolkit_checklist_and_prints_it(page: Page, tmp_path: Path) -> None:
    page.goto("/")
    page.get_by_role("contentinfo").get_by_role("link", name="Checklist by main activity and step").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Checklist by main activity and step")
    expect(page.get_by_role("heading", name=re.compile(r"^Step 9 · "))).to_be_visible()
    shoot(page, "checklist-1-generic")
    pdf = tmp_path / "checklist.pdf"
    pdf.write_bytes(page.pdf(format="A4"))
    printed = "".join(pdf_pages(pdf))
    assert "Step 1 · " in printed and "Step 9 · " in printed
    assert "Browse / search for tools" not in printed  # the site's header and navigation are not printed
