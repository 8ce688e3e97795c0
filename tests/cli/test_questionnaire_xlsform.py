"""`cer questionnaire --xlsform FILE.xlsx`: the questionnaire as an XLSForm to field in KoBoToolbox or ODK."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from openpyxl import load_workbook
from typer.testing import Result

from cer.content import Content

Cer = Callable[..., Result]


def test_the_questionnaire_is_written_as_an_xlsform_and_the_command_says_where(
    cer: Cer, tmp_path: Path, content: Content
) -> None:
    target = tmp_path / "cer-questionnaire.xlsx"
    result = cer("questionnaire", "--xlsform", str(target))
    assert result.exit_code == 0, result.stderr
    assert result.stdout.strip() == f"wrote {target}"
    book = load_workbook(target, read_only=True)
    assert book.sheetnames == ["survey", "choices", "settings"]
    names = [row[1] for row in book["survey"].iter_rows(min_row=2, values_only=True)]
    assert names[0] == "country" and set(content.questionnaire.questions) <= set(names)
    settings = dict(zip(*book["settings"].iter_rows(values_only=True), strict=True))
    assert settings["version"] == content.questionnaire.version


def test_the_command_speaks_the_chosen_language_and_the_workbook_has_every_language(
    cer: Cer, tmp_path: Path
) -> None:
    target = tmp_path / "questionnaire.xlsx"
    result = cer("--lang", "fr", "questionnaire", "--xlsform", str(target))
    assert result.exit_code == 0 and str(target) in result.stdout and "écrit" in result.stdout
    header = next(load_workbook(target, read_only=True)["survey"].iter_rows(values_only=True))
    langs = ["English (en)", "French (fr)", "Spanish (es)", "Arabic (ar)"]
    assert [h for h in header if str(h).startswith("label::")] == [f"label::{lang}" for lang in langs]


def test_a_file_that_cannot_be_written_is_refused_with_exit_2(cer: Cer, tmp_path: Path) -> None:
    target = tmp_path / "no-such-folder" / "questionnaire.xlsx"
    result = cer("questionnaire", "--xlsform", str(target))
    assert result.exit_code == 2
    assert f"cannot write {target}" in result.stderr and not target.exists()
