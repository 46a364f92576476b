"""The store's tables (SQLAlchemy Core), one per record type of `model.py`.

Migrations in `migrations/versions` create and change these; this module is
what queries use. Analysis tables (actors, statements, claims, events,
reversals) are laid out now so that later stages extend rather than rewrite.
"""

from __future__ import annotations

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    Column,
    Date,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    MetaData,
    SmallInteger,
    String,
    Table,
    Text,
)

metadata = MetaData()

articles = Table(
    "articles",
    metadata,
    # An integer key that never changes, for the SQLite full-text index.
    Column("pk", Integer, primary_key=True, autoincrement=True),
    Column("id", String(32), nullable=False, unique=True),
    Column("url", Text),
    Column("url_hash", String(64), unique=True),  # sha256 of the canonical URL
    Column("content_hash", String(64), nullable=False, unique=True),
    Column("source_ref", Text, nullable=False),
    Column("external_id", Text),
    Column("source", Text),
    Column("title", Text),
    Column("authors", JSON, nullable=False),
    Column("published", Date),
    Column("date_source", String(16), nullable=False),
    Column("language", String(8)),
    Column("text", Text, nullable=False),
    Column("word_count", Integer, nullable=False),
    Column("ingested_at", DateTime(timezone=True), nullable=False),
    Column("duplicate_of", String(32), ForeignKey("articles.id")),
    Column("minhash", LargeBinary),
    Column("analyzed_at", DateTime(timezone=True)),
    Index("ix_articles_published", "published"),
    Index("ix_articles_source", "source"),
    Index("ix_articles_duplicate_of", "duplicate_of"),
    Index("ix_articles_analyzed_at", "analyzed_at", "pk"),  # the articles still to analyse, in order
)

article_bands = Table(
    "article_bands",
    metadata,
    Column("article_id", String(32), ForeignKey("articles.id", ondelete="CASCADE"), primary_key=True),
    Column("band", SmallInteger, primary_key=True),
    Column("key", BigInteger, nullable=False),
    Index("ix_article_bands_band_key", "band", "key"),
)

failures = Table(
    "failures",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("key", String(64), nullable=False, unique=True),  # sha256 of stage, source and reason
    Column("stage", String(32), nullable=False),
    Column("source_ref", Text, nullable=False),
    Column("reason", Text, nullable=False),
    Column("first_seen", DateTime(timezone=True), nullable=False),
    Column("last_seen", DateTime(timezone=True), nullable=False),
    Column("count", Integer, nullable=False),
)

actors = Table(
    "actors",
    metadata,
    Column("id", String(40), primary_key=True),
    Column("name", Text, nullable=False),
    Column("type", String(16), nullable=False),
    Column("country", String(3)),
    Column("sector", String(8)),
    Column("roles", JSON, nullable=False),
    Column("aliases", JSON, nullable=False),
    Column("key", String(64), nullable=False, unique=True),  # type and normalised name: one actor across articles
    Index("ix_actors_name", "name"),
    Index("ix_actors_country", "country"),
)

claims = Table(
    "claims",
    metadata,
    Column("id", String(40), primary_key=True),
    Column("text", Text, nullable=False),
    Column("frame", String(32)),  # predicate frame (claims/data/frames.tsv), None for a claim known by its text
    Column("proposition", JSON),  # participants and recipients
    Column("created_at", DateTime(timezone=True), nullable=False),
    # kept up to date by the writer for the claims each batch touches
    Column("statement_count", Integer, nullable=False, server_default="0"),
    Column("article_count", Integer, nullable=False, server_default="0"),
    Column("affirm_count", Integer, nullable=False, server_default="0"),
    Column("deny_count", Integer, nullable=False, server_default="0"),
    Index("ix_claims_frame", "frame"),
    Index("ix_claims_statement_count", "statement_count"),
)

# The participants of each claim, indexed, so that matching a new claim looks
# only at claims that share one of its participants.
claim_terms = Table(
    "claim_terms",
    metadata,
    Column("claim_id", String(40), ForeignKey("claims.id", ondelete="CASCADE"), primary_key=True),
    Column("term", String(200), primary_key=True),
    Index("ix_claim_terms_term", "term"),
)

