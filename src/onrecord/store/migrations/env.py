"""Alembic environment: runs on the connection that `onrecord.store` hands
over (config.attributes["connection"]), or on sqlalchemy.url when run from
the `alembic` command line."""

from alembic import context
from sqlalchemy import engine_from_config, pool

from onrecord.store.schema import metadata

config = context.config


def run(connection) -> None:
    context.configure(connection=connection, target_metadata=metadata, render_as_batch=True)
    with context.begin_transaction():
        context.run_migrations()


connection = config.attributes.get("connection")
if connection is not None:
    run(connection)
else:
    engine = engine_from_config(
        config.get_section(config.config_ini_section, {}), prefix="sqlalchemy.", poolclass=pool.NullPool
    )
    with engine.connect() as conn:
        run(conn)
