"""What every response-cache backend offers: raw rows by content key, a count, a wipe.

The backends know nothing of hits and misses or of `CallRecord`: `ResponseCache` (in `_cache.py`)
counts and decodes. Keys are `ChatRequest.content_key()` whatever the backend, so one request has
the same address in SQLite, Redis and PostgreSQL.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol


@dataclass(frozen=True)
class StoredCompletion:
    """One cached answer as stored: the model's text and its `CallRecord` as JSON."""

    text: str
    usage_json: str


class CacheStore(Protocol):
    """A response-cache backend. `location` is printable (no password); `remote`: a server, so each
    call is a network round trip (async callers make it from a thread)."""

    remote: bool

    @property
    def location(self) -> str: ...

    @property
    def closed(self) -> bool: ...

    def get(self, key: str) -> StoredCompletion | None: ...

    def put(self, key: str, model: str, stored: StoredCompletion) -> None: ...

    def count(self) -> int: ...

    def clear(self) -> int: ...

    def close(self) -> None: ...


def first_line(error: BaseException) -> str:
    """A driver error's first line (psycopg and redis add hints on further lines)."""
    text = str(error).strip()
    return text.splitlines()[0] if text else type(error).__name__
