"""The default response-cache backend: one SQLite file (`TAILOR_CACHE_PATH`, or <data>/llm_cache.db)."""

from __future__ import annotations

import time
from pathlib import Path

from app.models._cache_store import StoredCompletion
from app.storage import SQLiteDB

_MIGRATIONS = [
    """
    CREATE TABLE completions (
        key TEXT PRIMARY KEY,
        model TEXT NOT NULL,
        text TEXT NOT NULL,
        usage TEXT NOT NULL,
        created_at REAL NOT NULL
    )
    """,
]


class SQLiteCacheStore:
    """One connection behind a lock (`SQLiteDB`): safe from threads and from an asyncio loop."""

    remote = False

    def __init__(self, path: Path) -> None:
        self._db = SQLiteDB(path, _MIGRATIONS)
        self._location = str(path)

    @property
    def location(self) -> str:
        return self._location

    @property
    def closed(self) -> bool:
        return self._db.closed

    def get(self, key: str) -> StoredCompletion | None:
        rows = self._db.query("SELECT text, usage FROM completions WHERE key = ?", (key,))
        return StoredCompletion(rows[0]["text"], rows[0]["usage"]) if rows else None

    def put(self, key: str, model: str, stored: StoredCompletion) -> None:
        with self._db.transaction() as conn:
            conn.execute(
                "INSERT OR REPLACE INTO completions (key, model, text, usage, created_at) VALUES (?,?,?,?,?)",
                (key, model, stored.text, stored.usage_json, time.time()),
            )

    def count(self) -> int:
        return int(self._db.query("SELECT COUNT(*) AS n FROM completions")[0]["n"])

    def clear(self) -> int:
        with self._db.transaction() as conn:
            return conn.execute("DELETE FROM completions").rowcount

    def close(self) -> None:
        self._db.close()
