"""`cer plan import` (issue 18): a dry run prints the columns read, the statuses mapped and each row, and
exits 2 with every problem by row and column; the import is all or nothing; --map reads another column."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

from typer.testing import Result

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"
ACTION_PLAN = EXAMPLES / "plans" / "malawi_action_plan.xlsx"


def test_a_dry_run_then_an_import_then_a_second_import_that_changes_nothing(
    db: Callable[..., Result],
) -> None:
    assert db("plan", "create", str(EXAMPLES / "malawi.yaml"), "--start", "2027-01-15").exit_code == 0
    dry = db("plan", "import", "MWI", str(ACTION_PLAN), "--dry-run")
    assert dry.exit_code == 0, dry.stderr
    assert "due                    ← G (Due)" in dry.stdout and "'Delayed' → in progress" in dry.stdout
    assert (
        "row 9    2.1      update (MWI-B-2.4): contributors, due, lead, note, progress, start, status"
        in dry.stdout
    )
    assert dry.stdout.rstrip().endswith("4 would be added, 1 would be updated, 0 unchanged.")
    done = json.loads(db("plan", "import", "MWI", str(ACTION_PLAN), "--json").stdout)
    assert done["imported"] and (done["added"], done["updated"]) == (4, 1)
    again = json.loads(db("plan", "import", "MWI", str(ACTION_PLAN), "--json").stdout)
    assert (again["added"], again["updated"], again["unchanged"]) == (0, 0, 5)
    tasks = json.loads(db("tasks", "list", "--country", "MWI", "--json").stdout)
    assert sum(t["title"] == "Agree long-term agreements for fuel and travel" for t in tasks) == 1


def test_problems_exit_2_naming_row_and_column_and_nothing_is_imported(
    db: Callable[..., Result], tmp_path: Path
) -> None:
    assert db("plan", "create", str(EXAMPLES / "malawi.yaml")).exit_code == 0
    before = len(json.loads(db("tasks", "list", "--country", "MWI", "--json").stdout))
    plan = tmp_path / "plan.csv"
    plan.write_text("No.,Key action,Lead,Due\n1,Run the retreat,RCO,31/02/2027\n", encoding="utf-8")
    dry = db("plan", "import", "MWI", str(plan), "--dry-run")
    assert dry.exit_code == 2 and "row 2, column D (Due): '31/02/2027' is not a date" in dry.stdout
    refused = db("plan", "import", "MWI", str(plan))
    assert refused.exit_code == 2 and "nothing was imported" in refused.stderr
    assert "row 2, column D (Due): '31/02/2027' is not a date" in refused.stderr
    assert len(json.loads(db("tasks", "list", "--country", "MWI", "--json").stdout)) == before
    fixed = db("plan", "import", "MWI", str(plan), "--map", "due=", "--workstream", "C", "--json")
    assert fixed.exit_code == 0, fixed.stderr
    assert json.loads(fixed.stdout)["added"] == 1
    missing = db("plan", "import", "MWI", str(tmp_path / "nowhere.xlsx"))
    assert missing.exit_code == 2 and "cannot read" in missing.stderr
    unknown = db("plan", "import", "MWI", str(plan), "--map", "colour=B")
    assert unknown.exit_code == 2 and "'colour' is not something to import" in unknown.stderr
