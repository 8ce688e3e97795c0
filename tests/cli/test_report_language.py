"""`cer report COUNTRY --lang`: the report to send, in the language asked (issue 18, part 5)."""

from __future__ import annotations

from collections.abc import Callable

from typer.testing import Result

from tests.conftest import REPO

MALAWI = str(REPO / "examples" / "malawi.yaml")


def test_the_country_report_is_written_in_the_language_asked(db: Callable[..., Result]) -> None:
    db("plan", "create", MALAWI, "--start", "2027-01-15")
    english = db("report", "MWI", "--today", "2027-03-01", "--preview").stdout
    assert "- **Country**: Malawi" in english and "- **Date**: 1 March 2027" in english
    french = db("report", "MWI", "--today", "2027-03-01", "--preview", "--lang", "fr").stdout
    assert "- **Pays**: Malawi" in french and "1 mars 2027" in french
    spanish = db("report", "MWI", "-f", "html", "--today", "2027-03-01", "--preview", "--lang", "es").stdout
    assert '<html lang="es">' in spanish and "1 de marzo de 2027" in spanish
    assert db("report", "MWI", "--lang", "de").exit_code == 2
