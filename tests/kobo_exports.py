"""Submission files as KoBoToolbox and ODK Central export them, made from the questionnaire's XLSForm (what
the phones were given) and answers documents: KoBo's CSV and XLSX (XML or label headers and values, group
separator `/`, a select_multiple as one column of choices and one column a choice), KoBo's data API JSON and
ODK Central's OData JSON (groups nested). Shapes follow KoBo's formpack and ODK Central's OData feed."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
from dataclasses import dataclass, field
from typing import Any

from openpyxl import Workbook, load_workbook

LANGUAGE_NAMES = {"en": "English (en)", "fr": "French (fr)", "es": "Spanish (es)", "ar": "Arabic (ar)"}
KOBO_META_AFTER = ("__version__", "_id", "_uuid", "_submission_time", "_validation_status", "_notes",
                   "_status", "_submitted_by", "_tags", "_index")  # fmt: skip


@dataclass(frozen=True)
class Field:
    name: str
    path: str  # context/resident_agencies
    kind: str  # select_one, select_multiple, integer, date, text, calculate
    labels: dict[str, str]  # language → label
    group_labels: dict[str, str]  # language → the group's label
    choices: list[tuple[str, dict[str, str]]] = field(default_factory=list)  # value, labels


@dataclass
class Respondent:
    """One submission: the answers document and what the server adds."""

    answers: dict[str, Any]  # an answers file's document: questionnaire_version, country, answers
    number: int
    submitter: str | None = "enumerator"

    @property
    def uuid(self) -> str:
        return f"0d2c6f3e-0000-4000-8000-{self.number:012d}"

    @property
    def submitted_at(self) -> dt.datetime:
        return dt.datetime(2026, 3, 1, 9, 30) + dt.timedelta(days=self.number)


def form_fields(xlsform: bytes) -> list[Field]:
    """The submission's fields, in the survey's order, with their group path and texts."""
    book = load_workbook(io.BytesIO(xlsform), read_only=True)
    choices: dict[str, list[tuple[str, dict[str, str]]]] = {}
    rows = book["choices"].iter_rows(values_only=True)
    header = next(rows)
    for row in rows:
        line = dict(zip(header, row, strict=False))
        choices.setdefault(str(line["list_name"]), []).append((str(line["name"]), _texts(line)))
    fields: list[Field] = []
    groups: list[tuple[str, dict[str, str]]] = []
    rows = book["survey"].iter_rows(values_only=True)
    header = next(rows)
    for row in rows:
        line = dict(zip(header, row, strict=False))
        kind, _, listed = str(line["type"]).partition(" ")
        if kind == "begin_group":
            groups.append((str(line["name"]), _texts(line)))
        elif kind == "end_group":
            groups.pop()
        elif kind != "note":
            path = "/".join([*(g for g, _ in groups), str(line["name"])])
            group_labels = groups[-1][1] if groups else {}
            fields.append(
                Field(str(line["name"]), path, kind, _texts(line), group_labels, choices.get(listed, []))
            )
    return fields


def _texts(line: dict[str, Any]) -> dict[str, str]:
    return {
        lang: str(line[f"label::{name}"])
        for lang, name in LANGUAGE_NAMES.items()
        if line.get(f"label::{name}")
    }


def _answer(doc: dict[str, Any], f: Field) -> Any:
    if f.name == "country":
        return doc.get("country")
    if f.name == "questionnaire_version":
        return doc["questionnaire_version"]
    return doc["answers"].get(f.name)


def table(
    fields: list[Field], people: list[Respondent], *, lang: str | None = None, hierarchy: bool = False,
    summary: bool = True, details: bool = True, typed: bool = False,
) -> list[list[Any]]:  # fmt: skip
    """KoBo's export as rows (header first): XML headers and values (`lang` None) or labels in `lang`."""
    header: list[Any] = ["start", "end"]
    for f in fields:
        label = f.labels.get(lang, f.name) if lang else f.path
        if lang and hierarchy and f.group_labels:
            label = f"{f.group_labels[lang]}/{label}"
        if f.kind != "select_multiple" or summary:
            header.append(label)
        if f.kind == "select_multiple" and details:
            header += [f"{label}/{labels[lang] if lang else value}" for value, labels in f.choices]
    rows = [header + list(KOBO_META_AFTER)]
    for p in people:
        row: list[Any] = ["2026-03-01T09:00:00.000+02:00", "2026-03-01T09:20:00.000+02:00"]
        for f in fields:
            value = _answer(p.answers, f)
            if f.kind != "select_multiple" or summary:
                row.append(_cell(f, value, lang, typed))
            if f.kind == "select_multiple" and details:
                ticked = value or []
                row += [("1" if v in ticked else "0") if value is not None else "" for v, _ in f.choices]
        row += ["vHx7cN3qLz9pSdWk2Ew5bR", 1000 + p.number, p.uuid,
                p.submitted_at if typed else p.submitted_at.isoformat(), "", "", "submitted_via_web",
                p.submitter or "", "", p.number]  # fmt: skip
        rows.append(row)
    return rows


