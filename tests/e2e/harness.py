"""The browser-test harness besides its fixtures: the live server's handle, how Chromium starts, screenshots.

Playwright is imported only where a browser is used, so that a machine without it reports a skip (or, under
CI=true, a failure) with the reason instead of an import error.
"""

from __future__ import annotations

import importlib.util
import os
import re
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Protocol
from urllib.parse import quote

import pytest

from tests.conftest import REPO

if TYPE_CHECKING:
    from playwright.sync_api import Page, ViewportSize

CHROMIUM = Path("/usr/bin/chromium")
# Headless as root on a closed network: without the background-networking flags Chromium keeps trying to
# reach Google's hosts, many connections at a time.
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
DESKTOP: ViewportSize = {"width": 1280, "height": 900}
PHONE: ViewportSize = {"width": 360, "height": 740}
SCREENSHOTS = REPO / "var" / "screenshots"
PASSWORD = "a long test password"  # every journey's user has this one (12+ characters)


@dataclass(frozen=True)
class LiveServer:
    """The website at `url`; `env` points `cer` commands at the same database."""

    url: str
    env: dict[str, str]

    def cer(self, *args: str, input: str | None = None) -> subprocess.CompletedProcess[str]:  # noqa: A002
        """Run `cer ARGS...` against the server's database, `input` on its standard input; fail the test
        with its stderr if it fails."""
        done = subprocess.run(
            [sys.executable, "-m", "cer.cli", *args],
            env=self.env,
            cwd=REPO,
            input=input,
            capture_output=True,
            text=True,
            timeout=60,
        )
        if done.returncode != 0:
            pytest.fail(f"`cer {' '.join(args)}` exited {done.returncode}:\n{done.stderr}", pytrace=False)
        return done

    def add_user(self, username: str, country: str, role: str, name: str | None = None) -> str:
        """Create `username` (password `PASSWORD`) with `role` in `country` ('*': every one), as an
        administrator does with the CLI; the username, which the website signs their changes with."""
        self.cer(
            "users", "add", username, "--name", name or username.title(), "--password-stdin", input=PASSWORD
        )
        self.cer("users", "grant", username, country, role)
        return username


class OpenPage(Protocol):
    """The `open_page` fixture: a page in a context of its own, relative URLs on `server` (or `site`)."""

    def __call__(self, viewport: ViewportSize = ..., server: LiveServer | None = ...) -> Page: ...


def missing_reason() -> str | None:
    """Why the browser tests cannot run here, or None when they can."""
    if importlib.util.find_spec("playwright") is None:
        return "the playwright package is not installed: pip install -e '.[dev]'"
    if not CHROMIUM.exists():
        return (
            f"{CHROMIUM} is missing: apt-get install chromium (Debian's package; never `playwright install`)"
        )
    return None


def require_browser() -> None:
    """Fail under CI=true, skip elsewhere, when Playwright or Chromium is missing; never skip silently."""
    reason = missing_reason()
    if reason is None:
        return
    if os.environ.get("CI") == "true":
        pytest.fail(f"browser tests cannot run under CI: {reason}", pytrace=False)
    pytest.skip(f"browser tests skipped: {reason}", allow_module_level=True)


def submit_sign_in(page: Page, username: str, password: str = PASSWORD) -> None:
    """Fill in and send the sign-in form the page shows; wait until it has led on and the header names the
    user."""
    from playwright.sync_api import expect

    expect(page.get_by_role("heading", level=1)).to_have_text("Sign in")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(password)
    page.get_by_role("main").get_by_role("button", name="Sign in").click()
    expect(page).not_to_have_url(re.compile(r"/login(\?|$)"))
    expect(page.get_by_role("banner").get_by_role("link", name=username, exact=True)).to_be_visible()


def sign_in(page: Page, username: str, next: str = "/") -> None:  # noqa: A002
    """Sign `username` in through the real /login form, which then leads to `next` (a path)."""
    from playwright.sync_api import expect

    page.goto(f"/login?next={quote(next)}")
    submit_sign_in(page, username)
    expect(page).to_have_url(re.compile(re.escape(next.split("?")[0]) + r"(\?|$)"))


def shoot(page: Page, name: str) -> Path:
    """Save a full-page PNG of what the page shows now to var/screenshots/<name>.png."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    return path


AXE = Path(__file__).resolve().parent / "vendor" / "axe-4.14.1.min.js"  # axe-core, MPL-2.0; tests only
AXE_RUN = """async () => {
  const result = await axe.run(document, {resultTypes: ["violations"]});
  return result.violations
    .filter(v => v.impact === "serious" || v.impact === "critical")
    .map(v => ({id: v.id, impact: v.impact, help: v.help,
                nodes: v.nodes.slice(0, 5).map(n => n.target.join(" ") + " :: " + n.failureSummary)}));
}"""


def accessibility_problems(page: Page) -> list[dict[str, object]]:
    """axe-core's serious and critical violations on what the page shows now (axe is put into the page by
    the test through the DevTools protocol, which the page's Content-Security-Policy does not govern)."""
    if not page.evaluate("() => typeof window.axe !== 'undefined'"):
        page.evaluate(AXE.read_text(encoding="utf-8"))
    problems: list[dict[str, object]] = page.evaluate(AXE_RUN)
    return problems


def page_width_overflow(page: Page) -> int:
    """How many CSS pixels the page is wider than its viewport (0: nothing to scroll sideways)."""
    width: int = page.evaluate("() => document.documentElement.scrollWidth - window.innerWidth")
    return max(0, width)


def check_page(page: Page, name: str) -> Path:
    """What a person on this viewport notices, checked on the page as it is now: nothing wider than the
    screen, no serious or critical accessibility violation (axe-core), and a screenshot
    var/screenshots/<name>-<viewport width>.png to look at."""
    width = page.viewport_size["width"] if page.viewport_size else 0
    path = shoot(page, f"{name}-{width}")
    wider = page_width_overflow(page)
    assert wider == 0, f"{page.url} is {wider} px wider than the {width} px screen (screenshot {path})"
    problems = accessibility_problems(page)
    assert not problems, f"{page.url} at {width} px: axe-core finds {problems} (screenshot {path})"
    return path
