"""No job is lost, against the real services: PostgreSQL (a fresh database), Redis (the broker) and
real `tailor worker` subprocesses, on the stub OpenAI-compatible server (a delay per call, so a kill
lands mid-job). The API runs in this process and sends its jobs to the broker.

- A worker SIGKILLed mid-job: a second worker finishes the job, exactly once (one `job.succeeded`
  line across both workers' logs), and the killed worker's message, handed out again by Redis after
  the visibility timeout, is a no-op.
- An API restart loses no queued job, nor does a job the API stored but never sent, nor a Redis
  restart (it keeps nothing on disk here) with jobs queued.
"""

from __future__ import annotations

import json
import os
import secrets
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from app.settings import PROJECT_ROOT
from app.state import NewJob, StateStore, open_state
from tests.stub import Stub, stub_server
from tests.test_api_support import JD, RESUME, wait_for_job
from tests.test_jobs_celery import celery_api_client

pytestmark = pytest.mark.slow

REDIS_DB = 12  # this module's own Redis database
BODY = {"resume": RESUME, "jd": JD}
POSTGRES_SERVER = "postgresql+psycopg://postgres@127.0.0.1:5432"


@pytest.fixture
def redis_url() -> Iterator[str]:
    import redis

    url = f"redis://127.0.0.1:6379/{REDIS_DB}"
    client = redis.Redis.from_url(url)
    try:
        client.ping()
    except redis.RedisError as exc:
        pytest.skip(f"Redis unreachable at 127.0.0.1:6379: {exc}")
    client.flushdb()
    yield url
    client.flushdb()
    client.close()


@pytest.fixture
def database() -> Iterator[str]:
    """A database of this test's own: the workers sweep every queued job they find in it."""
    from sqlalchemy import create_engine, text
    from sqlalchemy.exc import OperationalError

    admin = create_engine(f"{POSTGRES_SERVER}/postgres", isolation_level="AUTOCOMMIT")
    name = f"tailor_celery_{secrets.token_hex(4)}"
    try:
        with admin.connect() as connection:
            connection.execute(text(f'CREATE DATABASE "{name}"'))
    except OperationalError as exc:
        admin.dispose()
        pytest.skip(f"PostgreSQL unreachable at 127.0.0.1:5432: {str(exc.orig or exc).splitlines()[0]}")
    try:
        yield f"{POSTGRES_SERVER}/{name}"
    finally:
        with admin.connect() as connection:
            connection.execute(
                text("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = :n"), {"n": name}
            )
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}"'))
        admin.dispose()


@dataclass
class Worker:
    proc: subprocess.Popen[bytes]
    log: Path

    def lines(self) -> list[dict[str, Any]]:
        entries = []
        for line in self.log.read_text(encoding="utf-8", errors="replace").splitlines():
            try:
                entries.append(json.loads(line))
            except json.JSONDecodeError:
                continue  # Celery's own warnings (running as root, ...)
        return entries

    def events(self, event: str, job_id: str) -> list[dict[str, Any]]:
        return [e for e in self.lines() if e.get("message") == event and e.get("job_id") == job_id]


@contextmanager
def tailor_worker(env: dict[str, str], log: Path) -> Iterator[Worker]:
    with log.open("wb") as sink:
        proc = subprocess.Popen([sys.executable, "-m", "app", "worker", "--log-level", "info"], env=env,
                                cwd=PROJECT_ROOT, stdout=subprocess.DEVNULL, stderr=sink)  # fmt: skip
    worker = Worker(proc, log)
    try:
        wait_until(lambda: " ready." in log.read_text(errors="replace") or proc.poll() is not None, 90)
        assert proc.poll() is None, log.read_text(errors="replace")[-3000:]
        yield worker
    finally:
        if proc.poll() is None:
            proc.terminate()  # warm shutdown
            try:
                proc.wait(30)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait(10)


def wait_until(condition: Callable[[], Any], timeout_s: float) -> None:
    deadline = time.monotonic() + timeout_s
    while not condition():
        assert time.monotonic() < deadline, f"not true after {timeout_s} s"
        time.sleep(0.05)


def worker_env(stub: Stub, database: str, redis_url: str) -> dict[str, str]:
    return {
        **os.environ,
        "TAILOR_STATE_URL": database,
        "REDIS_URL": redis_url,
        "OPENAI_API_KEY": "sk-stub",
        "OPENAI_API_BASE": stub.base_url,
        "TAILOR_API_JOB_LEASE_S": "3",  # a dead worker's job is taken over after 3 s
        "TAILOR_WORKER_VISIBILITY_S": "6",  # and its unacknowledged message comes back after 6 s
        "TAILOR_CACHE_ENABLED": "false",  # every run really calls the model
    }


