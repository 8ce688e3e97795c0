"""`cer tasks update` with an assignee, dependencies, a dated status and progress; `cer tasks add`;
`cer tasks list --mine | --agency`; `cer plan schedule`; `cer users agency` — on the database, and the same
against a server as the token's user."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

from sqlmodel import Session, select
from typer.testing import Result

from cer.db.session import engine_for
from cer.db.tables import TaskRow
from tests.cli.test_remote_commands import remote, server  # noqa: F401  (the server fixture)
from tests.conftest import REPO

MALAWI = str(REPO / "examples" / "malawi.yaml")
YESTERDAY = (dt.date.today() - dt.timedelta(days=1)).isoformat()


def as_json(result: Result) -> Any:
    assert result.exit_code == 0, result.stderr
    return json.loads(result.stdout)


def test_a_task_is_assigned_moved_dated_and_noted_and_a_cycle_is_refused(db: Callable[..., Result]) -> None:
    db("plan", "create", MALAWI, "--start", "2027-01-15")
    assert db("users", "add", "amina", "--name", "Amina D", "--agency", "WFP").exit_code == 0
    assert db("users", "grant", "amina", "MWI", "member").exit_code == 0
    tasks = as_json(db("tasks", "list", "--country", "MWI", "--json"))
    first = min(
        (t for t in tasks if any(t["key"] in u["depends_on"] for u in tasks)), key=lambda t: t["start"]
    )
    after = [u["ref"] for u in tasks if first["key"] in u["depends_on"]]
    due = (dt.date.fromisoformat(first["due"]) + dt.timedelta(days=400)).isoformat()
    moved = as_json(db("tasks", "update", first["ref"], "--due", due, "--assignee", "amina",
                       "--progress", "Concept note drafted", "--note", "with the OMT", "--json"))  # fmt: skip
    assert (moved["assignee"], moved["note"], moved["progress_note"]) == (
        "amina",
        "with the OMT",
        "Concept note drafted",
    )
    assert set(after) <= set(moved["moved"])
    text = db("tasks", "update", first["ref"], "--status", "in_progress", "--as-of", YESTERDAY)
    assert text.exit_code == 0 and "Assigned to amina" in text.stdout
    loop = db("tasks", "update", first["ref"], "--depends-on", after[0])
    assert (
        loop.exit_code == 2
        and f"would make a cycle: {first['ref']} → {after[0]} → {first['ref']}" in loop.stderr
    )
    mine = as_json(db("tasks", "list", "--agency", "WFP", "--json"))
    assert {t["lead"] for t in mine} <= {"WFP"} or any("WFP" in t["contributors"] for t in mine)
    assert db("tasks", "list").exit_code == 2  # which tasks? said in words
    assert db("plan", "schedule", "MWI", "--no-follow-dependencies").exit_code == 0
    warned = db(
        "tasks",
        "update",
        first["ref"],
        "--due",
        (dt.date.fromisoformat(due) + dt.timedelta(days=60)).isoformat(),
    )
    assert "Warning:" in warned.stdout and "which it depends on, ends" in warned.stdout


def test_a_task_of_ones_own_is_added_and_tracked_like_the_toolkits(db: Callable[..., Result]) -> None:
    db("plan", "create", MALAWI, "--start", "2027-01-15")
    tasks = as_json(db("tasks", "list", "--country", "MWI", "--json"))
    base = tasks[0]
    added = as_json(db("tasks", "add", "MWI", "--title", "Joint ICT survey", "--step", "5",
                       "--workstream", "B", "--workstream", "C", "--lead", "OMT", "--depends-on", base["ref"],
                       "--json"))  # fmt: skip
    assert (added["ref"], added["workstreams"], added["custom"]) == ("MWI-B-5/custom-1", ["B", "C"], True)
    assert added["start"] > base["due"]
    dropped = db("tasks", "update", added["ref"], "--status", "dropped", "--reason", "done by the OMT anyway")
    assert dropped.exit_code == 0
    assert db("tasks", "update", added["ref"], "--status", "not_started").exit_code == 0  # restored
    bad = db("tasks", "add", "MWI", "--title", "x", "--step", "12", "--workstream", "B", "--lead", "OMT")
    assert bad.exit_code == 2 and "step" in bad.stderr


def test_the_same_commands_work_against_a_server_as_the_token_s_user(
    cer: Callable[..., Result],
    server: tuple[str, dict[str, str], str],  # noqa: F811
    tmp_path: Path,
) -> None:
    url, tokens, ref = server
    amina = remote(cer, url, tokens["amina"])
    changed = amina("tasks", "update", ref, "--assignee", "amina", "--progress", "Started")
    assert changed.exit_code == 0, changed.stderr
    mine = as_json(amina("tasks", "list", "--mine", "--json"))
    assert [t["ref"] for t in mine] == [ref]
    added = as_json(amina("tasks", "add", "MWI", "--title", "Retreat", "--step", "1", "--workstream", "A",
                          "--lead", "RC Office", "--assignee", "amina", "--json"))  # fmt: skip
    assert added["assignee"] == "amina"
    assert {t["ref"] for t in as_json(amina("tasks", "list", "--mine", "--json"))} == {ref, added["ref"]}
    assert amina("plan", "schedule", "MWI", "--no-follow-dependencies").exit_code == 4  # a coordinator's
    with Session(engine_for(f"sqlite:///{tmp_path / 'cer.db'}")) as session:
        assert session.exec(select(TaskRow).where(TaskRow.assignee == "amina")).all()
