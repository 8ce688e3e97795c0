"""`cer db upgrade`, `cer plan ...` and `cer tasks ...` against a real SQLite file."""

from __future__ import annotations

import datetime as dt
import json
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from typer.testing import Result

from tests.conftest import REPO

MALAWI = str(REPO / "examples" / "malawi.yaml")


def as_json(result: Result) -> Any:
    assert result.exit_code == 0, result.stderr
    return json.loads(result.stdout)


def test_commands_on_a_database_without_tables_say_to_upgrade(
    cer: Callable[..., Result], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("CER_VAR_DIR", str(tmp_path))
    result = cer("plan", "show", "MWI")
    assert result.exit_code == 2
    assert "has no tables yet: run `cer db upgrade`" in result.stderr


def test_a_plan_is_created_shown_and_its_tasks_listed(db: Callable[..., Result]) -> None:
    created = as_json(db("plan", "create", MALAWI, "--start", "2027-01-15", "--json"))
    assert created["plan"]["country"] == "MWI" and created["plan"]["created_by"] == "tester"
    shown = as_json(db("plan", "show", "mwi", "--json"))
    assert [t["ref"] for t in shown["tasks"]] == [t["ref"] for t in created["tasks"]]
    text = db("plan", "show", "MWI").stdout
    assert text.startswith("Plan for MWI: 2027-01-18 to ")  # 15 January 2027 is John Chilembwe Day
    assert "Working days: MWI public holidays and UN holidays; weekend Saturday–Sunday." in text
    assert "It does not fit before 2027-07-01" in text  # the next programme cycle, from the answers
    assert created["plan"]["schedule"]["finish_by"] == "2027-07-01"
    assert created["plan"]["schedule"]["shortfall_days"] > 0 and created["plan"]["schedule"]["chain"]
    only_b = as_json(db("tasks", "list", "--country", "MWI", "--workstream", "B", "--json"))
    assert only_b and all("B" in t["workstreams"] for t in only_b)
    assert {"MWI-4.1", "MWI-B-5.1"} <= {t["ref"] for t in only_b}  # shared with G, and B's own
    table = db("tasks", "list", "--country", "MWI", "--workstream", "B").stdout.splitlines()
    assert table[0].split()[:6] == ["TASK", "VER", "STATUS", "DUE", "WS", "LEAD"]
    rows = {line.split()[0]: line.split()[4] for line in table[1:]}
    assert rows["MWI-4.1"] == "B,G" and rows["MWI-B-5.1"] == "B"  # which workstreams each serves


def test_a_plan_is_made_backward_from_a_target_on_an_edited_calendar(db: Callable[..., Result]) -> None:
    created = as_json(
        db("plan", "create", MALAWI, "--start", "2027-01-15", "--finish-by", "2029-06-30", "--weekend",
           "fri,sat", "--holiday", "2028-03-15=UNCT retreat", "--working-day", "2027-07-06", "--json")
    )  # fmt: skip
    schedule = created["plan"]["schedule"]
    assert schedule["finish_by"] == "2029-06-30" and schedule["shortfall_days"] == 0
    assert schedule["calendar"]["weekend"] == [4, 5] and schedule["calendar"]["removed"] == ["2027-07-06"]
    days = {dt.date.fromisoformat(t[k]) for t in created["tasks"] for k in ("start", "due")}
    assert max(days) <= dt.date(2029, 6, 30) and min(days) > dt.date(2027, 1, 15)  # as late as it can
    assert not {d for d in days if d.weekday() in (4, 5) or d == dt.date(2028, 3, 15)}
    late = db("plan", "create", MALAWI, "--start", "2027-01-15", "--finish-by", "2027-01-01")
    assert late.exit_code == 2 and "finish_by" in late.stderr


def test_a_task_is_updated_and_its_history_shows_who_did_what(db: Callable[..., Result]) -> None:
    db("plan", "create", MALAWI, "--start", "2027-01-15")
    task = as_json(
        db("tasks", "update", "MWI-B-5.1", "--status", "in progress", "--comment", "Kick-off", "--json")
    )
    assert (task["status"], task["version"]) == ("in_progress", 2)
    history = as_json(db("tasks", "history", "MWI-B-5.1", "--json"))
    assert [(e["by"], e["field"], e["old"], e["new"]) for e in history] == [
        ("tester", "status", "not_started", "in_progress"),
        ("tester", "comment", None, None),
    ]
    assert "tester: status: not_started → in_progress" in db("tasks", "history", "MWI-B-5.1").stdout


def test_conflicts_and_bad_changes_exit_with_a_message_and_change_nothing(db: Callable[..., Result]) -> None:
    db("plan", "create", MALAWI, "--start", "2027-01-15")
    db("tasks", "update", "MWI-B-5.1", "--lead", "UNDP")
    stale = db("tasks", "update", "MWI-B-5.1", "--lead", "WHO", "--version", "1")
    assert stale.exit_code == 3 and stale.stderr.startswith(
        "Conflict: task MWI-B-5.1 changed since version 1"
    )
    illegal = db("tasks", "update", "MWI-B-5.1", "--status", "completed")
    assert illegal.exit_code == 2 and "cannot become completed" in illegal.stderr
    for args in (["--status", "done"], ["--due", "someday"]):
        assert db("tasks", "update", "MWI-B-5.1", *args).exit_code == 2
    assert db("tasks", "update", "MWI-Q-1.1", "--lead", "X").exit_code == 2
    again = db("plan", "create", MALAWI)
    assert again.exit_code == 3 and "already has a plan" in again.stderr
    task = as_json(db("tasks", "list", "--country", "MWI", "--json"))
    b41 = next(t for t in task if t["ref"] == "MWI-B-5.1")
    assert (b41["lead"], b41["version"], b41["status"]) == ("UNDP", 2, "not_started")


def test_rediagnose_reports_and_records_the_diff(db: Callable[..., Result], tmp_path: Path) -> None:
    import yaml

    db("plan", "create", MALAWI, "--start", "2027-01-15")
    data = yaml.safe_load(Path(MALAWI).read_text(encoding="utf-8"))
    data["answers"]["security_allows_colocation"] = "no"
    data["answers"].pop("suitable_building")
    new = tmp_path / "new.yaml"
    new.write_text(yaml.safe_dump(data), encoding="utf-8")
    revision = as_json(db("plan", "rediagnose", "MWI", str(new), "--json"))
    assert revision["dropped"] and all(key.startswith("D-") for key in revision["dropped"])
    text = db("plan", "rediagnose", "MWI", str(new)).stdout
    assert text.startswith("Re-diagnosis recorded.\nAdded (0): –")
    dropped = as_json(db("tasks", "list", "--country", "MWI", "--workstream", "D", "--json"))
    assert {t["status"] for t in dropped} == {"dropped"}


def test_demo_report_and_export_from_the_command_line(db: Callable[..., Result], tmp_path: Path) -> None:
    import csv

    import openpyxl

    seeded = db("demo", "--today", "2027-03-01")
    assert seeded.exit_code == 0 and seeded.stdout.startswith("Seeded MWI, SOM, VNM.")
    assert "already have plans" in db("demo", "--today", "2027-03-01").stdout
    portfolio = db("report", "--portfolio", "--today", "2027-03-01").stdout
    assert (
        "| Malawi (MWI) |" in portfolio
        and "| Somalia (SOM) |" in portfolio
        and "| Viet Nam (VNM) |" in portfolio
    )
    html = tmp_path / "mwi.html"
    assert db("report", "MWI", "-f", "html", "-o", str(html), "--today", "2027-03-01").exit_code == 0
    assert html.read_text(encoding="utf-8").startswith("<!doctype html>")
    rows = list(csv.DictReader(db("export", "SOM", "--format", "csv").stdout.splitlines()))
    assert rows and all(r["ref"].startswith("SOM-") for r in rows)
    xlsx = tmp_path / "vnm.xlsx"
    assert db("export", "VNM", "-f", "xlsx", "-o", str(xlsx)).exit_code == 0
    assert openpyxl.load_workbook(xlsx).sheetnames[:2] == ["Summary", "A UN Programme"]  # summary first
    assert db("export", "VNM", "-f", "xlsx").exit_code == 2  # a workbook needs a file
    assert db("report", "--today", "2027-03-01").exit_code == 2  # neither a country nor --portfolio
    assert db("report", "XYZ").exit_code == 2


def test_a_report_that_could_not_be_written_or_was_a_preview_does_not_use_up_the_changes(
    db: Callable[..., Result], tmp_path: Path
) -> None:
    db("plan", "create", MALAWI, "--start", "2027-01-15")
    db("tasks", "update", "MWI-B-5.1", "--comment", "important change")
    failed = db("report", "MWI", "-o", str(tmp_path / "missing" / "x.md"))
    assert failed.exit_code == 2 and "cannot write" in failed.stderr
    assert "Changes since the previous report (1)" in db("report", "MWI", "--preview").stdout
    assert "Changes since the previous report (1)" in db("report", "MWI").stdout  # recorded now
    assert "Changes since the previous report (0)" in db("report", "MWI").stdout


def test_cli_refuses_unknown_workstreams_and_reports_references_for_numbered_tasks(
    db: Callable[..., Result],
) -> None:
    created = as_json(db("plan", "create", MALAWI, "--start", "2027-01-15", "--json"))
    bad = db("tasks", "list", "--country", "MWI", "--workstream", "Z")
    assert bad.exit_code == 2 and "unknown workstream 'Z'" in bad.stderr
    number = str(created["tasks"][0]["id"])
    task = as_json(db("tasks", "update", number, "--comment", "by number", "--json"))
    assert task["ref"] == created["tasks"][0]["ref"]
    late = db("tasks", "update", "MWI-B-5.1", "--due", "2027-02-30")
    assert late.exit_code == 2 and "--due '2027-02-30' is not a date" in late.stderr


def test_a_mistyped_country_workstream_or_step_is_named_in_words_before_anything_runs(
    db: Callable[..., Result],
) -> None:
    db("plan", "create", MALAWI, "--start", "2027-01-15")
    for args, words in (
        (("signoff", "Malawi", "B", "--step", "1"), "country: Give the country's three-letter ISO code"),
        (("signoff", "MWI", "Q", "--step", "1"), "workstream: Choose a workstream: a letter from A to G."),
        (("signoff", "MWI", "B", "--step", "9"), "step: Enter 6 or less."),
        (("run", "workstream", "B", "--country", "Malawi"), "country: Give the country's three-letter ISO"),
    ):
        refused = db(*args)
        assert (refused.exit_code, refused.stdout) == (2, ""), args
        assert refused.stderr.startswith(f"Error: {words}"), (args, refused.stderr)
    assert "not opened yet" in db("signoffs", "MWI", "B").stdout  # nothing was signed off


def test_cer_signoff_code_prints_a_one_time_code_and_signs_nothing(db: Callable[..., Result]) -> None:
    db("plan", "create", MALAWI, "--start", "2027-01-15")
    made = db("signoff", "MWI", "B", "--step", "1", "--code", "--as", "rc@mw")
    assert made.exit_code == 0, made.stderr
    code = re.search(r"step 1: ([A-Z2-9]{5}-[A-Z2-9]{5})", made.stdout)
    assert code and "signs the step off as rc@mw, once" in made.stdout
    issued = as_json(db("signoff", "MWI", "B", "--step", "1", "--code", "--json"))
    assert issued["code"] != code.group(1) and issued["step"] == 1  # a new one each time
    assert "not opened yet" in db("signoffs", "MWI", "B").stdout  # nothing was signed off
