"""Corrections of the record by its readers: an append-only table of what
was changed, from what to what, by whom, when and why, applied on top of
every analysis.

Frozen: later changes go in new revisions, never here.

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-03 09:40:00
"""

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "corrections",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("kind", sa.String(length=32), nullable=False),
        sa.Column("target", sa.String(length=64), nullable=False),
        sa.Column("value", sa.Text(), nullable=True),
        sa.Column("old_value", sa.Text(), nullable=True),
        sa.Column("made_by", sa.Text(), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("made_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_corrections_target", "corrections", ["target"], unique=False)


def downgrade() -> None:
    op.drop_index("ix_corrections_target", table_name="corrections")
    op.drop_table("corrections")
