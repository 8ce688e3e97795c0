"""Respondents' answers fielded in KoBoToolbox or ODK Central (issue 20), read back as answers documents.

A file of submissions (cer.services.submission_files: KoBo's CSV or XLSX export, KoBo's data API JSON, ODK
Central's OData JSON) becomes one `AnswerSet` a row, each with where it came from (`Provenance`: the
submission's id and uuid, when and by whom it was submitted). What the file may hold, as KoBo exports it:
- headers as XML names with their group path (`context/resident_agencies`: the path is stripped, whatever
  the group) or as labels, in any of the content's languages, with or without the group's label before them;
- values as XML values (`self_starter`) or labels (`Autodémarrage`), in any of the content's languages;
- a select_multiple as one column of space-separated choices, or one column a choice (`context/agencies/undp`
  holding 1 or 0), or both (they must then agree);
- metadata: `_id`, `_uuid`, `_submission_time`, `_submitted_by`, `__version__`, `meta/instanceID` and
  ODK's `__id` and `__system/*` are kept as provenance; the rest of KoBo's and ODK's own columns (`start`,
  `_index`, `_status`, `formhub/uuid`, …) are recognised and set aside. A column that is none of these is a
  problem: its answers would otherwise be lost without a word.

The form version: the XLSForm writes the questionnaire's version in every submission (`questionnaire_version`,
a calculate field); that is what is checked. Without that column, ODK's `__system/formVersion` (the form's
settings version, which the XLSForm sets to the questionnaire's) is used, or KoBo's `__version__` when it has
the questionnaire's shape (`2026.1`: KoBo usually replaces it with its own deployment ids, which say nothing
about the questionnaire); with none of them, the row is a problem.

Each row is validated as a draft (`validate_answers(final=False)`): a respondent may leave a question
unanswered (KoBo enforces `required` on the phone anyway, but not for answers edited or imported there, and
respondents are put together into one diagnosis later, where a final check asks for every required answer):
the required questions a row leaves unanswered are listed with it (`Submission.missing`), not refused. Any
problem — by row and question — and no submission is returned: the caller stores nothing.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

from cer.services.submission_files import Record, RecordFile, Value, read_records
from cer.services.submission_values import (
    Provenance,
    date_text,
    norm,
    provenance_of,
    segment,
    text_of,
)
from diagnostics.answers import AnswersError, AnswerSet, validate_answers
from diagnostics.questionnaire import LANGUAGES, Question, Questionnaire, QuestionType
from workstreams.errors import N_, Message

COUNTRY = "country"
VERSION = "questionnaire_version"
PROVENANCE = {
    "_id": "submission_id", "__id": "submission_id", "_uuid": "uuid", "meta/instanceid": "uuid",
    "_submission_time": "submitted_at", "__system/submissiondate": "submitted_at",
    "_submitted_by": "submitter", "__system/submittername": "submitter",
    "__version__": "form_version", "_version_": "form_version", "__system/formversion": "form_version",
}  # fmt: skip
METADATA = frozenset({"start", "end", "today", "deviceid", "subscriberid", "simserial", "phonenumber",
                      "username", "email", "audit", "instanceid", "instancename"})  # fmt: skip
META_GROUPS = frozenset({"meta", "formhub", "__system"})
VERSION_SHAPE = re.compile(r"\d{4}\.\d+")
TICKED = {"1": True, "true": True, "0": False, "false": False}


@dataclass(frozen=True)
class Countries:
    """The countries a submission may name: each ISO alpha-3 code with its names in every language (a label
    export writes the name), and the country question's label in every language (a label export's header)."""

    names: Mapping[str, Sequence[str]]
    labels: Sequence[str] = ("Country",)


@dataclass(frozen=True)
class Submission:
    row: int  # the spreadsheet's row (header: row 1), or the place in a JSON file (1 for the first)
    provenance: Provenance
    answer_set: AnswerSet
    missing: list[str] = field(default_factory=list)  # required questions asked but left unanswered


@dataclass(frozen=True, order=True)
class RowProblem:
    row: int  # 1: a column's header (0 in JSON: the file); else as `Submission.row`
    question: str  # a question id, `country`, `questionnaire_version`, or the column's header
    message: str  # a Message: said in the reader's language at the door

    def __str__(self) -> str:
        return f"row {self.row}: {self.question}: {self.message}"


@dataclass(frozen=True)
class Submissions:
    filename: str
    shape: str  # "csv", "xlsx", "kobo-json", "odata-json"
    country: str | None  # the country every row is for
    submissions: list[Submission]  # every row; none at all when there is a problem
    problems: list[RowProblem]


@dataclass(frozen=True)
class Column:
    kind: Literal["question", "choice", "country", "version", "provenance", "metadata"]
    name: str = ""  # the question id, or the provenance field
    choice: str = ""


def read_submissions(
    data: bytes, filename: str, questionnaire: Questionnaire, countries: Countries, country: str | None
) -> Submissions:
    """Every row of `data` as one respondent's answers, or every problem by row and question (then no
    submission). `country` (ISO alpha-3) fills the rows that name none; a row naming another is a problem.
    A file that cannot be read at all raises InvalidRequest."""
    found = read_records(data, filename)
    reader = _Reader(questionnaire, countries)
    problems: list[RowProblem] = []
    columns = reader.columns(found, problems)
    read = [
        reader.submission(record, columns, country and country.upper(), problems) for record in found.records
    ]
    chosen = _one_country(read, country and country.upper(), problems)
    _no_duplicates(read, problems)
    order = {qid: i for i, qid in enumerate([COUNTRY, VERSION, *questionnaire.questions])}
    problems.sort(key=lambda p: (p.row, order.get(p.question, len(order)), p.question))
    return Submissions(filename, found.shape, chosen, [] if problems else read, problems)


class _Reader:
    """What the questionnaire's headers and values look like, in every language."""

    def __init__(self, questionnaire: Questionnaire, countries: Countries) -> None:
        self.questionnaire = questionnaire
        self.index: dict[str, Column | None] = {}  # None: two columns go by that name
        self.values: dict[str, dict[str, str]] = {}  # question → its values and labels → its value
        self.countries = {norm(code): code for code in countries.names}
        for code, names in countries.names.items():
            self.countries.update({norm(name): code for name in names})
        for label in (COUNTRY, *countries.labels):
            self._add(label, Column("country"))
        self._add(VERSION, Column("version"))
        for q in questionnaire.questions.values():
            self._add_question(q)
        self.notes = {f"{s.id}_intro" for s in questionnaire.sections}

    def _add_question(self, q: Question) -> None:
        names = {q.id, *(q.label.get(lang) for lang in LANGUAGES)}
        for name in names:
            self._add(name, Column("question", q.id))
        labels: dict[str, str] = {}
        for choice in self.questionnaire.choices(q):
            texts = {choice.value, *(choice.label.get(lang) for lang in LANGUAGES)}
            labels.update({norm(text): choice.value for text in texts})
            for name in names if q.type is QuestionType.multiple else ():
                for text in texts:
                    self._add(f"{name}/{text}", Column("choice", q.id, choice.value))
        self.values[q.id] = labels

    def _add(self, header: str, column: Column) -> None:
        key = norm(header)
        self.index[key] = column if self.index.get(key, column) == column else None

    def columns(self, found: RecordFile, problems: list[RowProblem]) -> dict[str, Column]:
        """Each header's meaning; a header that is nothing known is a problem said at the header's row."""
        columns: dict[str, Column] = {}
        for header in found.headers:
            column = self.column(header)
            if isinstance(column, Column):
                columns[header] = column
            elif header:
                problems.append(RowProblem(found.header_row, header, column))
        return columns

    def column(self, header: str) -> Column | Message:
        key = norm(header)
        if key in PROVENANCE:
            return Column("provenance", PROVENANCE[key])
        parts = key.split("/")
        for start in range(len(parts)):  # the whole header first, then without its groups, one by one
            name = "/".join(parts[start:])
            if name in self.index:
                found = self.index[name]
                if found is None:
                    return Message(N_("two questions go by this name: export with XML headers"))
                return found
        if parts[0] in META_GROUPS or parts[-1] in METADATA or parts[-1].startswith("_") or key in self.notes:
            return Column("metadata")
        return Message(
            N_("a column that is no question of the questionnaire (version %(version)s), nor KoBo's or "
               "ODK's own: was the form changed?"),
            version=self.questionnaire.version,
        )  # fmt: skip

    def submission(
        self, record: Record, columns: dict[str, Column], country: str | None, problems: list[RowProblem]
    ) -> Submission:
        raw: dict[str, Any] = {}
        ticked: dict[str, list[str]] = {}
        unreadable: set[str] = set()
        said: dict[str, Value] = {}  # country, version and provenance, as the file gives them
        for header, value in record.cells.items():
            column = columns.get(header)
            if column is None or column.kind == "metadata":
                continue
            if column.kind == "choice":
                tick = self._ticked(record.row, column, header, value, problems)
                if tick is not False:  # None: unreadable, said; its question is not checked again
                    ticked.setdefault(column.name, []).extend([column.choice] if tick else [])
                    unreadable.update([column.name] if tick is None else [])
            elif column.kind == "question":
                raw[column.name] = self._value(self.questionnaire.questions[column.name], value)
            else:
                said[column.name or column.kind] = value
        self._choices(record.row, raw, {q: v for q, v in ticked.items() if q not in unreadable}, problems)
        provenance = provenance_of(said)
        version = self._version(record.row, said, provenance, problems)
        code = self._country(record.row, said.get("country"), country, problems)
        answer_set = AnswerSet(questionnaire_version=version, country=code, answers=raw)
        try:
            missing = validate_answers(self.questionnaire, answer_set, final=False).missing
        except AnswersError as exc:
            problems += [RowProblem(record.row, p.where, p.message) for p in exc.problems]
            missing = []
        return Submission(record.row, provenance, answer_set, missing)

    def _value(self, q: Question, value: Value) -> Any:
        """The answer as an answers file gives it: a number, a date as 2027-07-01, a choice's value, a list
        of them; what cannot be converted is left as it is, for validation to say what is wrong."""
        if q.type is QuestionType.integer:
            if isinstance(value, float) and value.is_integer():
                return int(value)
            return int(value) if isinstance(value, str) and re.fullmatch(r"-?\d{1,15}", value) else value
        if q.type is QuestionType.date:
            return date_text(value)
        if q.type is QuestionType.text or isinstance(value, bool):
            return text_of(value) if q.type is QuestionType.text else value
        labels = self.values[q.id]
        if q.type is not QuestionType.multiple:
            return labels.get(norm(text_of(value)), text_of(value))
        if isinstance(value, list):
            return [labels.get(norm(text_of(v)), text_of(v)) for v in value]
        return segment(text_of(value), labels)

    def _ticked(
        self, row: int, column: Column, header: str, value: Value, problems: list[RowProblem]
    ) -> bool | None:
        ticked = TICKED.get(text_of(value).lower().removesuffix(".0"))
        if ticked is None:
            problems.append(
                RowProblem(
                    row,
                    column.name,
                    Message(
                        N_("%(value)s in column %(column)s: a choice's column holds 1 (ticked) or 0"),
                        value=repr(text_of(value)),
                        column=header,
                    ),
                )
            )
        return ticked

    def _choices(
        self, row: int, raw: dict[str, Any], ticked: dict[str, list[str]], problems: list[RowProblem]
    ) -> None:
        """A select_multiple given both ways must agree; given only a column a choice, it is read from them
        (in the questionnaire's order of choices)."""
        for qid, values in ticked.items():
            if qid not in raw:
                order = self.questionnaire.allowed_values(self.questionnaire.questions[qid])
                raw[qid] = sorted(values, key=order.index)
            elif isinstance(raw[qid], list) and set(raw[qid]) != set(values):
                problems.append(
                    RowProblem(
                        row,
                        qid,
                        Message(
                            N_("the answer says %(summary)s but the columns of its choices tick %(ticked)s"),
                            summary=" ".join(map(str, raw[qid])),
                            ticked=" ".join(values),
                        ),
                    )
                )

    def _version(
        self, row: int, said: dict[str, Value], provenance: Provenance, problems: list[RowProblem]
    ) -> str:
        if "version" in said:
            return text_of(said["version"])
        if provenance.form_version and VERSION_SHAPE.fullmatch(provenance.form_version):
            return provenance.form_version
        problems.append(
            RowProblem(
                row,
                VERSION,
                Message(
                    N_(
                        "the submission does not say which version of the questionnaire it answers: export "
                        "it with its questionnaire_version column (the questionnaire is version %(current)s)"
                    ),
                    current=self.questionnaire.version,
                ),
            )  # fmt: skip
        )
        return self.questionnaire.version  # the rest is still checked, against the current version

    def _country(
        self, row: int, value: Value | None, given: str | None, problems: list[RowProblem]
    ) -> str | None:
        if value is None:
            if given is None:
                problems.append(
                    RowProblem(row, COUNTRY, Message(N_("no country: name it (ISO 3166 code, e.g. MWI)")))
                )
            return given
        code = self.countries.get(norm(text_of(value)))
        if code is None:
            problems.append(
                RowProblem(row, COUNTRY, Message(N_("unknown country %(value)s"), value=repr(text_of(value))))
            )
        elif given is not None and code != given:
            problems.append(
                RowProblem(
                    row,
                    COUNTRY,
                    Message(N_("this submission is for %(found)s, not %(given)s"), found=code, given=given),
                )
            )
        return code or given


