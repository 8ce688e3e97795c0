"""What a country team may upload as an attachment, told by its bytes and not only its name: the kinds
allowed, the checks of each kind's first bytes or zip structure, a name safe to download it as, and where
its bytes are kept (under the var folder, named by a random id: never the name the user gave).

Every refusal names the field (`file`) and says what to do, as `InvalidFields`.
"""

from __future__ import annotations

import csv
import io
import os
import re
import secrets
import unicodedata
import zipfile
from dataclasses import dataclass
from pathlib import Path

from workstreams.errors import N_, InvalidFields

MAX_BYTES = 10 * 2**20  # 10 MB: a scanned report fits; a video does not
FIELD = "file"


@dataclass(frozen=True)
class Kind:
    """A kind of file we accept: what it is called, its Content-Type, and the extensions it goes by."""

    name: str
    media_type: str
    extensions: tuple[str, ...]


PDF = Kind("PDF", "application/pdf", ("pdf",))
DOCX = Kind("Word", "application/vnd.openxmlformats-officedocument.wordprocessingml.document", ("docx",))
XLSX = Kind("Excel", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", ("xlsx",))
PPTX = Kind(
    "PowerPoint", "application/vnd.openxmlformats-officedocument.presentationml.presentation", ("pptx",)
)
ODT = Kind("OpenDocument text", "application/vnd.oasis.opendocument.text", ("odt",))
ODS = Kind("OpenDocument spreadsheet", "application/vnd.oasis.opendocument.spreadsheet", ("ods",))
CSV = Kind("CSV", "text/csv; charset=utf-8", ("csv",))
TXT = Kind("text", "text/plain; charset=utf-8", ("txt",))
PNG = Kind("PNG", "image/png", ("png",))
JPEG = Kind("JPEG", "image/jpeg", ("jpg", "jpeg"))
KINDS = (PDF, DOCX, XLSX, PPTX, ODT, ODS, CSV, TXT, PNG, JPEG)
BY_EXTENSION = {ext: kind for kind in KINDS for ext in kind.extensions}
ACCEPTED = ", ".join(f".{ext}" for kind in KINDS for ext in kind.extensions)  # the form's `accept`

# What the checks say (module-level: extracted for translation).
EMPTY = N_("The file is empty: choose the document itself.")
TOO_BIG = N_("The file is larger than %(limit)s MB: attach a smaller copy, or a link to where it is kept.")
NOT_ALLOWED = N_(
    "Files ending .%(extension)s cannot be attached: attach a PDF, Word, Excel, PowerPoint, OpenDocument, "
    "CSV, text, PNG or JPEG file, or a link."
)
NOT_WHAT_IT_SAYS = N_(
    "This file's name says %(kind)s but its content is not a %(kind)s file: save it again as %(kind)s, "
    "or attach it under the name that fits it."
)
MACROS = N_("The document holds macros: save it without them (as .docx, .xlsx or .pptx) and attach it again.")
ODF_MACROS = N_("The document holds macros: save it without them (as .odt or .ods) and attach it again.")
EMBEDDED = N_(
    "The document holds embedded objects or controls (OLE, ActiveX) that could run programs: save a copy "
    "without them (or as PDF) and attach it again."
)
REMOTE = N_(
    "The document fetches a template or an object from another address when it is opened: save a copy "
    "without that link (or as PDF) and attach it again."
)
FORMULA = N_(
    "Row %(row)s has a cell starting with “%(start)s”, which a spreadsheet would run as a formula: put an "
    "apostrophe (') before it, or remove the sign, and attach it again."
)
NOT_UTF8 = N_("The text is not UTF-8: save it as UTF-8 (CSV UTF-8 in Excel) and attach it again.")
MARKUP = N_("The text is a web page or markup, not plain text or CSV: attach it as a PDF instead.")

_OOXML_PART = {DOCX: "word/document.xml", XLSX: "xl/workbook.xml", PPTX: "ppt/presentation.xml"}
_TEXT_CONTROL = re.compile(r"[\x00-\x08\x0b\x0e-\x1f\x7f]")  # tab, line breaks and form feed are text
_ODF_MACROS = ("basic/", "scripts/")  # StarBasic modules and scripts (Python, JavaScript, BeanShell)
_EMBEDDED = re.compile(r"(^|/)(oleobject\d*\.bin|activex[^/]*)$|(^|/)activex/", re.I)
_RELATIONSHIP = re.compile(rb"<(?:\w+:)?Relationship\b[^>]*>", re.I)
_REMOTE_TYPES = re.compile(
    rb'Type\s*=\s*["\'][^"\']*/(attachedTemplate|oleObject|frame|subDocument)["\']', re.I
)
_EXTERNAL = re.compile(rb'TargetMode\s*=\s*["\']External["\']', re.I)
_RELS_BYTES = 2**20  # a part's relationships take a few KB; more is no Office document
_FORMULA_SIGNS = ("=", "+", "-", "@")
_PLAIN_NUMBER = re.compile(r"[+-]?[\d\s.,']*%?|[+-][\s+-]*")  # -5, -1,234.5, -12%, +41 22 917 1234, "-", "--"
_SEPARATORS = (",", ";", "\t")  # Excel splits a CSV by the separator of the reader's region


def _refuse(message: str, **values: object) -> InvalidFields:
    return InvalidFields.of(FIELD, message, **values)


def extension(name: str) -> str:
    return name.rsplit(".", 1)[-1].lower() if "." in name else ""


def checked_kind(name: str, data: bytes) -> Kind:
    """The kind of an uploaded file: allowed by its name, and its bytes are what the name says; otherwise
    InvalidFields on `file` in words. `data` may be one byte longer than MAX_BYTES (read no further)."""
    if not data:
        raise _refuse(EMPTY)
    if len(data) > MAX_BYTES:
        raise _refuse(TOO_BIG, limit=MAX_BYTES // 2**20)
    kind = BY_EXTENSION.get(extension(name))
    if kind is None:
        raise _refuse(NOT_ALLOWED, extension=extension(name) or "?")
    if kind in (CSV, TXT):
        _check_text(data)
        if kind is CSV:
            _check_cells(data.decode("utf-8-sig"))
    elif not _looks_like(kind, data):
        raise _refuse(NOT_WHAT_IT_SAYS, kind=kind.name)
    return kind


def _looks_like(kind: Kind, data: bytes) -> bool:
    if kind is PDF:
        return data.startswith(b"%PDF-")
    if kind is PNG:
        return data.startswith(b"\x89PNG\r\n\x1a\n")
    if kind is JPEG:
        return data.startswith(b"\xff\xd8\xff")
    return _zip_is(kind, data)


def _zip_is(kind: Kind, data: bytes) -> bool:
    """An Office Open XML or OpenDocument file: a zip holding that kind's parts (nothing is extracted),
    refused in words when it holds macros, embedded programs or a template fetched from elsewhere."""
    if not data.startswith(b"PK\x03\x04"):
        return False
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            names = set(archive.namelist())
            if kind not in _OOXML_PART:
                small = "mimetype" in names and archive.getinfo("mimetype").file_size <= 100
                said = archive.read("mimetype").decode("ascii", "replace").strip() if small else ""
                found = said == kind.media_type
                macros = any(n.lower().startswith(_ODF_MACROS) for n in names)
                problem = ODF_MACROS if found and macros else None
            else:
                found = "[Content_Types].xml" in names and _OOXML_PART[kind] in names
                problem = _office_problem(archive, names) if found else None
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, ValueError, EOFError, RuntimeError):
        return False
    if problem is not None:
        raise _refuse(problem)
    return found


def _office_problem(archive: zipfile.ZipFile, names: set[str]) -> str | None:
    """Macros, embedded OLE objects or ActiveX controls, or a relationship that fetches a template or an
    object from another address when the document is opened (word/_rels/settings.xml.rels and the like)."""
    if any(n.lower().endswith("vbaproject.bin") for n in names):
        return MACROS
    if any(_EMBEDDED.search(n) for n in names):
        return EMBEDDED
    for name in (n for n in names if n.lower().endswith(".rels")):
        with archive.open(name) as part:
            rels = part.read(_RELS_BYTES + 1)
        if len(rels) > _RELS_BYTES:
            return REMOTE
        for tag in _RELATIONSHIP.findall(rels):
            if _EXTERNAL.search(tag) and _REMOTE_TYPES.search(tag):
                return REMOTE
    return None


def _check_text(data: bytes) -> None:
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise _refuse(NOT_UTF8) from None
    if _TEXT_CONTROL.search(text):
        raise _refuse(NOT_UTF8)
    if text.lstrip().startswith("<"):
        raise _refuse(MARKUP)


def _check_cells(text: str) -> None:
    """No cell a spreadsheet would run as a formula (CSV injection): one starting with =, + or @, or with -
    unless the cell is a plain number; read with each usual separator, as a colleague's Excel might."""
    if not any(sign in text for sign in _FORMULA_SIGNS):
        return
    for separator in _SEPARATORS:
        if separator not in text:
            continue
        for row, cells in enumerate(csv.reader(io.StringIO(text, newline=""), delimiter=separator), 1):
            for cell in cells:
                if cell.startswith(_FORMULA_SIGNS) and not (
                    cell[0] in "+-" and _PLAIN_NUMBER.fullmatch(cell)
                ):
                    raise _refuse(FORMULA, row=row, start=cell[:20] + ("…" if len(cell) > 20 else ""))


def download_name(name: str, kind: Kind) -> str:
    """The name a file is downloaded as: the user's own name without folders or control characters, at
    most 120 characters, ending with its kind's extension ("attachment.pdf" when nothing is left)."""
    stem, dot, ending = name.replace("\\", "/").rsplit("/", 1)[-1].rpartition(".")
    stem, ending = (stem, ending) if dot else (ending, "")
    stem = "".join(" " if unicodedata.category(c).startswith(("C", "Z")) else c for c in stem)
    stem = re.sub(r" +", " ", stem).strip().lstrip(".").strip()
    ending = ending if ending.lower() in kind.extensions else kind.extensions[0]
    stem = stem[: 120 - len(ending) - 1].strip() or "attachment"
    return f"{stem}.{ending}"


def new_key() -> str:
    """A file's name on disk: random, 32 hex digits."""
    return secrets.token_hex(16)


def stored_path(folder: Path, key: str) -> Path:
    if not re.fullmatch(r"[0-9a-f]{32}", key):
        raise ValueError(f"not a file key: {key!r}")
    return folder / key


def keep(folder: Path, key: str, data: bytes) -> Path:
    """Write `data` under `folder` as `key` (whole or not at all: written aside, then renamed)."""
    folder.mkdir(parents=True, exist_ok=True)
    path = stored_path(folder, key)
    part = path.with_suffix(".part")
    part.write_bytes(data)
    os.replace(part, path)
    return path


def discard(folder: Path, key: str | None) -> None:
    if key:
        stored_path(folder, key).unlink(missing_ok=True)
