"""The response cache on each backend (SQLite file, Redis, PostgreSQL), chosen by `TAILOR_CACHE_URL`.

Redis tests use their own database (REDIS_DB, flushed before and after each test, nothing else);
PostgreSQL tests use the session's throwaway database (`postgres_url`, dropped afterwards). Either is
skipped, with the reason, only when its server does not answer.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

from app.errors import ConfigError
from app.models import CallRecord, ChatRequest, ResponseCache, close_response_caches, shared_response_cache
from app.services import make_client
from app.settings import PROJECT_ROOT, reset_settings
from tests.conftest import CliResult, run_cli
from tests.fakes import ScriptedLLM

REDIS_DB = 9  # this module's own Redis database
REDIS_URL = f"redis://127.0.0.1:6379/{REDIS_DB}"
BACKENDS = ("sqlite", "redis", "postgres")


def _redis_or_skip() -> None:
    import redis

    client = redis.Redis.from_url(REDIS_URL, socket_connect_timeout=2)
    try:
        client.flushdb()
    except redis.ConnectionError as exc:
        pytest.skip(f"Redis unreachable at 127.0.0.1:6379: {exc}")
    finally:
        client.close()


@pytest.fixture(params=BACKENDS)
def cache_url(request: pytest.FixtureRequest, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    """An empty cache on one backend, set as TAILOR_CACHE_URL for this test."""
    backend = request.param
    if backend == "sqlite":
        url = f"sqlite:///{tmp_path / 'shared' / 'llm_cache.db'}"
    elif backend == "redis":
        _redis_or_skip()
        url = REDIS_URL
    else:
        url = request.getfixturevalue("postgres_url")
        with ResponseCache(url) as cache:
            cache.clear()
    monkeypatch.setenv("TAILOR_CACHE_URL", url)
    reset_settings()
    yield url
    close_response_caches()
    if backend == "redis":
        _redis_or_skip()


def _request(line: str) -> ChatRequest:
    return ChatRequest(model="fake/model", messages=({"role": "user", "content": line},))


def _record(input_tokens: int = 3) -> CallRecord:
    return CallRecord(agent="", model="fake/model", input_tokens=input_tokens, output_tokens=2, model_latency_ms=41.5)


def test_put_then_get_round_trips_text_and_record(cache_url: str) -> None:
    key = _request("Built ETL jobs").content_key()
    with ResponseCache(cache_url) as cache:
        assert cache.get(key) is None
        cache.put(key, "Built ETL jobs in Python — ünïcode kept", _record())
        hit = cache.get(key)
        assert hit is not None
        assert hit.text == "Built ETL jobs in Python — ünïcode kept"
        assert hit.record == _record()
        assert cache.get(_request("another line").content_key()) is None
        assert cache.stats() == {"hits": 1, "misses": 2, "entries": 1}
        cache.put(key, "replaced", _record(input_tokens=9))  # the same key twice: one entry, the last answer
        again = cache.get(key)
        assert again is not None and again.text == "replaced" and again.record.input_tokens == 9
        assert cache.stats()["entries"] == 1


def test_clear_empties_the_cache_and_counts_what_it_removed(cache_url: str) -> None:
    keys = [_request(f"line {i}").content_key() for i in range(3)]
    with ResponseCache(cache_url) as cache:
        for key in keys:
            cache.put(key, key[:8], _record())
        assert cache.stats()["entries"] == 3
        assert cache.clear() == 3
        assert cache.stats()["entries"] == 0
        assert all(cache.get(key) is None for key in keys)
        assert cache.clear() == 0


_OTHER_PROCESS = """
import json, sys
from app.models import ChatRequest, ModelClient, ResponseCache, register_provider
from tests.fakes import ScriptedLLM
fake = ScriptedLLM(lambda messages, params: "rewritten by process " + sys.argv[2])
register_provider("fake", fake.handler())
with ResponseCache(sys.argv[1]) as cache:
    client = ModelClient(cache=cache)
    request = ChatRequest(model="fake/model", messages=({"role": "user", "content": "Cut latency"},))
    completion = client.complete(request, agent="writer")
    print(json.dumps({"model_calls": client.model_calls, "text": completion.text, "stats": cache.stats()}))
