"""working calendars and a plan's target date (issue 16): the calendar a plan's dates use (weekend, days
added and removed; null for the plans made before, which keep their country's), the date it is planned
backward from, and when it did not fit, by how many working days and the chain of tasks that decides it

Revision ID: 0011
Revises: 0010
Create Date: 2026-11-30
"""

from collections.abc import Sequence
from typing import Any

import sqlalchemy as sa
from alembic import op

revision: str = "0011"
down_revision: str | None = "0010"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def _plan_columns() -> tuple[sa.Column[Any], ...]:  # fresh each time: a Column joins one table only
    return (
        sa.Column("calendar", sa.JSON(), nullable=True),
        sa.Column("finish_by", sa.Date(), nullable=True),
        sa.Column("shortfall_days", sa.Integer(), nullable=True),
        sa.Column("chain", sa.JSON(), nullable=True),
    )


def upgrade() -> None:
    with op.batch_alter_table("plan") as plan:
        for column in _plan_columns():
            plan.add_column(column)


def downgrade() -> None:
    with op.batch_alter_table("plan") as plan:
        for column in reversed(_plan_columns()):
            plan.drop_column(column.name)
