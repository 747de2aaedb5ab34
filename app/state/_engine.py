"""Engines for the state store (SQLite or PostgreSQL) and their Alembic migrations, run once per open.

SQLite: WAL, a 30 s busy timeout, foreign keys on; a connection per unit of work (NullPool), so no
idle handle stays open; write transactions start with BEGIN IMMEDIATE, so they queue on the busy
timeout instead of failing when two writers meet. PostgreSQL: psycopg 3, a small pre-pinged pool.
Migrations run under a lock that spans processes: `pg_advisory_lock`, or `flock` on
`<db>.migrate.lock` for SQLite.
"""

from __future__ import annotations

import fcntl
import sqlite3
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Connection, Engine, create_engine, event, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError
from sqlalchemy.pool import NullPool

from app.errors import ConfigError

MIGRATIONS_DIR = Path(__file__).parent / "migrations"
BUSY_TIMEOUT_S = 30
WRITE_OPTION = "tailor_write"  # execution option: this SQLite transaction writes (BEGIN IMMEDIATE)
_ADVISORY_LOCK_KEY = 0x7A11_0125  # any constant shared by every Tailor process


def normalize_url(url: str) -> str:
    """`postgresql://` and `postgres://` use psycopg 3; SQLite stays as given. Anything else: ConfigError."""
    for prefix in ("postgresql://", "postgres://"):
        if url.startswith(prefix):
            url = "postgresql+psycopg://" + url[len(prefix) :]
    try:
        parsed = make_url(url)
    except ArgumentError as exc:
        raise ConfigError(f"state_url {url!r} is not a database URL") from exc
    if parsed.drivername not in ("sqlite", "postgresql+psycopg"):
        raise ConfigError(
            f"unsupported state_url {url!r}: use sqlite:///path/to/state.db or postgresql://user@host/db"
        )
    if parsed.drivername == "sqlite" and parsed.database in (None, "", ":memory:"):
        raise ConfigError("an in-memory state store would forget every alias: use sqlite:///path/to/state.db")
    return url


def sqlite_file(url: str) -> Path | None:
    """The database file of a (normalized) SQLite URL; None for PostgreSQL."""
    parsed = make_url(url)
    if parsed.get_backend_name() != "sqlite" or not parsed.database:
        return None
    return Path(parsed.database)


def create_state_engine(url: str, *, for_migrations: bool = False) -> Engine:
    """An engine for a normalized URL. Migration engines leave SQLite's foreign keys off (batch copies)."""
    if make_url(url).get_backend_name() == "postgresql":
        return create_engine(url, pool_size=5, max_overflow=10, pool_pre_ping=True)
    path = sqlite_file(url)
    if path is not None:
        path.parent.mkdir(parents=True, exist_ok=True)
    # A served process reads the store on every request: connections are pooled (opened once, each
    # configured on connect), never one per request. Migrations use their own short-lived engine.
    pooling: dict[str, Any] = (
        {"poolclass": NullPool} if for_migrations else {"pool_size": 5, "max_overflow": 10}
    )
    engine = create_engine(
        url, connect_args={"timeout": BUSY_TIMEOUT_S, "check_same_thread": False}, **pooling
    )
    _configure_sqlite(engine, foreign_keys=not for_migrations, always_immediate=for_migrations)
    return engine


def _configure_sqlite(engine: Engine, *, foreign_keys: bool, always_immediate: bool) -> None:
    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        dbapi_connection.isolation_level = None  # SQLAlchemy emits BEGIN itself, below
        cursor = dbapi_connection.cursor()
        cursor.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_S * 1000}")
        _enable_wal(cursor)
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.execute(f"PRAGMA foreign_keys={'ON' if foreign_keys else 'OFF'}")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(connection: Connection) -> None:
        writes = always_immediate or connection.get_execution_options().get(WRITE_OPTION, False)
        connection.exec_driver_sql("BEGIN IMMEDIATE" if writes else "BEGIN")


def _enable_wal(cursor: Any) -> None:
    """Switch a fresh database file to WAL. Two processes opening a fresh file at once both try,
    and the switch can answer "database is locked" at once rather than wait on the busy timeout
    (seen twice here under load), so it is retried; once in WAL, the file stays so."""
    for attempt in range(100):
        try:
            if cursor.execute("PRAGMA journal_mode").fetchone()[0].lower() == "wal":
                return
            cursor.execute("PRAGMA journal_mode=WAL")
            return
        except sqlite3.OperationalError as exc:
            if "locked" not in str(exc) or attempt == 99:
                raise
            time.sleep(0.05)


def migrate(url: str) -> None:
    """Bring the store at `url` to the newest revision; concurrent openers wait, and each revision runs once."""
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    head = ScriptDirectory.from_config(config).get_current_head()
    engine = create_state_engine(url, for_migrations=True)
    try:
        with engine.connect() as connection:
            if _current_revision(connection) == head:
                return
            with _migration_lock(url, connection):
                config.attributes["connection"] = connection
                command.upgrade(config, "head")
                connection.commit()
    finally:
        engine.dispose()


def _current_revision(connection: Connection) -> str | None:
    revision = MigrationContext.configure(connection).get_current_revision()
    connection.rollback()
    return revision


@contextmanager
def _migration_lock(url: str, connection: Connection) -> Iterator[None]:
    if connection.dialect.name == "postgresql":
        connection.execute(text("SELECT pg_advisory_lock(:key)"), {"key": _ADVISORY_LOCK_KEY})
        connection.commit()
        try:
            yield
        finally:
            connection.rollback()
            connection.execute(text("SELECT pg_advisory_unlock(:key)"), {"key": _ADVISORY_LOCK_KEY})
            connection.commit()
        return
    path = sqlite_file(url)
    if path is None:
        yield
        return
    with open(f"{path}.migrate.lock", "a") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)
