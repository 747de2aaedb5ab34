"""Alembic environment: `app.state` passes an open connection in `config.attributes["connection"]`."""

from __future__ import annotations

from alembic import context

from app.state._schema import metadata

connection = context.config.attributes.get("connection")
if connection is None:
    raise RuntimeError("run the state store's migrations through app.state (open_state), not the alembic CLI")

context.configure(connection=connection, target_metadata=metadata, render_as_batch=True)
with context.begin_transaction():
    context.run_migrations()
