"""Shared helpers for the API tests (no tests here): an app on the scripted fake model, per test.

Every app serves `production` moved to `fake/model` (tests/fakes.py), so no test loads a real model.
Settings come from TAILOR_* variables, as in `tailor serve`, so the admin routes (which read the
process settings through evals.gate) see the same store.
"""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

import pytest
from fastapi.testclient import TestClient

from app.settings import PROJECT_ROOT, get_settings, reset_settings

SAMPLES = PROJECT_ROOT / "golden" / "samples"
RESUME = (SAMPLES / "resume.md").read_text(encoding="utf-8")
JD = (SAMPLES / "job.txt").read_text(encoding="utf-8")
FINAL = ("succeeded", "failed", "erased")

AppFactory = Callable[..., Any]


def set_api_env(monkeypatch: pytest.MonkeyPatch, **settings: Any) -> None:
    """TAILOR_API_<NAME> for each setting (api_ prefix implied), fake model by default; REDIS_URL unset."""
    values = {"model": "fake/model", "alias_ttl_s": 0.2, "rate_burst": 100_000, "worker": True, **settings}
    monkeypatch.delenv("REDIS_URL", raising=False)  # rate limits in memory unless a test asks for Redis
    for name, value in values.items():
        key = f"TAILOR_API_{name.upper()}"
        if value is None:
            monkeypatch.delenv(key, raising=False)
        else:
            monkeypatch.setenv(key, str(value).lower() if isinstance(value, bool) else str(value))
    reset_settings()


@contextmanager
def api_client(monkeypatch: pytest.MonkeyPatch, **settings: Any) -> Iterator[TestClient]:
    """A started app (lifespan run: alias resolved, job runner on) and a client for it."""
    from app.api import create_app

    set_api_env(monkeypatch, **settings)
    with TestClient(create_app(get_settings()), raise_server_exceptions=False) as client:
        yield client


def wait_for_job(
    client: TestClient, job_id: str, timeout_s: float = 60, headers: dict[str, str] | None = None
) -> dict[str, Any]:
    deadline = time.monotonic() + timeout_s
    while True:
        response = client.get(f"/v1/jobs/{job_id}", headers=headers)
        assert response.status_code == 200, response.text
        body: dict[str, Any] = response.json()
        if body["status"] in FINAL or time.monotonic() > deadline:
            return body
        time.sleep(0.05)


def assert_error(response: Any, status: int, kind: str, field: str | None = None) -> dict[str, Any]:
    """A JSON error of this status and type (naming `field`), with the request id and no traceback."""
    assert response.status_code == status, response.text
    assert "Traceback" not in response.text and 'File "' not in response.text
    body: dict[str, Any] = response.json()
    assert body["error"]["type"] == kind, body
    assert body["error"]["message"]
    assert body["request_id"] == response.headers["x-request-id"]
    if field is not None:
        assert field in [f["field"] for f in body["error"].get("fields", [])], body
    return body


def make_key(role: str, name: str | None = None, **rate: Any) -> str:
    """A key of this role in the test's state store (as `tailor keys create` makes one)."""
    from app.state import open_state

    return open_state(get_settings().state).create_api_key(name=name or role, role=role, who="test", **rate).key


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@contextmanager
def uvicorn_thread(app: Any) -> Iterator[str]:
    """A real uvicorn server for `app` on a free port, in a thread of this process (so a scripted fake
    model registered here serves it); yields its base URL and stops it cleanly."""
    import uvicorn

    config = uvicorn.Config(app, host="127.0.0.1", port=free_port(), log_config=None, access_log=False)
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while not server.started:
        assert time.monotonic() < deadline and thread.is_alive(), "uvicorn did not start"
        time.sleep(0.05)
    try:
        yield f"http://127.0.0.1:{config.port}"
    finally:
        server.should_exit = True
        thread.join(timeout=30)
