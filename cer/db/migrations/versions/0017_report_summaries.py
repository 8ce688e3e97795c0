"""report summaries: the words a coordinator writes above a country report before sending it

Revision ID: 0017
Revises: 0016
Create Date: 2026-11-30
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0017"
down_revision: str | None = "0016"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "reportsummary",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("country_code", sa.String(length=3), nullable=False),
        sa.Column("period", sa.String(length=120), nullable=False),
        sa.Column("summary", sa.String(), nullable=False),
        sa.Column("prepared_by", sa.String(length=120), nullable=False),
        sa.Column("updated_by", sa.String(length=60), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["country_code"], ["country.code"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("country_code"),
    )


def downgrade() -> None:
    op.drop_table("reportsummary")
