"""On-disk LLM response cache, keyed by the content address of (model, messages, parameters).

`shared_response_cache(path)` is the process's one open cache for a file: every client of the
process uses it, and it is closed by `close_response_caches()` (at exit at the latest).
"""

from __future__ import annotations

import atexit
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

    @property
    def closed(self) -> bool:
        return self._db.closed

    def __enter__(self) -> ResponseCache:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


class _OpenCaches:
    """The response caches this process holds open, one per file."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._caches: dict[Path, ResponseCache] = {}
        atexit.register(self.close_all)

    def get(self, path: Path) -> ResponseCache:
        key = path.resolve()
        with self._lock:
            cache = self._caches.get(key)
            if cache is None or cache.closed:
                cache = self._caches[key] = ResponseCache(path)
            return cache

    def close_all(self) -> None:
        with self._lock:
            caches, self._caches = list(self._caches.values()), {}
        for cache in caches:
            cache.close()


_OPEN_CACHES = _OpenCaches()


def shared_response_cache(path: Path) -> ResponseCache:
    """The process's open cache at `path`, opened on first use; do not close it, the process does."""
    return _OPEN_CACHES.get(path)


def close_response_caches() -> None:
    """Close every shared cache (the next `shared_response_cache` opens it again)."""
    _OPEN_CACHES.close_all()
