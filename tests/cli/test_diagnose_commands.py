"""`cer questionnaire` and `cer diagnose` on the shipped examples and on bad answers."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import yaml
from typer.testing import Result

from tests.conftest import REPO

Cer = Callable[..., Result]
EXAMPLES = REPO / "examples"


def diagnose_json(cer: Cer, *args: str) -> dict[str, Any]:
    result = cer("diagnose", *args, "--start", "2027-01-15", "--json")
    assert result.exit_code == 0, result.stderr
    data: dict[str, Any] = json.loads(result.stdout)
    return data


def test_questionnaire_shows_conditions_in_plain_words(cer: Cer) -> None:
    out = cer("questionnaire").stdout
    assert "suitable_building  Is there a suitable building" in out
    assert (
        "Asked only when “Does the security situation allow agencies to share one building?” is “Yes”" in out
    )
    assert "Valid when the answer is at least 1 and the answer is at most 60." in out
    assert "Languages: en 100%" in out


def test_the_questionnaire_in_french_is_wholly_translated_and_says_so_in_french(cer: Cer) -> None:
    """`cer questionnaire --lang fr`: every label in French and the coverage line at 100 % — in French too."""
    out = cer("questionnaire", "--lang", "fr").stdout
    assert "Langues : en 100%, fr 100%, es 100%, ar 100%" in out
    assert "Diagnostiquer vos besoins" in out and "Is there a suitable building" not in out


def test_questionnaire_json_carries_the_conditions_and_translation_coverage(cer: Cer) -> None:
    data = json.loads(cer("questionnaire", "--json", "--lang", "fr").stdout)
    assert data["version"] == "2026.1"
    questions = {q["id"]: q for s in data["sections"] for q in s["questions"]}
    assert questions["omt_chair_agency"]["relevant"] == "${omt_exists} = 'yes'"
    assert questions["omt_chair_agency"]["relevant_in_words"].endswith("est “Oui”")  # all of it in French
    assert data["translation_coverage"]["en"] == 100


@pytest.mark.parametrize("example", ["malawi", "somalia", "viet_nam"])
def test_every_example_diagnoses_into_a_plan_with_the_documented_shape(cer: Cer, example: str) -> None:
    data = diagnose_json(cer, str(EXAMPLES / f"{example}.yaml"))
    assert {"country", "questionnaire_version", "workstreams", "actions", "tools", "tasks"} <= set(data)
    assert {"code", "selected", "reasons"} <= set(data["workstreams"][0])
    assert {"id", "workstream", "reasons"} <= set(data["actions"][0])
    assert {"id", "reasons"} <= set(data["tools"][0])
    task_keys = {"id", "workstream", "step", "action", "title", "lead", "contributors", "start", "due"}
    task_keys |= {"depends_on", "critical", "slack_days", "tools"}
    assert task_keys <= set(data["tasks"][0])
    # one task per action and workstream, except that a shared action is one task for all its workstreams
    assert sum(len(t["workstreams"]) for t in data["tasks"]) == len(data["actions"])


def test_the_three_examples_really_differ(cer: Cer) -> None:
    somalia = diagnose_json(cer, str(EXAMPLES / "somalia.yaml"))
    viet_nam = diagnose_json(cer, str(EXAMPLES / "viet_nam.yaml"))
    premises = {w["code"]: w for w in somalia["workstreams"]}["D"]
    assert not premises["selected"] and "security situation" in premises["reasons"][0]["text"]
    assert {w["code"]: w for w in viet_nam["workstreams"]}["D"]["selected"]
    assert len(somalia["tasks"]) > 1.5 * len(viet_nam["tasks"])
    assert {"T095", "T096", "T097", "T098"} <= {t["id"] for t in somalia["tools"]}  # post-crisis guidance
    assert not any(t["action"] == "8.1" for t in somalia["tasks"])  # excluded by the example's override
    c81 = next(a for a in somalia["actions_not_needed"] if a["id"] == "8.1")
    assert c81["reasons"][0]["kind"] == "override"


def test_markdown_report_has_a_table_per_step_and_marks_critical_tasks(cer: Cer) -> None:
    result = cer("diagnose", str(EXAMPLES / "malawi.yaml"), "--start", "2027-01-15", "--md")
    assert result.exit_code == 0
    out = result.stdout
    assert out.startswith("# Diagnosis for Malawi (MWI)")
    assert "### Step 4 · Plan organisation changes" in out
    assert "| * | " in out  # a critical task row
    assert "## Recommended tools" in out


def test_the_same_answers_give_the_same_output(cer: Cer) -> None:
    args = (str(EXAMPLES / "viet_nam.yaml"), "--start", "2027-01-15", "--json")
    assert cer("diagnose", *args).stdout == cer("diagnose", *args).stdout


def _write(tmp_path: Path, data: dict[str, Any]) -> str:
    path = tmp_path / "answers.yaml"
    path.write_text(yaml.safe_dump(data), encoding="utf-8")
    return str(path)


def test_bad_answers_exit_2_listing_every_problem(cer: Cer, tmp_path: Path) -> None:
    data = yaml.safe_load((EXAMPLES / "malawi.yaml").read_text(encoding="utf-8"))
    data["answers"] |= {"resident_agencies": "lots", "un_house": "castle", "colour": "red"}
    del data["answers"]["dq01"]
    data["overrides"] = [
        {"target": "tool", "id": "T999", "decision": "include", "justification": "We like it a lot."}
    ]
    result = cer("diagnose", _write(tmp_path, data), "--start", "2027-01-15")
    assert result.exit_code == 2
    assert result.stdout == ""
    err = result.stderr
    assert err.startswith("The answers have 5 problem(s):")
    for expected in (
        "resident_agencies: Enter a whole number",
        "un_house: 'castle' is not one of",
        "colour: unknown question",
        "dq01: an answer is required",
        "overrides[0].id: unknown tool 'T999'",
    ):
        assert expected in err


def test_a_draft_with_gaps_is_diagnosed_and_says_so(cer: Cer, tmp_path: Path) -> None:
    data = yaml.safe_load((EXAMPLES / "malawi.yaml").read_text(encoding="utf-8"))
    del data["answers"]["dq01"]
    path = _write(tmp_path, data)
    assert cer("diagnose", path, "--start", "2027-01-15").exit_code == 2
    report = diagnose_json(cer, path, "--draft")
    assert report["complete"] is False and report["unanswered"] == ["dq01"]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--country", "Narnia"], "The answers have 1 problem(s):\n  country: unknown country 'Narnia'"),
        (
            ["--country", "VNM"],
            "The answers have 1 problem(s):\n  country: the answers are for MWI but --country says VNM",
        ),
        (["--start", "next week"], "Error: --start 'next week' is not a date like 2027-01-15"),
    ],
)
def test_country_and_start_are_checked(cer: Cer, args: list[str], message: str) -> None:
    result = cer("diagnose", str(EXAMPLES / "malawi.yaml"), *args)
    assert result.exit_code == 2
    assert result.stderr.startswith(message)


def test_an_unreadable_or_malformed_answers_file_is_reported_not_raised(cer: Cer, tmp_path: Path) -> None:
    missing = cer("diagnose", str(tmp_path / "nope.yaml"), "--country", "MWI")
    assert missing.exit_code == 2 and "cannot be read" in missing.stderr
    broken = tmp_path / "broken.yaml"
    broken.write_text("answers: [unclosed\n", encoding="utf-8")
    result = cer("diagnose", str(broken), "--country", "MWI")
    assert result.exit_code == 2 and "invalid YAML" in result.stderr
    shapeless = tmp_path / "shapeless.yaml"
    shapeless.write_text("answers: {}\nextra: 1\n", encoding="utf-8")
    result = cer("diagnose", str(shapeless), "--country", "MWI")
    assert "questionnaire_version: Required: fill this in." in result.stderr
    assert "extra: Not something we know here" in result.stderr


def test_the_same_answers_give_the_same_plan_in_separate_processes() -> None:
    import os
    import subprocess
    import sys

    outputs = []
    for seed in ("1", "2"):
        env = {**os.environ, "PYTHONHASHSEED": seed}
        env.pop("CER_CONTENT_ROOT", None)
        args = [
            sys.executable,
            "-m",
            "cer",
            "diagnose",
            str(EXAMPLES / "somalia.yaml"),
            "--start",
            "2027-01-15",
            "--json",
        ]
        outputs.append(subprocess.run(args, capture_output=True, text=True, env=env, check=True).stdout)
    assert outputs[0] == outputs[1]


def test_a_weekend_start_set_aside_answers_and_idle_overrides_are_reported(cer: Cer, tmp_path: Path) -> None:
    data = yaml.safe_load((EXAMPLES / "somalia.yaml").read_text(encoding="utf-8"))
    data["answers"]["omt_chair_agency"] = "undp"
    data["answers"]["security_allows_colocation"] = "no"
    data["answers"]["suitable_building"] = "yes"  # not asked when co-location is impossible
    data["overrides"] += [
        {
            "target": "action",
            "id": "2.4",
            "workstream": "D",
            "decision": "include",
            "justification": "Plan premises anyway.",
        },
        {
            "target": "tool",
            "id": "T097",
            "decision": "exclude",
            "justification": "The early recovery phase is over.",
        },
    ]
    result = cer("diagnose", _write(tmp_path, data), "--start", "2027-01-16")
    assert result.exit_code == 0, result.stderr
    out = result.stdout
    assert "2027-01-16 is not a working day: the plan starts 2027-01-18." in out
    assert "Set aside (not asked, given the other answers): suitable_building." in out
    assert (
        "The override of action 2.4 had no effect: workstream D is not selected or lacks the action." in out
    )
    assert "Not recommended: T097 Guidance note on Early Recovery. Overridden by the country team: " in out
    data_json = diagnose_json(cer, _write(tmp_path, data))
    assert [t["id"] for t in data_json["tools_excluded"]] == ["T097"]
    assert "T097" not in {t["id"] for t in data_json["tools"]}


def test_json_and_md_together_and_far_off_dates_are_refused(cer: Cer) -> None:
    both = cer("diagnose", str(EXAMPLES / "malawi.yaml"), "--json", "--md")
    assert both.exit_code == 2 and "choose one of --json and --md" in both.stderr
    far = cer("diagnose", str(EXAMPLES / "malawi.yaml"), "--start", "9999-12-31")
    assert far.exit_code == 2 and "Give a date from 2000-01-01 to 2100-12-31" in far.stderr


def test_a_json_answers_file_is_read_as_json(cer: Cer, tmp_path: Path) -> None:
    data = yaml.safe_load((EXAMPLES / "viet_nam.yaml").read_text(encoding="utf-8"))
    data["answers"]["notes"] = "Green One UN House \U0001f3e2"
    path = tmp_path / "answers.json"
    path.write_text(json.dumps(data), encoding="utf-8")  # json escapes the emoji as a surrogate pair
    assert diagnose_json(cer, str(path))["country"] == "VNM"
