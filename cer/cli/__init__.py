"""The `cer` command line. Commands parse, call one function, render; nothing heavy is imported at start.

Commands import the content modules lazily, so `cer --help` stays fast and never imports Prefect or the web
stack. Each group of commands lives in its own module; importing them here registers them on `app`.
"""

from cer.cli import (  # noqa: F401  (registers)
    answers,
    browse,
    content,
    diagnose,
    product,
    reporting,
    respondents,
    running,
    tracking,
    users,
)
from cer.cli.app import Language, ToolTypeChoice, app

__all__ = ["Language", "ToolTypeChoice", "app", "main"]


def main() -> None:
    app()
