"""`cer serve` believes X-Forwarded-For only from the proxies named in CER_TRUSTED_PROXIES (issue 17): a
client that invents a new address for every try is still limited after five failed sign-ins."""

from __future__ import annotations

import os
import re
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx

TOKEN = re.compile(r'name="csrf_token" value="([^"]+)"')


def _cer(env: dict[str, str], *args: str, stdin: str | None = None) -> None:
    subprocess.run([sys.executable, "-m", "cer", *args], env=env, input=stdin, text=True, check=True,
                   capture_output=True)  # fmt: skip


def test_an_invented_forwarded_address_does_not_escape_the_sign_in_limit(tmp_path: Path) -> None:
    env = {**os.environ, "CER_VAR_DIR": str(tmp_path), "CER_DATABASE_URL": f"sqlite:///{tmp_path / 'cer.db'}"}
    env.pop("CER_TRUSTED_PROXIES", None)
    _cer(env, "db", "upgrade")
    _cer(env, "users", "add", "cleo", "--name", "Cleo", "--password-stdin", stdin="correct horse battery\n")
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    serve = [sys.executable, "-m", "cer", "serve", "--port", str(port)]
    web = subprocess.Popen(
        serve, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True
    )
    try:
        with httpx.Client(base_url=f"http://127.0.0.1:{port}", timeout=10) as client:
            deadline = time.monotonic() + 30
            while True:
                try:
                    page = client.get("/login")
                    break
                except httpx.TransportError:
                    assert time.monotonic() < deadline, "cer serve did not answer"
                    time.sleep(0.2)
            token = TOKEN.search(page.text).group(1)  # type: ignore[union-attr]
            answers = [
                client.post(
                    "/login",
                    data={"username": "cleo", "password": "wrong " * 3, "csrf_token": token},
                    headers={"X-Forwarded-For": f"203.0.113.{n}"},
                ).status_code
                for n in range(6)
            ]
    finally:
        web.terminate()
        web.wait(timeout=20)
    assert answers == [401] * 5 + [429]
