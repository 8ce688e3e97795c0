"""Respondents' answers fielded with the questionnaire's XLSForm, read back from KoBo's and ODK's exports
(issue 20): every shape gives back the answers it was made from, with where each came from; an outdated form
version or an unknown choice is a problem named by row and question, and then nothing is returned."""

from __future__ import annotations

import copy
import datetime as dt
import io
import zipfile
from collections.abc import Callable
from pathlib import Path

import pytest
import yaml

from cer.content import Content
from cer.content.countries import all_countries
from cer.services.submission_files import MAX_BYTES
from cer.services.submissions import Submissions, read_submissions
from cer.views.render_submissions import import_countries
from cer.views.xlsform import questionnaire_xlsform
from tests.kobo_exports import (
    Field,
    Respondent,
    form_fields,
    kobo_csv,
    kobo_json,
    kobo_xlsx,
    odata_json,
    table,
)
from workstreams.errors import InvalidRequest

EXAMPLES = Path(__file__).parents[2] / "examples"
Maker = Callable[[list[Field], list[Respondent]], tuple[bytes, str]]
SHAPES: dict[str, Maker] = {
    "csv, XML headers and values": lambda f, p: (kobo_csv(table(f, p)), "cer.csv"),
    "csv, French labels": lambda f, p: (kobo_csv(table(f, p, lang="fr")), "cer.csv"),
    "xlsx, XML headers, typed cells": lambda f, p: (kobo_xlsx(table(f, p, typed=True)), "cer.xlsx"),
    "xlsx, Spanish labels with groups": lambda f, p: (
        kobo_xlsx(table(f, p, lang="es", hierarchy=True)),
        "cer.xlsx",
    ),
    "xlsx, Arabic labels": lambda f, p: (kobo_xlsx(table(f, p, lang="ar")), "export.xlsx"),
    "KoBo API JSON": lambda f, p: (kobo_json(f, p), "data.json"),
    "ODK OData JSON": lambda f, p: (odata_json(f, p), "Submissions.json"),
}


@pytest.fixture(scope="module")
def fields(content: Content) -> list[Field]:
    return form_fields(questionnaire_xlsform(content.questionnaire, all_countries()))


@pytest.fixture
def people() -> list[Respondent]:
    """Three respondents of Malawi: the three examples' answers, each a different view of the country."""
    docs = [
        yaml.safe_load((EXAMPLES / name).read_text())
        for name in ("malawi.yaml", "somalia.yaml", "viet_nam.yaml")
    ]
    for doc in docs:
        doc["country"] = "MWI"
    return [Respondent(doc, n, submitter=f"enumerator{n}") for n, doc in enumerate(docs, start=1)]


def read(content: Content, data: bytes, filename: str, country: str | None = None) -> Submissions:
    return read_submissions(data, filename, content.questionnaire, import_countries(all_countries()), country)


@pytest.mark.parametrize("shape", SHAPES)
def test_every_export_shape_gives_back_each_respondents_answers(
    shape: str, content: Content, fields: list[Field], people: list[Respondent]
) -> None:
    found = read(content, *SHAPES[shape](fields, people))
    assert found.problems == []
    assert found.country == "MWI"
    expected = [{k: v for k, v in p.answers.items() if k != "overrides"} for p in people]  # not fielded
    assert [s.answer_set.model_dump(exclude={"overrides"}) for s in found.submissions] == expected
    first = found.submissions[0]
    assert first.provenance.uuid == people[0].uuid
    assert first.provenance.submitter == "enumerator1"
    assert first.provenance.submitted_at
    assert first.provenance.submitted_at.replace(microsecond=0) == people[0].submitted_at.replace(
        tzinfo=dt.UTC
    )


def test_metadata_is_kept_as_provenance_and_kobo_ids_are_not_taken_for_the_version(
    content: Content, fields: list[Field], people: list[Respondent]
) -> None:
    kobo = read(content, *SHAPES["csv, XML headers and values"](fields, people)).submissions[1].provenance
    assert (kobo.submission_id, kobo.uuid, kobo.submitter) == ("1002", people[1].uuid, "enumerator2")
    assert kobo.form_version == "vHx7cN3qLz9pSdWk2Ew5bR"
    odk = read(content, *SHAPES["ODK OData JSON"](fields, people)).submissions[1].provenance
    assert (odk.submission_id, odk.uuid, odk.form_version) == (
        f"uuid:{people[1].uuid}",
        people[1].uuid,
        "2026.1",
    )
    assert odk.submitted_at == dt.datetime(2026, 3, 3, 9, 30, 0, 123000, tzinfo=dt.UTC)


@pytest.mark.parametrize("shape", SHAPES)
def test_an_outdated_form_and_an_unknown_choice_are_problems_by_row_and_question_and_nothing_is_returned(
    shape: str, content: Content, fields: list[Field], people: list[Respondent]
) -> None:
    people[1].answers["questionnaire_version"] = "2025.3"
    people[2].answers["answers"]["dao_status"] = "pioneer"
    data, filename = SHAPES[shape](fields, people)
    found = read(content, data, filename)
    assert found.submissions == []
    first_row = 1 if "JSON" in shape else 2
    assert [(p.row, p.question) for p in found.problems] == [
        (first_row + 1, "questionnaire_version"),
        (first_row + 2, "dao_status"),
    ]
    assert "'2025.3'" in found.problems[0].message and "2026.1" in found.problems[0].message
    assert "pioneer" in found.problems[1].message and "self_starter" in found.problems[1].message


def test_a_select_multiple_is_read_from_one_column_a_choice_alone(
    content: Content, fields: list[Field], people: list[Respondent]
) -> None:
    found = read(content, kobo_csv(table(fields, people, summary=False)), "cer.csv")
    assert found.problems == []
    agencies = [s.answer_set.answers["agencies"] for s in found.submissions]
    assert [sorted(a) for a in agencies] == [sorted(p.answers["answers"]["agencies"]) for p in people]


def test_the_two_forms_of_a_select_multiple_must_agree(
    content: Content, fields: list[Field], people: list[Respondent]
) -> None:
    rows = table(fields, people)
    rows[2][rows[0].index("context/agencies/ilo")] = "1"  # Somalia's ILO column ticked, its answer unchanged
    rows[3][rows[0].index("context/agencies/undp")] = "maybe"
    found = read(content, kobo_csv(rows), "cer.csv")
    assert [(p.row, p.question) for p in found.problems] == [(3, "agencies"), (4, "agencies")]
    assert "ilo" in found.problems[0].message and "'maybe'" in found.problems[1].message


def test_an_unknown_choice_in_a_select_multiple_and_a_wrong_number_are_named(
    content: Content, fields: list[Field], people: list[Respondent]
) -> None:
    people[0].answers["answers"]["agencies"] = ["undp", "nasa"]
    people[0].answers["answers"]["resident_agencies"] = "eighteen"
    found = read(content, kobo_json(fields, people), "data.json")
    assert [(p.row, p.question) for p in found.problems] == [(1, "resident_agencies"), (1, "agencies")]
    assert "'nasa'" in found.problems[1].message


def test_the_country_option_fills_rows_and_a_row_for_another_country_is_a_problem(
    content: Content, fields: list[Field], people: list[Respondent]
) -> None:
    people[0].answers["country"] = None
    people[2].answers["country"] = "SOM"
    data = kobo_csv(table(fields, people))
    found = read(content, data, "cer.csv", country="mwi")
    assert [(p.row, p.question) for p in found.problems] == [(4, "country")]
    assert "SOM" in found.problems[0].message
    alone = read(content, data, "cer.csv")
    assert [(p.row, p.question) for p in alone.problems] == [(2, "country"), (4, "country")]
    people[2].answers["country"] = "MWI"
    filled = read(content, kobo_csv(table(fields, people)), "cer.csv", country="MWI")
    assert filled.problems == [] and {s.answer_set.country for s in filled.submissions} == {"MWI"}


def test_without_its_version_column_a_kobo_submission_is_a_problem_and_odk_says_its_form_version(
    content: Content, fields: list[Field], people: list[Respondent]
) -> None:
    without = [f for f in fields if f.name != "questionnaire_version"]
    found = read(content, kobo_csv(table(without, people[:1])), "cer.csv")
    assert [(p.row, p.question) for p in found.problems] == [(2, "questionnaire_version")]
    assert read(content, odata_json(without, people[:1]), "s.json").problems == []


def test_a_column_that_is_no_question_is_a_problem_at_the_header(
    content: Content, fields: list[Field], people: list[Respondent]
) -> None:
    rows = table(fields, people)
    rows[0][rows[0].index("context/dao_status")] = "context/dao_stage"
    found = read(content, kobo_csv(rows), "cer.csv")
    assert [(p.row, p.question) for p in found.problems] == [(1, "context/dao_stage")]
    assert found.submissions == []


def test_a_submission_sent_twice_is_a_problem(
    content: Content, fields: list[Field], people: list[Respondent]
) -> None:
    twice = [people[0], copy.deepcopy(people[0])]
    found = read(content, kobo_json(fields, twice), "data.json")
    assert [(p.row, p.question) for p in found.problems] == [(2, "_uuid")]


def test_unanswered_required_questions_are_listed_with_the_row_not_refused(
    content: Content, fields: list[Field], people: list[Respondent]
) -> None:
    del people[0].answers["answers"]["dq01"]
    found = read(content, kobo_csv(table(fields, people)), "cer.csv")
    assert found.problems == [] and found.submissions[0].missing == ["dq01"]


def test_a_file_too_large_or_a_workbook_unpacking_too_far_is_refused_before_it_is_parsed(
    content: Content,
) -> None:
    with pytest.raises(InvalidRequest, match="limited to 8 MB"):
        read(content, b"{" + b" " * MAX_BYTES + b"}", "huge.json")
    bomb = io.BytesIO()
    with zipfile.ZipFile(bomb, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("xl/worksheets/sheet1.xml", b"\0" * (64 * 1024 * 1024))
    with pytest.raises(InvalidRequest, match="unpacks to 64 MB"):
        read(content, bomb.getvalue(), "bomb.xlsx")


@pytest.mark.parametrize(
    ("data", "said"),
    [
        (b'{"data": []}', "KoBo's data API JSON"),
        (b"[1, 2]", "not a JSON object"),
        (b'{"results": [', "not JSON"),
    ],
)
def test_json_that_is_no_export_is_refused_as_a_whole(content: Content, data: bytes, said: str) -> None:
    with pytest.raises(InvalidRequest, match=said):
        read(content, data, "x.json")
