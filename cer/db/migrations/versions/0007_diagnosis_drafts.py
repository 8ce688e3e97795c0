"""diagnosis drafts: answers saved from the browser before they are diagnosed

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-24
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0007"
down_revision: str | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "diagnosisdraft",
        sa.Column("id", sa.String(length=32), nullable=False),
        sa.Column("country_code", sa.String(length=3), nullable=True),
        sa.Column("questionnaire_version", sa.String(length=20), nullable=False),
        sa.Column("answers", sa.JSON(), nullable=False),
        sa.Column("updated_by", sa.String(length=120), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("diagnosis_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(["diagnosis_id"], ["diagnosis.id"]),
        sa.PrimaryKeyConstraint("id"),
    )


def downgrade() -> None:
    op.drop_table("diagnosisdraft")