def _cell(f: Field, value: Any, lang: str | None, typed: bool) -> Any:
    if value is None:
        return ""
    labels = dict(f.choices)
    if f.kind == "select_multiple":
        return " ".join(labels[v][lang] if lang else v for v in value)
    if f.kind == "select_one":
        return labels[value][lang] if lang and value in labels else value
    if typed and f.kind == "integer":
        return int(value)
    if typed and f.kind == "date":
        return dt.datetime.fromisoformat(str(value))
    return str(value)


def kobo_csv(rows: list[list[Any]]) -> bytes:
    out = io.StringIO()
    csv.writer(out, delimiter=";", quoting=csv.QUOTE_ALL).writerows(rows)
    return out.getvalue().encode("utf-8")


def kobo_xlsx(rows: list[list[Any]]) -> bytes:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = "CER diagnostic"
    for row in rows:
        sheet.append([None if cell == "" else cell for cell in row])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def kobo_json(fields: list[Field], people: list[Respondent]) -> bytes:
    """KoBo's data API (v2): XML paths as keys, values as text, unanswered questions left out."""
    results = []
    for p in people:
        record: dict[str, Any] = {
            "_id": 1000 + p.number,
            "formhub/uuid": "5c4bd1c2e8a1",
            "start": "2026-03-01",
        }
        for f in fields:
            value = _answer(p.answers, f)
            if value is not None:
                record[f.path] = " ".join(value) if isinstance(value, list) else str(value)
        record |= {"__version__": "vHx7cN3qLz9pSdWk2Ew5bR", "meta/instanceID": f"uuid:{p.uuid}",
                   "_xform_id_string": "cer_diagnostic", "_uuid": p.uuid, "_attachments": [],
                   "_status": "submitted_via_web", "_geolocation": [None, None],
                   "_submission_time": p.submitted_at.isoformat(), "_tags": [], "_notes": [],
                   "_validation_status": {}, "_submitted_by": p.submitter}  # fmt: skip
        results.append(record)
    return json.dumps({"count": len(results), "next": None, "previous": None, "results": results}).encode()


def odata_json(fields: list[Field], people: list[Respondent]) -> bytes:
    """ODK Central's OData feed: groups nested, numbers as numbers, the server's facts under `__system`."""
    value = []
    for p in people:
        record: dict[str, Any] = {
            "__id": f"uuid:{p.uuid}",
            "__system": {"submissionDate": p.submitted_at.isoformat() + ".123Z", "updatedAt": None,
                         "submitterId": "7", "submitterName": p.submitter, "attachmentsPresent": 0,
                         "attachmentsExpected": 0, "status": None, "reviewState": None, "deviceId": None,
                         "edits": 0, "formVersion": p.answers["questionnaire_version"]},
            "meta": {"instanceID": f"uuid:{p.uuid}"},
        }  # fmt: skip
        for f in fields:
            answer = _answer(p.answers, f)
            *groups, name = f.path.split("/")
            target = record
            for group in groups:
                target = target.setdefault(group, {})
            target[name] = " ".join(answer) if isinstance(answer, list) else answer
        value.append(record)
    return json.dumps({"@odata.context": "https://central.example/v1/projects/1/forms/cer_diagnostic.svc/"
                       "$metadata#Submissions", "value": value}).encode()  # fmt: skip