def use_services(monkeypatch: pytest.MonkeyPatch, env: dict[str, str]) -> None:
    for name in (
        "TAILOR_STATE_URL",
        "OPENAI_API_KEY",
        "OPENAI_API_BASE",
        "TAILOR_API_JOB_LEASE_S",
        "TAILOR_WORKER_VISIBILITY_S",
        "TAILOR_CACHE_ENABLED",
    ):
        monkeypatch.setenv(name, env[name])


def test_a_worker_killed_mid_job_leaves_it_finished_exactly_once(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, database: str, redis_url: str
) -> None:
    with stub_server(latency_ms=400) as stub:
        env = worker_env(stub, database, redis_url)
        use_services(monkeypatch, env)
        with celery_api_client(monkeypatch, redis_url, model="openai/stub") as api:
            store = open_state(database)
            with tailor_worker(env, tmp_path / "a.log") as first:
                job_id = api.post("/v1/jobs", json=BODY).json()["job_id"]
                wait_until(lambda: stub.requests() >= 1, 60)  # the job is inside a model call now
                os.kill(first.proc.pid, signal.SIGKILL)
                assert first.proc.wait(10) == -signal.SIGKILL
            killed = store.get_job(job_id)
            assert killed is not None and killed.status == "running" and killed.attempts == 1
            assert [e["attempt"] for e in first.events("job.start", job_id)] == [1]

            with tailor_worker(env, tmp_path / "b.log") as second:
                job = wait_for_job(api, job_id, timeout_s=90)
                assert job["status"] == "succeeded" and job["attempts"] == 2, job
                assert job["result"]["markdown"]
                # The killed worker's message was never acknowledged: Redis hands it out again, and the
                # second worker finds the job done (or running under its own lease) and skips it.
                wait_until(lambda: second.events("job.skipped", job_id), 60)
        finished = first.events("job.succeeded", job_id) + second.events("job.succeeded", job_id)
        assert [e["attempt"] for e in finished] == [2]
        assert not first.events("job.succeeded", job_id) and not second.events("job.superseded", job_id)


def test_an_api_restart_or_a_broker_restart_loses_no_queued_job(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, database: str, redis_url: str
) -> None:
    import redis

    with stub_server(latency_ms=20) as stub:
        env = worker_env(stub, database, redis_url)
        use_services(monkeypatch, env)
        with celery_api_client(monkeypatch, redis_url, model="openai/stub") as api:  # no worker runs yet
            sent = api.post("/v1/jobs", json=BODY).json()["job_id"]
        store = open_state(database)
        unsent = _stored_but_never_sent(store, sent)  # the API died between storing and sending it
        with celery_api_client(monkeypatch, redis_url, model="openai/stub") as api:  # the API restarted
            with tailor_worker(env, tmp_path / "w1.log") as worker:
                jobs = [wait_for_job(api, job_id, timeout_s=90) for job_id in (sent, unsent)]
            assert [(j["status"], j["attempts"]) for j in jobs] == [("succeeded", 1), ("succeeded", 1)]
            assert all(len(worker.events("job.succeeded", j)) == 1 for j in (sent, unsent))

            queued = [api.post("/v1/jobs", json=BODY).json()["job_id"] for _ in range(2)]
            redis.Redis.from_url(redis_url).flushdb()  # Redis restarted: it keeps nothing on disk here
            with tailor_worker(env, tmp_path / "w2.log") as worker:
                jobs = [wait_for_job(api, job_id, timeout_s=90) for job_id in queued]
            assert [(j["status"], j["attempts"]) for j in jobs] == [("succeeded", 1), ("succeeded", 1)]
            assert all(worker.events("job.redispatch", j) for j in queued)  # the store's sweep sent them
    assert store.job_counts()["queued"] == 0 and store.job_counts()["running"] == 0


def _stored_but_never_sent(store: StateStore, like: str) -> str:
    model = store.get_job(like)
    assert model is not None and model.resume_text and model.jd_text
    job_id = "unsent" + secrets.token_hex(8)
    fields = {
        name: getattr(model, name) for name in NewJob.model_fields if name not in ("id", "idempotency_key")
    }
    store.create_job(NewJob(**{**fields, "id": job_id, "request_id": "never-sent"}))
    return job_id
