"""`cer export --format todo.ics`: the plan's tasks as to-dos, beside the events of `--format ics`."""

from __future__ import annotations

from collections.abc import Callable

import icalendar
from typer.testing import Result

from tests.conftest import REPO

MALAWI = str(REPO / "examples" / "malawi.yaml")


def test_export_writes_the_plan_as_events_or_as_to_dos(db: Callable[..., Result]) -> None:
    assert db("plan", "create", MALAWI, "--start", "2027-01-15").exit_code == 0
    events, todos = db("export", "MWI", "-f", "ics"), db("export", "MWI", "--format", "todo.ics")
    assert events.exit_code == 0 and todos.exit_code == 0, todos.stdout
    by_kind = {
        kind: {str(c["UID"]) for c in icalendar.Calendar.from_ical(result.stdout).walk(kind)}
        for kind, result in (("VEVENT", events), ("VTODO", todos))
    }
    assert by_kind["VEVENT"] == by_kind["VTODO"] and "MWI-9.1@cer-toolkit" in by_kind["VTODO"]
    assert db("export", "MWI", "-f", "vcs").exit_code != 0
