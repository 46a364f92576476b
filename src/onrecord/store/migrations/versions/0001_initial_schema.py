"""Initial schema: articles, failures, and the analysis tables; full-text
search over articles (SQLite FTS5 kept in step by triggers; PostgreSQL a
generated tsvector column with a GIN index).

Frozen: later changes go in new revisions, never here.

Revision ID: 0001
Revises: (none)
Create Date: 2026-11-29 12:23:14.396245
"""

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "actors",
        sa.Column("id", sa.String(length=40), nullable=False),
        sa.Column("name", sa.Text(), nullable=False),
        sa.Column("type", sa.String(length=16), nullable=False),
        sa.Column("country", sa.String(length=3), nullable=True),
        sa.Column("sector", sa.String(length=8), nullable=True),
        sa.Column("roles", sa.JSON(), nullable=False),
        sa.Column("aliases", sa.JSON(), nullable=False),
        sa.Column("key", sa.String(length=64), nullable=False),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("key"),
    )
    with op.batch_alter_table("actors", schema=None) as batch_op:
        batch_op.create_index("ix_actors_country", ["country"], unique=False)
        batch_op.create_index("ix_actors_name", ["name"], unique=False)

    op.create_table(
        "articles",
        sa.Column("pk", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("id", sa.String(length=32), nullable=False),
        sa.Column("url", sa.Text(), nullable=True),
        sa.Column("url_hash", sa.String(length=64), nullable=True),
        sa.Column("content_hash", sa.String(length=64), nullable=False),
        sa.Column("source_ref", sa.Text(), nullable=False),
        sa.Column("external_id", sa.Text(), nullable=True),
        sa.Column("source", sa.Text(), nullable=True),
        sa.Column("title", sa.Text(), nullable=True),
        sa.Column("authors", sa.JSON(), nullable=False),
        sa.Column("published", sa.Date(), nullable=True),
        sa.Column("date_source", sa.String(length=16), nullable=False),
        sa.Column("language", sa.String(length=8), nullable=True),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("word_count", sa.Integer(), nullable=False),
        sa.Column("ingested_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("duplicate_of", sa.String(length=32), nullable=True),
        sa.Column("minhash", sa.LargeBinary(), nullable=True),
        sa.Column("analyzed_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["duplicate_of"],
            ["articles.id"],
        ),
        sa.PrimaryKeyConstraint("pk"),
        sa.UniqueConstraint("content_hash"),
        sa.UniqueConstraint("id"),
        sa.UniqueConstraint("url_hash"),
    )
    with op.batch_alter_table("articles", schema=None) as batch_op:
        batch_op.create_index("ix_articles_duplicate_of", ["duplicate_of"], unique=False)
        batch_op.create_index("ix_articles_published", ["published"], unique=False)
        batch_op.create_index("ix_articles_source", ["source"], unique=False)

    op.create_table(
        "claims",
        sa.Column("id", sa.String(length=40), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("frame", sa.String(length=32), nullable=True),
        sa.Column("proposition", sa.JSON(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("claims", schema=None) as batch_op:
        batch_op.create_index("ix_claims_frame", ["frame"], unique=False)

    op.create_table(
        "claim_terms",
        sa.Column("claim_id", sa.String(length=40), nullable=False),
        sa.Column("term", sa.String(length=200), nullable=False),
        sa.ForeignKeyConstraint(["claim_id"], ["claims.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("claim_id", "term"),
    )
    with op.batch_alter_table("claim_terms", schema=None) as batch_op:
        batch_op.create_index("ix_claim_terms_term", ["term"], unique=False)
    op.create_table(
        "failures",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("key", sa.String(length=64), nullable=False),
        sa.Column("stage", sa.String(length=32), nullable=False),
        sa.Column("source_ref", sa.Text(), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("first_seen", sa.DateTime(timezone=True), nullable=False),
        sa.Column("last_seen", sa.DateTime(timezone=True), nullable=False),
        sa.Column("count", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("key"),
    )
    op.create_table(
        "article_bands",
        sa.Column("article_id", sa.String(length=32), nullable=False),
        sa.Column("band", sa.SmallInteger(), nullable=False),
        sa.Column("key", sa.BigInteger(), nullable=False),
        sa.ForeignKeyConstraint(["article_id"], ["articles.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("article_id", "band"),
    )
    with op.batch_alter_table("article_bands", schema=None) as batch_op:
        batch_op.create_index("ix_article_bands_band_key", ["band", "key"], unique=False)

    op.create_table(
        "reversals",
        sa.Column("id", sa.String(length=64), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("actor", sa.Text(), nullable=False),
        sa.Column("side", sa.Text(), nullable=False),
        sa.Column("first_affirmation", sa.Boolean(), nullable=False),
        sa.Column("actor_id", sa.String(length=40), nullable=True),
        sa.Column("claim_id", sa.String(length=40), nullable=False),
        sa.Column("from_stance", sa.String(length=16), nullable=False),
        sa.Column("to_stance", sa.String(length=16), nullable=False),
        sa.Column("before", sa.JSON(), nullable=False),
        sa.Column("after", sa.JSON(), nullable=False),
        sa.Column("detected_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["actor_id"],
            ["actors.id"],
        ),
        sa.ForeignKeyConstraint(
            ["claim_id"],
            ["claims.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("reversals", schema=None) as batch_op:
        batch_op.create_index("ix_reversals_actor", ["actor_id"], unique=False)
        batch_op.create_index("ix_reversals_claim", ["claim_id"], unique=False)

    op.create_table(
        "statements",
        sa.Column("id", sa.String(length=64), nullable=False),
        sa.Column("article_id", sa.String(length=32), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("actor_id", sa.String(length=40), nullable=True),
        sa.Column("speaker_name", sa.Text(), nullable=True),
        sa.Column("speaker_text", sa.Text(), nullable=True),
        sa.Column("speaker_start", sa.Integer(), nullable=True),
        sa.Column("speaker_end", sa.Integer(), nullable=True),
        sa.Column("cue_text", sa.Text(), nullable=True),
        sa.Column("cue_lemma", sa.String(length=64), nullable=True),
        sa.Column("cue_class", sa.String(length=32), nullable=True),
        sa.Column("cue_start", sa.Integer(), nullable=True),
        sa.Column("cue_end", sa.Integer(), nullable=True),
        sa.Column("content_text", sa.Text(), nullable=False),
        sa.Column("content_start", sa.Integer(), nullable=True),
        sa.Column("content_end", sa.Integer(), nullable=True),
        sa.Column("sentence_index", sa.Integer(), nullable=True),
        sa.Column("paragraph_index", sa.Integer(), nullable=True),
        sa.Column("stance", sa.String(length=16), nullable=True),
        sa.Column("claim_id", sa.String(length=40), nullable=True),
        sa.Column("date_text", sa.Text(), nullable=True),
        sa.Column("said_on", sa.Date(), nullable=True),
        sa.Column("said_from", sa.Date(), nullable=True),
        sa.Column("said_until", sa.Date(), nullable=True),
        sa.Column("earlier", sa.Boolean(), nullable=False),
        sa.Column("side", sa.Text(), nullable=True),
        sa.Column("side_name", sa.Text(), nullable=True),
        sa.Column("frame", sa.String(length=16), nullable=True),
        sa.Column("in_headline", sa.Boolean(), nullable=False),
        sa.ForeignKeyConstraint(
            ["actor_id"],
            ["actors.id"],
        ),
        sa.ForeignKeyConstraint(["article_id"], ["articles.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(
            ["claim_id"],
            ["claims.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("statements", schema=None) as batch_op:
        batch_op.create_index("ix_statements_actor", ["actor_id"], unique=False)
        batch_op.create_index("ix_statements_article", ["article_id"], unique=False)
        batch_op.create_index("ix_statements_cue_class", ["cue_class"], unique=False)
        batch_op.create_index("ix_statements_claim_said_on", ["claim_id", "said_on"], unique=False)
        batch_op.create_index("ix_statements_speaker_name", ["speaker_name"], unique=False)

    op.create_table(
        "events",
        sa.Column("id", sa.String(length=64), nullable=False),
        sa.Column("article_id", sa.String(length=32), nullable=False),
        sa.Column("statement_id", sa.String(length=64), nullable=True),
        sa.Column("code", sa.String(length=8), nullable=False),
        sa.Column("root", sa.String(length=2), nullable=False),
        sa.Column("source_code", sa.String(length=16), nullable=True),
        sa.Column("target_code", sa.String(length=16), nullable=True),
        sa.Column("span_start", sa.Integer(), nullable=True),
        sa.Column("span_end", sa.Integer(), nullable=True),
        sa.Column("stance", sa.String(length=16), nullable=True),
        sa.Column("happened", sa.Boolean(), nullable=False),
        sa.ForeignKeyConstraint(["article_id"], ["articles.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["statement_id"], ["statements.id"], ondelete="SET NULL"),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("events", schema=None) as batch_op:
        batch_op.create_index("ix_events_article", ["article_id"], unique=False)
        batch_op.create_index("ix_events_code", ["code"], unique=False)
    create_article_search()


# Full-text search indexes at most this many characters of an article
# (PostgreSQL refuses a tsvector over 1 MB; no news article comes close).
SEARCH_CHARS = 500_000


def create_article_search() -> None:
    dialect = op.get_bind().dialect.name
    if dialect == "sqlite":
        op.execute(
            "CREATE VIRTUAL TABLE articles_fts USING fts5("
            "title, text, content='articles', content_rowid='pk', tokenize='porter unicode61')"
        )
        op.execute(
            "CREATE TRIGGER articles_fts_insert AFTER INSERT ON articles BEGIN "
            "INSERT INTO articles_fts(rowid, title, text) VALUES (new.pk, new.title, new.text); END"
        )
        op.execute(
            "CREATE TRIGGER articles_fts_delete AFTER DELETE ON articles BEGIN "
            "INSERT INTO articles_fts(articles_fts, rowid, title, text) "
            "VALUES ('delete', old.pk, old.title, old.text); END"
        )
        op.execute(
            "CREATE TRIGGER articles_fts_update AFTER UPDATE OF title, text ON articles BEGIN "
            "INSERT INTO articles_fts(articles_fts, rowid, title, text) "
            "VALUES ('delete', old.pk, old.title, old.text); "
            "INSERT INTO articles_fts(rowid, title, text) VALUES (new.pk, new.title, new.text); END"
        )
    elif dialect == "postgresql":
        op.execute(
            "ALTER TABLE articles ADD COLUMN search tsvector GENERATED ALWAYS AS ("
            "setweight(to_tsvector('english', coalesce(title, '')), 'A') || "
            f"setweight(to_tsvector('english', left(text, {SEARCH_CHARS})), 'B')) STORED"
        )
        op.execute("CREATE INDEX ix_articles_search ON articles USING gin (search)")


def drop_article_search() -> None:
    dialect = op.get_bind().dialect.name
    if dialect == "sqlite":
        for trigger in ("insert", "delete", "update"):
            op.execute(f"DROP TRIGGER IF EXISTS articles_fts_{trigger}")
        op.execute("DROP TABLE IF EXISTS articles_fts")
    elif dialect == "postgresql":
        op.execute("DROP INDEX IF EXISTS ix_articles_search")
        op.execute("ALTER TABLE articles DROP COLUMN IF EXISTS search")


def downgrade() -> None:
    drop_article_search()
    with op.batch_alter_table("events", schema=None) as batch_op:
        batch_op.drop_index("ix_events_code")
        batch_op.drop_index("ix_events_article")

    op.drop_table("events")
    with op.batch_alter_table("statements", schema=None) as batch_op:
        batch_op.drop_index("ix_statements_speaker_name")
        batch_op.drop_index("ix_statements_claim_said_on")
        batch_op.drop_index("ix_statements_article")
        batch_op.drop_index("ix_statements_cue_class")
        batch_op.drop_index("ix_statements_actor")

    op.drop_table("statements")
    with op.batch_alter_table("reversals", schema=None) as batch_op:
        batch_op.drop_index("ix_reversals_claim")
        batch_op.drop_index("ix_reversals_actor")

    op.drop_table("reversals")
    with op.batch_alter_table("article_bands", schema=None) as batch_op:
        batch_op.drop_index("ix_article_bands_band_key")

    op.drop_table("article_bands")
    op.drop_table("failures")
    with op.batch_alter_table("claim_terms", schema=None) as batch_op:
        batch_op.drop_index("ix_claim_terms_term")

    op.drop_table("claim_terms")
    with op.batch_alter_table("claims", schema=None) as batch_op:
        batch_op.drop_index("ix_claims_frame")

    op.drop_table("claims")
    with op.batch_alter_table("articles", schema=None) as batch_op:
        batch_op.drop_index("ix_articles_source")
        batch_op.drop_index("ix_articles_published")
        batch_op.drop_index("ix_articles_duplicate_of")

    op.drop_table("articles")
    with op.batch_alter_table("actors", schema=None) as batch_op:
        batch_op.drop_index("ix_actors_name")
        batch_op.drop_index("ix_actors_country")

    op.drop_table("actors")
