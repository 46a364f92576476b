"""The day of a change's latest statement, kept with the change, so that
`reversals?since=` filters and pages in SQL (it was worked out in Python
after reading every change of the kind); and on PostgreSQL an index in the
lists' own order, newest article first, so that a page of statements or
events is read in order, not sorted (SQLite reads its date index backwards
for that order; PostgreSQL's index scanned backwards puts undated articles
first).

Filled here from the statements' own days (said on, said until, else the
article's date); the store's exact rule also dates an undated statement by
its article's main event, so every claim with changes is marked stale as
well and the next run works its changes out again with that rule.

Frozen: later changes go in new revisions, never here.

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-03 17:00:00
"""

import datetime as dt
import json

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("reversals", sa.Column("last_said", sa.Date(), nullable=True))
    op.create_index("ix_reversals_last_said", "reversals", ["last_said"], unique=False)
    conn = op.get_bind()
    if conn.dialect.name == "postgresql":
        # dialect-specific, as the full-text indexes: it lives in migrations only
        op.execute("CREATE INDEX ix_articles_newest ON articles (published DESC NULLS LAST, pk DESC)")
    changes = conn.execute(sa.text("SELECT id, claim_id, after FROM reversals")).all()
    day = sa.text(
        "SELECT max(coalesce(s.said_on, s.said_until, a.published)) FROM statements s"
        " JOIN articles a ON a.id = s.article_id WHERE s.id IN :ids"
    ).bindparams(sa.bindparam("ids", expanding=True))
    for change_id, _claim, after in changes:
        after_ids = json.loads(after) if isinstance(after, str) else after
        if not after_ids:
            continue
        last = conn.execute(day, {"ids": list(after_ids)}).scalar()
        if last is not None:
            conn.execute(
                sa.text("UPDATE reversals SET last_said = :day WHERE id = :id"), {"day": last, "id": change_id}
            )
    now = dt.datetime.now(dt.UTC)
    claim_ids = sorted({claim_id for _, claim_id, _ in changes})
    marked = {row[0] for row in conn.execute(sa.text("SELECT claim_id FROM stale_claims"))}
    for claim_id in claim_ids:
        if claim_id not in marked:
            conn.execute(
                sa.text("INSERT INTO stale_claims (claim_id, marked_at) VALUES (:claim, :at)"),
                {"claim": claim_id, "at": now},
            )


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP INDEX ix_articles_newest")
    op.drop_index("ix_reversals_last_said", table_name="reversals")
    op.drop_column("reversals", "last_said")
