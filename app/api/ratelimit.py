"""A token bucket per client: `burst` requests at once, refilled at `per_minute / 60` a second. A refused
request learns how many seconds until a token is back (the 429's Retry-After).

Two stores for the buckets: Redis when `REDIS_URL` is set (one Lua script per request, atomic, on
Redis's clock, so every server process and machine shares one bucket per client), else memory (per
process). If Redis stops answering, requests are let through and a warning is logged: a limiter
outage must not become an API outage.
"""

from __future__ import annotations

import logging
import math
import threading
import time
from dataclasses import dataclass
from typing import Any, Protocol

log = logging.getLogger("tailor.api")


class RateLimiter(Protocol):
    backend: str

    async def take(self, client: str, *, per_minute: float, burst: int) -> int:
        """Take one token: 0 when allowed, else the seconds to wait (at least 1)."""
        ...

    async def close(self) -> None: ...


@dataclass
class _Bucket:
    tokens: float
    updated: float


class MemoryBuckets:
    backend = "memory"

    def __init__(self, max_clients: int = 10_000) -> None:
        self.max_clients = max_clients
        self._buckets: dict[str, _Bucket] = {}
        self._lock = threading.Lock()

    async def take(self, client: str, *, per_minute: float, burst: int) -> int:
        return self.take_now(client, per_minute=per_minute, burst=burst)

    def take_now(self, client: str, *, per_minute: float, burst: int) -> int:
        rate, now = per_minute / 60.0, time.monotonic()
        with self._lock:
            bucket = self._buckets.get(client)
            if bucket is None:
                if len(self._buckets) >= self.max_clients:
                    self._forget_full(now, rate, burst)
                bucket = self._buckets[client] = _Bucket(float(burst), now)
            bucket.tokens = min(float(burst), bucket.tokens + (now - bucket.updated) * rate)
            bucket.updated = now
            if bucket.tokens >= 1.0:
                bucket.tokens -= 1.0
                return 0
            return max(1, math.ceil((1.0 - bucket.tokens) / rate))

    def _forget_full(self, now: float, rate: float, burst: int) -> None:
        """Drop buckets that have refilled: they hold no information a fresh bucket would not."""
        refilled = [k for k, b in self._buckets.items() if b.tokens + (now - b.updated) * rate >= burst]
        for key in refilled:
            del self._buckets[key]

    async def close(self) -> None:
        return None


# KEYS[1] the bucket; ARGV rate per second, burst. Returns the seconds to wait (0: allowed).
_TOKEN_BUCKET_LUA = """
local rate = tonumber(ARGV[1])
local burst = tonumber(ARGV[2])
local clock = redis.call('TIME')
local now = tonumber(clock[1]) + tonumber(clock[2]) / 1000000
local state = redis.call('HMGET', KEYS[1], 'tokens', 'ts')
local tokens = tonumber(state[1])
local ts = tonumber(state[2])
if tokens == nil or ts == nil then
  tokens = burst
  ts = now
end
tokens = math.min(burst, tokens + math.max(0, now - ts) * rate)
local wait = 0
if tokens >= 1 then
  tokens = tokens - 1
else
  wait = math.ceil((1 - tokens) / rate)
  if wait < 1 then wait = 1 end
end
redis.call('HSET', KEYS[1], 'tokens', tostring(tokens), 'ts', tostring(now))
redis.call('EXPIRE', KEYS[1], math.ceil(burst / rate) + 1)
return wait
"""


class RedisBuckets:
    backend = "redis"

    def __init__(self, url: str, *, prefix: str = "tailor:ratelimit:") -> None:
        from redis.asyncio import Redis

        self.url = url
        self.prefix = prefix
        self._redis: Any = Redis.from_url(url, socket_timeout=1.0, socket_connect_timeout=1.0)
        self._script: Any = self._redis.register_script(_TOKEN_BUCKET_LUA)
        self._warned_at = 0.0

    async def take(self, client: str, *, per_minute: float, burst: int) -> int:
        try:
            wait = await self._script(keys=[self.prefix + client], args=[per_minute / 60.0, burst])
        except Exception as exc:  # any Redis failure: let the request through, say so now and then
            if time.monotonic() - self._warned_at > 30:
                self._warned_at = time.monotonic()
                log.warning("rate limiter: Redis unusable (%s: %s); requests are not limited", type(exc).__name__, exc)
            return 0
        return int(wait)

    async def close(self) -> None:
        await self._redis.aclose()


def make_limiter(redis_url: str | None) -> RateLimiter:
    return RedisBuckets(redis_url) if redis_url else MemoryBuckets()
