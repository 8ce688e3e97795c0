"""A file of form submissions, as KoBoToolbox and ODK Central export them, read into plain records.

Four shapes: KoBo's CSV export (`;` or `,` between cells, UTF-8), its XLSX export (the first sheet: repeat
groups, which the questionnaire has none of, go to other sheets), the JSON of KoBo's data API
(`{"results": [{"context/resident_agencies": "18", "_id": 7, ...}]}`, or a bare list of such objects) and the
JSON of ODK Central's OData feed (`{"value": [{"__id": "uuid:…", "__system": {...}, "context": {...}}]}`,
groups nested: they are flattened here into `context/resident_agencies`, as KoBo writes them). Each record
keeps its row number as the person sees it: the spreadsheet's row (the header is row 1), or the submission's
place in a JSON file (1 for the first). Cells keep their type (a number, a date from a workbook); empty ones
are dropped, as KoBo's API leaves unanswered questions out.

Limits are checked before anything is parsed: the file's size, what a workbook unpacks to, then rows and
columns while reading.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
from dataclasses import dataclass
from typing import Any

from cer.services.sheet_reader import MAX_ROWS, MAX_UNPACKED, NOT_A_WORKBOOK
from workstreams.errors import N_, InvalidRequest

MAX_BYTES = 8 * 1024 * 1024  # KoBo's API gives ~4 kB a submission: 2,000 submissions, with room
MAX_COLUMNS = 500  # KoBo's exports: one column a question, one a choice of each select_multiple, metadata
MAX_DEPTH = 20  # ODK's groups nest a few deep

Value = str | int | float | bool | dt.date | dt.datetime | list[Any]


@dataclass(frozen=True)
class Record:
    row: int
    cells: dict[str, Value]  # column header (or the key's path, `context/resident_agencies`) → value


@dataclass(frozen=True)
class RecordFile:
    shape: str  # "csv", "xlsx", "kobo-json", "odata-json"
    headers: list[str]  # in the file's order (JSON: every key seen, first seen first)
    records: list[Record]
    header_row: int  # the row a column's problem is said at: 1 for a spreadsheet, 0 for JSON (the file)


def read_records(data: bytes, filename: str) -> RecordFile:
    """The submissions in `data`; InvalidRequest saying what is wrong with the file as a whole."""
    if len(data) > MAX_BYTES:
        raise InvalidRequest(
            N_("%(file)s is %(size)s kB: submission files are limited to %(most)s MB"),
            file=filename,
            size=len(data) // 1024,
            most=MAX_BYTES // 1024 // 1024,
        )
    if not data.strip():
        raise InvalidRequest(N_("%(file)s is empty"), file=filename)
    suffix = filename.rsplit(".", 1)[-1].lower() if "." in filename else ""
    if data[:4] == b"PK\x03\x04" or suffix == "xlsx":
        return _table("xlsx", _xlsx(data, filename), filename)
    if suffix == "json" or data.lstrip()[:1] in (b"{", b"["):
        return _json(data, filename)
    if suffix in ("csv", "txt", ""):
        return _table("csv", _csv(data), filename)
    raise InvalidRequest(
        N_("%(file)s: import KoBo's or ODK's .csv, .xlsx or .json export (an .%(suffix)s is none of them)"),
        file=filename,
        suffix=suffix,
    )


def _too_large() -> InvalidRequest:
    return InvalidRequest(
        N_("at most %(rows)s submissions and %(columns)s columns can be imported"),
        rows=MAX_ROWS,
        columns=MAX_COLUMNS,
    )


def _xlsx(data: bytes, filename: str) -> list[list[Value | None]]:
    from zipfile import BadZipFile, ZipFile

    from openpyxl import load_workbook

    try:  # a workbook is a zip: what it unpacks to is bounded before anything reads it
        unpacked = sum(entry.file_size for entry in ZipFile(io.BytesIO(data)).infolist())
    except (BadZipFile, ValueError, OSError) as exc:
        raise InvalidRequest(NOT_A_WORKBOOK, file=filename, why=str(exc)) from None
    if unpacked > MAX_UNPACKED:
        raise InvalidRequest(
            N_("%(file)s unpacks to %(size)s MB: a submissions export is far smaller (at most %(most)s MB)"),
            file=filename,
            size=unpacked // 1024 // 1024,
            most=MAX_UNPACKED // 1024 // 1024,
        )
    try:
        sheet = load_workbook(io.BytesIO(data), read_only=True, data_only=True).worksheets[0]
        rows: list[list[Value | None]] = []
        for row in sheet.iter_rows(values_only=True):
            if len(rows) > MAX_ROWS or len(row) > MAX_COLUMNS:
                raise _too_large()
            rows.append([_cell(value) for value in row])
    except (BadZipFile, KeyError, ValueError, OSError, IndexError) as exc:
        raise InvalidRequest(NOT_A_WORKBOOK, file=filename, why=str(exc)) from None
    return rows


def _cell(value: object) -> Value | None:
    if isinstance(value, str):
        return value.replace("\r\n", "\n").strip() or None
    if isinstance(value, bool | int | float | dt.date):
        return value
    return None if value is None else str(value)


def _csv(data: bytes) -> list[list[Value | None]]:
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        text = data.decode("cp1252", errors="replace")
    if "\x00" in text:
        raise InvalidRequest(N_("the file holds NUL characters: it is not a CSV file"))
    first = text.split("\n", 1)[0]  # KoBo writes `;` between cells; a spreadsheet saved again, `,` or tab
    delimiter = max(";,\t", key=lambda d: len(next(csv.reader([first], delimiter=d), [])))
    rows: list[list[Value | None]] = []
    for row in csv.reader(io.StringIO(text, newline=""), delimiter=delimiter):
        if len(rows) > MAX_ROWS or len(row) > MAX_COLUMNS:
            raise _too_large()
        rows.append([_cell(cell) for cell in row])
    return rows


def _table(shape: str, cells: list[list[Value | None]], filename: str) -> RecordFile:
    """The first row names the columns (KoBo writes nothing above it); each row below with a value is one
    submission."""
    if not cells or not any(cells[0]):
        raise InvalidRequest(N_("%(file)s has no header row"), file=filename)
    headers = [str(h).replace("\n", " ").strip() if h is not None else "" for h in cells[0]]
    records = []
    for index, row in enumerate(cells[1:], start=2):
        found = {headers[i]: v for i, v in enumerate(row[: len(headers)]) if v is not None and headers[i]}
        if found:
            records.append(Record(index, found))
    if not records:
        raise InvalidRequest(N_("%(file)s has a header row but no submissions below it"), file=filename)
    return RecordFile(shape, headers, records, header_row=1)


def _json(data: bytes, filename: str) -> RecordFile:
    try:
        found = json.loads(data.decode("utf-8-sig"))
    except (UnicodeDecodeError, ValueError, RecursionError) as exc:  # JSONDecodeError is a ValueError
        raise InvalidRequest(N_("%(file)s is not JSON: %(why)s"), file=filename, why=str(exc)[:200]) from None
    if isinstance(found, dict) and isinstance(found.get("value"), list):
        shape, items = "odata-json", found["value"]
    elif isinstance(found, dict) and isinstance(found.get("results"), list):
        shape, items = "kobo-json", found["results"]
    elif isinstance(found, list):
        shape, items = "kobo-json", found
    else:
        raise InvalidRequest(
            N_(
                "%(file)s: expected KoBo's data API JSON ({\"results\": [...]}) or ODK Central's OData "
                'JSON ({"value": [...]})'
            ),
            file=filename,
        )
    if len(items) > MAX_ROWS:
        raise _too_large()
    if not items:
        raise InvalidRequest(N_("%(file)s holds no submissions"), file=filename)
    records, headers = [], {}
    for index, item in enumerate(items, start=1):
        if not isinstance(item, dict):
            raise InvalidRequest(
                N_("%(file)s: submission %(row)s is not a JSON object"), file=filename, row=index
            )
        cells = _flat(item, "", 0)
        if len(cells) > MAX_COLUMNS:
            raise _too_large()
        headers.update(dict.fromkeys(cells))
        records.append(Record(index, cells))
    return RecordFile(shape, list(headers), records, header_row=0)


def _flat(item: dict[str, Any], prefix: str, depth: int) -> dict[str, Value]:
    """ODK's nested groups as paths (`context/resident_agencies`); OData's annotations
    (`…@odata.navigationLink`) dropped; nulls and empty texts are unanswered questions."""
    if depth > MAX_DEPTH:
        raise _too_large()
    flat: dict[str, Value] = {}
    for key, value in item.items():
        if "@odata." in key or value is None or value == "":
            continue
        path = f"{prefix}{key}"
        if isinstance(value, dict):
            flat.update(_flat(value, f"{path}/", depth + 1))
        else:
            flat[path] = value.strip() if isinstance(value, str) else value
    return flat
