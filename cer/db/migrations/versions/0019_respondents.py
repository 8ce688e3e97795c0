"""respondents: a country's diagnostic round, each respondent's answers, the coordinator's consensus
decisions, and the spread of the answers kept with a consensus diagnosis

Revision ID: 0019
Revises: 0018
Create Date: 2026-11-30
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0019"
down_revision: str | None = "0018"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "diagnosticround",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("country_code", sa.String(length=3), nullable=False),
        sa.Column("number", sa.Integer(), nullable=False),
        sa.Column("questionnaire_version", sa.String(length=20), nullable=False),
        sa.Column("status", sa.String(length=10), nullable=False),
        sa.Column("opened_by", sa.String(length=120), nullable=False),
        sa.Column("opened_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["country_code"], ["country.code"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("country_code", "number", name="uq_diagnosticround_country_number"),
    )
    op.create_index("ix_diagnosticround_country_code", "diagnosticround", ["country_code"])
    op.create_table(
        "respondent",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("round_id", sa.Integer(), nullable=False),
        sa.Column("label", sa.String(length=120), nullable=False),
        sa.Column("kind", sa.String(length=10), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=True),
        sa.Column("answers", sa.JSON(), nullable=False),
        sa.Column("provenance", sa.JSON(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_by", sa.String(length=120), nullable=False),
        sa.ForeignKeyConstraint(["round_id"], ["diagnosticround.id"]),
        sa.ForeignKeyConstraint(["user_id"], ["user.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("round_id", "label", name="uq_respondent_round_label"),
    )
    op.create_index("ix_respondent_round_id", "respondent", ["round_id"])
    op.create_table(
        "consensusdecision",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("round_id", sa.Integer(), nullable=False),
        sa.Column("question", sa.String(length=60), nullable=False),
        sa.Column("value", sa.JSON(), nullable=True),
        sa.Column("why", sa.String(length=2000), nullable=True),
        sa.Column("decided_by", sa.String(length=120), nullable=False),
        sa.Column("decided_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["round_id"], ["diagnosticround.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("round_id", "question", name="uq_consensusdecision_round_question"),
    )
    op.create_index("ix_consensusdecision_round_id", "consensusdecision", ["round_id"])
    op.create_table(
        "consensusdiagnosis",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("round_id", sa.Integer(), nullable=False),
        sa.Column("diagnosis_id", sa.Integer(), nullable=False),
        sa.Column("respondent_kind", sa.String(length=10), nullable=False),
        sa.Column("spreads", sa.JSON(), nullable=False),
        sa.ForeignKeyConstraint(["round_id"], ["diagnosticround.id"]),
        sa.ForeignKeyConstraint(["diagnosis_id"], ["diagnosis.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("diagnosis_id"),
    )
    op.create_index("ix_consensusdiagnosis_round_id", "consensusdiagnosis", ["round_id"])


def downgrade() -> None:
    op.drop_index("ix_consensusdiagnosis_round_id", table_name="consensusdiagnosis")
    op.drop_table("consensusdiagnosis")
    op.drop_index("ix_consensusdecision_round_id", table_name="consensusdecision")
    op.drop_table("consensusdecision")
    op.drop_index("ix_respondent_round_id", table_name="respondent")
    op.drop_table("respondent")
    op.drop_index("ix_diagnosticround_country_code", table_name="diagnosticround")
    op.drop_table("diagnosticround")
