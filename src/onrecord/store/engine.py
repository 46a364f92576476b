"""Database URLs and engines: SQLite by default (a file, in WAL mode),
PostgreSQL by URL."""

from __future__ import annotations

import os

from sqlalchemy import create_engine, event
from sqlalchemy.engine import Engine, make_url

DEFAULT_DB = "sqlite:///onrecord.db"
# How long a SQLite writer waits for another to finish before giving up.
SQLITE_BUSY_TIMEOUT_MS = 30_000


def resolve_url(url: str | None) -> str:
    """A SQLAlchemy URL from what a user types: a URL, a file path for
    SQLite, or nothing (ONRECORD_DB, else ./onrecord.db)."""
    url = url or os.environ.get("ONRECORD_DB") or DEFAULT_DB
    if "://" not in url:
        return "sqlite:///" + url
    if url.startswith(("postgresql://", "postgres://")):
        # psycopg 3 is the driver onrecord installs; SQLAlchemy's default is psycopg2.
        return "postgresql+psycopg://" + url.split("://", 1)[1]
    return url


def make_engine(url: str | None) -> Engine:
    resolved = make_url(resolve_url(url))
    if resolved.get_backend_name() == "sqlite":
        if resolved.database and resolved.database != ":memory:":
            os.makedirs(os.path.dirname(os.path.abspath(resolved.database)), exist_ok=True)
        engine = create_engine(resolved, connect_args={"timeout": SQLITE_BUSY_TIMEOUT_MS / 1000})
        event.listen(engine, "connect", _sqlite_pragmas)
        return engine
    return create_engine(resolved, pool_pre_ping=True)


def _sqlite_pragmas(dbapi_connection, _record) -> None:
    cursor = dbapi_connection.cursor()
    # WAL: readers never block the writer; NORMAL sync is durable across
    # process crashes (a power cut may lose the last commits, never corrupt).
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.close()
