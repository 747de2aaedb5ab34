"""Operating the API: health and readiness, Prometheus metrics, request ids in the log lines, signed
webhooks, the web page, and `tailor jobs purge` for retention."""

from __future__ import annotations

import json
import logging
import threading
import time
from http.server import BaseHTTPRequestHandler, HTTPServer
from typing import Any

import pytest

from app.api.jobs.webhook import verify
from app.settings import get_settings
from app.state import open_state
from tests.conftest import run_cli
from tests.fakes import ScriptedLLM
from tests.test_api_support import JD, RESUME, api_client, wait_for_job


def test_health_and_ready(fake_llm: ScriptedLLM, monkeypatch: pytest.MonkeyPatch) -> None:
    with api_client(monkeypatch) as client:
        health = client.get("/health")
        ready = client.get("/ready")
    assert health.json()["status"] == "ok"
    body = ready.json()
    assert ready.status_code == 200 and body["ready"] is True
    assert set(body["checks"]) == {"database", "registry", "model"}
    assert body["checks"]["model"]["detail"] == "fake/model"
    assert body["pipeline"]["label"] == "v7-strict+fake/model"


def test_not_ready_when_the_model_cannot_be_used(monkeypatch: pytest.MonkeyPatch) -> None:
    with api_client(monkeypatch, model="nosuchprovider/model") as client:  # no fake registered either
        ready = client.get("/ready")
        health = client.get("/health")
    assert ready.status_code == 503 and ready.json()["ready"] is False
    assert health.status_code == 200  # alive, though not ready


def test_metrics_count_requests_jobs_tokens_and_the_served_pipeline(
    fake_llm: ScriptedLLM, monkeypatch: pytest.MonkeyPatch
) -> None:
    with api_client(monkeypatch) as client:
        job = client.post("/v1/optimize", json={"resume": RESUME, "jd": JD}).json()
        client.get(f"/v1/jobs/{job['job_id']}")
        client.get("/v1/jobs/0000")
        text = client.get("/metrics").text
    samples = _samples(text)
    assert samples['tailor_http_requests_total{method="POST",route="/v1/optimize",status="200"}'] == 1
    assert samples['tailor_http_requests_total{method="GET",route="/v1/jobs/{job_id}",status="200"}'] == 1
    assert samples['tailor_http_requests_total{method="GET",route="/v1/jobs/{job_id}",status="404"}'] == 1
    assert samples['tailor_jobs_finished_total{outcome="succeeded"}'] == 1
    assert samples['tailor_jobs{state="succeeded"}'] == 1 and samples["tailor_queue_depth"] == 0
    usage = job["result"]["usage"]
    assert samples['tailor_llm_tokens_total{direction="input"}'] == usage["input_tokens"] > 0
    assert samples['tailor_llm_calls_total{cache="miss"}'] + samples['tailor_llm_calls_total{cache="hit"}'] == usage["calls"]
    served = f'tailor_served_pipeline{{alias="production",hash="{job["pipeline"]["hash"]}",label="v7-strict+fake/model"}}'
    assert samples[served] == 1
    assert 'tailor_http_request_seconds_bucket{le="0.005",method="GET",route="/v1/jobs/{job_id}"}' in samples


def _samples(text: str) -> dict[str, float]:
    return {
        line.rsplit(" ", 1)[0]: float(line.rsplit(" ", 1)[1])
        for line in text.splitlines()
        if line and not line.startswith("#")
    }


def test_every_log_line_of_a_request_and_its_job_names_the_request_id(
    fake_llm: ScriptedLLM, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO, logger="tailor")
    with api_client(monkeypatch) as client:
        response = client.post("/v1/optimize", json={"resume": RESUME, "jd": JD}, headers={"X-Request-ID": "trace-42"})
        generated = client.get("/health")
    job_id = response.json()["job_id"]
    ours = [r for r in caplog.records if getattr(r, "request_id", None) == "trace-42"]
    events = {getattr(r, "event", None) for r in ours}
    assert {"request", "job.start", "job.succeeded"} <= events
    assert all(getattr(r, "job_id", None) == job_id for r in ours if str(getattr(r, "event", "")).startswith("job."))
    assert len(generated.headers["x-request-id"]) == 32  # none given: one generated
    text = "\n".join(r.getMessage() for r in caplog.records if r.name.startswith("tailor.api"))
    assert "priya.raman@example.com" not in text and "013-2233" not in text


