"""managing a plan: a task's local note, assignee, progress note, dated status, custom tasks; a plan that
follows its dependencies; a user's agency (issue 16)

Revision ID: 0012
Revises: 0011
Create Date: 2026-11-30
"""

from collections.abc import Sequence
from typing import Any

import sqlalchemy as sa
from alembic import op

revision: str = "0012"
down_revision: str | None = "0011"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def _task_columns() -> tuple[sa.Column[Any], ...]:  # fresh each time: a Column joins one table only
    return (
        sa.Column("note", sa.String(), nullable=False, server_default=""),
        sa.Column("assignee", sa.String(length=60), nullable=True),
        sa.Column("custom", sa.Boolean(), nullable=False, server_default=sa.false()),
        sa.Column("progress_note", sa.String(), nullable=True),
        sa.Column("progress_on", sa.Date(), nullable=True),
        sa.Column("status_on", sa.Date(), nullable=True),
    )


def upgrade() -> None:
    # Plain ADD COLUMN (SQLite has it): a batch would copy and drop `task`, which its events refer to.
    for column in _task_columns():
        op.add_column("task", column)
    op.create_index("ix_task_assignee", "task", ["assignee"])
    op.add_column("taskevent", sa.Column("as_of", sa.Date(), nullable=True))
    op.add_column(
        "plan", sa.Column("follow_dependencies", sa.Boolean(), nullable=False, server_default=sa.true())
    )
    op.add_column("user", sa.Column("agency", sa.String(length=20), nullable=True))


def downgrade() -> None:
    op.drop_column("user", "agency")
    op.drop_column("plan", "follow_dependencies")
    op.drop_column("taskevent", "as_of")
    op.drop_index("ix_task_assignee", "task")
    for column in reversed(_task_columns()):
        op.drop_column("task", column.name)
