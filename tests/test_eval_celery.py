"""`tailor eval --backend celery` against the real services: PostgreSQL (a fresh database), Redis
or RabbitMQ as the broker, real `tailor worker --queues eval` subprocesses and the stub
OpenAI-compatible server (a delay per call, so kills land mid-case).

- 200 cases on two workers, one SIGKILLed midway: every case recorded exactly once (Redis and
  RabbitMQ brokers), and some case was started twice (the kill landed mid-case).
- With the Redis response cache, the same run in a fresh state store, on fresh workers, makes zero
  model calls.
- The local and Celery backends give identical per-case scores on golden:smoke with the cache.
- A submitter killed with SIGKILL, run again, resumes; Ctrl-C stales and revokes what is
  outstanding (no case runs after it), and running again finishes the rest.
"""

from __future__ import annotations

import json
import os
import secrets
import signal
import subprocess
import sys
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import create_engine, text

from app.settings import PROJECT_ROOT
from tests.stub import Stub, stub_server
from tests.test_jobs_celery_kill import database, wait_until  # noqa: F401  (a fixture)

pytestmark = pytest.mark.slow

REDIS_BROKER = "redis://127.0.0.1:6379/11"
REDIS_CACHE = "redis://127.0.0.1:6379/10"
RABBITMQ_BROKER = "amqp://guest:guest@127.0.0.1:5672//"
SCORERS = "structure,usage"


def _reachable_redis() -> None:
    import redis

    try:
        redis.Redis.from_url(REDIS_BROKER).ping()
    except redis.RedisError as exc:
        pytest.skip(f"Redis unreachable at 127.0.0.1:6379: {exc}")


def _reachable_rabbitmq() -> None:
    import kombu

    try:
        with kombu.Connection(RABBITMQ_BROKER, connect_timeout=3) as connection:
            connection.ensure_connection(max_retries=1)
    except Exception as exc:
        pytest.skip(f"RabbitMQ unreachable at 127.0.0.1:5672: {type(exc).__name__}: {exc}")


@pytest.fixture(params=["redis", "rabbitmq"])
def broker(request: pytest.FixtureRequest) -> dict[str, str]:
    if request.param == "redis":
        _reachable_redis()
        return {"REDIS_URL": REDIS_BROKER}
    _reachable_rabbitmq()
    return {"CELERY_BROKER_URL": RABBITMQ_BROKER}


@pytest.fixture
def redis_cache() -> Iterator[str]:
    import redis

    _reachable_redis()
    client = redis.Redis.from_url(REDIS_CACHE)
    client.flushdb()
    yield REDIS_CACHE
    client.flushdb()
    client.close()


def make_dataset(folder: Path, n: int) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "manifest.json").write_text(json.dumps({"name": "many", "version": "1", "description": "synthetic"}))
    with (folder / "all.jsonl").open("w") as handle:
        for i in range(n):
            resume = {"basics": {"name": f"Candidate {i}", "email": f"c{i}@example.com"},
                      "work": [{"name": "Acme", "position": "Engineer", "startDate": "2020-01",
                                "highlights": [f"Built service {i}"]}]}  # fmt: skip
            handle.write(json.dumps({"id": f"case-{i:04d}", "resume": resume, "job_description": f"Job {i}: Python"}) + "\n")
    return folder


def env_for(tmp: Path, stub: Stub, database_url: str, broker: dict[str, str], **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in ("REDIS_URL", "CELERY_BROKER_URL", "TAILOR_CACHE_URL")}
    return {
        **env, **broker,
        "TAILOR_STATE_URL": database_url,
        "TAILOR_DATA_DIR": str(tmp / "data"),
        "TAILOR_EVAL_QUEUE": f"eval-{secrets.token_hex(4)}",  # this test's own queue
        "OPENAI_API_KEY": "sk-stub",
        "OPENAI_API_BASE": stub.base_url,
        "TAILOR_WORKER_VISIBILITY_S": "4",  # Redis hands a dead worker's messages out again after 4 s
        "TAILOR_EVAL_WORKER_WAIT_S": "60",
        "TAILOR_CACHE_ENABLED": "false",
        "LITELLM_LOCAL_MODEL_COST_MAP": "True",
        **extra,
    }  # fmt: skip


