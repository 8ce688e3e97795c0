"""People managed in the browser (issue 21, item 6): an admin invites someone as a member for Malawi, reads
the one-time link in the next page's notice (no e-mail server here; a reload shows it no more), and the
invited person opens it in a browser of their own, chooses a password and lands signed in on Malawi's plan;
the admin then takes the role away and disables the account, and the link used again is refused. At a
desktop's width and a phone's, every page checked (nothing wider than the screen, no serious accessibility
problem) and saved under var/screenshots/.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

import pytest

from tests.conftest import REPO
from tests.e2e.harness import DESKTOP, PASSWORD, PHONE, check_page, require_browser, sign_in

require_browser()  # before Playwright is imported: a clear failure under CI, a skip with the reason elsewhere
from playwright.sync_api import expect  # noqa: E402

if TYPE_CHECKING:
    from playwright.sync_api import Page, ViewportSize

    from tests.e2e.harness import LiveServer, OpenPage

pytestmark = pytest.mark.e2e


@pytest.fixture
def site(fresh_server: LiveServer) -> LiveServer:
    """Malawi's plan, made from the example answers, on a database of its own."""
    fresh_server.cer("plan", "create", str(REPO / "examples" / "malawi.yaml"), "--start", "2027-01-15")
    return fresh_server


def invite(admin: Page, name: str) -> str:
    """Invite `name` as a member for Malawi from the People page; the one-time link it shows."""
    admin.goto("/account")
    admin.get_by_role("link", name="People").first.click()
    expect(admin.get_by_role("heading", level=1)).to_have_text("People")
    check_page(admin, "people-1-list")
    form = admin.get_by_role("form", name="Invite someone")
    form.get_by_label("Name").fill(name)
    form.get_by_label("E-mail").fill("amina.phiri@wfp.org")
    form.get_by_label("Country").select_option("MWI")
    form.get_by_label("Role").select_option("member")
    form.get_by_role("button", name="Send the invitation").click()
    expect(admin).to_have_url(re.compile(r"/people$"))  # a redirect: reloading the page invites no one again
    expect(admin.locator(".notices")).to_contain_text("no e-mail was sent")
    check_page(admin, "people-2-invited")
    link = re.search(r"https?://\S+/invitations/[A-Za-z0-9_-]+", admin.locator(".notices").inner_text())
    assert link, "the one-time link is in the notice, this once"
    admin.reload()
    expect(admin.locator(".notices")).to_have_count(0)
    return link.group(0)


def accept(page: Page, link: str) -> None:
    page.goto(link)
    expect(page.get_by_role("heading", level=1)).to_have_text("Join the CER toolkit")
    expect(page.get_by_label("Username")).to_have_value("amina.phiri")
    check_page(page, "people-3-invitation")
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    page.get_by_label("The same password again").fill(PASSWORD)
    page.get_by_role("button", name="Create my account").click()
    expect(page).to_have_url(f"{link.split('/invitations/')[0]}/countries/MWI")
    expect(page.locator(".notices")).to_contain_text("with the member role in Malawi (MWI)")
    expect(page.locator("header .account")).to_contain_text("amina.phiri")
    check_page(page, "people-4-welcome")


@pytest.mark.parametrize("viewport", [DESKTOP, PHONE], ids=["desktop", "phone"])
def test_an_admin_invites_a_member_who_joins_then_loses_the_role_and_the_account(
    site: LiveServer, open_page: OpenPage, viewport: ViewportSize
) -> None:
    admin = open_page(viewport)
    sign_in(admin, site.add_user("boss", "*", "admin", "Administrator"))
    link = invite(admin, "Amina Phiri")
    invited = open_page(viewport)  # a browser of her own
    accept(invited, link)

    admin.goto("/people")
    admin.get_by_role("link", name="Amina Phiri").click()
    expect(admin.locator("#roles")).to_contain_text("Malawi (MWI): member")
    check_page(admin, "people-5-person")
    admin.get_by_role("button", name="Take away the role in Malawi (MWI)").click()
    expect(admin.locator(".notices")).to_contain_text("amina.phiri no longer has a role in Malawi (MWI).")
    admin.get_by_role("button", name="Disable the account").click()
    expect(admin.locator("#account-state")).to_have_text("disabled: cannot sign in")
    expect(admin.locator("#history")).to_contain_text("disabled the account")
    expect(admin.locator("#history")).to_contain_text("took away the member role in Malawi (MWI)")
    check_page(admin, "people-6-disabled")

    invited.goto("/countries/MWI")  # her sign-in ended with the account
    expect(invited).to_have_url(f"{site.url}/login?next=%2Fcountries%2FMWI")
    again = open_page(viewport)
    again.goto(link)
    expect(again.locator("#unusable")).to_contain_text("This invitation link cannot be used")
    check_page(again, "people-7-link-used")
