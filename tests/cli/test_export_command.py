"""`cer export`: a CSV file opens in a spreadsheet with words (and a BOM), `--codes` gives the stored codes,
and the workbook opens on its summary."""

from __future__ import annotations

import csv
import io
from collections.abc import Callable
from pathlib import Path

import openpyxl
from typer.testing import Result

from tests.conftest import REPO

MALAWI = str(REPO / "examples" / "malawi.yaml")


def test_export_writes_words_by_default_and_codes_when_asked(
    db: Callable[..., Result], tmp_path: Path
) -> None:
    assert db("plan", "create", MALAWI, "--start", "2027-01-15").exit_code == 0
    words, codes = tmp_path / "words.csv", tmp_path / "codes.csv"
    assert db("export", "MWI", "-f", "csv", "-o", str(words)).exit_code == 0
    assert db("export", "MWI", "-f", "csv", "--codes", "-o", str(codes)).exit_code == 0
    assert words.read_bytes().startswith(b"\xef\xbb\xbf") and codes.read_bytes().startswith(b"\xef\xbb\xbf")
    by_words = list(csv.DictReader(io.StringIO(words.read_text(encoding="utf-8-sig"))))
    by_codes = list(csv.DictReader(io.StringIO(codes.read_text(encoding="utf-8-sig"))))
    assert {r["status"] for r in by_words} == {"Not started"} and {r["status"] for r in by_codes} == {
        "not_started"
    }
    assert by_words[0]["action"] == f"Action {by_codes[0]['action']}"
    printed = db("export", "MWI", "-f", "csv").stdout
    assert printed.startswith("ref,")  # a terminal or a pipe gets no BOM
    book = tmp_path / "mwi.xlsx"
    assert db("export", "MWI", "-f", "xlsx", "-o", str(book)).exit_code == 0
    assert openpyxl.load_workbook(book).sheetnames[:2] == ["Summary", "A UN Programme"]
