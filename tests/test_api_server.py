"""`tailor serve` as it runs in production: its own process, uvicorn, SQLite state, jobs run in the
server process, rate limits in the real Redis (memory when Redis is down), and the OpenAI-compatible
stub server as the model
(`openai/stub`). Tests talk HTTP to it: sync optimise, an async job with its events, an idempotent
retry, 401, 403, 413, 422 and 429, and a promotion made by another process (`tailor promote`) that
the server picks up without a restart, seen in X-Pipeline-Version before and after.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest

from app.settings import PROJECT_ROOT, reset_settings
from app.state import open_state
from tests.stub import stub_server
from tests.test_api_support import JD, RESUME, free_port

REDIS_URL = "redis://127.0.0.1:6379/14"  # this file's own Redis database, flushed before and after
TAILOR = str(Path(sys.executable).parent / "tailor")
ALIAS_TTL_S = 1.0


@dataclass
class Server:
    url: str
    env: dict[str, str]
    keys: dict[str, str]
    log: Path

    def headers(self, who: str, **extra: str) -> dict[str, str]:
        return {"X-API-Key": self.keys[who], **extra}


def _redis_or_none() -> str | None:
    import redis

    try:
        connection = redis.Redis.from_url(REDIS_URL, socket_connect_timeout=2)
        connection.flushdb()
        connection.close()
        return REDIS_URL
    except redis.RedisError:
        return None


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    data = tmp_path_factory.mktemp("served") / "data"
    redis_url = _redis_or_none()
    with stub_server(latency_ms=20) as stub:
        env = {**os.environ, "TAILOR_HOME": str(PROJECT_ROOT), "TAILOR_DATA_DIR": str(data),
               "OPENAI_API_KEY": "sk-stub", "OPENAI_API_BASE": stub.base_url, "TAILOR_API_MODEL": "openai/stub",
               "TAILOR_API_ALIAS_TTL_S": str(ALIAS_TTL_S), "TAILOR_API_SYNC_DEADLINE_S": "60",
               "TAILOR_API_RATE_BURST": "1000", "TAILOR_API_JOB_BACKEND": "local"}  # fmt: skip
        for name in ("TAILOR_STATE_URL", "TAILOR_API_KEYS", "TAILOR_API_ADMIN_TOKEN", "REDIS_URL"):
            env.pop(name, None)
        if redis_url:
            env["REDIS_URL"] = redis_url
        keys = _make_keys(env)
        port = free_port()
        log = data.parent / "serve.log"
        with log.open("w") as sink:
            process = subprocess.Popen([TAILOR, "serve", "--port", str(port), "--log-level", "info"],
                                       env=env, cwd=PROJECT_ROOT, stdout=sink, stderr=subprocess.STDOUT)  # fmt: skip
        url = f"http://127.0.0.1:{port}"
        try:
            _wait_ready(url, process, log)
            yield Server(url, env, keys, log)
        finally:
            process.send_signal(signal.SIGTERM)
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                process.kill()
            if redis_url:
                _redis_or_none()


def _make_keys(env: dict[str, str]) -> dict[str, str]:
    """Keys made before the server starts, in its store (as `tailor keys create` would)."""
    store = open_state(f"sqlite:///{env['TAILOR_DATA_DIR']}/state.db")
    made = {
        "client": store.create_api_key(name="client", role="client", who="test"),
        "operator": store.create_api_key(name="operator", role="operator", who="test"),
        "throttled": store.create_api_key(name="throttled", role="client", who="test", rate_per_minute=1, rate_burst=2),
    }
    return {name: key.key for name, key in made.items()}


def _wait_ready(url: str, process: subprocess.Popen[bytes], log: Path) -> None:
    deadline = time.monotonic() + 90
    while time.monotonic() < deadline:
        assert process.poll() is None, f"tailor serve exited: {log.read_text()[-3000:]}"
        try:
            if httpx.get(f"{url}/ready", timeout=5).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.25)
    raise AssertionError(f"tailor serve was not ready within 90 s: {log.read_text()[-3000:]}")


def _body(resume: str = RESUME, jd: str = JD) -> dict[str, Any]:
    return {"resume": resume, "jd": jd}


@pytest.mark.slow
def test_sync_optimise_answers_with_the_result_and_the_version(server: Server) -> None:
    response = httpx.post(f"{server.url}/v1/optimize", json=_body(), headers=server.headers("client"), timeout=120)
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["status"] == "succeeded" and body["result"]["markdown"].startswith("# Priya Raman")
    assert body["pipeline"]["label"] == "v7-strict+openai/stub"
    assert response.headers["x-pipeline-version"] == f"v7-strict+openai/stub@{body['pipeline']['hash']}"
    assert response.headers["x-request-id"]


@pytest.mark.slow
def test_an_async_job_streams_its_progress_then_ends(server: Server) -> None:
    headers = server.headers("client")
    accepted = httpx.post(f"{server.url}/v1/jobs", json=_body(jd=JD + "\nAlso: Terraform."), headers=headers, timeout=30)
    assert accepted.status_code == 202 and accepted.headers["location"] == f"/v1/jobs/{accepted.json()['job_id']}"
    events: list[tuple[str, dict[str, Any]]] = []
    with httpx.stream("GET", f"{server.url}{accepted.json()['links']['events']}", headers=headers, timeout=120) as stream:
        assert stream.headers["content-type"].startswith("text/event-stream")
        name = ""
        for line in stream.iter_lines():
            if line.startswith("event: "):
                name = line.removeprefix("event: ")
            elif line.startswith("data: "):
                events.append((name, json.loads(line.removeprefix("data: "))))
                if name == "end":
                    break
    assert events[-1] == ("end", {"status": "succeeded"})
    progress = [data for name, data in events if name == "progress"]
    assert progress and progress[-1]["status"] == "succeeded"
    assert all(step["status"] == "done" for step in progress[-1]["progress"].values())
    job = httpx.get(f"{server.url}/v1/jobs/{accepted.json()['job_id']}", headers=headers, timeout=30).json()
    assert job["status"] == "succeeded" and job["result"]["markdown"]


@pytest.mark.slow
def test_a_retried_request_with_its_idempotency_key_gets_the_same_job(server: Server) -> None:
    headers = server.headers("client", **{"Idempotency-Key": "order-77"})
    first = httpx.post(f"{server.url}/v1/jobs", json=_body(), headers=headers, timeout=30)
    again = httpx.post(f"{server.url}/v1/jobs", json=_body(), headers=headers, timeout=30)
    other = httpx.post(f"{server.url}/v1/jobs", json=_body(jd="Another job entirely: Rust."), headers=headers, timeout=30)
    foreign = httpx.post(f"{server.url}/v1/jobs", json=_body(), headers=server.headers("operator", **{"Idempotency-Key": "order-77"}), timeout=30)
    assert first.status_code == again.status_code == 202
    assert again.json()["job_id"] == first.json()["job_id"]
    assert other.status_code == 409 and other.json()["error"]["type"] == "conflict"
    assert foreign.status_code == 202 and foreign.json()["job_id"] != first.json()["job_id"]  # keys are per client


@pytest.mark.slow
def test_refusals_answer_401_403_413_422_and_429(server: Server) -> None:
    url = server.url
    missing = httpx.post(f"{url}/v1/jobs", json=_body(), timeout=30)
    unknown = httpx.post(f"{url}/v1/jobs", json=_body(), headers={"X-API-Key": "tlr_0123456789ab_" + "x" * 43}, timeout=30)
    client_metrics = httpx.get(f"{url}/metrics", headers=server.headers("client"), timeout=30)
    operator_promote = httpx.post(f"{url}/v1/admin/promote", json={"ref": "v6-strict"}, headers=server.headers("operator"), timeout=30)
    too_big = httpx.post(f"{url}/v1/jobs", json=_body(resume=RESUME + "- " + "x" * 100_001), headers=server.headers("client"), timeout=30)
    invalid = httpx.post(f"{url}/v1/jobs", json={"resume": RESUME}, headers=server.headers("client"), timeout=30)
    throttled = [httpx.get(f"{url}/v1/pipelines/production", headers=server.headers("throttled"), timeout=30) for _ in range(3)]
    for response, status, kind in [(missing, 401, "unauthorized"), (unknown, 401, "unauthorized"),
                                   (client_metrics, 403, "forbidden"), (operator_promote, 403, "forbidden"),
                                   (too_big, 413, "payload_too_large"), (invalid, 422, "validation_error"),
                                   (throttled[2], 429, "rate_limited")]:  # fmt: skip
        assert response.status_code == status, (status, response.text)
        body = response.json()
        assert body["error"]["type"] == kind and body["request_id"] == response.headers["x-request-id"]
        assert "Traceback" not in response.text
    assert too_big.json()["error"]["fields"][0]["field"] == "resume"
    assert invalid.json()["error"]["fields"][0]["field"] == "jd"
    assert [r.status_code for r in throttled[:2]] == [200, 200]
    assert 30 <= int(throttled[2].headers["retry-after"]) <= 60


@pytest.mark.slow
def test_a_promotion_by_another_process_is_served_without_a_restart(
    server: Server, monkeypatch: pytest.MonkeyPatch
) -> None:
    from tests.test_promotion import DATASET, _key, _verdict

    def served() -> str:
        return httpx.get(f"{server.url}/health", timeout=30).headers["x-pipeline-version"]

    before = served()
    assert before.startswith("v7-strict+openai/stub@")
    monkeypatch.setenv("TAILOR_DATA_DIR", server.env["TAILOR_DATA_DIR"])  # this process sees the server's store
    reset_settings()
    _verdict(True, **_key("v6-strict"))  # the gate passed exactly this move
    done = subprocess.run([TAILOR, "promote", "v6-strict", "--dataset", DATASET], env=server.env,
                          cwd=PROJECT_ROOT, capture_output=True, text=True, timeout=120)  # fmt: skip
    assert done.returncode == 0, done.stderr
    moved_at = time.monotonic()
    while not served().startswith("v6-strict+openai/stub@"):
        assert time.monotonic() - moved_at < 5, f"not served within 5 s: still {served()}"
        time.sleep(0.1)
    answer = httpx.post(f"{server.url}/v1/optimize", json=_body(), headers=server.headers("client"), timeout=120)
    assert answer.status_code == 200 and answer.json()["pipeline"]["label"] == "v6-strict+openai/stub"
    assert answer.headers["x-pipeline-version"].startswith("v6-strict+openai/stub@")
    rolled = subprocess.run([TAILOR, "rollback", "--reason", "test done"], env=server.env,
                            cwd=PROJECT_ROOT, capture_output=True, text=True, timeout=120)  # fmt: skip
    assert rolled.returncode == 0, rolled.stderr
    moved_at = time.monotonic()
    while served() != before:
        assert time.monotonic() - moved_at < 5, f"rollback not served within 5 s: still {served()}"
        time.sleep(0.1)
