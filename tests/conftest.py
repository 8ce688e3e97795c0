from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from cer.content import CATALOGUE_DIR, DIAGNOSTICS_DIR, FRAMEWORK_DIR, Content, default_root, get_content

REPO = Path(__file__).resolve().parent.parent
# Suites that share a costly server per process (a browser and live websites; a Prefect server) each run on
# one pytest-xdist worker (`--dist loadgroup`, as `make test` runs them), beside the rest spread over all
# workers. The first prefix that a test's id starts with names its group.
# The crashed-run test mostly waits (a minute of a dead worker's silence): a group of its own.
GROUPS = {"tests/e2e/": "e2e", "tests/flows/test_crashed_runs.py": "flows-crash", "tests/flows/": "flows"}


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        group = next((g for prefix, g in GROUPS.items() if item.nodeid.startswith(prefix)), None)
        if group:
            item.add_marker(pytest.mark.xdist_group(group))


@pytest.fixture(scope="session")
def content() -> Content:
    """The shipped content, loaded once for the session (it is immutable)."""
    return get_content()


@pytest.fixture
def content_copy(tmp_path: Path) -> Path:
    """A writable copy of the content tree, for tests that corrupt it."""
    root = tmp_path / "content-root"
    for rel in (FRAMEWORK_DIR, CATALOGUE_DIR, DIAGNOSTICS_DIR):
        shutil.copytree(default_root() / rel, root / rel)
    return root