def test_a_finished_job_calls_its_webhook_signed(fake_llm: ScriptedLLM, monkeypatch: pytest.MonkeyPatch) -> None:
    received: list[tuple[dict[str, str], bytes]] = []

    class Hook(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            received.append((dict(self.headers), self.rfile.read(int(self.headers["Content-Length"]))))
            self.send_response(204)
            self.end_headers()

        def log_message(self, *args: Any) -> None:
            pass

    server = HTTPServer(("127.0.0.1", 0), Hook)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    url = f"http://127.0.0.1:{server.server_port}/hook"
    try:
        with api_client(monkeypatch, webhook_secret="s3cret") as client:
            job_id = client.post("/v1/jobs", json={"resume": RESUME, "jd": JD, "webhook_url": url}).json()["job_id"]
            assert wait_for_job(client, job_id)["status"] == "succeeded"
            deadline = time.monotonic() + 10
            while not received and time.monotonic() < deadline:
                time.sleep(0.05)
    finally:
        server.shutdown()
    assert len(received) == 1
    headers, body = received[0]
    assert verify("s3cret", headers["X-Tailor-Timestamp"], body, headers["X-Tailor-Signature"])
    assert not verify("other", headers["X-Tailor-Timestamp"], body, headers["X-Tailor-Signature"])
    payload = json.loads(body)
    assert payload["job_id"] == job_id and payload["status"] == "succeeded"
    assert "Priya" not in body.decode()  # the notice names the job, never its content


def test_the_web_page_names_the_served_version(fake_llm: ScriptedLLM, monkeypatch: pytest.MonkeyPatch) -> None:
    with api_client(monkeypatch) as client:
        page = client.get("/")
        script = client.get("/static/app.js")
    assert page.status_code == 200 and page.headers["content-type"].startswith("text/html")
    assert "v7-strict+fake/model" in page.text and 'id="tailor-form"' in page.text
    assert script.status_code == 200 and "textContent" in script.text and "innerHTML" not in script.text


def test_purge_deletes_old_finished_jobs_and_audits_the_count(
    fake_llm: ScriptedLLM, monkeypatch: pytest.MonkeyPatch
) -> None:
    with api_client(monkeypatch, worker=False) as client:
        queued = client.post("/v1/jobs", json={"resume": RESUME, "jd": JD}).json()["job_id"]
    with api_client(monkeypatch) as client:
        old = client.post("/v1/optimize", json={"resume": RESUME, "jd": JD}).json()["job_id"]
        new = client.post("/v1/optimize", json={"resume": RESUME, "jd": JD + "\n"}).json()["job_id"]
        wait_for_job(client, queued)
    store = open_state(get_settings().state)
    from sqlalchemy import update

    from app.state._jobs import jobs

    with store.engine.begin() as connection:
        connection.execute(update(jobs).where(jobs.c.id.in_([old, queued])).values(created_at=time.time() - 40 * 86_400))
        connection.execute(update(jobs).where(jobs.c.id == queued).values(status="queued"))
    result = run_cli("jobs", "purge", "--older-than", "30d")
    bad = run_cli("jobs", "purge", "--older-than", "soon")
    assert result.code == 0 and "purged 1 job(s)" in result.stdout, result.stderr
    assert store.get_job(old) is None and store.get_job(new) is not None and store.get_job(queued) is not None
    audit = [e for e in store.audit_log() if e.action == "jobs.purge"]
    assert len(audit) == 1 and audit[0].details["deleted"] == 1
    assert bad.code == 2 and "30d" in bad.stderr


def test_json_log_lines_carry_the_ids_of_their_request_and_job() -> None:
    from app.api.observability import ContextFilter, JsonLogFormatter, job_id_var, log_event, request_id_var

    records: list[logging.LogRecord] = []

    class Collect(logging.Handler):
        def emit(self, record: logging.LogRecord) -> None:
            records.append(record)

    handler = Collect()
    handler.addFilter(ContextFilter())
    logger = logging.getLogger("tailor.api.test-json")
    logger.addHandler(handler)
    logger.setLevel(logging.INFO)
    tokens = request_id_var.set("req-9"), job_id_var.set("job-9")
    try:
        logger.info("plain line")
        log_event(logger, "job.start", attempt=1)
    finally:
        request_id_var.reset(tokens[0])
        job_id_var.reset(tokens[1])
        logger.removeHandler(handler)
    lines = [json.loads(JsonLogFormatter().format(record)) for record in records]
    assert [(line["message"], line["request_id"], line["job_id"]) for line in lines] == [
        ("plain line", "req-9", "job-9"),
        ("job.start", "req-9", "job-9"),
    ]
    assert lines[1]["attempt"] == 1


def test_usage_is_metered_per_job_when_jobs_share_a_process(
    fake_llm: ScriptedLLM, monkeypatch: pytest.MonkeyPatch
) -> None:
    with api_client(monkeypatch) as client:
        alone = wait_for_job(client, client.post("/v1/jobs", json={"resume": RESUME, "jd": JD}).json()["job_id"])
        ids = [client.post("/v1/jobs", json={"resume": RESUME, "jd": JD + f"\n{n}"}).json()["job_id"] for n in "ab"]
        together = [wait_for_job(client, job_id) for job_id in ids]
    calls = alone["result"]["usage"]["calls"]
    assert calls > 0
    assert [job["result"]["usage"]["calls"] for job in together] == [calls, calls]  # never each other's
