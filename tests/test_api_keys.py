"""API keys with roles: stored hashed (SQLite and the real PostgreSQL), made and revoked by `tailor keys`,
and enforced by the API: missing or unknown 401, a role too low 403, each key within its own rate."""

from __future__ import annotations

import hashlib
import secrets
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import create_engine, select, text

from app.state import StateStore, open_state, role_allows
from app.state._keys import api_keys
from tests.conftest import run_cli
from tests.fakes import ScriptedLLM
from tests.test_api_support import JD, RESUME, api_client, assert_error, make_key, wait_for_job


@pytest.fixture(params=["sqlite", "postgresql"])
def store(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[StateStore]:
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path / 'state.db'}"
    else:
        base = request.getfixturevalue("postgres_url")
        schema = f"k_{secrets.token_hex(6)}"
        admin = create_engine(base, isolation_level="AUTOCOMMIT")
        with admin.connect() as connection:
            connection.execute(text(f"CREATE SCHEMA {schema}"))
        admin.dispose()
        url = f"{base}?options=-csearch_path%3D{schema}"
    opened = open_state(url)
    yield opened
    opened.close()


def test_a_key_is_stored_only_as_a_salted_hash_and_checked_exactly(store: StateStore) -> None:
    made = store.create_api_key(name="ci bot", role="operator", who="tester", rate_per_minute=30)
    other = store.create_api_key(name="ci bot", role="operator", who="tester")
    prefix, key_id, secret = made.key.split("_", 2)
    assert prefix == "tlr" and key_id == made.entry.id and len(secret) >= 40
    with store.engine.connect() as connection:
        rows = [dict(r) for r in connection.execute(select(api_keys)).mappings()]
    stored = " ".join(str(v) for row in rows for v in row.values())
    assert secret not in stored and made.key not in stored
    assert hashlib.sha256(secret.encode()).hexdigest() not in stored, "salted, not a bare sha256"
    assert rows[0]["salt"] != rows[1]["salt"]

    found = store.verify_api_key(made.key)
    assert found is not None and found.role == "operator" and found.rate_per_minute == 30
    assert found.client == f"key-{key_id}" and found.client != other.entry.client
    assert store.verify_api_key(made.key[:-1] + ("A" if made.key[-1] != "A" else "B")) is None  # wrong secret
    assert store.verify_api_key(f"tlr_{other.entry.id}_{secret}") is None  # another key's id
    assert store.verify_api_key("not a key") is None and store.verify_api_key("") is None

    revoked = store.revoke_api_key(key_id, who="tester")
    assert revoked is not None and revoked.revoked_by == "tester" and not revoked.active
    assert store.verify_api_key(made.key) is None
    assert store.count_api_keys() == 2 and [k.id for k in store.list_api_keys(include_revoked=False)] == [other.entry.id]
    actions = [(a.action, a.subject) for a in store.audit_log(limit=5)]
    assert ("api_key.revoke", key_id) in actions and ("api_key.create", key_id) in actions
    assert made.key not in str(store.audit_log(limit=5))


def test_roles_are_ordered_and_unknown_roles_refused(store: StateStore) -> None:
    from app.errors import InputError

    assert role_allows("admin", "operator") and role_allows("operator", "client") and role_allows("client", "client")
    assert not role_allows("client", "operator") and not role_allows("operator", "admin") and not role_allows("x", "client")
    with pytest.raises(InputError, match="unknown role"):
        store.create_api_key(name="x", role="root", who="t")
    with pytest.raises(InputError, match="name"):
        store.create_api_key(name="  ", role="client", who="t")


def test_tailor_keys_creates_lists_and_revokes(tmp_path: Path) -> None:
    created = run_cli("keys", "create", "--role", "admin", "--name", "release manager", "--burst", "5")
    assert created.code == 0, created.stderr
    key = created.stdout.strip()
    key_id = key.split("_")[1]
    assert "only time it is shown" in created.stderr and key not in created.stderr
    listed = run_cli("keys", "list")
    assert listed.code == 0 and key_id in listed.stdout and "admin" in listed.stdout and "burst 5" in listed.stdout
    assert key.split("_", 2)[2] not in listed.stdout
    assert run_cli("keys", "revoke", key_id).code == 0
    assert "revoked" in run_cli("keys", "list").stdout
    missing = run_cli("keys", "revoke", "0123456789ab")
    assert missing.code == 3 and "no API key" in missing.stderr
    bad_role = run_cli("keys", "create", "--role", "root", "--name", "x")
    assert bad_role.code == 2


def _post_job(client: Any, key: str | None = None, **headers: str) -> Any:
    return client.post("/v1/jobs", json={"resume": RESUME, "jd": JD}, headers={**({"X-API-Key": key} if key else {}), **headers})