def _one_country(read: list[Submission], given: str | None, problems: list[RowProblem]) -> str | None:
    """The country of the file: the one given, else the first row's; a row for another is a problem."""
    codes = [s.answer_set.country for s in read if s.answer_set.country]
    chosen = given or (codes[0] if codes else None)
    first = next((s.row for s in read if s.answer_set.country == chosen), None)
    for s in read:
        if given is None and s.answer_set.country and s.answer_set.country != chosen:
            problems.append(
                RowProblem(
                    s.row,
                    COUNTRY,
                    Message(
                        N_(
                            "this submission is for %(found)s, row %(first)s for %(chosen)s: import one "
                            "country's submissions at a time"
                        ),
                        found=s.answer_set.country,
                        first=first,
                        chosen=chosen,
                    ),
                )  # fmt: skip
            )
    return chosen


def _no_duplicates(read: list[Submission], problems: list[RowProblem]) -> None:
    seen: dict[str, int] = {}
    for s in read:
        key = s.provenance.uuid or s.provenance.submission_id
        if key and key in seen:
            problems.append(
                RowProblem(
                    s.row,
                    "_uuid",
                    Message(N_("the same submission as row %(row)s (%(uuid)s)"), row=seen[key], uuid=key),
                )
            )
        seen.setdefault(key or "", s.row)
