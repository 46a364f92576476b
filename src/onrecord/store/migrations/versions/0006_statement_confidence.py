"""Each statement's learned confidence (onrecord.nlp.confidence): that it is
an attribution, and that its speaker is resolved right. Statements stored
before have none (NULL): re-analysing their articles gives them one.

Frozen: later changes go in new revisions, never here.

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-04 01:40:00
"""

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("statements", sa.Column("confidence", sa.Float(), nullable=True))
    op.add_column("statements", sa.Column("speaker_confidence", sa.Float(), nullable=True))
    op.create_index("ix_statements_confidence", "statements", ["confidence"], unique=False)


def downgrade() -> None:
    op.drop_index("ix_statements_confidence", table_name="statements")
    op.drop_column("statements", "speaker_confidence")
    op.drop_column("statements", "confidence")
