"""On-disk LLM response cache, keyed by the content address of (model, messages, parameters)."""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass
from pathlib import Path

from app.models._types import CallRecord
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


@dataclass
class CachedCompletion:
    text: str
    record: CallRecord


class ResponseCache:
    """Counts its hits and misses; safe to share between threads and async tasks."""

    def __init__(self, path: Path) -> None:
        self._db = SQLiteDB(path, _MIGRATIONS)
        self._counter_lock = threading.Lock()
        self.hits = 0
        self.misses = 0

    def get(self, key: str) -> CachedCompletion | None:
        rows = self._db.query("SELECT text, usage FROM completions WHERE key = ?", (key,))
        with self._counter_lock:
            if rows:
                self.hits += 1
            else:
                self.misses += 1
        if not rows:
            return None
        return CachedCompletion(rows[0]["text"], CallRecord.model_validate_json(rows[0]["usage"]))

    def put(self, key: str, text: str, record: CallRecord) -> None:
        with self._db.transaction() as conn:
            conn.execute(
                "INSERT OR REPLACE INTO completions (key, model, text, usage, created_at) VALUES (?,?,?,?,?)",
                (key, record.model, text, record.model_dump_json(), time.time()),
            )

    def stats(self) -> dict[str, int]:
        total = self._db.query("SELECT COUNT(*) AS n FROM completions")[0]["n"]
        return {"hits": self.hits, "misses": self.misses, "entries": int(total)}

    def clear(self) -> int:
        with self._db.transaction() as conn:
            return conn.execute("DELETE FROM completions").rowcount

    def close(self) -> None:
        self._db.close()
