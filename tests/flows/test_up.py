"""`cer up` starts the whole embedded stack, and Ctrl-C (or SIGTERM) stops all of it."""

from __future__ import annotations

import base64
import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from flows.local_server import template_db

FLOWS = [
    "workstream-a",
    "workstream-b",
    "workstream-c",
    "workstream-d",
    "workstream-e",
    "workstream-f",
    "workstream-g",
    "change-process",
    "monitor-plans",
    "progress-report",
]


def test_cer_up_waits_for_every_deployment_the_worker_serves() -> None:
    from cer.runtime.prefect_env import DEPLOYMENTS
    from flows.deployments import all_flows

    served = sorted(f"{name}/cer" for name in all_flows())
    assert served == sorted(DEPLOYMENTS) == sorted(f"{f}/cer" for f in FLOWS)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _get(url: str, auth: str | None = None) -> object:
    headers = {"Authorization": "Basic " + base64.b64encode(auth.encode()).decode()} if auth else {}
    request = urllib.request.Request(url, headers=headers)
    with urllib.request.urlopen(request, timeout=5) as response:  # noqa: S310  (loopback)
        return json.loads(response.read())


def test_cer_up_starts_prefect_a_worker_serving_every_flow_and_the_website_and_stops_them(
    tmp_path: Path,
) -> None:
    port = _free_port()
    var = tmp_path / "var"
    (var / "prefect").mkdir(parents=True)
    shutil.copy(template_db(), var / "prefect" / "prefect.db")  # a migrated Prefect database: a faster start
    env = {
        k: v for k, v in os.environ.items() if not k.startswith(("PREFECT_API_URL", "PREFECT_HOME", "CER_"))
    }
    web = _free_port()
    env |= {"CER_VAR_DIR": str(var), "CER_PREFECT_PORT": str(port), "CER_WEB_PORT": str(web)}
    up = subprocess.Popen(
        [str(Path(sys.executable).parent / "cer"), "up"],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        start_new_session=True,
    )
    output: list[str] = []
    try:
        deadline = time.monotonic() + 120
        assert up.stdout is not None
        ready = False
        while time.monotonic() < deadline:
            line = up.stdout.readline()
            output.append(line)
            ready = ready or "Ctrl-C stops everything" in line
            if (ready and line.startswith("+-")) or not line:
                break  # the box that ends the start is closed
        text = "".join(output)
        assert "cer-toolkit is running" in text, text
        assert re.search(rf"Prefect UI:\s+http://127\.0\.0\.1:{port}\b", text), text
        assert "Database ready at schema" in text
        # the box ends with the first admin's one-time password, said there only, once
        box = text[text.rindex("cer-toolkit is running") :].splitlines()
        assert box[-1].startswith("+-") and "Password of admin (shown once" in box[-2], box
        password = box[-2].split(": ", 1)[1].strip(" |")
        assert len(password) >= 12 and text.count(password) == 1
        api = f"http://127.0.0.1:{port}/api"
        assert _get(f"{api}/health") is True
        auth = (var / "prefect" / "api-auth").read_text().strip()  # made by cer up, for its owner only
        assert oct((var / "prefect" / "api-auth").stat().st_mode & 0o777) == "0o600"
        with pytest.raises(urllib.error.HTTPError) as refused:  # Prefect's API answers nobody else
            _get(f"{api}/deployments/name/monitor-plans/cer")
        assert refused.value.code == 401
        assert re.search(rf"Website:\s+http://127\.0\.0\.1:{web}\b", text)
        with urllib.request.urlopen(f"http://127.0.0.1:{web}/tools?workstream=D", timeout=5) as page:  # noqa: S310
            assert page.status == 200 and b"Browse / search for tools" in page.read()
        for name in FLOWS:  # every flow is deployed, served by the worker
            assert _get(f"{api}/deployments/name/{name}/cer", auth)["name"] == "cer"  # type: ignore[index]
        monitor = _get(f"{api}/deployments/name/monitor-plans/cer", auth)
        assert [s["schedule"]["cron"] for s in monitor["schedules"]] == ["0 6 * * *"]  # type: ignore[index]
        assert (var / "cer.db").exists() and (var / "logs" / "worker.log").exists()
        children = subprocess.run(["pgrep", "-P", str(up.pid)], capture_output=True, text=True).stdout.split()
        assert len(children) == 3  # the Prefect server, the worker and the website
    finally:
        up.send_signal(signal.SIGTERM)
        code = up.wait(timeout=60)
    assert code == 0
    assert [pid for pid in children if Path(f"/proc/{pid}").exists()] == []  # nothing left running


@pytest.mark.parametrize("after", [2, 6, 20])
def test_cer_up_stopped_at_any_moment_leaves_no_process(tmp_path: Path, after: float) -> None:
    """SIGTERM while the Prefect server migrates its new database (2 s, 6 s) or once all is up (20 s): every
    process `cer up` started is stopped with it, none is left holding a port."""
    var = tmp_path / "var"
    env = {
        k: v for k, v in os.environ.items() if not k.startswith(("PREFECT_API_URL", "PREFECT_HOME", "CER_"))
    }
    env |= {"CER_VAR_DIR": str(var), "CER_PREFECT_PORT": str(_free_port()), "CER_WEB_PORT": str(_free_port())}
    up = subprocess.Popen(
        [str(Path(sys.executable).parent / "cer"), "up"],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    seen: set[str] = set()
    deadline = time.monotonic() + after
    while time.monotonic() < deadline:  # every child it starts, while it starts them
        seen |= set(
            subprocess.run(["pgrep", "-P", str(up.pid)], capture_output=True, text=True).stdout.split()
        )
        time.sleep(0.1)
    up.send_signal(signal.SIGTERM)
    up.wait(timeout=60)
    assert seen or after < 5, "cer up started nothing to stop"  # at 2 s it may still be loading
    assert [pid for pid in seen if Path(f"/proc/{pid}").exists()] == []  # nothing left running
