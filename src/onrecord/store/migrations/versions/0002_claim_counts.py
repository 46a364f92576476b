"""Claim counts kept with each claim (statements, articles, affirm, deny),
so that "the most discussed claims" is an index read, not a count over
every statement; an index for the articles still to analyse; full-text
search over what statements say (SQLite FTS5 kept in step by triggers;
PostgreSQL a generated tsvector column with a GIN index).

Frozen: later changes go in new revisions, never here.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-29 15:45:00
"""

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None

COUNTS = ("statement_count", "article_count", "affirm_count", "deny_count")


def upgrade() -> None:
    with op.batch_alter_table("claims", schema=None) as batch_op:
        for name in COUNTS:
            batch_op.add_column(sa.Column(name, sa.Integer(), nullable=False, server_default="0"))
        batch_op.create_index("ix_claims_statement_count", ["statement_count"], unique=False)
    with op.batch_alter_table("articles", schema=None) as batch_op:
        batch_op.create_index("ix_articles_analyzed_at", ["analyzed_at", "pk"], unique=False)
    create_statement_search()
    # counts of what the store already holds
    op.execute(
        "UPDATE claims SET "
        "statement_count = (SELECT count(*) FROM statements s WHERE s.claim_id = claims.id), "
        "article_count = (SELECT count(DISTINCT s.article_id) FROM statements s WHERE s.claim_id = claims.id), "
        "affirm_count = (SELECT count(*) FROM statements s WHERE s.claim_id = claims.id AND s.stance = 'affirm'), "
        "deny_count = (SELECT count(*) FROM statements s WHERE s.claim_id = claims.id AND s.stance = 'deny')"
    )


def create_statement_search() -> None:
    dialect = op.get_bind().dialect.name
    if dialect == "sqlite":
        op.execute(
            "CREATE VIRTUAL TABLE statements_fts USING fts5("
            "content_text, content='statements', content_rowid='rowid', tokenize='porter unicode61')"
        )
        op.execute(
            "CREATE TRIGGER statements_fts_insert AFTER INSERT ON statements BEGIN "
            "INSERT INTO statements_fts(rowid, content_text) VALUES (new.rowid, new.content_text); END"
        )
        op.execute(
            "CREATE TRIGGER statements_fts_delete AFTER DELETE ON statements BEGIN "
            "INSERT INTO statements_fts(statements_fts, rowid, content_text) "
            "VALUES ('delete', old.rowid, old.content_text); END"
        )
        op.execute(
            "CREATE TRIGGER statements_fts_update AFTER UPDATE OF content_text ON statements BEGIN "
            "INSERT INTO statements_fts(statements_fts, rowid, content_text) "
            "VALUES ('delete', old.rowid, old.content_text); "
            "INSERT INTO statements_fts(rowid, content_text) VALUES (new.rowid, new.content_text); END"
        )
        op.execute("INSERT INTO statements_fts(statements_fts) VALUES ('rebuild')")
    elif dialect == "postgresql":
        op.execute(
            "ALTER TABLE statements ADD COLUMN search tsvector GENERATED ALWAYS AS ("
            "to_tsvector('english', left(content_text, 100000))) STORED"
        )
        op.execute("CREATE INDEX ix_statements_search ON statements USING gin (search)")


def drop_statement_search() -> None:
    dialect = op.get_bind().dialect.name
    if dialect == "sqlite":
        for trigger in ("insert", "delete", "update"):
            op.execute(f"DROP TRIGGER IF EXISTS statements_fts_{trigger}")
        op.execute("DROP TABLE IF EXISTS statements_fts")
    elif dialect == "postgresql":
        op.execute("DROP INDEX IF EXISTS ix_statements_search")
        op.execute("ALTER TABLE statements DROP COLUMN IF EXISTS search")


def downgrade() -> None:
    drop_statement_search()
    with op.batch_alter_table("articles", schema=None) as batch_op:
        batch_op.drop_index("ix_articles_analyzed_at")
    with op.batch_alter_table("claims", schema=None) as batch_op:
        batch_op.drop_index("ix_claims_statement_count")
        for name in reversed(COUNTS):
            batch_op.drop_column(name)
