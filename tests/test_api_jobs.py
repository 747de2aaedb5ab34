"""The API's tailoring endpoints on the scripted fake model: sync optimise and its deadline, async
jobs with per-agent progress and server-sent events, idempotency, downloads, feedback, erasure,
and a restart mid-queue that loses nothing."""

from __future__ import annotations

import json
from typing import Any

import pytest

from app.api.jobs import AGENT_STEPS
from app.settings import get_settings
from app.state import NewJob, open_state
from tests.fakes import ScriptedLLM, echo_last_user
from tests.test_api_support import JD, RESUME, api_client, assert_error, wait_for_job

BODY = {"resume": RESUME, "jd": JD}


def test_optimize_answers_with_the_tailored_resume_and_names_the_version(
    fake_llm: ScriptedLLM, monkeypatch: pytest.MonkeyPatch
) -> None:
    with api_client(monkeypatch) as client:
        response = client.post("/v1/optimize", json=BODY, headers={"X-Request-ID": "req-123"})
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["status"] == "succeeded" and body["attempts"] == 1
    assert body["pipeline"]["label"] == "v7-strict+fake/model"
    assert response.headers["x-pipeline-version"] == f"{body['pipeline']['label']}@{body['pipeline']['hash']}"
    assert response.headers["x-request-id"] == "req-123"
    result = body["result"]
    assert result["markdown"].startswith("# Priya Raman") and "priya.raman@example.com" in result["markdown"]
    assert result["pipeline"] == {"label": body["pipeline"]["label"], "hash": body["pipeline"]["hash"]}
    assert body["pipeline"]["canary"] is None  # served by production, not a canary
    assert all(s["status"] in ("needs evidence", "evidenced only in skills") for s in result["suggestions"])
    assert [line["text"] for line in result["comparison"]["tailored"]] == result["markdown"].splitlines()
    assert {name: step["status"] for name, step in body["progress"].items()} == dict.fromkeys(AGENT_STEPS, "done")
    assert fake_llm.calls, "the served pipeline reached the (fake) model"


def test_optimize_past_its_deadline_answers_202_and_the_job_finishes(
    fake_llm: ScriptedLLM, monkeypatch: pytest.MonkeyPatch
) -> None:
    with api_client(monkeypatch, sync_deadline_s=0.001) as client:
        response = client.post("/v1/optimize", json=BODY)
        assert response.status_code == 202, response.text
        job_id = response.json()["job_id"]
        assert response.headers["location"] == f"/v1/jobs/{job_id}"
        assert wait_for_job(client, job_id)["status"] == "succeeded"


def test_a_job_reports_progress_then_its_result(fake_llm: ScriptedLLM, monkeypatch: pytest.MonkeyPatch) -> None:
    with api_client(monkeypatch) as client:
        accepted = client.post("/v1/jobs", json=BODY)
        assert accepted.status_code == 202, accepted.text
        assert accepted.json()["status"] == "queued"
        job = wait_for_job(client, accepted.json()["job_id"])
    assert job["status"] == "succeeded" and job["error"] is None
    assert list(job["progress"]) == sorted(AGENT_STEPS) or set(job["progress"]) == set(AGENT_STEPS)
    assert all(step["status"] == "done" and step["ms"] >= 0 for step in job["progress"].values())
    assert job["result"]["tailored_resume"]["basics"]["name"]


def test_events_stream_progress_per_agent_and_end(fake_llm: ScriptedLLM, monkeypatch: pytest.MonkeyPatch) -> None:
    with api_client(monkeypatch) as client:
        job_id = client.post("/v1/jobs", json=BODY).json()["job_id"]
        with client.stream("GET", f"/v1/jobs/{job_id}/events") as response:
            assert response.status_code == 200
            assert response.headers["content-type"].startswith("text/event-stream")
            text = "".join(response.iter_text())
    events = _events(text)
    assert events[-1] == ("end", {"status": "succeeded"})
    progress = [data for name, data in events if name == "progress"]
    assert progress and progress[-1]["status"] == "succeeded"
    assert all(step["status"] == "done" for step in progress[-1]["progress"].values())
    seen_running = {agent for data in progress for agent, step in data["progress"].items() if step["status"] == "running"}
    assert seen_running <= set(AGENT_STEPS)


