"""Tools you can open, in the browser on a desktop and a phone: a member of Malawi's team opens a tool whose
site is gone (its address and its archived copies are links; nothing external is followed), attaches a
small PDF and a link, sees them "Used in Malawi", downloads the PDF, and attaches a document to a task of
Malawi's plan. Every page reached is checked (no sideways scrolling, no serious accessibility problem) and
saved under var/screenshots/."""

from __future__ import annotations

import re
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from tests.conftest import REPO
from tests.e2e.harness import DESKTOP, PHONE, check_page, require_browser, sign_in

require_browser()  # before Playwright is imported: a clear failure under CI, a skip with the reason elsewhere
from playwright.sync_api import Page, expect  # noqa: E402

if TYPE_CHECKING:
    from playwright.sync_api import ViewportSize

    from tests.e2e.harness import LiveServer, OpenPage

pytestmark = pytest.mark.e2e

PDF = b"%PDF-1.4\n1 0 obj\n<< /Type /Catalog >>\nendobj\ntrailer\n<< /Root 1 0 R >>\n%%EOF\n"
TOOL = "T071"  # a UN House transaction model, seen at a long www.undg.org address: the site is gone
ADDRESS = (
    "http://www.undg.org/content/common_premises_un_house/common_premises__un_house/"
    "un_house_un_common_premises_transaction_model"
)


@pytest.fixture
def site(fresh_server: LiveServer) -> LiveServer:
    """The journey changes data: a database of its own (the pages open on it)."""
    return fresh_server


def attach(page: Page, file: tuple[str, bytes] | None = None, link: str = "", title: str = "") -> None:
    """Fill in the page's attach form and send it; wait for the notice that says it was attached."""
    if file:
        name, data = file
        page.get_by_label("Document", exact=True).set_input_files(
            {"name": name, "mimeType": "application/pdf", "buffer": data}
        )
    if link:
        page.get_by_label("or a link", exact=True).fill(link)
    page.get_by_label("What it is (optional)").fill(title)
    page.get_by_role("button", name="Attach", exact=True).click()
    expect(page.get_by_role("status").first).to_contain_text(f"Attached “{title or link}”.")


@pytest.mark.parametrize("viewport", [DESKTOP, PHONE], ids=["desktop", "phone"])
def test_a_member_of_malawi_attaches_a_document_and_a_link_to_a_tool_and_a_document_to_a_task(
    site: LiveServer, open_page: OpenPage, viewport: ViewportSize
) -> None:
    site.cer("plan", "create", str(REPO / "examples" / "malawi.yaml"), "--start", "2027-01-15")
    site.add_user("amina", "MWI", "member")
    page = open_page(viewport)
    sign_in(page, "amina", next=f"/tools/{TOOL}")
    check_page(page, "tool-to-open")
    seen = page.locator("#seen-at")
    expect(seen).to_have_attribute("href", ADDRESS)
    expect(seen).to_have_attribute("rel", "noopener noreferrer")
    expect(page.locator("#archived")).to_have_attribute("href", f"https://web.archive.org/web/*/{ADDRESS}")

    attach(page, file=("Plan de travail – Malawi.pdf", PDF), title="Our UN House plan")
    check_page(page, "tool-attached-file")
    attach(page, link="https://mw.one.un.org/un-house", title="")
    used = page.locator("#used-in")
    expect(used.get_by_role("heading", name="Used in Malawi")).to_be_visible()
    expect(used.get_by_role("link", name="https://mw.one.un.org/un-house")).to_have_attribute(
        "rel", "noopener noreferrer"
    )
    expect(used).to_contain_text("attached by amina on")
    check_page(page, "tool-used-in-malawi")

    with page.expect_download() as downloading:
        used.get_by_role("link", name="Our UN House plan").click()
    download = downloading.value
    assert download.suggested_filename == "Plan de travail – Malawi.pdf"
    assert Path(download.path()).read_bytes() == PDF

    page.goto("/countries/MWI")
    check_page(page, "plan-for-attaching")
    page.locator('main a[href^="/countries/MWI/tasks/"]').first.click()
    expect(page).to_have_url(re.compile(r"/countries/MWI/tasks/\d+$"))
    check_page(page, "task-to-attach-to")
    attach(page, file=("minutes.pdf", PDF), title="Minutes of the OMT meeting")
    expect(page).to_have_url(re.compile(r"/countries/MWI/tasks/\d+#attachments$"))
    listed = page.locator("#attachments")
    expect(listed.get_by_role("link", name="Minutes of the OMT meeting")).to_be_visible()
    check_page(page, "task-attached")
