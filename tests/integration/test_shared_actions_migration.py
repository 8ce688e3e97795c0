"""Migration 0010 on a plan made before shared actions: the copies of a shared action ('A-1.1', 'B-1.1',
'C-1.1') become one task with the most advanced status, every event, its sign-offs and dependencies, and the
old references still find it. On SQLite and PostgreSQL, from a database at schema 0009."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from alembic import command
from sqlalchemy import Engine
from sqlmodel import Session, col, select

from cer.db.engine import make_engine
from cer.db.migrate import alembic_config, upgrade
from cer.db.tables import NotificationRow, StepSignOffRow, TaskRow
from cer.services.tasks import get_task, task_history
from cer.services.workflow import workstream_steps
from tests.integration.conftest import postgres_schema

AT = dt.datetime(2027, 2, 1, 9, 0, tzinfo=dt.UTC)


@pytest.fixture(params=["sqlite", "postgresql"])
def old_database(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[tuple[str, Engine]]:
    """An empty database at schema 0009, before shared actions."""
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path / 'cer.db'}"
        yield from _at_0009(url)
        return
    with postgres_schema() as url:
        yield from _at_0009(url)


def _at_0009(url: str) -> Iterator[tuple[str, Engine]]:
    command.upgrade(alembic_config(url), "0009")
    engine = make_engine(url)
    try:
        yield url, engine
    finally:
        engine.dispose()


def _table(name: str, *columns: str, json: tuple[str, ...] = ()) -> sa.TableClause:
    return sa.table(name, *(sa.column(c, sa.JSON if c in json else None) for c in columns))


def _task(key: str, status: str, depends_on: list[str] | None = None, **extra: Any) -> dict[str, Any]:
    workstream, _, action = key.partition("-")
    names = {
        "A": "UN Programme",
        "B": "Common Services and Harmonized Business Practices",
        "C": "Joint Communications",
    }
    return {
        "plan_id": 1,
        "key": key,
        "workstream": workstream,
        "step": int(action[0]),
        "action": action,
        "title": f"{'Agree within UNCT to proceed' if action == '1.1' else 'Develop implementation plan'} "
        f"({names[workstream]})",
        "description": "",
        "lead": "UNCT",
        "contributors": [],
        "start": dt.date(2027, 1, 15),
        "due": dt.date(2027, 1, 28),
        "duration_days": 10,
        "depends_on": depends_on or [],
        "ongoing": False,
        "critical": False,
        "tools": [],
        "provenance": [],
        "status": status,
        "version": 3,
        "updated_at": AT,
        "dropped_by_rediagnosis": False,
        "template": "",
        **extra,
    }


def _fill(engine: Engine) -> dict[str, int]:
    """Malawi's plan of schema 0009: action 1.1 in three workstreams, at three statuses, with history; a
    step-1 sign-off of B naming B-1.1 as open; an implementation plan depending on its workstream's 1.1."""
    lists = ("answers", "overrides", "workstreams", "contributors", "depends_on", "tools", "provenance")
    tasks = _table("task", *_task("A-1.1", "x"), json=lists)
    with engine.begin() as c:
        c.execute(sa.text("INSERT INTO country (code, name) VALUES ('MWI', 'Malawi')"))
        c.execute(
            _table("diagnosis", "id", "country_code", "questionnaire_version", "content_version", "answers",
                   "overrides", "complete", "created_by", "created_at", json=lists).insert(),
            [{"id": 1, "country_code": "MWI", "questionnaire_version": "2026.1", "content_version": "x",
              "answers": {}, "overrides": [], "complete": True, "created_by": "amina", "created_at": AT}],
        )  # fmt: skip
        c.execute(
            _table("plan", "id", "country_code", "diagnosis_id", "start", "end", "questionnaire_version",
                   "content_version", "workstreams", "created_by", "created_at", json=lists).insert(),
            [{"id": 1, "country_code": "MWI", "diagnosis_id": 1, "start": dt.date(2027, 1, 15),
              "end": dt.date(2027, 12, 31), "questionnaire_version": "2026.1", "content_version": "x",
              "workstreams": [{"code": w, "selected": True, "reasons": []} for w in "ABC"],
              "created_by": "amina", "created_at": AT}],
        )  # fmt: skip
        rows = [
            _task("A-1.1", "not_started"),
            _task("B-1.1", "completed"),
            _task("C-1.1", "in_progress"),
            _task("A-5.1", "not_started", ["A-1.1"]),
            _task("B-5.1", "not_started", ["B-1.1"]),
        ]
        made = c.execute(tasks.insert().returning(sa.column("id"), sa.column("key")), rows).all()
        ids = {key: task_id for task_id, key in made}
        events = _table(
            "taskevent", "task_id", "at", "by", "field", "old", "new", "comment", json=("old", "new")
        )
        c.execute(
            events.insert(),
            [
                {"task_id": ids["B-1.1"], "at": AT, "by": "amina", "field": "status", "old": "not_started",
                 "new": "in_progress", "comment": None},
                {"task_id": ids["B-1.1"], "at": AT, "by": "amina", "field": "status", "old": "in_progress",
                 "new": "completed", "comment": None},
                {"task_id": ids["C-1.1"], "at": AT, "by": "omar", "field": "comment", "old": None,
                 "new": None, "comment": "UNCG briefed"},
            ],
        )  # fmt: skip
        c.execute(
            _table("stepsignoff", "plan_id", "workstream", "step", "signed_by", "signed_at", "note",
                   "open_tasks", json=("open_tasks",)).insert(),
            [{"plan_id": 1, "workstream": "C", "step": 1, "signed_by": "rc", "signed_at": AT,
              "note": "agreed at the retreat", "open_tasks": ["C-1.1"]}],
        )  # fmt: skip
        c.execute(
            _table("notification", "key", "plan_id", "task_id", "kind", "recipient", "subject", "body",
                   "created_at").insert(),
            [{"key": f"overdue:{ids['A-1.1']}:2027-01-28", "plan_id": 1, "task_id": ids["A-1.1"],
              "kind": "overdue", "recipient": "UNCT", "subject": "late", "body": "late", "created_at": AT}],
        )  # fmt: skip
    return ids


