"""attachments: a country team's own documents and links, attached to a tool or a task

Revision ID: 0021
Revises: 0020
Create Date: 2026-12-02
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0021"
down_revision: str | None = "0020"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "attachment",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("country_code", sa.String(length=3), nullable=False),
        sa.Column("tool_id", sa.String(length=10), nullable=True),
        sa.Column("task_id", sa.Integer(), nullable=True),
        sa.Column("kind", sa.String(length=10), nullable=False),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("url", sa.String(length=2000), nullable=True),
        sa.Column("file_key", sa.String(length=64), nullable=True),
        sa.Column("file_name", sa.String(length=255), nullable=True),
        sa.Column("media_type", sa.String(length=120), nullable=True),
        sa.Column("size", sa.Integer(), nullable=True),
        sa.Column("added_by", sa.String(length=120), nullable=False),
        sa.Column("added_by_id", sa.Integer(), nullable=True),
        sa.Column("added_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("file_key"),
        sqlite_autoincrement=True,
    )
    op.create_index("ix_attachment_country_code", "attachment", ["country_code"])
    op.create_index("ix_attachment_tool_id", "attachment", ["tool_id"])
    op.create_index("ix_attachment_task_id", "attachment", ["task_id"])


def downgrade() -> None:
    op.drop_index("ix_attachment_task_id", table_name="attachment")
    op.drop_index("ix_attachment_tool_id", table_name="attachment")
    op.drop_index("ix_attachment_country_code", table_name="attachment")
    op.drop_table("attachment")