statements = Table(
    "statements",
    metadata,
    Column("id", String(64), primary_key=True),  # article id + local statement id
    Column("article_id", String(32), ForeignKey("articles.id", ondelete="CASCADE"), nullable=False),
    Column("kind", String(16), nullable=False),
    Column("actor_id", String(40), ForeignKey("actors.id")),
    Column("speaker_name", Text),
    Column("speaker_text", Text),
    Column("speaker_start", Integer),
    Column("speaker_end", Integer),
    Column("cue_text", Text),
    Column("cue_lemma", String(64)),
    Column("cue_class", String(32)),
    Column("cue_start", Integer),
    Column("cue_end", Integer),
    Column("content_text", Text, nullable=False),
    Column("content_start", Integer),
    Column("content_end", Integer),
    Column("sentence_index", Integer),
    Column("paragraph_index", Integer),
    Column("stance", String(16)),
    Column("claim_id", String(40), ForeignKey("claims.id")),
    Column("date_text", Text),
    Column("said_on", Date),
    Column("said_from", Date),  # an interval, when the text gives one ("earlier this week")
    Column("said_until", Date),
    Column("earlier", Boolean, nullable=False),  # before the article's main event ("had denied")
    Column("side", Text),  # whom the speaker speaks for: "state:IRN", "org:...", "actor:..."
    Column("side_name", Text),
    Column("frame", String(16)),
    Column("in_headline", Boolean, nullable=False),  # spans index the title, not the text
    # learned probabilities (nlp.confidence): an attribution; its speaker right
    Column("confidence", Float),
    Column("speaker_confidence", Float),
    Index("ix_statements_article", "article_id"),
    Index("ix_statements_actor", "actor_id"),
    Index("ix_statements_claim_said_on", "claim_id", "said_on"),
    Index("ix_statements_speaker_name", "speaker_name"),
    Index("ix_statements_cue_class", "cue_class"),
    Index("ix_statements_confidence", "confidence"),
)

events = Table(
    "events",
    metadata,
    Column("id", String(64), primary_key=True),
    Column("article_id", String(32), ForeignKey("articles.id", ondelete="CASCADE"), nullable=False),
    Column("statement_id", String(64), ForeignKey("statements.id", ondelete="SET NULL")),
    Column("code", String(8), nullable=False),
    Column("root", String(2), nullable=False),
    Column("source_code", String(16)),
    Column("target_code", String(16)),
    Column("span_start", Integer),
    Column("span_end", Integer),
    Column("stance", String(16)),  # for negated or hypothetical events
    Column("happened", Boolean, nullable=False),
    Index("ix_events_article", "article_id"),
    Index("ix_events_code", "code"),
)

reversals = Table(
    "reversals",
    metadata,
    Column("id", String(64), primary_key=True),
    Column("kind", String(16), nullable=False),  # reversal | softening | contradiction
    Column("actor", Text, nullable=False),
    Column("side", Text, nullable=False),  # "state:IRN" or "actor:act_..." (who the position belongs to)
    Column("first_affirmation", Boolean, nullable=False),
    Column("actor_id", String(40), ForeignKey("actors.id")),
    Column("claim_id", String(40), ForeignKey("claims.id"), nullable=False),
    Column("from_stance", String(16), nullable=False),
    Column("to_stance", String(16), nullable=False),
    Column("before", JSON, nullable=False),
    Column("after", JSON, nullable=False),
    Column("detected_at", DateTime(timezone=True), nullable=False),
    # the day of its latest statement (after): what `since` filters on
    Column("last_said", Date),
    Index("ix_reversals_claim", "claim_id"),
    Index("ix_reversals_actor", "actor_id"),
    Index("ix_reversals_last_said", "last_said"),
)

# Claims whose reversals are to be worked out again: marked in the
# transaction that stores the statements touching them, cleared once their
# reversals are stored, so that a run killed in between leaves the work
# marked and the next run does it (migration 0003).
stale_claims = Table(
    "stale_claims",
    metadata,
    Column("claim_id", String(40), ForeignKey("claims.id", ondelete="CASCADE"), primary_key=True),
    Column("marked_at", DateTime(timezone=True), nullable=False),
)

# Corrections of the record by its readers, append-only: each says what was
# changed (kind, target), from what to what, by whom, when and why; an undo
# is a correction of kind "undo" whose target is the undone correction's id.
# They are applied on top of every analysis and re-analysis (migration 0004).
corrections = Table(
    "corrections",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("kind", String(32), nullable=False),
    Column("target", String(64), nullable=False),  # a statement, actor or claim id; a correction's id for an undo
    Column("value", Text),  # the corrected value: a stance, an actor or claim id, a name, a claim's text
    Column("old_value", Text),  # what it was when corrected
    Column("made_by", Text, nullable=False),
    Column("reason", Text, nullable=False),
    Column("made_at", DateTime(timezone=True), nullable=False),
    Index("ix_corrections_target", "target"),
)
