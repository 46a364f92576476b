"""Claims whose reversals are still to be worked out: marked with the
statements that touch them, cleared when their reversals are stored, so that
a run killed in between leaves the work for the next run.

Frozen: later changes go in new revisions, never here.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-29 19:10:00
"""

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "stale_claims",
        sa.Column("claim_id", sa.String(length=40), nullable=False),
        sa.Column("marked_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["claim_id"], ["claims.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("claim_id"),
    )


def downgrade() -> None:
    op.drop_table("stale_claims")
