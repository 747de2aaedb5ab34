"""The API serves what `production` points to: it shows the alias and its verdict, picks up a move made
elsewhere within the alias TTL without a restart, and promotes and rolls back under the CLI's rules."""

from __future__ import annotations

import time

import pytest
from fastapi.testclient import TestClient

from app.registry import open_registry
from tests.fakes import ScriptedLLM
from tests.test_api_support import JD, RESUME, api_client, assert_error
from tests.test_promotion import DATASET, _key, _verdict

TOKEN = "admin-secret"


def _served_label(client: TestClient) -> str:
    return client.get("/health").headers["x-pipeline-version"].split("@")[0]


def test_production_is_shown_with_the_move_that_put_it_there(
    fake_llm: ScriptedLLM, monkeypatch: pytest.MonkeyPatch
) -> None:
    with api_client(monkeypatch) as client:
        response = client.get("/v1/pipelines/production")
        unknown = client.get("/v1/pipelines/nope")
    body = response.json()
    assert response.status_code == 200 and body["served"] is True
    assert body["target"]["label"] == "v7-strict" and body["kind"] == "bootstrap" and body["verdict"] is None
    assert body["pipeline"]["label"] == "v7-strict+fake/model"
    assert response.headers["x-pipeline-version"] == f"v7-strict+fake/model@{body['pipeline']['hash']}"
    assert_error(unknown, 404, "not_found")


def test_a_move_made_by_another_process_is_served_without_a_restart(
    fake_llm: ScriptedLLM, monkeypatch: pytest.MonkeyPatch
) -> None:
    with api_client(monkeypatch, alias_ttl_s=1.0) as client:
        before = client.post("/v1/optimize", json={"resume": RESUME, "jd": JD})
        assert _served_label(client) == "v7-strict+fake/model"
        registry = open_registry()  # the CLI's view of the same state store
        current = registry.alias("production")
        assert current is not None
        registry.set_alias("production", "v6-strict", "test: moved elsewhere", expected=current.pipeline_hash)
        moved_at = time.monotonic()
        while _served_label(client) != "v6-strict+fake/model":
            assert time.monotonic() - moved_at < 5, "not picked up within 5 s"
            time.sleep(0.1)
        after = client.post("/v1/optimize", json={"resume": RESUME, "jd": JD})
    assert before.json()["pipeline"]["label"] == "v7-strict+fake/model"
    assert after.status_code == 200 and after.json()["pipeline"]["label"] == "v6-strict+fake/model"
    assert after.headers["x-pipeline-version"].startswith("v6-strict+fake/model@")


def test_admin_needs_its_token(fake_llm: ScriptedLLM, monkeypatch: pytest.MonkeyPatch) -> None:
    with api_client(monkeypatch) as client:
        off = client.post("/v1/admin/rollback", json={}, headers={"Authorization": f"Bearer {TOKEN}"})
    assert_error(off, 403, "forbidden")
    with api_client(monkeypatch, admin_token=TOKEN) as client:
        missing = client.post("/v1/admin/rollback", json={})
        wrong = client.post("/v1/admin/promote", json={"ref": "v6-strict"}, headers={"Authorization": "Bearer nope"})
    assert_error(missing, 401, "unauthorized")
    assert_error(wrong, 401, "unauthorized")


def test_promote_needs_a_passing_verdict_and_rollback_restores(
    fake_llm: ScriptedLLM, monkeypatch: pytest.MonkeyPatch
) -> None:
    auth = {"Authorization": f"Bearer {TOKEN}"}
    with api_client(monkeypatch, admin_token=TOKEN, alias_ttl_s=60) as client:
        refused = client.post("/v1/admin/promote", json={"ref": "v6-strict", "dataset": DATASET}, headers=auth)
        entry = _verdict(True, **_key("v6-strict"))  # type: ignore[arg-type]
        promoted = client.post("/v1/admin/promote", json={"ref": "v6-strict", "dataset": DATASET}, headers=auth)
        served_after_promote = _served_label(client)  # at once here, although the TTL is a minute
        rolled = client.post("/v1/admin/rollback", json={"reason": "test"}, headers=auth)
        served_after_rollback = _served_label(client)
    body = assert_error(refused, 409, "conflict")
    assert "no gate verdict for v6-strict" in body["error"]["message"]
    assert promoted.status_code == 200, promoted.text
    moved = promoted.json()
    assert moved["kind"] == "promote" and moved["who"] == "api-admin" and moved["verdict"]["id"] == entry.id
    assert moved["verdict"]["passed"] is True and moved["target"]["label"] == "v6-strict"
    assert served_after_promote == "v6-strict+fake/model"
    assert rolled.status_code == 200 and rolled.json()["kind"] == "rollback"
    assert served_after_rollback == "v7-strict+fake/model"
    assert open_registry().alias("production").label == "v7-strict"  # type: ignore[union-attr]
