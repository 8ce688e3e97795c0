"""Check the content and export its JSON Schemas."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from cer.cli.app import (
    JsonOpt,
    content_app,
    content_root,
    emit,
    say,
)


@content_app.command("validate")
def content_validate(json_: JsonOpt = False) -> None:
    """Load every content file, check every cross-reference, print all problems (exit 1 if any)."""
    from cer.content import ContentError, load_content

    try:
        c = load_content(content_root())
    except ContentError as exc:
        problems = [{"file": p.file, "path": p.path, "message": p.message} for p in exc.problems]
        report = f"{exc}\n"
        emit(lambda: {"ok": False, "problems": problems}, json_, lambda: report)
        raise typer.Exit(1) from None
    summary = ", ".join(f"{n} {k}" for k, n in c.counts().items())
    data = {"ok": True, "version": c.version, "counts": c.counts()}
    emit(lambda: data, json_, lambda: say("Content OK (version %(version)s): %(summary)s.", version=c.version,
                                          summary=summary) + "\n")  # fmt: skip


@content_app.command("schema")
def content_schema(
    out: Annotated[
        Path | None, typer.Option(help="Folder to write into; default: schemas/ beside the content.")
    ] = None,
    json_: JsonOpt = False,
) -> None:
    """Write the JSON Schemas of the content files (editors use them; a test keeps them current)."""
    from cer.content import default_root, write_schemas

    target = (out or (content_root() or default_root()) / "schemas").resolve()
    try:
        written = [str(p) for p in write_schemas(target)]
    except OSError as exc:
        problem = exc.strerror or exc
        typer.echo(say("Error: cannot write the schemas to %(target)s: %(problem)s", target=target,
                       problem=problem), err=True)  # fmt: skip
        raise typer.Exit(1) from None
    emit(
        lambda: {"written": written},
        json_,
        lambda: "".join(say("wrote %(file)s", file=p) + "\n" for p in written),
    )
