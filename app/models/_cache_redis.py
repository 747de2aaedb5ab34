"""The Redis response-cache backend (`TAILOR_CACHE_URL=redis://host:6379/N`).

One string key per completion, `tailor:llm_cache:<content key>`, holding JSON: every worker and CI
runner pointed at the same database shares hits, and a Redis with `maxmemory-policy allkeys-lru`
evicts old completions one by one. `count` and `clear` walk the prefix with SCAN (the CLI's, not a
run's, operations), so they never block the server.
"""

from __future__ import annotations

import json
import time
from typing import Any
from urllib.parse import urlsplit

import redis

from app.errors import ConfigError
from app.models._cache_store import StoredCompletion, first_line

KEY_PREFIX = "tailor:llm_cache:"
_SCAN_BATCH = 1000


def redacted_redis_url(url: str) -> str:
    """The URL with any password replaced by `***`."""
    scheme, sep, rest = url.partition("://")
    credentials, at, host = rest.rpartition("@")
    if not sep or not at or ":" not in credentials:
        return url
    return f"{scheme}://{credentials.split(':', 1)[0]}:***@{host}"


class RedisCacheStore:
    """A pooled redis-py client (thread-safe); opening it pings the server."""

    remote = True

    def __init__(self, url: str) -> None:
        self._location = redacted_redis_url(url)
        self._closed = False
        database = urlsplit(url).path.strip("/") if not url.startswith("unix://") else ""
        if database and not database.isdigit():  # redis-py would quietly use database 0
            raise ConfigError(f"TAILOR_CACHE_URL {self._location!r} is not a Redis URL: {database!r} is not a database number")
        try:
            self._client: redis.Redis = redis.Redis.from_url(
                url, decode_responses=True, socket_connect_timeout=5, socket_timeout=30
            )
        except ValueError as exc:
            raise ConfigError(f"TAILOR_CACHE_URL {self._location!r} is not a Redis URL: {first_line(exc)}") from exc
        self._call(self._client.ping)

    @property
    def location(self) -> str:
        return self._location

    @property
    def closed(self) -> bool:
        return self._closed

    def get(self, key: str) -> StoredCompletion | None:
        raw = self._call(self._client.get, KEY_PREFIX + key)
        if raw is None:
            return None
        row = json.loads(raw)
        return StoredCompletion(row["text"], row["usage"])

    def put(self, key: str, model: str, stored: StoredCompletion) -> None:
        row = {"model": model, "text": stored.text, "usage": stored.usage_json, "created_at": time.time()}
        self._call(self._client.set, KEY_PREFIX + key, json.dumps(row, ensure_ascii=False))

    def count(self) -> int:
        return sum(1 for _ in self._call(self._keys))

    def clear(self) -> int:
        keys = self._call(self._keys)
        removed = 0
        for start in range(0, len(keys), _SCAN_BATCH):
            removed += int(self._call(self._client.unlink, *keys[start : start + _SCAN_BATCH]))
        return removed

    def close(self) -> None:
        if not self._closed:
            self._client.close()
            self._closed = True

    def _keys(self) -> list[str]:
        return list(self._client.scan_iter(match=KEY_PREFIX + "*", count=_SCAN_BATCH))

    def _call(self, operation: Any, *args: Any) -> Any:
        """Run one client operation; a Redis failure is a `ConfigError` naming the cache's URL."""
        try:
            return operation(*args)
        except redis.RedisError as exc:
            raise ConfigError(f"the response cache at {self._location} failed: {first_line(exc)}") from exc