@contextmanager
def eval_worker(env: dict[str, str], log: Path, concurrency: int = 4) -> Iterator[subprocess.Popen[bytes]]:
    with log.open("wb") as sink:
        proc = subprocess.Popen([sys.executable, "-m", "app", "worker", "--queues", env["TAILOR_EVAL_QUEUE"],
                                 "--concurrency", str(concurrency), "--log-level", "info"],
                                env=env, cwd=PROJECT_ROOT, stdout=subprocess.DEVNULL, stderr=sink)  # fmt: skip
    try:
        wait_until(lambda: " ready." in log.read_text(errors="replace") or proc.poll() is not None, 90)
        assert proc.poll() is None, log.read_text(errors="replace")[-3000:]
        yield proc
    finally:
        if proc.poll() is None:
            proc.terminate()
            try:
                proc.wait(30)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait(10)


def eval_args(dataset: Path | str, out: Path, *extra: str) -> list[str]:
    ref = f"{dataset}:all" if isinstance(dataset, Path) else dataset
    return [sys.executable, "-m", "app", "eval", "--dataset", ref, "--model", "openai/stub", "--scorers", SCORERS,
            "--no-track", "--out", str(out), "--json", "--backend", "celery", *extra]  # fmt: skip


def submit(env: dict[str, str], args: list[str]) -> subprocess.Popen[str]:
    """The submitter as a user's terminal starts it: Ctrl-C (SIGINT) interrupts it. A process started
    in the background by a shell (a CI runner may be one) inherits SIGINT ignored, and Python then
    installs no KeyboardInterrupt handler; so the default is restored in the child."""
    return subprocess.Popen(args, env=env, cwd=PROJECT_ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                            preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL))  # fmt: skip


def case_rows(database_url: str) -> list[dict[str, Any]]:
    from app.state import open_state

    open_state(database_url)  # migrated, so the table exists before the submitter creates it
    engine = create_engine(database_url)
    try:
        with engine.connect() as connection:
            rows = connection.execute(text("SELECT case_id, status, attempts, worker FROM run_cases"))
            return [dict(r._mapping) for r in rows]
    finally:
        engine.dispose()


def recorded(database_url: str) -> int:
    return sum(1 for r in case_rows(database_url) if r["status"] != "pending")


def results(out: Path) -> list[dict[str, Any]]:
    return [json.loads(line) for line in (out / "cases.jsonl").read_text().splitlines()]


def test_two_workers_one_killed_midway_record_every_case_exactly_once(
    tmp_path: Path, database: str, broker: dict[str, str]  # noqa: F811
) -> None:
    dataset = make_dataset(tmp_path / "ds", 200)
    with stub_server(latency_ms=250) as stub, ExitStack() as stack:
        env = env_for(tmp_path, stub, database, broker)
        doomed = stack.enter_context(eval_worker(env, tmp_path / "w1.log"))
        stack.enter_context(eval_worker(env, tmp_path / "w2.log"))
        out = tmp_path / "run"
        submitter = submit(env, eval_args(dataset, out, "--solver", "one-call"))
        wait_until(lambda: recorded(database) >= 60 or submitter.poll() is not None, 120)
        doomed.send_signal(signal.SIGKILL)
        stdout, stderr = submitter.communicate(timeout=300)
        assert submitter.returncode == 0, stderr[-2000:]
    summary = json.loads(stdout)
    assert summary["cases"]["ok"] == 200
    lines = results(out)
    assert len(lines) == 200 and len({r["case_id"] for r in lines}) == 200
    assert all(r["status"] == "ok" for r in lines)
    rows = case_rows(database)
    assert len(rows) == 200 and all(r["status"] == "ok" for r in rows)
    restarted = [r for r in rows if r["attempts"] >= 2]
    assert restarted, "the kill landed between cases: no case was started twice"
    survivor = {r["worker"] for r in rows if r["worker"].endswith(f":{doomed.pid}") is False}
    assert all(r["worker"] in survivor for r in restarted)  # the survivor finished the killed one's cases
    dispatch = json.loads((out / "dispatch.json").read_text())
    assert dispatch["sent"] == 200 and len(dispatch["workers"]) == 2