def _events(text: str) -> list[tuple[str, dict[str, Any]]]:
    events = []
    for block in text.strip().split("\n\n"):
        lines = dict(line.split(": ", 1) for line in block.splitlines() if not line.startswith(":"))
        if lines:
            events.append((lines["event"], json.loads(lines["data"])))
    return events


def test_the_same_idempotency_key_gives_the_same_job_and_another_body_409(
    fake_llm: ScriptedLLM, monkeypatch: pytest.MonkeyPatch
) -> None:
    with api_client(monkeypatch) as client:
        first = client.post("/v1/jobs", json=BODY, headers={"Idempotency-Key": "k-1"})
        again = client.post("/v1/jobs", json=BODY, headers={"Idempotency-Key": "k-1"})
        other = client.post("/v1/jobs", json={**BODY, "jd": JD + "\nAlso: Rust."}, headers={"Idempotency-Key": "k-1"})
        fresh = client.post("/v1/jobs", json=BODY, headers={"Idempotency-Key": "k-2"})
        wait_for_job(client, first.json()["job_id"])
        sync_again = client.post("/v1/optimize", json=BODY, headers={"Idempotency-Key": "k-1"})
    assert first.status_code == again.status_code == 202
    assert again.json()["job_id"] == first.json()["job_id"]
    assert fresh.json()["job_id"] != first.json()["job_id"]
    assert_error(other, 409, "conflict")
    assert "k-1" in other.json()["error"]["message"]
    assert sync_again.status_code == 200 and sync_again.json()["job_id"] == first.json()["job_id"]


def test_downloads_markdown_json_resume_html_and_pdf(fake_llm: ScriptedLLM, monkeypatch: pytest.MonkeyPatch) -> None:
    with api_client(monkeypatch) as client:
        job = client.post("/v1/optimize", json=BODY).json()
        base = f"/v1/jobs/{job['job_id']}/download"
        md, as_json, html, pdf = (client.get(f"{base}/{fmt}") for fmt in ("md", "json", "html", "pdf"))
        unknown = client.get(f"{base}/docx")
    assert md.text.startswith(job["result"]["markdown"].rstrip("\n"))
    assert ("Suggestions (not part of the resume)" in md.text) == bool(job["result"]["suggestions"])
    assert json.loads(as_json.text) == job["result"]["tailored_resume"]
    name = job["result"]["tailored_resume"]["basics"]["name"]
    assert name in html.text and html.headers["content-type"].startswith("text/html")
    assert pdf.content.startswith(b"%PDF") and pdf.headers["content-type"] == "application/pdf"
    assert md.headers["x-pipeline-version"].startswith("v7-strict+fake/model@")
    assert_error(unknown, 422, "validation_error", "path.fmt")


def test_feedback_is_stored_with_the_jobs_pipeline(fake_llm: ScriptedLLM, monkeypatch: pytest.MonkeyPatch) -> None:
    with api_client(monkeypatch) as client:
        job = client.post("/v1/optimize", json=BODY).json()
        stored = client.post("/v1/feedback", json={"job_id": job["job_id"], "rating": "down", "reason": "poor_wording"})
        unknown = client.post("/v1/feedback", json={"job_id": "nope", "rating": "up", "reason": "good"})
        bad = client.post("/v1/feedback", json={"job_id": job["job_id"], "rating": "up", "reason": "meh"})
    assert stored.status_code == 201, stored.text
    assert stored.json()["pipeline"] == job["pipeline"]
    rows = open_state(get_settings().state).list_feedback(job["job_id"])
    assert [(r.rating, r.reason, r.pipeline_hash) for r in rows] == [("down", "poor_wording", job["pipeline"]["hash"])]
    assert_error(unknown, 404, "not_found")
    assert_error(bad, 422, "validation_error", "reason")


