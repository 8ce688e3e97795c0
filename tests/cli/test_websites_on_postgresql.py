"""Two `cer serve` processes on one PostgreSQL database, as two machines behind a load balancer would run it
(issue 17): failed sign-ins on one count on the other, and a token revoked anywhere is refused by both at
once, though each keeps the identities it looked up for a minute here (CER_WEB_STALE_SECONDS=60)."""

from __future__ import annotations

import json
import os
import re
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import ExitStack
from pathlib import Path

import httpx
import pytest

from tests.integration.conftest import postgres_schema

TOKEN = re.compile(r'name="csrf_token" value="([^"]+)"')


def _cer(env: dict[str, str], *args: str, stdin: str | None = None) -> str:
    done = subprocess.run([sys.executable, "-m", "cer", *args], env=env, input=stdin, text=True,
                          capture_output=True, timeout=60)  # fmt: skip
    assert done.returncode == 0, done.stderr
    return done.stdout


def _serve(env: dict[str, str], stack: ExitStack) -> httpx.Client:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    web = subprocess.Popen(
        [sys.executable, "-m", "cer", "serve", "--port", str(port)],
        env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True,
    )  # fmt: skip
    stack.callback(lambda: (web.terminate(), web.wait(timeout=20)))
    client = stack.enter_context(httpx.Client(base_url=f"http://127.0.0.1:{port}", timeout=10))
    deadline = time.monotonic() + 30
    while True:
        try:
            client.get("/login")
            return client
        except httpx.TransportError:
            assert time.monotonic() < deadline, "cer serve did not answer"
            time.sleep(0.2)


@pytest.fixture
def env(tmp_path: Path) -> Iterator[dict[str, str]]:
    with postgres_schema() as url:
        made = {**os.environ, "CER_VAR_DIR": str(tmp_path), "CER_DATABASE_URL": url}
        made |= {"CER_WEB_STALE_SECONDS": "60"}
        made.pop("CER_TRUSTED_PROXIES", None)
        _cer(made, "db", "upgrade")
        password = "correct horse battery\n"
        _cer(made, "users", "add", "cleo", "--name", "Cleo", "--password-stdin", stdin=password)
        yield made


def _sign_in(site: httpx.Client, password: str) -> int:
    token = TOKEN.search(site.get("/login").text).group(1)  # type: ignore[union-attr]
    data = {"username": "cleo", "password": password, "csrf_token": token}
    return site.post("/login", data=data).status_code


def _refused_within(site: httpx.Client, path: str, headers: dict[str, str], seconds: float) -> float:
    start = time.monotonic()
    while site.get(path, headers=headers).status_code != 401:
        assert time.monotonic() - start < seconds, f"{path} still answered after {seconds} s"
        time.sleep(0.05)
    return time.monotonic() - start


def test_two_websites_on_one_postgresql_count_sign_ins_together_and_forget_revoked_tokens_at_once(
    env: dict[str, str],
) -> None:
    with ExitStack() as stack:
        one, other = _serve(env, stack), _serve(env, stack)
        statuses = [_sign_in(site, "guess " * 3) for site in (one, other, one, other, one)]
        assert statuses == [401] * 5
        assert _sign_in(other, "correct horse battery") == 429  # the sixth, on the other one

        made = json.loads(_cer(env, "tokens", "create", "cleo", "--name", "laptop", "--json"))
        bearer = {"Authorization": f"Bearer {made['token']}"}
        for site in (one, other):  # each now knows whose token it is, for a minute
            assert site.get("/api/tasks?mine=true", headers=bearer).status_code == 200
        _cer(env, "tokens", "revoke", str(made["id"]))  # from a third process: the command line
        for site in (one, other):
            assert _refused_within(site, "/api/tasks?mine=true", bearer, 5) < 5