def test_with_the_redis_cache_a_fresh_store_and_fresh_workers_make_no_model_call(
    tmp_path: Path, database: str, redis_cache: str  # noqa: F811
) -> None:
    dataset = make_dataset(tmp_path / "ds", 200)
    broker = {"REDIS_URL": REDIS_BROKER}
    with stub_server(latency_ms=20) as stub:
        cached = {"TAILOR_CACHE_ENABLED": "true", "TAILOR_CACHE_URL": redis_cache}
        env = env_for(tmp_path, stub, database, broker, **cached)
        with eval_worker(env, tmp_path / "w1.log"), eval_worker(env, tmp_path / "w2.log"):
            first = subprocess.run(eval_args(dataset, tmp_path / "one", "--solver", "one-call"), env=env,
                                   cwd=PROJECT_ROOT, capture_output=True, text=True, timeout=300)  # fmt: skip
        assert first.returncode == 0, first.stderr[-2000:]
        calls = stub.requests()
        assert calls == 200
        fresh = env_for(tmp_path, stub, f"sqlite:///{tmp_path / 'fresh-state.db'}", broker, **cached)
        with eval_worker(fresh, tmp_path / "w3.log"), eval_worker(fresh, tmp_path / "w4.log"):
            second = subprocess.run(eval_args(dataset, tmp_path / "two", "--solver", "one-call"), env=fresh,
                                    cwd=PROJECT_ROOT, capture_output=True, text=True, timeout=300)  # fmt: skip
        assert second.returncode == 0, second.stderr[-2000:]
        assert stub.requests() == calls  # zero model calls the second time
    summary = json.loads(second.stdout)
    assert summary["cases"]["ok"] == 200
    assert summary["usage"]["cache_misses"] == 0 and summary["usage"]["cache_hits"] == 200


def test_local_and_celery_backends_give_identical_scores_on_golden_smoke(
    tmp_path: Path, database: str, redis_cache: str  # noqa: F811
) -> None:
    scorers = "structure,fabrication,narrative,jd_coverage,length_and_style,specificity,usage"
    with stub_server(latency_ms=5) as stub:
        env = env_for(tmp_path, stub, database, {"REDIS_URL": REDIS_BROKER},
                      TAILOR_CACHE_ENABLED="true", TAILOR_CACHE_URL=redis_cache)  # fmt: skip
        base = [sys.executable, "-m", "app", "eval", "--dataset", "golden:smoke", "--model", "openai/stub",
                "--scorers", scorers, "--no-track", "--json"]  # fmt: skip
        local = subprocess.run([*base, "--out", str(tmp_path / "local")], env=env, cwd=PROJECT_ROOT,
                               capture_output=True, text=True, timeout=600)  # fmt: skip
        assert local.returncode == 0, local.stderr[-2000:]
        calls = stub.requests()
        with eval_worker(env, tmp_path / "w.log"):
            remote = subprocess.run([*base, "--out", str(tmp_path / "celery"), "--backend", "celery"], env=env,
                                    cwd=PROJECT_ROOT, capture_output=True, text=True, timeout=600)  # fmt: skip
        assert remote.returncode == 0, remote.stderr[-2000:]
        assert stub.requests() == calls  # every completion came from the shared cache
    by_case = lambda out: {r["case_id"]: r for r in results(out)}  # noqa: E731
    here, there = by_case(tmp_path / "local"), by_case(tmp_path / "celery")
    assert sorted(here) == sorted(there) and len(here) >= 5
    for case_id, record in here.items():
        mine = {k: v for k, v in record["scores"].items() if k != "usage"}
        theirs = {k: v for k, v in there[case_id]["scores"].items() if k != "usage"}
        assert mine == theirs, case_id
        assert record["output"] == there[case_id]["output"], case_id


