"""shared actions are one task serving several workstreams (issue 16)

A task gets its workstreams (a JSON list); the per-workstream copies of a shared action in existing plans
('A-1.1', 'B-1.1', …) merge into one task keyed by the action ('1.1'). The merged task is the copy with the
most advanced status (completed > in_progress > blocked > not_started > dropped; the lowest number on a tie),
serves the workstreams of every copy not dropped (of every copy when all were), takes every copy's events,
notifications and dependencies, and is recorded in `taskalias` under each old key and number, so that
'MWI-B-1.1' and a copy's number still find it. Sign-offs and dependencies name the new key.

The list of shared actions is the content's at this revision (workstreams/content/steps.yaml, `scope`),
written out here: a migration does not change when the content does.

Downgrade drops the column and the aliases; merged tasks stay merged (keyed by the action).

Revision ID: 0010
Revises: 0009
Create Date: 2026-11-30
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Sequence
from typing import Any

import sqlalchemy as sa
from alembic import op

revision: str = "0010"
down_revision: str | None = "0009"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

SHARED = frozenset(
    [
        "1.1",
        "1.2",
        "1.3",
        "1.4",
        "1.5",
        "1.6",
        "1.7",
        "2.1",
        "2.2",
        "2.3",
        "3.1",
        "3.4",
        "4.1",
        "4.2",
        "4.3",
        "4.4",
        "4.5",
        "6.2",
        "7.1",
        "7.3",
        "7.4",
        "8.1",
        "8.2",
        "8.3",
        "8.4",
        "9.1",
        "9.2",
        "9.3",
    ]
)
WORKSTREAM_NAMES = {  # the suffix a per-workstream copy's title carried: 'Agree … to proceed (UN Programme)'
    "A": "UN Programme",
    "B": "Common Services and Harmonized Business Practices",
    "C": "Joint Communications",
    "D": "Common Premises",
    "E": "Joint Resource Mobilization",
    "F": "Common Budgetary Framework",
    "G": "Organizational Change",
}
RANK = {"dropped": 0, "not_started": 1, "blocked": 2, "in_progress": 3, "completed": 4}
BY = "migration 0010"

TASK = sa.table(
    "task",
    sa.column("id", sa.Integer),
    sa.column("plan_id", sa.Integer),
    sa.column("key", sa.String),
    sa.column("workstream", sa.String),
    sa.column("workstreams", sa.JSON),
    sa.column("action", sa.String),
    sa.column("title", sa.String),
    sa.column("template", sa.String),
    sa.column("status", sa.String),
    sa.column("depends_on", sa.JSON),
    sa.column("critical", sa.Boolean),
    sa.column("opened_at", sa.DateTime(timezone=True)),
    sa.column("version", sa.Integer),
    sa.column("updated_at", sa.DateTime(timezone=True)),
)
EVENT = sa.table(
    "taskevent",
    sa.column("task_id", sa.Integer),
    sa.column("at", sa.DateTime(timezone=True)),
    sa.column("by", sa.String),
    sa.column("field", sa.String),
    sa.column("old", sa.JSON),
    sa.column("new", sa.JSON),
    sa.column("comment", sa.String),
)
NOTIFICATION = sa.table("notification", sa.column("task_id", sa.Integer))
SIGNOFF = sa.table(
    "stepsignoff",
    sa.column("id", sa.Integer),
    sa.column("plan_id", sa.Integer),
    sa.column("open_tasks", sa.JSON),
)
ALIAS = sa.table(
    "taskalias",
    sa.column("plan_id", sa.Integer),
    sa.column("key", sa.String),
    sa.column("old_task_id", sa.Integer),
    sa.column("task_id", sa.Integer),
)


def upgrade() -> None:
    with op.batch_alter_table("task", schema=None) as batch_op:
        batch_op.add_column(sa.Column("workstreams", sa.JSON(), nullable=False, server_default="[]"))
    op.create_table(
        "taskalias",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("plan_id", sa.Integer(), nullable=False),
        sa.Column("key", sa.String(length=64), nullable=False),
        sa.Column("old_task_id", sa.Integer(), nullable=True),
        sa.Column("task_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["plan_id"], ["plan.id"]),
        sa.ForeignKeyConstraint(["task_id"], ["task.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("plan_id", "key", name="uq_taskalias_plan_key"),
    )
    with op.batch_alter_table("taskalias", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_taskalias_plan_id"), ["plan_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_taskalias_old_task_id"), ["old_task_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_taskalias_task_id"), ["task_id"], unique=False)
    _merge(op.get_bind())


def _merge(connection: sa.Connection) -> None:
    tasks = [row._asdict() for row in connection.execute(sa.select(TASK).order_by(TASK.c.id))]
    if tasks:
        connection.execute(
            TASK.update().where(TASK.c.id == sa.bindparam("tid")).values(workstreams=sa.bindparam("ws")),
            [{"tid": t["id"], "ws": [t["workstream"]]} for t in tasks],
        )
    copies: dict[tuple[int, str], list[dict[str, Any]]] = defaultdict(list)
    for t in tasks:
        if not t["template"] and t["action"] in SHARED and t["key"] == f"{t['workstream']}-{t['action']}":
            copies[(t["plan_id"], t["action"])].append(t)
    renamed: dict[int, dict[str, str]] = defaultdict(dict)  # plan -> old key -> new key
    for (plan_id, action), group in copies.items():
        survivor = max(group, key=lambda t: (RANK.get(t["status"], 0), -t["id"]))
        for t in group:
            renamed[plan_id][t["key"]] = action
        _merge_group(connection, plan_id, action, survivor, group)
    for t in tasks:
        keys = renamed.get(t["plan_id"], {})
        if any(d in keys for d in t["depends_on"] or []):
            mine = keys.get(t["key"], t["key"])
            new = _unique(keys.get(d, d) for d in t["depends_on"] if keys.get(d, d) != mine)
            connection.execute(TASK.update().where(TASK.c.id == t["id"]).values(depends_on=new))
    for row in connection.execute(sa.select(SIGNOFF)):
        keys = renamed.get(row.plan_id, {})
        if any(k in keys for k in row.open_tasks or []):
            new = _unique(keys.get(k, k) for k in row.open_tasks)
            connection.execute(SIGNOFF.update().where(SIGNOFF.c.id == row.id).values(open_tasks=new))


def _merge_group(
    connection: sa.Connection,
    plan_id: int,
    action: str,
    survivor: dict[str, Any],
    group: list[dict[str, Any]],
) -> None:
    others = [t["id"] for t in group if t["id"] != survivor["id"]]
    live = [t for t in group if t["status"] != "dropped"] or group
    codes = sorted({t["workstream"] for t in live})
    opened = [t["opened_at"] for t in group if t["opened_at"] is not None]
    keys = sorted(t["key"] for t in group)
    connection.execute(
        TASK.update()
        .where(TASK.c.id == survivor["id"])
        .values(
            key=action,
            workstream=codes[0],
            workstreams=codes,
            title=_shared_title(survivor["title"], survivor["workstream"]),
            critical=any(t["critical"] for t in group),
            opened_at=min(opened) if opened else None,
            version=max(t["version"] for t in group) + 1,
            updated_at=dt.datetime.now(dt.UTC),
        )
    )
    if others:
        connection.execute(EVENT.update().where(EVENT.c.task_id.in_(others)).values(task_id=survivor["id"]))
        connection.execute(
            NOTIFICATION.update().where(NOTIFICATION.c.task_id.in_(others)).values(task_id=survivor["id"])
        )
    connection.execute(
        ALIAS.insert(),
        [
            {
                "plan_id": plan_id,
                "key": t["key"],
                "old_task_id": t["id"] if t["id"] != survivor["id"] else None,
                "task_id": survivor["id"],
            }
            for t in group
        ],
    )
    connection.execute(
        EVENT.insert().values(
            task_id=survivor["id"],
            at=dt.datetime.now(dt.UTC),
            by=BY,
            field="merged",
            old=keys,
            new=action,
            comment=(
                f"Action {action} is done once for the whole change: {', '.join(keys)} are now this one task "
                f"serving {', '.join(codes)}, with the status of {survivor['key']} ({survivor['status']})"
            ),
        )
    )
    if others:
        connection.execute(TASK.delete().where(TASK.c.id.in_(others)))


def _shared_title(title: str, code: str) -> str:
    suffix = f" ({WORKSTREAM_NAMES.get(code, '')})"
    return title[: -len(suffix)] if title.endswith(suffix) else title


def _unique(values: Any) -> list[str]:
    out: list[str] = []
    for v in values:
        if v not in out:
            out.append(v)
    return out


def downgrade() -> None:
    op.drop_table("taskalias")
    with op.batch_alter_table("task", schema=None) as batch_op:
        batch_op.drop_column("workstreams")
