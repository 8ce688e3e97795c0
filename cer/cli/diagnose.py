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
    say,
    stored_content,
)


@app.command()
@cli_errors
def questionnaire(
    lang: Annotated[
        Language | None,
        typer.Option(help="Language of labels (default: the command line's; English is complete)."),
    ] = None,
    json_: JsonOpt = False,
    xlsform: Annotated[
        Path | None,
        typer.Option(
            "--xlsform",
            metavar="FILE.xlsx",
            dir_okay=False,
            help="Write it as an XLSForm to field in KoBoToolbox or ODK (every language in one file), "
            "instead of printing it.",
        ),
    ] = None,
) -> None:
    """The diagnostic questionnaire, with its skip logic and constraints in plain words."""
    from cer.views import render_diagnosis as rd
    from cer.views.i18n import current_language

    if xlsform is not None:
        return _write_xlsform(xlsform)
    q = content(json_).questionnaire
    asked = lang.value if lang else None  # --json: English unless --lang says otherwise
    text_lang = asked or current_language()
    emit(lambda: rd.questionnaire_json(q, asked or "en"), json_, lambda: rd.questionnaire_text(q, text_lang))


def _write_xlsform(target: Path) -> None:
    """The questionnaire, every language in one workbook, as KoBoToolbox and ODK Central take it."""
    from cer.content.countries import all_countries
    from cer.views.xlsform import questionnaire_xlsform

    workbook = questionnaire_xlsform(stored_content().questionnaire, all_countries())
    try:
        target.write_bytes(workbook)
    except OSError as exc:
        raise invalid(
            "cannot write %(file)s: %(problem)s", file=target, problem=exc.strerror or exc
        ) from None
    typer.echo(say("wrote %(file)s", file=target))


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
    c = content(json_)
    target = day(finish_by, "--finish-by") if finish_by else None
    read = diagnosis.read_answers(answers)
    report = diagnosis.run(c, read, country=country, start=day(start), draft=draft, finish_by=target)
    emit(
        lambda: DiagnosisPublic.of(report).model_dump(mode="json"), json_, lambda: rd.report(c, report, md=md)
    )
