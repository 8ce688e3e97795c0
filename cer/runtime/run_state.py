"""Where run state lives by default (the database, Prefect's home, logs, reports): `var/` at the top of a
source checkout, else the user's data directory, never inside site-packages. `CER_VAR_DIR` overrides both
(cer.runtime.config)."""

from __future__ import annotations

import tomllib
from pathlib import Path

import platformdirs

from cer.content import default_root

APP = "cer-toolkit"


def default_var_dir(packages: Path | None = None) -> Path:
    """`<checkout>/var` when the folder holding the packages (`packages`, default: where they were imported
    from) is a checkout of cer-toolkit; else the user's data directory (`~/.local/share/cer-toolkit` on Linux,
    `~/Library/Application Support/cer-toolkit` on macOS, `%LOCALAPPDATA%\\cer-toolkit` on Windows)."""
    root = packages or default_root()
    if is_checkout(root):
        return root / "var"
    return Path(platformdirs.user_data_dir(APP, appauthor=False))


def is_checkout(root: Path) -> bool:
    """`root` holds cer-toolkit's own pyproject.toml (a source checkout, or an editable install of one);
    the folder of an installed wheel (site-packages) holds none."""
    try:
        project = tomllib.loads((root / "pyproject.toml").read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError):
        return False
    table = project.get("project")
    return isinstance(table, dict) and table.get("name") == APP
