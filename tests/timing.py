"""A pytest plugin: at the end of a run, the time each suite took (tests/<suite>/), summed over its tests'
set-up, call and tear-down. With pytest-xdist the suites run side by side, so the sum is more than the
run's wall time; the README's "Tests" section quotes these figures."""

from __future__ import annotations

from collections import defaultdict

import pytest

_spent: defaultdict[str, float] = defaultdict(float)
_counted: defaultdict[str, set[str]] = defaultdict(set)


def suite_of(nodeid: str) -> str:
    """`tests/flows/test_up.py::test_x@flows` → `flows`; a module directly under tests/ → `tests`."""
    parts = nodeid.split("::")[0].split("/")
    return parts[1] if len(parts) > 2 else "tests"


def pytest_runtest_logreport(report: pytest.TestReport) -> None:
    suite = suite_of(report.nodeid)
    _spent[suite] += report.duration
    _counted[suite].add(report.nodeid)


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    if not _spent:
        return
    terminalreporter.section("time per suite (set-up + call + tear-down, summed)")
    for suite, seconds in sorted(_spent.items(), key=lambda item: -item[1]):
        terminalreporter.write_line(f"{suite:<12} {len(_counted[suite]):>4} tests {seconds:>8.1f} s")
