"""plan imports: the reference each imported row had in its file, so a re-import updates the same tasks

Revision ID: 0018
Revises: 0017
Create Date: 2026-11-30
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0018"
down_revision: str | None = "0017"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "importedref",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("plan_id", sa.Integer(), nullable=False),
        sa.Column("ref", sa.String(length=60), nullable=False),
        sa.Column("task_id", sa.Integer(), nullable=False),
        sa.Column("imported_by", sa.String(length=120), nullable=False),
        sa.Column("imported_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["plan_id"], ["plan.id"]),
        sa.ForeignKeyConstraint(["task_id"], ["task.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("plan_id", "ref", name="uq_importedref_plan_ref"),
    )
    op.create_index("ix_importedref_plan_id", "importedref", ["plan_id"])
    op.create_index("ix_importedref_task_id", "importedref", ["task_id"])


def downgrade() -> None:
    op.drop_index("ix_importedref_task_id", table_name="importedref")
    op.drop_index("ix_importedref_plan_id", table_name="importedref")
    op.drop_table("importedref")
