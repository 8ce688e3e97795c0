"""`cer up` says the first admin's one-time password last, in the box that ends its start; when the start
fails before that box, the password is still said, once: otherwise nobody could ever sign in as admin."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
from pathlib import Path


def _closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
    return port  # nothing listens there once the socket is closed


def test_a_failed_start_still_says_the_new_admins_password_once(tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("CER_", "PREFECT_"))}
    env |= {
        "CER_VAR_DIR": str(tmp_path),
        "CER_DATABASE_URL": f"sqlite:///{tmp_path / 'cer.db'}",
        "PREFECT_API_URL": f"http://127.0.0.1:{_closed_port()}/api",  # elsewhere, and nothing answers
    }
    done = subprocess.run(
        [sys.executable, "-m", "cer.cli", "up"], env=env, capture_output=True, text=True, timeout=120
    )
    said = done.stdout + done.stderr
    assert done.returncode == 1, said
    assert "no Prefect server answers" in said
    lines = [line for line in said.splitlines() if line.startswith("Password of admin (shown once")]
    assert len(lines) == 1, said
    password = lines[0].rsplit(": ", 1)[1]
    assert len(password) >= 12 and said.count(password) == 1
    again = subprocess.run(
        [sys.executable, "-m", "cer.cli", "up"], env=env, capture_output=True, text=True, timeout=120
    )
    assert "Password of admin" not in again.stdout + again.stderr  # made once, said once
