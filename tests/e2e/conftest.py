"""A real `cer serve` on a fresh database, and Chromium driven by Playwright, for the browser journeys.

`live_server` is shared by the journeys that only read; `fresh_server` gives a journey that changes data a
database of its own, and `live_stack` is `cer up` (Prefect server, worker, website) for the flow journeys.
A module picks the server its `page` and `open_page()` browse by overriding `site`.
"""

from __future__ import annotations

import importlib.util
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from tests.conftest import REPO
from tests.e2e.harness import CHROMIUM, CHROMIUM_ARGS, DESKTOP, LiveServer, OpenPage, require_browser

if TYPE_CHECKING:
    from playwright.sync_api import Browser, BrowserContext, Page, ViewportSize

STARTUP_SECONDS = 20.0
STACK_STARTUP_SECONDS = 120.0  # `cer up`: ~10 s on a copied Prefect database, more on a loaded machine
STACK_READY = "Ctrl-C stops everything."
# How long a click or an assertion waits for the page to get there: generous, for a 2-core machine running
# other suites beside this one; a journey that works takes a fraction of it.
ACTION_TIMEOUT_MS = 30_000


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", "e2e: browser journeys against a live `cer serve` (tests/e2e)")
    if importlib.util.find_spec("playwright") is not None:
        from playwright.sync_api import expect

        expect.set_options(timeout=ACTION_TIMEOUT_MS)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


def _clean_env(var: Path) -> dict[str, str]:
    """This environment without developer settings, the app's files and database under `var`."""
    env = {
        k: v for k, v in os.environ.items() if not k.startswith(("CER_", "PREFECT_API_URL", "PREFECT_HOME"))
    }
    return env | {"CER_VAR_DIR": str(var), "CER_DATABASE_URL": f"sqlite:///{var / 'cer.db'}"}


def _wait_until_up(url: str, server: subprocess.Popen[bytes], stderr: Path) -> None:
    deadline = time.monotonic() + STARTUP_SECONDS
    while time.monotonic() < deadline:
        if server.poll() is not None:
            pytest.fail(f"`cer serve` exited {server.returncode}:\n{stderr.read_text()}", pytrace=False)
        try:
            with urllib.request.urlopen(url, timeout=5):
                return
        except OSError:  # not listening yet, or its first page slow on a busy machine (a timeout)
            time.sleep(0.1)
    pytest.fail(f"`cer serve` did not answer at {url} in {STARTUP_SECONDS:.0f} s:\n{stderr.read_text()}")


def _stop(server: subprocess.Popen[bytes]) -> None:
    if server.poll() is not None:
        return
    os.killpg(server.pid, signal.SIGTERM)
    try:
        server.wait(timeout=10)
    except subprocess.TimeoutExpired:
        os.killpg(server.pid, signal.SIGKILL)
        server.wait()


@contextmanager
def _serving(var: Path) -> Iterator[LiveServer]:
    """`cer serve` on a free port over a database migrated from nothing in `var`; stopped on leaving."""
    var.mkdir(parents=True, exist_ok=True)
    port = _free_port()
    server = LiveServer(url=f"http://127.0.0.1:{port}", env=_clean_env(var))
    server.cer("db", "upgrade")
    stderr = var / "serve.stderr"
    with stderr.open("wb") as err:
        process = subprocess.Popen(
            [sys.executable, "-m", "cer.cli", "serve", "--port", str(port)],
            env=server.env,
            cwd=REPO,
            stdout=subprocess.DEVNULL,
            stderr=err,
            start_new_session=True,  # its own process group, stopped as one
        )
    try:
        _wait_until_up(server.url + "/", process, stderr)
        yield server
    finally:
        _stop(process)


@pytest.fixture(scope="package")  # stopped before the next package: Playwright's loop confuses Prefect
def live_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    """`cer serve` on a free port over a database migrated from nothing, once per session."""
    with _serving(tmp_path_factory.mktemp("e2e-var")) as server:
        yield server