def test_delete_erases_the_content_and_audits_without_it(fake_llm: ScriptedLLM, monkeypatch: pytest.MonkeyPatch) -> None:
    with api_client(monkeypatch) as client:
        job = client.post("/v1/optimize", json=BODY).json()
        client.post("/v1/feedback", json={"job_id": job["job_id"], "rating": "up", "reason": "good", "comment": "I am Jo"})
        erased = client.delete(f"/v1/jobs/{job['job_id']}")
        after = client.get(f"/v1/jobs/{job['job_id']}")
        download = client.get(f"/v1/jobs/{job['job_id']}/download/md")
        missing = client.delete("/v1/jobs/doesnotexist")
    assert erased.status_code == 200 and erased.json()["status"] == "erased"
    assert after.json()["result"] is None and after.json()["erased_at"]
    assert_error(download, 409, "conflict")
    assert_error(missing, 404, "not_found")
    store = open_state(get_settings().state)
    row = store.get_job(job["job_id"])
    assert row is not None and row.resume_text is None and row.jd_text is None and row.result is None
    assert [f.comment for f in store.list_feedback(job["job_id"])] == [None]
    audit = [e for e in store.audit_log() if e.action == "job.erase"]
    assert [e.subject for e in audit] == [job["job_id"]]
    assert RESUME.splitlines()[0].strip("# ") not in json.dumps(audit[0].details)


def test_a_job_queued_before_a_restart_finishes_after_it(fake_llm: ScriptedLLM, monkeypatch: pytest.MonkeyPatch) -> None:
    with api_client(monkeypatch, worker=False) as client:  # this process only queues
        job_id = client.post("/v1/jobs", json=BODY).json()["job_id"]
        assert client.get(f"/v1/jobs/{job_id}").json()["status"] == "queued"
    assert not fake_llm.calls
    with api_client(monkeypatch, worker=True) as client:  # a new app on the same store
        job = wait_for_job(client, job_id)
    assert job["status"] == "succeeded" and job["attempts"] == 1


def test_a_job_whose_worker_died_mid_run_is_run_again(fake_llm: ScriptedLLM, monkeypatch: pytest.MonkeyPatch) -> None:
    with api_client(monkeypatch, worker=False) as client:
        pipeline = client.get("/health").json()["pipeline"]
    store = open_state(get_settings().state)
    from app.registry import open_registry

    snapshot = open_registry().resolve("production").with_model("fake/model").snapshot()
    assert snapshot["hash"] == pipeline["hash"]
    new = NewJob(id="deadworker1", client="test", request_hash="h", request_id="r", pipeline_label=pipeline["label"],
                 pipeline_hash=pipeline["hash"], pipeline_snapshot=snapshot, resume_text=RESUME, jd_text=JD)
    store.create_job(new)
    assert store.claim_job("deadworker1", owner="a-process-that-died", lease_s=0.01) is not None
    with api_client(monkeypatch, worker=True) as client:
        job = wait_for_job(client, "deadworker1")
    assert job["status"] == "succeeded" and job["attempts"] == 2
    assert not store.finish_job("deadworker1", owner="a-process-that-died", result={}, progress={})


def test_a_restart_mid_job_gives_it_back_and_the_next_app_finishes_it(
    fake_llm: ScriptedLLM, monkeypatch: pytest.MonkeyPatch
) -> None:
    import threading
    import time

    release = threading.Event()

    def slow(messages: list[dict[str, str]], params: dict[str, Any]) -> str:
        release.wait(5)  # the first app is stopped while its job waits here
        return echo_last_user(messages, params)

    fake_llm.responder = slow
    with api_client(monkeypatch) as client:
        job_id = client.post("/v1/jobs", json=BODY).json()["job_id"]
        deadline = time.monotonic() + 30
        while client.get(f"/v1/jobs/{job_id}").json()["status"] != "running":
            assert time.monotonic() < deadline
            time.sleep(0.05)
        while not fake_llm.calls:  # it is inside a model call now
            assert time.monotonic() < deadline
            time.sleep(0.05)
    stopped = open_state(get_settings().state).get_job(job_id)
    assert stopped is not None and stopped.status == "queued" and stopped.owner is None and stopped.attempts == 1
    release.set()
    fake_llm.responder = echo_last_user
    with api_client(monkeypatch) as client:
        job = wait_for_job(client, job_id)
    assert job["status"] == "succeeded" and job["attempts"] == 2
