"""A spreadsheet as people make them, read into a plain table: an XLSX workbook's first sheet, or a CSV file.

People's action plans have a title (and blank rows) above the header row, merged cells (a section heading
across the row, a lead written once for several rows), line breaks inside cells and numbers such as 2.1 that
must stay text ("2.10" is not "2.1"). The header row is the first row, among the first twenty, with at least
three cells filled and no more than one number; everything below it is a row (blank rows dropped), each cell
as text. CSV: UTF-8 (with or without BOM), else Windows-1252 (what Excel on Windows writes), delimiter
sniffed among , ; and tab.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
from dataclasses import dataclass

from workstreams.errors import N_, InvalidRequest

MAX_BYTES = 700 * 1024  # a plan of a few hundred rows is tens of kB; the web form carries it again, base64
MAX_UNPACKED = 40 * 1024 * 1024  # what an .xlsx may unpack to: a few thousand rows are a few MB of XML
MAX_ROWS = 2000
MAX_COLUMNS = 60
NOT_A_WORKBOOK = N_("%(file)s cannot be read as an Excel workbook (%(why)s)")
_NUMBER = re.compile(r"-?\d+(\.\d+)?")


@dataclass(frozen=True)
class Table:
    """The header row's cells, and each row below it (row numbers as the spreadsheet shows them)."""

    headers: list[str]
    rows: list[tuple[int, list[str]]]
    header_row: int  # as the spreadsheet numbers it (1-based)

    def column_name(self, index: int) -> str:
        """'C (Lead)': the column's letter and its header."""
        letter = _letter(index)
        header = self.headers[index] if index < len(self.headers) else ""
        return f"{letter} ({header})" if header else letter


def read_table(data: bytes, filename: str) -> Table:
    """The table in `data`, a file named `filename` (.xlsx or .csv); InvalidRequest saying what is wrong."""
    if len(data) > MAX_BYTES:
        raise InvalidRequest(
            N_("%(file)s is %(size)s kB: import files are limited to 700 kB"),
            file=filename,
            size=len(data) // 1024,
        )
    if not data.strip():
        raise InvalidRequest(N_("%(file)s is empty"), file=filename)
    suffix = filename.rsplit(".", 1)[-1].lower() if "." in filename else ""
    if suffix == "xlsx" or data[:4] == b"PK\x03\x04":
        cells = _xlsx(data, filename)
    elif suffix in ("csv", "txt", ""):
        cells = _csv(data)
    else:
        raise InvalidRequest(
            N_("%(file)s: import an .xlsx workbook or a .csv file (an .%(suffix)s is neither)"),
            file=filename,
            suffix=suffix,
        )
    return _table(cells, filename)


def _xlsx(data: bytes, filename: str) -> list[list[str]]:
    from zipfile import BadZipFile, ZipFile

    from openpyxl import load_workbook

    try:  # a workbook is a zip: what it unpacks to is bounded before anything reads it (a "zip bomb")
        unpacked = sum(entry.file_size for entry in ZipFile(io.BytesIO(data)).infolist())
    except (BadZipFile, ValueError, OSError) as exc:
        raise InvalidRequest(NOT_A_WORKBOOK, file=filename, why=str(exc)) from None
    if unpacked > MAX_UNPACKED:
        raise InvalidRequest(
            N_(
                "%(file)s unpacks to %(size)s MB: a plan's workbook is far smaller "
                "(at most %(most)s MB); save the sheet alone, or as CSV"
            ),
            file=filename,
            size=unpacked // 1024 // 1024,
            most=MAX_UNPACKED // 1024 // 1024,
        )
    try:
        book = load_workbook(io.BytesIO(data), read_only=False, data_only=True)
    except (BadZipFile, KeyError, ValueError, OSError) as exc:
        raise InvalidRequest(NOT_A_WORKBOOK, file=filename, why=str(exc)) from None
    sheet = book.worksheets[0]
    if sheet.max_row > MAX_ROWS + 20 or sheet.max_column > MAX_COLUMNS:
        raise InvalidRequest(
            N_("%(file)s: at most %(rows)s rows and %(columns)s columns can be imported"),
            file=filename,
            rows=MAX_ROWS,
            columns=MAX_COLUMNS,
        )
    rows = [[_cell_text(c.value, c.number_format) for c in row] for row in sheet.iter_rows()]
    for merged in sheet.merged_cells.ranges:
        # Down a column (a lead written once for several rows): each row has it. Across a row (a section
        # heading): its first cell has it, as if typed there.
        value = rows[merged.min_row - 1][merged.min_col - 1]
        for r in range(merged.min_row, merged.max_row + 1):
            rows[r - 1][merged.min_col - 1] = value
    return rows


def _cell_text(value: object, number_format: str) -> str:
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        return value.date().isoformat() if value.time() == dt.time() else value.isoformat(" ")
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, float):
        if "." in number_format and "0" in number_format:  # shown with decimals, as typed: "2.10"
            decimals = len(number_format.split(".", 1)[1].rstrip("%_);").split(";")[0])
            return f"{value:.{min(decimals, 6)}f}"
        return repr(value).removesuffix(".0") if value.is_integer() else repr(value)
    return str(value).replace("\r\n", "\n").strip()


def _csv(data: bytes) -> list[list[str]]:
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        text = data.decode("cp1252", errors="replace")
    if "\x00" in text:
        raise InvalidRequest(N_("the file holds NUL characters: it is not a CSV file"))
    try:
        dialect: type[csv.Dialect] | csv.Dialect = csv.Sniffer().sniff(text[:4096], delimiters=",;\t")
    except csv.Error:
        dialect = csv.excel
    rows = list(csv.reader(io.StringIO(text, newline=""), dialect))
    if len(rows) > MAX_ROWS + 20 or any(len(r) > MAX_COLUMNS for r in rows):
        raise InvalidRequest(
            N_("at most %(rows)s rows and %(columns)s columns can be imported"),
            rows=MAX_ROWS,
            columns=MAX_COLUMNS,
        )
    return [[cell.replace("\r\n", "\n").strip() for cell in row] for row in rows]


def _table(cells: list[list[str]], filename: str) -> Table:
    for index, row in enumerate(cells[:20]):
        filled = [c for c in row if c]
        if len(filled) >= 3 and sum(bool(_NUMBER.fullmatch(c)) for c in filled) <= 1:
            width = max(i for i, c in enumerate(row) if c) + 1
            headers = [c.replace("\n", " ") for c in row[:width]]
            body = [
                (index + 2 + n, (r + [""] * width)[:width])
                for n, r in enumerate(cells[index + 1 :])
                if any(c for c in r[:width])
            ]
            if not body:
                raise InvalidRequest(
                    N_("%(file)s has a header row (row %(row)s) but no rows below it"),
                    file=filename,
                    row=index + 1,
                )
            return Table(headers, body, index + 1)
    raise InvalidRequest(
        N_(
            "%(file)s: no header row found in the first 20 rows (a row naming at least three columns, "
            "e.g. No. · Key action · Lead · Due · Status)"
        ),
        file=filename,
    )


def _letter(index: int) -> str:
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(65 + rest) + letters
    return letters
