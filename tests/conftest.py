from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from cer.content import CATALOGUE_DIR, DIAGNOSTICS_DIR, FRAMEWORK_DIR, Content, default_root, get_content

REPO = Path(__file__).resolve().parent.parent


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