@pytest.fixture
def fresh_server(tmp_path: Path) -> Iterator[LiveServer]:
    """`cer serve` over a database of its own, for one journey that changes data (~1.5 s to start)."""
    with _serving(tmp_path / "var") as server:
        yield server


def _wait_for_stack(up: subprocess.Popen[bytes], log: Path) -> None:
    deadline = time.monotonic() + STACK_STARTUP_SECONDS
    while time.monotonic() < deadline:
        if STACK_READY in log.read_text():
            return
        if up.poll() is not None:
            pytest.fail(f"`cer up` exited {up.returncode}:\n{log.read_text()}", pytrace=False)
        time.sleep(0.25)
    pytest.fail(f"`cer up` was not ready in {STACK_STARTUP_SECONDS:.0f} s:\n{log.read_text()}", pytrace=False)


def _stop_stack(up: subprocess.Popen[bytes]) -> None:
    """SIGTERM, as Ctrl-C: `cer up` stops the website, the worker and the Prefect server, then exits 0."""
    if up.poll() is not None:
        return
    children = subprocess.run(["pgrep", "-P", str(up.pid)], capture_output=True, text=True).stdout.split()
    up.send_signal(signal.SIGTERM)
    try:
        up.wait(timeout=60)
    except subprocess.TimeoutExpired:  # each child is a session of its own: stop the ones left, by id
        for pid in [up.pid, *map(int, children)]:
            with suppress(ProcessLookupError):
                os.kill(pid, signal.SIGKILL)
        up.wait()


@pytest.fixture(scope="package")  # stopped before the next package: Playwright's loop confuses Prefect
def live_stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    """`cer up` on free ports over fresh databases (it migrates the app's itself), once per session."""
    from flows.local_server import OFFLINE, template_db

    var = tmp_path_factory.mktemp("e2e-stack")
    (var / "prefect").mkdir()
    shutil.copy(template_db(), var / "prefect" / "prefect.db")  # a migrated Prefect database: ~4 s, not ~15
    web = _free_port()
    env = _clean_env(var) | OFFLINE | {"CER_WEB_PORT": str(web), "CER_PREFECT_PORT": str(_free_port())}
    log = var / "up.log"
    with log.open("wb") as out:
        up = subprocess.Popen(
            [sys.executable, "-m", "cer.cli", "up"],
            env=env,
            cwd=REPO,
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    try:
        _wait_for_stack(up, log)
        yield LiveServer(url=f"http://127.0.0.1:{web}", env=env)
    finally:
        _stop_stack(up)


@pytest.fixture
def site(live_server: LiveServer) -> LiveServer:
    """The server `page` and `open_page()` browse; a module whose journeys change data overrides it."""
    return live_server


@pytest.fixture(scope="package")  # stopped before the next package: Playwright's loop confuses Prefect
def browser() -> Iterator[Browser]:
    """Headless Debian Chromium (Playwright never downloads a browser here)."""
    require_browser()
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(
            executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS
        )
        yield chromium
        chromium.close()


@pytest.fixture
def open_page(browser: Browser, request: pytest.FixtureRequest) -> Iterator[OpenPage]:
    """`open_page()` (1280×900), `open_page(PHONE)` or `open_page(server=…)`: each page in a fresh context
    on `site` (looked up at the first call: a journey on another server starts none), closed at the end."""
    contexts: list[BrowserContext] = []

    def open_(viewport: ViewportSize = DESKTOP, server: LiveServer | None = None) -> Page:
        url = (server or request.getfixturevalue("site")).url
        context = browser.new_context(base_url=url, viewport=viewport, locale="en-US")
        contexts.append(context)
        page = context.new_page()
        page.set_default_timeout(ACTION_TIMEOUT_MS)
        return page

    yield open_
    for context in contexts:
        context.close()


@pytest.fixture
def page(open_page: OpenPage) -> Page:
    """A fresh 1280×900 page on `site`."""
    return open_page()
