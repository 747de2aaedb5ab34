"""Alembic migrations of the state store (run by `app.state` on open; no alembic.ini)."""
