"""The LLM response cache, keyed by the content address of (model, messages, parameters).

Where it lives is one setting: `TAILOR_CACHE_URL` (a `sqlite:///` file, `redis://host:6379/N` or
`postgresql+psycopg://user@host/db`; `cache_location(settings)`), by default the SQLite file
`TAILOR_CACHE_PATH` (<data>/llm_cache.db). Every backend stores `ChatRequest.content_key()`, so a
worker, a CI runner and a laptop pointed at one Redis or PostgreSQL share every hit.

`shared_response_cache(location)` is the process's one open cache for a location: every client of the
process uses it, and it is closed by `close_response_caches()` (at exit at the latest).
"""

from __future__ import annotations

import atexit
import threading
from dataclasses import dataclass

from app.models._cache_store import CacheStore, StoredCompletion
from app.models._cache_url import CacheLocation, location_key, open_cache_store
from app.models._types import CallRecord
from app.settings import TailorSettings


@dataclass
class CachedCompletion:
    text: str
    record: CallRecord


def cache_location(settings: TailorSettings) -> CacheLocation:
    """`TAILOR_CACHE_URL` when set, else the SQLite file (`TAILOR_CACHE_PATH`, <data>/llm_cache.db)."""
    return settings.cache_url or settings.cache_file


class ResponseCache:
    """Counts this process's hits and misses; safe to share between threads and async tasks.
    Opening one connects to its backend: an unknown or unreachable location is a `ConfigError`."""

    def __init__(self, location: CacheLocation) -> None:
        self._store: CacheStore = open_cache_store(location)
        self._counter_lock = threading.Lock()
        self.hits = 0
        self.misses = 0

    @property
    def location(self) -> str:
        """Where the completions are (a file, or a URL without its password)."""
        return self._store.location

    @property
    def remote(self) -> bool:
        """A server (Redis, PostgreSQL), not a local file: each call is a network round trip."""
        return self._store.remote

    def get(self, key: str) -> CachedCompletion | None:
        stored = self._store.get(key)
        with self._counter_lock:
            if stored is not None:
                self.hits += 1
            else:
                self.misses += 1
        if stored is None:
            return None
        return CachedCompletion(stored.text, CallRecord.model_validate_json(stored.usage_json))

    def put(self, key: str, text: str, record: CallRecord) -> None:
        self._store.put(key, record.model, StoredCompletion(text, record.model_dump_json()))

    def stats(self) -> dict[str, int]:
        return {"hits": self.hits, "misses": self.misses, "entries": self._store.count()}

    def clear(self) -> int:
        return self._store.clear()

    def close(self) -> None:
        self._store.close()

    @property
    def closed(self) -> bool:
        return self._store.closed

    def __enter__(self) -> ResponseCache:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


class _OpenCaches:
    """The response caches this process holds open, one per location."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._caches: dict[str, ResponseCache] = {}
        atexit.register(self.close_all)

    def get(self, location: CacheLocation) -> ResponseCache:
        key = location_key(location)
        with self._lock:
            cache = self._caches.get(key)
            if cache is None or cache.closed:
                cache = self._caches[key] = ResponseCache(location)
            return cache

    def close_all(self) -> None:
        with self._lock:
            caches, self._caches = list(self._caches.values()), {}
        for cache in caches:
            cache.close()


_OPEN_CACHES = _OpenCaches()


def shared_response_cache(location: CacheLocation) -> ResponseCache:
    """The process's open cache at `location`, opened on first use; do not close it, the process does."""
    return _OPEN_CACHES.get(location)


def close_response_caches() -> None:
    """Close every shared cache (the next `shared_response_cache` opens it again)."""
    _OPEN_CACHES.close_all()
