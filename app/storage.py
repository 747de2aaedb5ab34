"""SQLite with numbered migrations (PRAGMA user_version), shared by every local store.

Each store declares its migrations as a list of SQL scripts; opening a database applies the
ones it has not seen yet, inside a transaction, so a store is never half-migrated. A database is
one connection for its owner's lifetime, never one per call; `close()` (or `with`) releases it.
"""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path

from app.errors import ConfigError


def sqlite_path_from_url(url: str) -> Path:
    """`sqlite:///path.db` -> Path, as SQLAlchemy reads it. Anything else is a configuration error here."""
    prefix = "sqlite:///"
    if not url.startswith(prefix):
        raise ConfigError(f"not a SQLite URL: {url!r} (expected sqlite:///path/to/file.db)")
    return Path(url[len(prefix) :])  # sqlite:////abs/x.db is absolute, sqlite:///x.db relative


class SQLiteDB:
    """One connection guarded by a lock: safe from threads and from an asyncio loop."""

    def __init__(self, path: Path, migrations: Sequence[str]) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        self.path = path
        self._lock = threading.RLock()
        self._closed = False
        self._conn = sqlite3.connect(str(path), check_same_thread=False, isolation_level=None, timeout=30)
        self._conn.row_factory = sqlite3.Row
        self._conn.execute("PRAGMA journal_mode=WAL")
        self._conn.execute("PRAGMA synchronous=NORMAL")
        self._migrate(migrations)

    def _migrate(self, migrations: Sequence[str]) -> None:
        with self._lock:
            current = self._conn.execute("PRAGMA user_version").fetchone()[0]
            for number, script in enumerate(migrations[current:], start=current + 1):
                self._conn.execute("BEGIN IMMEDIATE")
                try:
                    for statement in filter(str.strip, script.split(";")):
                        self._conn.execute(statement)
                    self._conn.execute(f"PRAGMA user_version = {number}")
                    self._conn.execute("COMMIT")
                except Exception:
                    self._conn.execute("ROLLBACK")
                    raise

    @contextmanager
    def transaction(self) -> Iterator[sqlite3.Connection]:
        with self._lock:
            self._conn.execute("BEGIN IMMEDIATE")
            try:
                yield self._conn
            except BaseException:
                self._conn.execute("ROLLBACK")
                raise
            self._conn.execute("COMMIT")

    def query(self, sql: str, args: Sequence[object] = ()) -> list[sqlite3.Row]:
        with self._lock:
            return list(self._conn.execute(sql, args).fetchall())

    def close(self) -> None:
        """Release the connection; closing twice is harmless, using it after is a bug."""
        with self._lock:
            if not self._closed:
                self._conn.close()
                self._closed = True

    @property
    def closed(self) -> bool:
        return self._closed

    def __enter__(self) -> SQLiteDB:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
