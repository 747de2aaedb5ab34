"""Pick the response-cache backend from its location: a path or `sqlite:///` URL, `redis://`,
or `postgresql+psycopg://` (`TAILOR_CACHE_URL`; default the SQLite file of `TAILOR_CACHE_PATH`).

Redis and SQLAlchemy are imported only when their backend is chosen.
"""

from __future__ import annotations

from pathlib import Path

from app.errors import ConfigError
from app.models._cache_store import CacheStore
from app.storage import sqlite_path_from_url

CacheLocation = Path | str
REDIS_SCHEMES = ("redis://", "rediss://", "unix://")
POSTGRES_SCHEMES = ("postgresql+psycopg://", "postgresql://", "postgres://")
USAGE = "use sqlite:///path/to/cache.db, redis://host:6379/N or postgresql+psycopg://user@host/db"


def location_key(location: CacheLocation) -> str:
    """One name per cache, whatever way it was written (a process opens each cache once)."""
    if isinstance(location, Path):
        return str(location.resolve())
    if location.startswith("sqlite:///"):
        return str(sqlite_path_from_url(location).resolve())
    return location


def open_cache_store(location: CacheLocation) -> CacheStore:
    """The backend for `location`, connected; a location no backend takes is a `ConfigError`."""
    if isinstance(location, Path):
        from app.models._cache_sqlite import SQLiteCacheStore

        return SQLiteCacheStore(location)
    if location.startswith("sqlite:///"):
        from app.models._cache_sqlite import SQLiteCacheStore

        return SQLiteCacheStore(sqlite_path_from_url(location))
    if location.startswith(REDIS_SCHEMES):
        from app.models._cache_redis import RedisCacheStore

        return RedisCacheStore(location)
    if location.startswith(POSTGRES_SCHEMES):
        from app.models._cache_postgres import PostgresCacheStore

        return PostgresCacheStore(location)
    shown = location.split("@")[-1] if "@" in location else location  # never print a password
    raise ConfigError(f"unsupported TAILOR_CACHE_URL {shown!r}: {USAGE}")