def test_each_role_may_do_its_part_and_no_more(fake_llm: ScriptedLLM, monkeypatch: pytest.MonkeyPatch) -> None:
    client_key, other_key = make_key("client", "alice"), make_key("client", "bob")
    operator_key, admin_key = make_key("operator", "grafana"), make_key("admin", "release")
    with api_client(monkeypatch) as client:
        anonymous = _post_job(client)
        unknown = _post_job(client, "tlr_0123456789ab_" + "x" * 43)
        mine = _post_job(client, client_key)
        job_id = mine.json()["job_id"]
        done = wait_for_job(client, job_id, headers={"X-API-Key": client_key})
        as_bob = client.get(f"/v1/jobs/{job_id}", headers={"X-API-Key": other_key})
        client_metrics = client.get("/metrics", headers={"X-API-Key": client_key})
        client_list = client.get("/v1/jobs", headers={"X-API-Key": client_key})
        client_admin = client.post("/v1/admin/rollback", json={}, headers={"X-API-Key": client_key})
        operator_metrics = client.get("/metrics", headers={"Authorization": f"Bearer {operator_key}"})
        operator_job = client.get(f"/v1/jobs/{job_id}", headers={"X-API-Key": operator_key})
        operator_list = client.get("/v1/jobs?status=succeeded", headers={"X-API-Key": operator_key})
        operator_admin = client.post("/v1/admin/rollback", json={}, headers={"X-API-Key": operator_key})
        promoted = client.post(
            "/v1/admin/promote", json={"ref": "v6-strict", "force": True, "reason": "role test"},
            headers={"X-API-Key": admin_key},
        )  # fmt: skip
        page = client.get("/")
        open_ops = client.get("/health"), client.get("/ready")
    assert_error(anonymous, 401, "unauthorized")
    assert_error(unknown, 401, "unauthorized")
    assert mine.status_code == 202 and done["status"] == "succeeded"
    assert_error(as_bob, 404, "not_found")  # another client's job does not exist for you
    assert_error(client_metrics, 403, "forbidden")
    assert_error(client_list, 403, "forbidden")
    body = assert_error(client_admin, 403, "forbidden")
    assert "admin role" in body["error"]["message"]
    assert operator_metrics.status_code == 200 and "tailor_http_requests_total" in operator_metrics.text
    assert operator_job.status_code == 200 and operator_job.json()["status"] == "succeeded"
    listing = operator_list.json()
    assert operator_list.status_code == 200 and [j["job_id"] for j in listing["jobs"]] == [job_id]
    assert listing["counts"]["succeeded"] == 1 and "result" not in listing["jobs"][0]
    assert listing["jobs"][0]["client"] == f"key-{client_key.split('_')[1]}"
    assert_error(operator_admin, 403, "forbidden")
    assert promoted.status_code == 200, promoted.text
    assert promoted.json()["forced"] is True and promoted.json()["who"] == f"key-{admin_key.split('_')[1]}:release"
    assert 'data-needs-key="true"' in page.text
    assert [r.status_code for r in open_ops] == [200, 200]


def test_a_revoked_key_is_refused_within_the_cache_time_and_the_api_stays_closed(
    fake_llm: ScriptedLLM, monkeypatch: pytest.MonkeyPatch
) -> None:
    key = make_key("client")
    with api_client(monkeypatch, key_cache_s=0.5) as client:
        before = client.get("/v1/pipelines/production", headers={"X-API-Key": key})
        assert run_cli("keys", "revoke", key.split("_")[1]).code == 0
        revoked_at = time.monotonic()
        while client.get("/v1/pipelines/production", headers={"X-API-Key": key}).status_code == 200:
            assert time.monotonic() - revoked_at < 3, "a revoked key still works after 3 s"
            time.sleep(0.1)
        after = client.get("/v1/pipelines/production", headers={"X-API-Key": key})
        anonymous = client.get("/v1/pipelines/production")
    assert before.status_code == 200
    assert_error(after, 401, "unauthorized")
    assert_error(anonymous, 401, "unauthorized")  # revoking every key never reopens the API


def test_each_key_has_its_own_rate(fake_llm: ScriptedLLM, monkeypatch: pytest.MonkeyPatch) -> None:
    slow, normal = make_key("client", "slow", rate_per_minute=1, rate_burst=2), make_key("client", "normal")
    with api_client(monkeypatch, rate_burst=5) as client:
        slow_answers = [client.get("/v1/pipelines/production", headers={"X-API-Key": slow}) for _ in range(3)]
        normal_answers = [client.get("/v1/pipelines/production", headers={"X-API-Key": normal}) for _ in range(5)]
        past = client.get("/v1/pipelines/production", headers={"X-API-Key": normal})
    assert [a.status_code for a in slow_answers[:2]] == [200, 200]
    assert_error(slow_answers[2], 429, "rate_limited")
    assert 30 <= int(slow_answers[2].headers["retry-after"]) <= 60  # one token a minute
    assert [a.status_code for a in normal_answers] == [200] * 5  # the default burst, untouched by `slow`
    assert_error(past, 429, "rate_limited")


def test_require_keys_closes_the_api_before_any_key_exists(fake_llm: ScriptedLLM, monkeypatch: pytest.MonkeyPatch) -> None:
    with api_client(monkeypatch, require_keys=True) as client:
        closed = client.get("/v1/pipelines/production")
        metrics = client.get("/metrics")
        admin = client.post("/v1/admin/rollback", json={})
    assert_error(closed, 401, "unauthorized")
    assert_error(metrics, 401, "unauthorized")
    assert_error(admin, 401, "unauthorized")