def test_copies_of_a_shared_action_become_one_task_with_the_most_advanced_status_and_all_history(
    old_database: tuple[str, Engine],
) -> None:
    url, engine = old_database
    _fill(engine)
    upgrade(url)
    with Session(engine) as session:
        shared = session.exec(select(TaskRow).where(TaskRow.action == "1.1")).all()
        assert [(t.key, t.status, t.workstreams) for t in shared] == [("1.1", "completed", ["A", "B", "C"])]
        task = shared[0]
        assert task.title == "Agree within UNCT to proceed"
        assert task.version > 3  # a form opened on a copy before the merge is refused, not applied
        history = task_history(session=session, ref="MWI-1.1")
        assert [(e.field, e.by) for e in history] == [
            ("status", "amina"),
            ("status", "amina"),
            ("comment", "omar"),
            ("merged", "migration 0010"),
        ]
        assert history[-1].old == ["A-1.1", "B-1.1", "C-1.1"]


def test_old_references_dependencies_sign_offs_and_reminders_point_at_the_merged_task(
    old_database: tuple[str, Engine],
) -> None:
    url, engine = old_database
    ids = _fill(engine)
    upgrade(url)
    with Session(engine) as session:
        merged = get_task(session=session, ref="MWI-1.1")
        for ref in ("MWI-A-1.1", "mwi-b-1.1", "MWI-C-1.1", str(ids["A-1.1"]), str(ids["C-1.1"])):
            assert get_task(session=session, ref=ref).id == merged.id, ref
        plans = {t.key: t.depends_on for t in session.exec(select(TaskRow).where(col(TaskRow.step) == 5))}
        assert plans == {"A-5.1": ["1.1"], "B-5.1": ["1.1"]}
        assert session.exec(select(StepSignOffRow)).one().open_tasks == ["1.1"]
        assert session.exec(select(NotificationRow)).one().task_id == merged.id
        steps = workstream_steps(session=session, country="MWI", code="C")
        assert (steps[0].tasks, steps[0].open) == (1, 0)  # C's step 1 counts the shared task, now completed
