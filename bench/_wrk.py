"""One wrk run against one URL, read back through a Lua script: requests, errors, p50/p95, CPU used.

wrk counts only socket errors and statuses >= 400 itself; the script's `response()` counts every answer that
is not 2xx, per thread, and `done()` adds them up and prints one machine-readable line.
"""

from __future__ import annotations

import os
import re
import resource
import subprocess
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

LUA = """
local threads = {}
function setup(thread) table.insert(threads, thread) end
not_2xx = 0
function response(status, headers, body)
  if status < 200 or status > 299 then not_2xx = not_2xx + 1 end
end
function done(summary, latency, requests)
  local total = 0
  for _, t in ipairs(threads) do total = total + t:get("not_2xx") end
  local e = summary.errors
  io.write(string.format(
    "CER_WRK requests=%d duration_us=%d bytes=%d connect=%d read=%d write=%d timeout=%d status=%d "
    .. "not_2xx=%d p50_us=%.0f p95_us=%.0f\\n",
    summary.requests, summary.duration, summary.bytes, e.connect, e.read, e.write, e.timeout, e.status,
    total, latency:percentile(50.0), latency:percentile(95.0)))
end
"""
SOCKET_ERRORS = ("connect", "read", "write", "timeout")
ACCEPT_ENCODING = "gzip, deflate"  # what a browser sends; every endpoint, the baseline's too, gets the same


@dataclass(frozen=True)
class Load:
    requests: int
    seconds: float
    bytes: int
    socket_errors: dict[str, int]
    not_2xx: int
    p50_ms: float
    p95_ms: float
    server_cpu: float  # share of one core the server used while loaded
    wrk_cpu: float

    @property
    def per_second(self) -> float:
        return self.requests / self.seconds if self.seconds else 0.0

    @property
    def failed(self) -> bool:
        return self.not_2xx > 0 or any(self.socket_errors.values())

    def errors_text(self) -> str:
        found = {k: v for k, v in self.socket_errors.items() if v}
        parts = [f"{self.not_2xx} non-2xx"] + [f"{v} {k}" for k, v in found.items()]
        return ", ".join(parts)


def cpu_seconds(pid: int) -> float:
    """User + system time of a running process (all its threads), from /proc."""
    fields = Path(f"/proc/{pid}/stat").read_text().rpartition(")")[2].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def run_wrk(
    url: str,
    *,
    seconds: int,
    connections: int,
    threads: int,
    pin: list[str],
    server: int,
    headers: dict[str, str] | None = None,
) -> Load:
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as script:
        script.write(LUA)
    command = [*pin, "wrk", f"-t{min(threads, connections)}", f"-c{connections}", f"-d{seconds}s"]
    command += ["--timeout", "10s", "-H", f"Accept-Encoding: {ACCEPT_ENCODING}", "-s", script.name]
    for name, value in (headers or {}).items():
        command += ["-H", f"{name}: {value}"]
    command.append(url)
    server_before, children_before, began = cpu_seconds(server), _children_cpu(), time.monotonic()
    try:
        out = subprocess.run(command, capture_output=True, text=True, check=True).stdout
    finally:
        os.unlink(script.name)
    wall = time.monotonic() - began
    server_used, wrk_used = cpu_seconds(server) - server_before, _children_cpu() - children_before
    found = re.search(r"^CER_WRK (.*)$", out, re.MULTILINE)
    if found is None:
        raise RuntimeError(f"wrk printed no summary line:\n{out}")
    v = {k: float(n) for k, n in (pair.split("=") for pair in found.group(1).split())}
    return Load(
        requests=int(v["requests"]),
        seconds=v["duration_us"] / 1e6,
        bytes=int(v["bytes"]),
        socket_errors={k: int(v[k]) for k in SOCKET_ERRORS},
        not_2xx=int(v["not_2xx"]),
        p50_ms=v["p50_us"] / 1000,
        p95_ms=v["p95_us"] / 1000,
        server_cpu=server_used / wall,
        wrk_cpu=wrk_used / wall,
    )


def _children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime
