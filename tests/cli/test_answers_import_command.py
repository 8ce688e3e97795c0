"""`cer answers import FILE`: KoBo's or ODK's submissions, one respondent a row, all or nothing."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest
import yaml
from typer.testing import Result

from cer.content import Content
from cer.content.countries import all_countries
from cer.services.submission_files import MAX_BYTES
from cer.views.xlsform import questionnaire_xlsform
from tests.kobo_exports import Field, Respondent, form_fields, kobo_csv, odata_json, table

Cer = Callable[..., Result]
EXAMPLES = Path(__file__).parents[2] / "examples"


@pytest.fixture(scope="module")
def fields(content: Content) -> list[Field]:
    return form_fields(questionnaire_xlsform(content.questionnaire, all_countries()))


def respondents() -> list[Respondent]:
    docs = [yaml.safe_load((EXAMPLES / n).read_text()) for n in ("malawi.yaml", "viet_nam.yaml")]
    for doc in docs:
        doc["country"] = "MWI"
    return [Respondent(doc, n, submitter=f"enumerator{n}") for n, doc in enumerate(docs, start=1)]


def test_a_dry_run_lists_each_respondent_found_and_stores_nothing(
    cer: Cer, tmp_path: Path, fields: list[Field]
) -> None:
    file = tmp_path / "cer_diagnostic.csv"
    file.write_bytes(kobo_csv(table(fields, respondents())))
    result = cer("answers", "import", str(file), "--dry-run")
    assert result.exit_code == 0, result.stderr
    assert "2 respondent(s) for MWI" in result.stdout
    assert "row 2: enumerator1, submission 1001" in result.stdout and "row 3: enumerator2" in result.stdout
    assert "nothing stored" in result.stdout


def test_every_problem_is_printed_by_row_and_question_with_exit_2(
    cer: Cer, tmp_path: Path, fields: list[Field]
) -> None:
    people = respondents()
    people[0].answers["questionnaire_version"] = "2025.1"
    people[1].answers["answers"]["un_house"] = "castle"
    file = tmp_path / "Submissions.json"
    file.write_bytes(odata_json(fields, people))
    result = cer("answers", "import", str(file), "--country", "MWI")
    assert result.exit_code == 2
    assert "2 problem(s); nothing is imported" in result.stdout
    assert "row 1, questionnaire_version: answers are for version '2025.1'" in result.stdout
    assert "row 2, un_house: 'castle' is not one of" in result.stdout
    french = cer("--lang", "fr", "answers", "import", str(file), "--json")
    problems = json.loads(french.stdout)["problems"]
    assert [(p["row"], p["question"]) for p in problems] == [(1, "questionnaire_version"), (2, "un_house")]


def test_the_submissions_are_stored_as_respondents_and_a_second_import_replaces_them(
    db: Cer, tmp_path: Path, fields: list[Field]
) -> None:
    file = tmp_path / "cer_diagnostic.csv"
    file.write_bytes(kobo_csv(table(fields, respondents())))
    first = db("answers", "import", str(file), "--json")
    assert first.exit_code == 0, first.stderr
    found = json.loads(first.stdout)
    assert found["stored"] == 2 and found["country"] == "MWI"
    assert [s["uuid"] for s in found["submissions"]] == [p.uuid for p in respondents()]
    again = db("answers", "import", str(file))
    assert again.exit_code == 0 and "2 respondent(s) stored" in again.stdout


def test_a_file_over_the_limit_is_refused_before_it_is_read(cer: Cer, tmp_path: Path) -> None:
    file = tmp_path / "huge.csv"
    file.write_bytes(b"a" * (MAX_BYTES + 1))
    result = cer("answers", "import", str(file))
    assert result.exit_code == 2 and "limited to 8 MB" in result.stderr


def test_a_kobo_submission_that_cer_diagnose_refuses_is_read_by_the_import(
    cer: Cer, tmp_path: Path, fields: list[Field]
) -> None:
    file = tmp_path / "kobo.json"
    record = json.loads(_kobo_api(fields))["results"][0]
    file.write_text(json.dumps(record))
    assert cer("diagnose", str(file)).exit_code == 2  # group paths, _id, _uuid: not an answers file
    bare = tmp_path / "kobo-list.json"
    bare.write_text(json.dumps([record]))
    assert cer("answers", "import", str(bare), "--dry-run").exit_code == 0


def _kobo_api(fields: list[Field]) -> str:
    from tests.kobo_exports import kobo_json

    return kobo_json(fields, respondents()[:1]).decode()
