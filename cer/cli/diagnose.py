"""Diagnose your needs: the questionnaire and `cer diagnose`."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from cer.cli.app import (
    FinishByOpt,
    JsonOpt,
    Language,
    app,
    cli_errors,
    content,
    day,
    emit,
    invalid,
)


@app.command()
@cli_errors
def questionnaire(
    lang: Annotated[Language, typer.Option(help="Language of labels (English is complete).")] = Language.en,
    json_: JsonOpt = False,
) -> None:
    """The diagnostic questionnaire, with its skip logic and constraints in plain words."""
    from cer.views import render_diagnosis as rd

    q = content().questionnaire
    emit(lambda: rd.questionnaire_json(q, lang.value), json_, lambda: rd.questionnaire_text(q, lang.value))


@app.command()
@cli_errors
def diagnose(
    answers: Annotated[Path, typer.Argument(help="Answers file (YAML or JSON); see examples/.")],
    country: Annotated[
        str | None, typer.Option(help="ISO 3166 code, e.g. MWI (default: the file's).")
    ] = None,
    start: Annotated[str | None, typer.Option(help="Plan start date YYYY-MM-DD (default: today).")] = None,
    finish_by: FinishByOpt = None,
    draft: Annotated[bool, typer.Option(help="Accept unanswered required questions.")] = False,
    json_: JsonOpt = False,
    md: Annotated[bool, typer.Option("--md", help="Print the report as Markdown.")] = False,
) -> None:
    """Select workstreams, actions and tools with reasons, and build the dated step-by-step plan."""
    from cer.services import diagnosis
    from cer.views import render_diagnosis as rd
    from cer.views.public import DiagnosisPublic

    if json_ and md:
        raise invalid("choose one of --json and --md")
    c = content()
    target = day(finish_by, "--finish-by") if finish_by else None
    read = diagnosis.read_answers(answers)
    report = diagnosis.run(c, read, country=country, start=day(start), draft=draft, finish_by=target)
    emit(
        lambda: DiagnosisPublic.of(report).model_dump(mode="json"), json_, lambda: rd.report(c, report, md=md)
    )
