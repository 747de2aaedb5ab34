"""Rate limits (a token bucket per client, in Redis when REDIS_URL is set, else in memory) and CORS (off
unless origins are configured). Redis is the real local server, on a database of these tests' own
(REDIS_DB), flushed before and after; the tests skip only when it does not answer."""

from __future__ import annotations

import asyncio
import logging
import uuid
from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient

from app.api.ratelimit import MemoryBuckets, RedisBuckets, make_limiter
from app.settings import get_settings, reset_settings
from tests.fakes import ScriptedLLM
from tests.test_api_support import api_client, assert_error, set_api_env

REDIS_DB = 13  # this file's own database on the shared Redis; nothing else is flushed
REDIS_URL = f"redis://127.0.0.1:6379/{REDIS_DB}"


@pytest.fixture
def redis_url() -> Iterator[str]:
    import redis

    connection = redis.Redis.from_url(REDIS_URL, socket_connect_timeout=2)
    try:
        connection.ping()
    except redis.RedisError as exc:
        pytest.skip(f"Redis unreachable at {REDIS_URL}: {exc}")
    connection.flushdb()
    try:
        yield REDIS_URL
    finally:
        connection.flushdb()
        connection.close()


def _takes(limiter: RedisBuckets | MemoryBuckets, client: str, n: int, *, per_minute: float, burst: int) -> list[int]:
    async def run() -> list[int]:
        try:
            return [await limiter.take(client, per_minute=per_minute, burst=burst) for _ in range(n)]
        finally:
            await limiter.close()

    return asyncio.run(run())


def test_redis_buckets_are_shared_by_every_server_process(redis_url: str) -> None:
    async def run() -> tuple[list[int], list[int], list[int]]:
        first, second = RedisBuckets(redis_url), RedisBuckets(redis_url)  # two servers, one Redis
        try:
            a = [await first.take("key-a", per_minute=6, burst=3) for _ in range(2)]
            b = [await second.take("key-a", per_minute=6, burst=3) for _ in range(2)]
            other = [await second.take("key-b", per_minute=6, burst=3) for _ in range(3)]
            return a, b, other
        finally:
            await first.close()
            await second.close()

    a, b, other = asyncio.run(run())
    assert a == [0, 0] and b[0] == 0
    assert 1 <= b[1] <= 10  # the fourth request across both processes waits for a token (6/min: 10 s)
    assert other == [0, 0, 0]  # another client has its own bucket


def test_a_redis_bucket_refills_at_its_rate(redis_url: str) -> None:
    async def run() -> tuple[int, int, int]:
        limiter = RedisBuckets(redis_url)
        try:
            first = await limiter.take("key-refill", per_minute=600, burst=1)  # 10 tokens a second
            refused = await limiter.take("key-refill", per_minute=600, burst=1)
            await asyncio.sleep(0.25)
            refilled = await limiter.take("key-refill", per_minute=600, burst=1)
            return first, refused, refilled
        finally:
            await limiter.close()

    assert asyncio.run(run()) == (0, 1, 0)


def test_an_unreachable_redis_lets_requests_through_and_says_so(caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.WARNING, logger="tailor.api"):
        waits = _takes(RedisBuckets("redis://127.0.0.1:9/0"), "key-a", 3, per_minute=1, burst=1)
    assert waits == [0, 0, 0]
    assert sum("Redis unusable" in r.getMessage() for r in caplog.records) == 1  # once, not per request


def test_memory_buckets_limit_each_client_and_the_choice_follows_redis_url() -> None:
    limiter = MemoryBuckets()
    waits = [limiter.take_now("a", per_minute=60, burst=2) for _ in range(3)]
    assert waits[:2] == [0, 0] and waits[2] == 1
    assert limiter.take_now("b", per_minute=60, burst=2) == 0
    assert make_limiter(None).backend == "memory" and make_limiter(REDIS_URL).backend == "redis"


def test_the_api_limits_through_redis_when_redis_url_is_set(
    redis_url: str, fake_llm: ScriptedLLM, monkeypatch: pytest.MonkeyPatch
) -> None:
    from app.api import create_app

    set_api_env(monkeypatch, rate_burst=2, rate_per_minute=6)
    monkeypatch.setenv("REDIS_URL", redis_url)
    reset_settings()
    with TestClient(create_app(get_settings()), raise_server_exceptions=False) as client:
        answers = [client.get("/v1/pipelines/production") for _ in range(3)]
        assert client.app.state.context.limiter.backend == "redis"  # type: ignore[attr-defined]
    assert [a.status_code for a in answers[:2]] == [200, 200]
    assert_error(answers[2], 429, "rate_limited")
    assert 1 <= int(answers[2].headers["retry-after"]) <= 10

    import redis

    stored = redis.Redis.from_url(redis_url).keys("tailor:ratelimit:*")
    assert [k.decode() for k in stored] == ["tailor:ratelimit:anonymous:testclient"]


def test_cors_is_off_by_default(fake_llm: ScriptedLLM, monkeypatch: pytest.MonkeyPatch) -> None:
    with api_client(monkeypatch) as client:
        preflight = client.options(
            "/v1/jobs", headers={"Origin": "https://app.example.com", "Access-Control-Request-Method": "POST"}
        )
        simple = client.get("/health", headers={"Origin": "https://app.example.com"})
    assert "access-control-allow-origin" not in preflight.headers
    assert "access-control-allow-origin" not in simple.headers


def test_cors_allows_only_the_configured_origins(fake_llm: ScriptedLLM, monkeypatch: pytest.MonkeyPatch) -> None:
    allowed = "https://app.example.com"
    with api_client(monkeypatch, cors_origins=f"{allowed}/, https://other.example.org") as client:
        preflight = client.options("/v1/jobs", headers={
            "Origin": allowed, "Access-Control-Request-Method": "POST",
            "Access-Control-Request-Headers": "x-api-key, idempotency-key, content-type",
        })  # fmt: skip
        simple = client.get("/health", headers={"Origin": allowed})
        refused = client.options(
            "/v1/jobs", headers={"Origin": "https://evil.example.net", "Access-Control-Request-Method": "POST"}
        )
        error = client.get(f"/v1/jobs/{uuid.uuid4().hex}", headers={"Origin": allowed})
    assert preflight.status_code == 200 and preflight.headers["access-control-allow-origin"] == allowed
    assert "x-api-key" in preflight.headers["access-control-allow-headers"].lower()
    assert simple.headers["access-control-allow-origin"] == allowed
    exposed = simple.headers["access-control-expose-headers"].lower()
    assert "x-pipeline-version" in exposed and "x-request-id" in exposed and "retry-after" in exposed
    assert refused.status_code == 400 and "access-control-allow-origin" not in refused.headers
    assert error.status_code == 404 and error.headers["access-control-allow-origin"] == allowed
