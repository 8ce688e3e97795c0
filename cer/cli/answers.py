"""Respondents' answers fielded in KoBoToolbox or ODK Central: `cer answers import`."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from cer.cli.app import AsUser, JsonOpt, acting_user, app, cli_errors, emit, invalid, stored_content

if TYPE_CHECKING:
    from cer.services.submissions import Submissions

answers_app = typer.Typer(
    help="Respondents' answers collected with KoBoToolbox or ODK.", no_args_is_help=True
)
app.add_typer(answers_app, name="answers")


@answers_app.command("import")
@cli_errors
def answers_import(
    file: Annotated[
        Path, typer.Argument(help="KoBo's CSV or XLSX export, KoBo's API JSON or ODK's OData JSON.")
    ],
    country: Annotated[
        str | None, typer.Option(help="ISO 3166 code, e.g. MWI (default: the file's).")
    ] = None,
    dry_run: Annotated[
        bool, typer.Option(help="Only check: each respondent found, or every problem.")
    ] = False,
    as_: AsUser = None,
    json_: JsonOpt = False,
) -> None:
    """Import the submissions of the questionnaire's XLSForm: each row becomes one respondent of the country's
    diagnostic round, with where it came from; all or nothing: every problem by row and question (exit 2)."""
    from cer.content.countries import all_countries
    from cer.services.submissions import read_submissions
    from cer.views import render_submissions as rs

    countries = rs.import_countries(all_countries())
    found = read_submissions(_read(file), file.name, stored_content().questionnaire, countries, country)
    stored = 0 if dry_run or found.problems else _store(found, acting_user(as_))
    emit(lambda: rs.submissions_json(found, stored), json_, lambda: rs.submissions_text(found, stored))
    if found.problems:
        raise typer.Exit(2)


def _store(found: Submissions, user: str) -> int:
    """Each row as one respondent of the country's open diagnostic round (a uuid imported before replaces its
    answers); how many were stored."""
    from cer.runtime.config import get_settings
    from cer.services.access import local_operator
    from cer.services.database import session_for
    from cer.services.respondents import import_submissions

    with session_for(get_settings()) as session:
        return len(import_submissions(session=session, who=local_operator(user), country=found.country or "",
                                      submissions=found.submissions, content=stored_content()))  # fmt: skip


def _read(file: Path) -> bytes:
    from cer.services.submission_files import MAX_BYTES

    try:
        if file.stat().st_size > MAX_BYTES:  # refused before it is read
            raise invalid("%(file)s is %(size)s kB: submission files are limited to %(most)s MB",
                          file=file, size=file.stat().st_size // 1024, most=MAX_BYTES // 2**20)  # fmt: skip
        return file.read_bytes()
    except OSError as exc:
        raise invalid("cannot read %(file)s: %(problem)s", file=file, problem=exc.strerror or exc) from None
