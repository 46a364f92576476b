"""Claim counts kept with each claim (statements, articles, affirm, deny),
so that "the most discussed claims" is an index read, not a count over
every statement; an index for the articles still to analyse.

Frozen: later changes go in new revisions, never here.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-29 15:45:00
"""

from alembic import op
import sqlalchemy as sa


revision = '0002'
down_revision = '0001'
branch_labels = None
depends_on = None

COUNTS = ('statement_count', 'article_count', 'affirm_count', 'deny_count')


def upgrade() -> None:
    with op.batch_alter_table('claims', schema=None) as batch_op:
        for name in COUNTS:
            batch_op.add_column(sa.Column(name, sa.Integer(), nullable=False, server_default='0'))
        batch_op.create_index('ix_claims_statement_count', ['statement_count'], unique=False)
    with op.batch_alter_table('articles', schema=None) as batch_op:
        batch_op.create_index('ix_articles_analyzed_at', ['analyzed_at', 'pk'], unique=False)
    # counts of what the store already holds
    op.execute(
        "UPDATE claims SET "
        "statement_count = (SELECT count(*) FROM statements s WHERE s.claim_id = claims.id), "
        "article_count = (SELECT count(DISTINCT s.article_id) FROM statements s WHERE s.claim_id = claims.id), "
        "affirm_count = (SELECT count(*) FROM statements s WHERE s.claim_id = claims.id AND s.stance = 'affirm'), "
        "deny_count = (SELECT count(*) FROM statements s WHERE s.claim_id = claims.id AND s.stance = 'deny')"
    )


def downgrade() -> None:
    with op.batch_alter_table('articles', schema=None) as batch_op:
        batch_op.drop_index('ix_articles_analyzed_at')
    with op.batch_alter_table('claims', schema=None) as batch_op:
        batch_op.drop_index('ix_claims_statement_count')
        for name in reversed(COUNTS):
            batch_op.drop_column(name)
