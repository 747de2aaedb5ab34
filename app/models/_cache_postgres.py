"""The PostgreSQL response-cache backend (`TAILOR_CACHE_URL=postgresql+psycopg://user@host/db`).

One SQLAlchemy Core table, `tailor_llm_cache`, created on first use if missing (under an advisory
lock, so two processes starting at once do not race). It can live in the state store's database:
the name is its own and Alembic's migrations never touch it.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import TypeVar

from sqlalchemy import (
    Column,
    Connection,
    Float,
    MetaData,
    String,
    Table,
    Text,
    create_engine,
    func,
    select,
    text,
)
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError, SQLAlchemyError

from app.errors import ConfigError
from app.models._cache_store import StoredCompletion, first_line

TABLE_NAME = "tailor_llm_cache"
_CREATE_LOCK_KEY = 0x7A11_CAC4E  # any constant shared by every Tailor process
_T = TypeVar("_T")

_METADATA = MetaData()
COMPLETIONS = Table(
    TABLE_NAME,
    _METADATA,
    Column("key", String(64), primary_key=True),
    Column("model", Text, nullable=False),
    Column("text", Text, nullable=False),
    Column("usage", Text, nullable=False),
    Column("created_at", Float, nullable=False),
)


def psycopg_url(url: str) -> str:
    """`postgresql://` and `postgres://` mean psycopg 3, as for the state store."""
    for prefix in ("postgresql://", "postgres://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix) :]
    return url


class PostgresCacheStore:
    """A small pre-pinged connection pool; opening it connects and creates the table if missing."""

    remote = True

    def __init__(self, url: str) -> None:
        url = psycopg_url(url)
        try:
            parsed = make_url(url)
        except ArgumentError as exc:
            raise ConfigError(f"TAILOR_CACHE_URL {url!r} is not a database URL") from exc
        self._location = parsed.render_as_string(hide_password=True)
        self._closed = False
        self._engine = create_engine(parsed, pool_size=5, max_overflow=10, pool_pre_ping=True)
        self._write(self._create_table)

    @property
    def location(self) -> str:
        return self._location

    @property
    def closed(self) -> bool:
        return self._closed

    def get(self, key: str) -> StoredCompletion | None:
        query = select(COMPLETIONS.c.text, COMPLETIONS.c.usage).where(COMPLETIONS.c.key == key)
        row = self._read(lambda conn: conn.execute(query).first())
        return StoredCompletion(row.text, row.usage) if row is not None else None

    def put(self, key: str, model: str, stored: StoredCompletion) -> None:
        values = {"model": model, "text": stored.text, "usage": stored.usage_json, "created_at": time.time()}
        statement = insert(COMPLETIONS).values(key=key, **values)
        statement = statement.on_conflict_do_update(index_elements=[COMPLETIONS.c.key], set_=values)
        self._write(lambda conn: conn.execute(statement))

    def count(self) -> int:
        return int(self._read(lambda conn: conn.execute(select(func.count()).select_from(COMPLETIONS)).scalar_one()))

    def clear(self) -> int:
        return int(self._write(lambda conn: conn.execute(COMPLETIONS.delete()).rowcount))

    def close(self) -> None:
        if not self._closed:
            self._engine.dispose()
            self._closed = True

    @staticmethod
    def _create_table(conn: Connection) -> None:
        conn.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": _CREATE_LOCK_KEY})
        _METADATA.create_all(conn, checkfirst=True)

    def _read(self, work: Callable[[Connection], _T]) -> _T:
        try:
            with self._engine.connect() as conn:
                return work(conn)
        except SQLAlchemyError as exc:
            raise self._failure(exc) from exc

    def _write(self, work: Callable[[Connection], _T]) -> _T:
        try:
            with self._engine.begin() as conn:
                return work(conn)
        except SQLAlchemyError as exc:
            raise self._failure(exc) from exc

    def _failure(self, exc: SQLAlchemyError) -> ConfigError:
        reason = first_line(getattr(exc, "orig", None) or exc)
        return ConfigError(f"the response cache at {self._location} failed: {reason}")
