"""The store: schema (SQLAlchemy Core), migrations (Alembic) and queries, on
SQLite (default) or PostgreSQL."""

from onrecord.store.engine import resolve_url
from onrecord.store.store import AddResult, Store

__all__ = ["AddResult", "Store", "resolve_url"]
