"""Jobs without a worker subprocess: the dead letter and `tailor jobs retry`, a lost lease, the Celery
dispatcher's dedupe and the sweep of stranded jobs (real Redis and PostgreSQL), the API sending jobs
to the broker, and the worker's task body run in this process on the scripted fake model.

The subprocess tests (a worker SIGKILLed mid-job, an API restart) are in test_jobs_celery_kill.py.
"""

from __future__ import annotations

import asyncio
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import pytest

from app.api.jobs import Dispatcher, JobAttempts, ProgressTracker, sweep_stranded
from app.api.metrics import ApiMetrics
from app.errors import InputError, ModelError
from app.settings import TailorSettings, get_settings, reset_settings
from app.state import JobEntry, NewJob, StateStore, open_state
from tests.fakes import ScriptedLLM
from tests.test_api_support import JD, RESUME, set_api_env, wait_for_job

REDIS_DB = 11  # this module's own Redis database (flushed before and after each test)


@pytest.fixture
def redis_url(monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    import redis

    url = f"redis://127.0.0.1:6379/{REDIS_DB}"
    client = redis.Redis.from_url(url)
    try:
        client.ping()
    except redis.RedisError as exc:
        pytest.skip(f"Redis unreachable at 127.0.0.1:6379: {exc}")
    client.flushdb()
    monkeypatch.setenv("REDIS_URL", url)
    reset_settings()
    yield url
    client.flushdb()
    client.close()


@contextmanager
def celery_api_client(monkeypatch: pytest.MonkeyPatch, redis_url: str, **settings: Any) -> Iterator[Any]:
    """A started app that sends its jobs to the Celery broker at `redis_url` (no worker here)."""
    from fastapi.testclient import TestClient

    from app.api import create_app

    set_api_env(monkeypatch, job_backend="celery", **settings)
    monkeypatch.setenv("REDIS_URL", redis_url)  # after set_api_env, which unsets it
    reset_settings()
    with TestClient(create_app(get_settings()), raise_server_exceptions=False) as client:
        yield client


def new_job(job_id: str) -> NewJob:
    return NewJob(id=job_id, client="test", request_hash="h", request_id=f"req-{job_id}", pipeline_label="v-test",
                  pipeline_hash="ab" * 32, pipeline_snapshot={}, resume_text="resume", jd_text="jd")  # fmt: skip


def attempts_with(store: StateStore, execute: Any, settings: TailorSettings | None = None) -> JobAttempts:
    return JobAttempts(store, settings or get_settings(), ApiMetrics(), execute, owner="worker-a")


async def _ok(job: JobEntry, tracker: ProgressTracker) -> dict[str, Any]:
    return {"usage": {"calls": 1}, "markdown": "done"}


def test_a_job_failing_past_its_retries_ends_in_the_dead_letter_and_retry_replays_it(
    cli: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("TAILOR_API_JOB_ATTEMPTS", "2")
    reset_settings()
    store = open_state(get_settings().state)
    store.create_job(new_job("deadletter1"))

    async def provider_down(job: JobEntry, tracker: ProgressTracker) -> dict[str, Any]:
        raise ModelError("model call to 'openai/x' failed after 3 attempt(s): HTTP 503")

    failing = attempts_with(store, provider_down)
    assert asyncio.run(failing.run("deadletter1")) == "retry"
    assert (job := store.get_job("deadletter1")) is not None and job.status == "queued"
    assert asyncio.run(failing.run("deadletter1")) == "failed"
    job = store.get_job("deadletter1")
    assert (
        job is not None and job.status == "failed" and job.attempts == 2 and "HTTP 503" in (job.error or "")
    )
    [dead] = [e for e in store.audit_log() if e.action == "job.dead_letter"]
    assert dead.subject == "deadletter1"
    assert dead.details == {"kind": "exhausted", "error_type": "ModelError", "attempts": 2}
    assert [j.id for j in store.dead_letters()] == ["deadletter1"]

    listed = cli("jobs", "retry", "--list")
    assert listed.code == 0 and "deadletter1" in listed.stdout and "HTTP 503" in listed.stdout
    replayed = cli("jobs", "retry", "deadletter1")
    assert replayed.code == 0, replayed.stderr
    assert "replayed 1 job(s)" in replayed.stdout
    job = store.get_job("deadletter1")
    assert job is not None and (job.status, job.attempts, job.error, job.finished_at) == (
        "queued",
        0,
        None,
        None,
    )
    assert [e.subject for e in store.audit_log() if e.action == "job.retry"] == ["deadletter1"]
    assert asyncio.run(attempts_with(store, _ok).run("deadletter1")) == "succeeded"
    assert store.dead_letters() == []


def test_an_input_error_goes_to_the_dead_letter_at_once_and_all_failed_replays_every_one(cli: Any) -> None:
    store = open_state(get_settings().state)

    async def bad_input(job: JobEntry, tracker: ProgressTracker) -> dict[str, Any]:
        raise InputError("the resume has no experience section")

    for job_id in ("bad1", "bad2"):
        store.create_job(new_job(job_id))
        assert asyncio.run(attempts_with(store, bad_input).run(job_id)) == "failed"  # the first try
    kinds = {e.subject: e.details["kind"] for e in store.audit_log() if e.action == "job.dead_letter"}
    assert kinds == {"bad1": "permanent", "bad2": "permanent"}
    store.create_job(new_job("fine1"))
    asyncio.run(attempts_with(store, _ok).run("fine1"))

    assert cli("jobs", "retry").code == 2  # neither ids nor --all-failed
    assert cli("jobs", "retry", "bad1", "--all-failed").code == 2  # both
    assert cli("jobs", "retry", "nosuchjob").code == 3
    refused = cli("jobs", "retry", "fine1")
    assert refused.code == 7 and "succeeded, not failed" in refused.stderr
    result = cli("jobs", "retry", "--all-failed")
    assert result.code == 0 and "replayed 2 job(s)" in result.stdout
    assert {store.get_job(i).status for i in ("bad1", "bad2")} == {"queued"}  # type: ignore[union-attr]


def test_an_erased_job_stops_its_worker_at_the_next_lease_renewal(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TAILOR_API_JOB_LEASE_S", "0.6")  # a renewal every 0.1-0.2 s
    reset_settings()
    store = open_state(get_settings().state)
    store.create_job(new_job("erased1"))
    started = threading.Event()

    async def slow(job: JobEntry, tracker: ProgressTracker) -> dict[str, Any]:
        started.set()
        await asyncio.sleep(30)
        return {}

    def erase_when_started() -> None:
        assert started.wait(10)
        store.erase_job("erased1", who="test")

    eraser = threading.Thread(target=erase_when_started)
    eraser.start()
    began = time.monotonic()
    assert asyncio.run(attempts_with(store, slow).run("erased1")) == "lost"
    eraser.join()
    assert time.monotonic() - began < 5
    assert store.get_job("erased1").status == "erased"  # type: ignore[union-attr]


def test_the_dispatcher_sends_each_job_version_once(redis_url: str) -> None:
    dispatcher = Dispatcher(get_settings())
    try:
        assert dispatcher.dispatch("job1", version=1.5) is True
        assert dispatcher.dispatch("job1", version=1.5) is False  # a second sweep, another worker
        assert dispatcher.dispatch("job1", version=2.5) is True  # a new version (requeued, lease expired)
        assert dispatcher.dispatch("job1", version=2.5, force=True) is True  # a replay
        assert dispatcher.depth() == {"ready": 3, "unacked": 0}
        assert all(b"job1" in raw for raw in dispatcher.redis.lrange("jobs", 0, -1))
    finally:
        dispatcher.close()


def test_the_sweep_sends_stranded_queued_jobs_and_expired_leases(
    redis_url: str, postgres_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("TAILOR_STATE_URL", postgres_url)
    reset_settings()
    store = open_state(postgres_url)
    store.create_job(new_job("stranded1"))  # stored, never sent (the API died in between)
    dispatcher = Dispatcher(get_settings())
    try:
        assert sweep_stranded(store, dispatcher, queued_for_s=0) >= 1
        assert sweep_stranded(store, dispatcher, queued_for_s=0) == 0  # sent already
        assert store.claim_job("stranded1", owner="a-worker-that-dies", lease_s=0.05) is not None
        time.sleep(0.1)
        assert any(j.id == "stranded1" and j.status == "running" for j in store.stranded_jobs(queued_for_s=0))
        assert sweep_stranded(store, dispatcher, queued_for_s=0) >= 1  # the expired lease: sent again
        sent = [raw for raw in dispatcher.redis.lrange("jobs", 0, -1) if b"stranded1" in raw]
        assert len(sent) == 2
    finally:
        dispatcher.close()
        store.erase_job("stranded1", who="test")  # the session's database is shared: leave no queued job


def test_with_redis_the_api_sends_jobs_to_the_broker_and_a_worker_runs_them(
    redis_url: str, fake_llm: ScriptedLLM, monkeypatch: pytest.MonkeyPatch
) -> None:
    from app.workers import WorkerRuntime

    with celery_api_client(monkeypatch, redis_url) as client:
        job_id = client.post("/v1/jobs", json={"resume": RESUME, "jd": JD}).json()["job_id"]
        time.sleep(0.5)
        assert client.get(f"/v1/jobs/{job_id}").json()["status"] == "queued"  # nothing runs in the API
        assert not fake_llm.calls
        assert 'tailor_broker_messages{state="ready"} 1.0' in client.get("/metrics").text

        runtime = WorkerRuntime(get_settings())  # what `tailor worker` runs for each message
        try:
            assert runtime.run(job_id) == "succeeded"
            assert runtime.run(job_id) == "skipped"  # a second delivery of the same job is a no-op
        finally:
            runtime.close()
        job = wait_for_job(client, job_id, timeout_s=10)
    assert job["status"] == "succeeded" and job["attempts"] == 1 and job["result"]["markdown"]
    assert fake_llm.calls


def test_tailor_worker_without_a_broker_says_so_in_one_line(
    cli: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("REDIS_URL", raising=False)
    reset_settings()
    result = cli("worker")
    assert result.code == 6 and "REDIS_URL" in result.stderr and "Traceback" not in result.stderr