def test_a_killed_submitter_resumes_and_ctrl_c_revokes_what_is_outstanding(
    tmp_path: Path, database: str  # noqa: F811
) -> None:
    dataset = make_dataset(tmp_path / "ds", 60)
    broker = {"REDIS_URL": REDIS_BROKER}
    _reachable_redis()
    with stub_server(latency_ms=400) as stub, ExitStack() as stack:
        env = env_for(tmp_path, stub, database, broker)
        stack.enter_context(eval_worker(env, tmp_path / "w.log", concurrency=2))
        args = eval_args(dataset, tmp_path / "run", "--solver", "one-call")
        # Ctrl-C: the outstanding messages go stale and are revoked; nothing runs after it.
        first = submit(env, args)
        wait_until(lambda: recorded(database) >= 4 or first.poll() is not None, 120)
        first.send_signal(signal.SIGINT)
        _, stderr = first.communicate(timeout=60)
        assert first.returncode == 130, stderr[-2000:]
        assert "Traceback" not in stderr
        settled = _settle(database)
        assert 4 <= settled < 60
        # SIGKILL mid-run: nothing revoked; running the command again stales the old messages.
        second = submit(env, args)
        wait_until(lambda: recorded(database) >= settled + 4 or second.poll() is not None, 120)
        second.send_signal(signal.SIGKILL)
        second.wait(30)
        third = subprocess.run(args, env=env, cwd=PROJECT_ROOT, capture_output=True, text=True, timeout=300)
        assert third.returncode == 0, third.stderr[-2000:]
        calls = stub.requests()
    lines = results(tmp_path / "run")
    assert len(lines) == 60 and len({r["case_id"] for r in lines}) == 60
    rows = case_rows(database)
    assert len(rows) == 60 and all(r["status"] == "ok" for r in rows)
    assert calls <= 60 + 2 * 2  # at most the cases in flight at each stop ran twice


def _settle(database_url: str) -> int:
    """The recorded count once it stops moving (the cases in flight at Ctrl-C finish, then nothing)."""
    import time

    time.sleep(2.0)  # the in-flight cases (400 ms each) finish
    before = recorded(database_url)
    time.sleep(3.0)
    after = recorded(database_url)
    assert after == before, f"cases ran after Ctrl-C: {before} -> {after}"
    return after


def test_the_gate_on_celery_workers_reaches_the_local_gate_s_verdict(
    tmp_path: Path, database: str, redis_cache: str  # noqa: F811
) -> None:
    """Both sides of `tailor gate --backend celery` run on the workers; with the shared cache, the
    verdict and every metric equal the local gate's (each in a state store of its own, so neither
    reuses the other's runs)."""
    gate = [sys.executable, "-m", "app", "gate", "--candidate", "v8-grounded", "--baseline", "v7-strict",
            "--dataset", "golden:smoke", "--model", "openai/stub", "--no-similarity", "--no-track", "--json"]  # fmt: skip
    with stub_server(latency_ms=5) as stub:
        cache = {"TAILOR_CACHE_ENABLED": "true", "TAILOR_CACHE_URL": redis_cache}
        local_env = env_for(tmp_path, stub, f"sqlite:///{tmp_path / 'local-state.db'}", {"REDIS_URL": REDIS_BROKER},
                            **cache)  # fmt: skip
        local = subprocess.run(gate, env=local_env, cwd=PROJECT_ROOT, capture_output=True, text=True, timeout=900)
        assert local.returncode in (0, 1), local.stderr[-2000:]  # 0 pass, 1 block: both are verdicts
        calls = stub.requests()
        env = env_for(tmp_path, stub, database, {"REDIS_URL": REDIS_BROKER}, **cache)
        with eval_worker(env, tmp_path / "w.log"):
            remote = subprocess.run([*gate, "--backend", "celery"], env=env, cwd=PROJECT_ROOT,
                                    capture_output=True, text=True, timeout=900)  # fmt: skip
        assert remote.returncode == local.returncode, remote.stderr[-2000:]
        assert stub.requests() == calls
    mine, theirs = json.loads(local.stdout), json.loads(remote.stdout)
    assert mine["passed"] == theirs["passed"] and mine["cases_used"] == theirs["cases_used"] > 0
    strip = lambda verdict: [{k: v for k, v in m.items()} for m in verdict["metrics"]]  # noqa: E731
    assert strip(mine) == strip(theirs)
    rows = case_rows(database)
    assert len(rows) == 2 * mine["cases_used"] and all(r["status"] == "ok" for r in rows)
