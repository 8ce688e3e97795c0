"""The command line in the reader's language (issue 19): `cer --lang fr …` or CER_LANG, for its text, its
exports and its reports; `--json` stays English. Expected words are read from the catalogues the product
ships (cer/locale), and each is checked to differ from the English, so the test proves the text was
translated without pinning a translator's word choice."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
from collections.abc import Callable
from pathlib import Path

from openpyxl import load_workbook
from typer.testing import Result

from cer.views.formats import format_date
from cer.views.i18n import current_language, translations
from tests.conftest import REPO

MALAWI = str(REPO / "examples" / "malawi.yaml")


def french(text: str) -> str:
    """`text` as the French catalogue has it, checked to be translated."""
    translated = translations("fr").gettext(text)
    assert translated != text, f"the French catalogue does not translate {text!r} yet"
    return translated


def test_the_global_lang_option_and_cer_lang_choose_the_words_printed(cer: Callable[..., Result]) -> None:
    english = cer("steps", "4").stdout
    assert "Objectives" in english and "Main actions" in english
    in_french = cer("--lang", "fr", "steps", "4").stdout
    assert french("Objectives") in in_french and french("Main actions") in in_french
    assert "Objectives" not in in_french
    in_spanish = cer("steps", "4", env={"CER_LANG": "es"}).stdout
    assert translations("es").gettext("Objectives") in in_spanish and "Objectives" not in in_spanish
    assert cer("--lang", "en", "steps", "4", env={"CER_LANG": "fr"}).stdout == english  # the option wins


def test_json_keeps_english_keys_and_machine_values_in_every_language(cer: Callable[..., Result]) -> None:
    english = json.loads(cer("steps", "4", "--json").stdout)
    assert json.loads(cer("--lang", "fr", "steps", "4", "--json").stdout) == english
    assert json.loads(cer("steps", "4", "--json", env={"CER_LANG": "ar"}).stdout) == english


def test_an_unknown_language_is_refused_naming_the_ones_there_are(cer: Callable[..., Result]) -> None:
    option = cer("--lang", "de", "steps")
    said = " ".join(option.stderr.replace("│", " ").split())  # the message as words, out of its box
    assert option.exit_code == 2 and "'de' is not one of 'en', 'fr', 'es', 'ar'" in said
    setting = cer("steps", env={"CER_LANG": "de"})
    assert setting.exit_code == 2
    assert "CER_LANG must be one of en, fr, es, ar, got 'de'" in setting.stderr


def test_the_language_ends_with_the_command(cer: Callable[..., Result]) -> None:
    cer("--lang", "fr", "steps")
    assert current_language() == "en"  # the next command (or a web request in this process) starts in English


def test_a_plan_and_its_tasks_are_listed_in_french_with_french_dates(db: Callable[..., Result]) -> None:
    db("plan", "create", MALAWI, "--start", "2027-01-15")
    listed = json.loads(db("tasks", "list", "--country", "MWI", "--json").stdout)
    first = listed[0]
    english = db("tasks", "list", "--country", "MWI").stdout
    assert f"{first['ref']:<12}" in english and first["due"] in english  # English: codes and ISO dates
    table = db("--lang", "fr", "tasks", "list", "--country", "MWI").stdout
    assert french("not started") in table and "not_started" not in table
    assert format_date(dt.date.fromisoformat(first["due"]), "fr") in table and first["due"] not in table
    assert json.loads(db("--lang", "fr", "tasks", "list", "--country", "MWI", "--json").stdout) == listed
    start = dt.date.fromisoformat(json.loads(db("plan", "show", "MWI", "--json").stdout)["plan"]["start"])
    shown = db("plan", "show", "MWI", env={"CER_LANG": "fr"}).stdout
    assert format_date(start, "fr") in shown and start.isoformat() not in shown


def test_a_french_workbook_reads_back_with_french_headers_and_status_words(
    db: Callable[..., Result], tmp_path: Path
) -> None:
    db("plan", "create", MALAWI, "--start", "2027-01-15")
    book_file = tmp_path / "mwi.xlsx"
    made = db("export", "MWI", "-f", "xlsx", "-o", str(book_file), "--lang", "fr")
    assert made.exit_code == 0, made.stderr
    book = load_workbook(book_file)
    sheet = book.worksheets[1]  # the first workstream's tasks
    header = [cell.value for cell in sheet[1]]
    assert header[:3] == [french("Reference"), french("Workstreams"), french("Step")]
    assert french("Status") in header and "Status" not in header
    statuses = {row[header.index(french("Status"))] for row in sheet.iter_rows(min_row=2, values_only=True)}
    assert statuses == {french("Not started")}
    assert book.worksheets[0].title == french("Summary")


def test_a_french_csv_has_french_headers_and_the_global_option_reaches_exports(
    db: Callable[..., Result],
) -> None:
    db("plan", "create", MALAWI, "--start", "2027-01-15")
    rows = list(csv.reader(io.StringIO(db("--lang", "fr", "export", "MWI", "-f", "csv").stdout)))
    assert rows[0][:3] == [french("Reference"), french("Workstreams"), french("Step")]
    assert rows[1][rows[0].index(french("Status"))] == french("Not started")
    english = list(csv.reader(io.StringIO(db("export", "MWI", "-f", "csv").stdout)))
    assert english[0][:3] == ["ref", "workstreams", "step"]  # English keeps the stable column names
    codes = list(csv.reader(io.StringIO(db("--lang", "fr", "export", "MWI", "-f", "csv", "--codes").stdout)))
    assert codes[0] == english[0] and codes[1][codes[0].index("status")] == "not_started"


def test_the_portfolio_report_is_written_in_french(db: Callable[..., Result]) -> None:
    db("plan", "create", MALAWI, "--start", "2027-01-15")
    report = db("--lang", "fr", "report", "--portfolio", "--today", "2027-03-01", "--preview").stdout
    assert f"| {french('Country')} |" in report and f"| {french('Workstream')} |" in report
    assert f"| {french('Step')} |" in report and "1 mars 2027" in report
    assert "| Country |" not in report
    page = db(
        "report", "--portfolio", "-f", "html", "--today", "2027-03-01", "--preview", "--lang", "fr"
    ).stdout
    assert '<html lang="fr">' in page and f"<th>{french('Country')}</th>" in page


def test_a_country_report_in_french_has_french_headings(db: Callable[..., Result]) -> None:
    db("plan", "create", MALAWI, "--start", "2027-01-15")
    page = db("--lang", "fr", "report", "MWI", "-f", "html", "--today", "2027-03-01", "--preview").stdout
    assert '<html lang="fr">' in page
    assert (
        french("Progress report to the Resident Coordinator") in page and f">{french('Workstream')}<" in page
    )


def test_arabic_reports_are_laid_out_right_to_left(db: Callable[..., Result]) -> None:
    db("plan", "create", MALAWI, "--start", "2027-01-15")
    country = db("report", "MWI", "-f", "html", "--today", "2027-03-01", "--preview", "--lang", "ar").stdout
    assert '<html lang="ar" dir="rtl">' in country and "مارس" in country  # March, in Arabic
    assert "text-align: start" in country  # table cells start on the right
    portfolio = db(
        "--lang", "ar", "report", "--portfolio", "-f", "html", "--today", "2027-03-01", "--preview"
    )
    assert '<html lang="ar" dir="rtl">' in portfolio.stdout