"""


def test_a_second_process_is_answered_from_what_the_first_cached(cache_url: str, fake_llm: ScriptedLLM) -> None:
    first = subprocess.run(
        [sys.executable, "-c", _OTHER_PROCESS, cache_url, "one"],
        cwd=PROJECT_ROOT, env=os.environ.copy(), capture_output=True, text=True, timeout=120, check=False,
    )  # fmt: skip
    assert first.returncode == 0, first.stderr
    written = json.loads(first.stdout.strip().splitlines()[-1])
    assert written == {"model_calls": 1, "text": "rewritten by process one",
                       "stats": {"hits": 0, "misses": 1, "entries": 1}}  # fmt: skip

    client = make_client(use_cache=True)  # this process, through TAILOR_CACHE_URL
    completion = client.complete(_request("Cut latency"), agent="writer")
    assert fake_llm.calls == [], "the answer came from the other process's cache entry"
    assert client.model_calls == 0
    assert completion.text == "rewritten by process one" and completion.record.cached
    assert client.cache is not None and client.cache.stats()["hits"] == 1


def test_one_process_opens_each_cache_once(cache_url: str) -> None:
    first = shared_response_cache(cache_url)
    assert shared_response_cache(cache_url) is first
    close_response_caches()
    assert first.closed
    assert not shared_response_cache(cache_url).closed


def _cli(*args: str) -> CliResult:
    return run_cli("cache", *args)


def test_cache_stats_and_clear_work_on_each_backend(cache_url: str) -> None:
    with ResponseCache(cache_url) as cache:
        for i in range(2):
            cache.put(_request(f"line {i}").content_key(), "text", _record())
        where = cache.location
    stats = _cli("stats")
    assert stats.code == 0, stats.stderr
    assert stats.stdout.strip() == f"{where}: 2 completions; cache on"
    cleared = _cli("clear")
    assert cleared.code == 0, cleared.stderr
    assert cleared.stdout.strip() == "removed 2 cached completion(s)"
    assert _cli("stats").stdout.strip() == f"{where}: 0 completions; cache on"


def test_the_postgres_table_is_created_once_by_racing_processes(postgres_url: str) -> None:
    from sqlalchemy import create_engine, text

    engine = create_engine(postgres_url)
    with engine.begin() as conn:
        conn.execute(text("DROP TABLE IF EXISTS tailor_llm_cache"))
    engine.dispose()
    errors: list[BaseException] = []

    def open_one() -> None:
        try:
            ResponseCache(postgres_url).close()
        except BaseException as exc:  # collected for the assertion below
            errors.append(exc)

    threads = [threading.Thread(target=open_one) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    with ResponseCache(postgres_url) as cache:
        assert cache.stats()["entries"] == 0


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("mysql://tailor:s3cret@db.example/cache", "unsupported TAILOR_CACHE_URL"),
        ("llm_cache.db", "unsupported TAILOR_CACHE_URL"),
        ("redis://127.0.0.1:1/0", "the response cache at redis://127.0.0.1:1/0 failed"),
        ("redis://127.0.0.1:6379/not-a-number", "is not a Redis URL"),
        ("postgresql+psycopg://tailor:s3cret@127.0.0.1:1/cache", "the response cache at postgresql+psycopg://tailor:***@127.0.0.1:1/cache failed"),
    ],
)  # fmt: skip
def test_a_bad_url_is_one_config_error_line(url: str, expected: str, monkeypatch: pytest.MonkeyPatch) -> None:
    with pytest.raises(ConfigError) as caught:
        ResponseCache(url)
    message = caught.value.message
    assert expected in message and "\n" not in message and "s3cret" not in message

    monkeypatch.setenv("TAILOR_CACHE_URL", url)
    reset_settings()
    result = _cli("stats")
    assert result.code == ConfigError.exit_code
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: ") and expected in lines[0], result.stderr
